"""A principal acts on an alert: acknowledge, resolve or reopen it with a note; audited, scoped to the school.

The state lives on the stored alert, which edulite.alerts.store.sync keeps across recomputation (and reopens
when the day gets worse), so an acknowledgement is not lost when homework is logged again.
"""

from __future__ import annotations

from sqlmodel import Session

from edulite.models import Alert, utcnow
from edulite.school.audit import audit

NOTE_MAX = 1000
# action -> (states it may start from, state it leads to)
TRANSITIONS = {
    "acknowledge": (("open",), "acknowledged"),
    "resolve": (("open", "acknowledged"), "resolved"),
    "reopen": (("acknowledged", "resolved"), "open"),
}


class AlertNotFound(LookupError):
    """No such alert in the caller's school: another school's alert is as absent as a missing one."""


class AlertActionError(ValueError):
    """A refused action; .code says which (note_required, note_too_long, bad_action, not_allowed)."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


def act(session: Session, *, school_id: int, user_id: int, alert_id: int, action: str, note: str | None) -> Alert:
    """Move the alert to the action's state, keep the note and who and when; commits."""
    alert = session.get(Alert, alert_id)
    if alert is None or alert.school_id != school_id:
        raise AlertNotFound(alert_id)
    if action not in TRANSITIONS:
        raise AlertActionError("bad_action")
    sources, target = TRANSITIONS[action]
    if alert.state not in sources:
        raise AlertActionError("not_allowed")
    text = (note or "").strip()
    if len(text) > NOTE_MAX:
        raise AlertActionError("note_too_long")
    # A resolution is the record of what was done about the breach; it cannot be blank.
    if action == "resolve" and not text:
        raise AlertActionError("note_required")
    before = {"state": alert.state, "note": alert.note}
    now = utcnow()
    alert.state, alert.acted_by, alert.acted_at, alert.updated_at = target, user_id, now, now
    if text:
        alert.note = text
    session.add(alert)
    audit(session, user_id=user_id, school_id=school_id, action=f"alert_{action}", entity="alert", entity_id=alert.id,
          before=before, after={"state": alert.state, "note": alert.note})
    session.commit()
    return alert
