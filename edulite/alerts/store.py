"""Stored alerts: recomputed from the engine whenever homework or sessions change.

A principal's acknowledgement or resolution (and note) survives recomputation; an alert whose day
got worse reopens; an alert the engine no longer finds is kept for the record with current=False,
with who cleared it, when and why (cleared_*), and is raised again (open) if the breach comes back.
Each step of that life (raised, cleared, raised again) goes into the audit trail (#14).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlmodel import Session, col, or_, select

from edulite.core import rule_ids, rules
from edulite.homework import loads
from edulite.models import Alert, HomeworkItem, SchoolClass, utcnow
from edulite.school.audit import audit

# Why recomputation stopped finding a breach: the write that ran it. "recomputed" is a command run
# by an operator (flask edulite recompute-alerts) or the demo; the labels are in edulite/web/labels.py.
CLEAR_CAUSES = ("homework", "import", "calendar", "policy", "class", "after_school", "recomputed")


@dataclass(frozen=True)
class RecomputeResult:
    opened: int
    reopened: int
    updated: int
    cleared: int


def _number(value) -> float | None:
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def _worse(old: str, new) -> bool:
    before, after = _number(old), _number(new)
    return before is not None and after is not None and after > before


def wording_items(session: Session, *, school_id: int, start: date, end: date,
                  class_ids: list[int] | None = None) -> list[rules.Item]:
    """Live items set in [start, end) with their text, for the wording rules (R-HW-06, R-HW-08)."""
    query = (select(HomeworkItem.id, HomeworkItem.class_id, HomeworkItem.set_date, HomeworkItem.description,
                    HomeworkItem.kind, HomeworkItem.location)
             .join(SchoolClass, SchoolClass.id == HomeworkItem.class_id)
             .where(SchoolClass.school_id == school_id, HomeworkItem.set_date >= start, HomeworkItem.set_date < end,
                    col(HomeworkItem.withdrawn).is_(False), HomeworkItem.description != ""))
    if class_ids is not None:
        query = query.where(col(HomeworkItem.class_id).in_(class_ids))
    return [rules.Item(iid, cid, "", kind, True, loc, 0, day, description=text)
            for iid, cid, day, text, kind, loc in session.exec(query).all()]


def engine_alerts(session: Session, *, school_id: int, start: date, end: date,
                  class_ids: list[int] | None = None) -> list[rules.Alert]:
    """Every homework and class-size alert of the school's classes over [start, end)."""
    found: list[rules.Alert] = []
    periods = loads.policy_periods(session, school_id=school_id, start=start, end=end)
    for a, b, policy in periods:
        for cl in loads.class_loads(session, school_id=school_id, start=a, end=b, class_ids=class_ids):
            for day in cl.days:
                found += rules.class_day_alerts(day, grade=cl.klass.grade, policy=policy)
        found += [alert for item in wording_items(session, school_id=school_id, start=a, end=b, class_ids=class_ids)
                  for alert in rules.wording_alerts(item, policy)]
    latest = periods[-1][2] if periods else loads.policy_in_force(session, school_id=school_id, day=start)
    for klass in loads.classes(session, school_id=school_id, class_ids=class_ids):
        size = rules.class_size_alert(class_id=klass.class_id, grade=klass.grade, headcount=klass.headcount,
                                      policy=latest)
        found += [size] if size else []
    return rules.sort_alerts(found)


def _life(alert: Alert) -> dict:
    return {"rule_id": alert.rule_id, "class_id": alert.class_id,
            "day": alert.day.isoformat() if alert.day else None, "figure": alert.figure, "limit": alert.limit,
            "state": alert.state, "current": alert.current}


def sync(session: Session, *, school_id: int, found: list[rules.Alert], stored_query,
         actor_id: int | None = None, cause: str = "recomputed") -> RecomputeResult:
    """Merge freshly computed alerts into the stored ones selected by stored_query (same scope).

    actor_id and cause say whose write ran the recomputation and what it was: a cleared alert keeps
    them, and the audit trail records each alert raised, cleared and raised again under them.
    """
    stored = {a.key: a for a in session.exec(stored_query).all()}
    opened = reopened = updated = cleared = 0
    now = utcnow()
    raised: list[Alert] = []
    again: list[tuple[dict, Alert]] = []
    for alert in found:
        row = stored.pop(alert.key, None)
        if row is None:
            row = Alert(school_id=school_id, class_id=alert.class_id, key=alert.key, rule_id=alert.rule_id,
                        day=alert.day, figure=str(alert.figure),
                        limit=None if alert.limit is None else str(alert.limit),
                        detail=alert.detail[:500], item_id=alert.item_id, subject=alert.subject)
            session.add(row)
            raised.append(row)
            opened += 1
            continue
        before = _life(row) if not row.current else None
        if row.state != "open" and (_worse(row.figure, alert.figure) or not row.current):
            row.state, reopened = "open", reopened + 1
        elif row.figure != str(alert.figure) or not row.current:
            updated += 1
        row.figure, row.current, row.updated_at = str(alert.figure), True, now
        row.limit = None if alert.limit is None else str(alert.limit)
        row.detail = alert.detail[:500]
        session.add(row)
        if before is not None:
            again.append((before, row))
    for row in stored.values():
        if row.current:
            before = _life(row)
            row.current, row.updated_at = False, now
            row.cleared_at, row.cleared_by, row.cleared_cause = now, actor_id, cause
            session.add(row)
            audit(session, user_id=actor_id, school_id=school_id, action="alert_cleared", entity="alert",
                  entity_id=row.id, before=before, after={**_life(row), "cause": cause})
            cleared += 1
    if raised:
        session.flush()  # the new alerts' ids, for their audit entries
    for row in raised:
        audit(session, user_id=actor_id, school_id=school_id, action="alert_raised", entity="alert",
              entity_id=row.id, after={**_life(row), "cause": cause})
    for before, row in again:
        audit(session, user_id=actor_id, school_id=school_id, action="alert_raised_again", entity="alert",
              entity_id=row.id, before=before, after={**_life(row), "cause": cause})
    return RecomputeResult(opened, reopened, updated, cleared)


def recompute(session: Session, *, school_id: int, start: date, end: date,
              class_ids: list[int] | None = None, actor_id: int | None = None,
              cause: str = "recomputed") -> RecomputeResult:
    """Recompute the homework alerts of [start, end) in the caller's transaction (the caller commits)."""
    found = engine_alerts(session, school_id=school_id, start=start, end=end, class_ids=class_ids)
    query = select(Alert).where(Alert.school_id == school_id, col(Alert.rule_id).in_(rule_ids.HOMEWORK_RULES),
                                or_(col(Alert.day).is_(None), (Alert.day >= start) & (Alert.day < end)))
    if class_ids is not None:
        query = query.where(col(Alert.class_id).in_(class_ids))
    return sync(session, school_id=school_id, found=found, stored_query=query, actor_id=actor_id, cause=cause)
