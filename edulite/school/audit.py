"""Writes: validation, permissions and history. Each public function owns its commit."""

from __future__ import annotations

import json
from typing import Any

from sqlmodel import Session, col, select
from werkzeug.security import check_password_hash, generate_password_hash

from edulite.config import Config
from edulite.models import AuditEntry, DeviceLogin, User, utcnow
from edulite.school.passwords import too_common


def _json(value: Any) -> str | None:
    return None if value is None else json.dumps(value, ensure_ascii=False, default=str, sort_keys=True)


def audit(session: Session, *, user_id: int | None, school_id: int | None, action: str, entity: str,
          entity_id: int | None = None, before: Any = None, after: Any = None) -> None:
    """Append to the audit trail in the caller's transaction; never updated or deleted."""
    session.add(AuditEntry(**entry_values(user_id=user_id, school_id=school_id, action=action, entity=entity,
                                          entity_id=entity_id, before=before, after=after)))


def entry_values(*, user_id: int | None, school_id: int | None, action: str, entity: str,
                 entity_id: int | None = None, before: Any = None, after: Any = None) -> dict[str, Any]:
    """The columns of one audit row, for writers that insert with Core statements (the teacher's save)."""
    return {"user_id": user_id, "school_id": school_id, "action": action, "entity": entity,
            "entity_id": entity_id, "before": _json(before), "after": _json(after), "at": utcnow()}


def audit_failed_login(session: Session, *, username: str, address: str | None) -> None:
    audit(session, user_id=None, school_id=None, action="login_failed", entity="user",
          after={"username": username[:64], "address": address})
    session.commit()


def revoke_sessions(session: Session, *, user_id: int) -> None:
    """Invalidate every cookie issued to this user so far (sign-out, password change, disable)."""
    user = session.get(User, user_id)
    if user is not None:
        user.session_version += 1
        session.add(user)
        session.commit()


class PasswordRejected(ValueError):
    """A password change refused; `field` is the form field to show `reason` next to."""

    def __init__(self, field: str, reason: str):
        super().__init__(reason)
        self.field = field
        self.reason = reason


def change_password(session: Session, *, user_id: int, old: str, new: str, min_length: int = 10,
                    hash_method: str = Config.PASSWORD_HASH_METHOD) -> None:
    """Replace a password after checking the old one; every other signed-in copy of the account ends."""
    user = session.get(User, user_id)
    if user is None or not user.active or not check_password_hash(user.password_hash, old):
        raise PasswordRejected("old", "wrong")
    if len(new) < min_length:
        raise PasswordRejected("new", "short")
    if user.username.casefold() in new.casefold():
        raise PasswordRejected("new", "username")
    if new == old:
        raise PasswordRejected("new", "same")
    if too_common(new):
        raise PasswordRejected("new", "common")  # #17: the demo's public password, or a guesser's first try
    user.password_hash = generate_password_hash(new, method=hash_method)
    user.must_change_password = False
    user.session_version += 1
    session.add(user)
    # Remembered phones end with the old password (#15).
    end_device_logins(session, user_id=user_id)
    # The trail says that it changed, never what to.
    audit(session, user_id=user.id, school_id=user.school_id, action="password_changed", entity="user",
          entity_id=user.id)
    session.commit()


def end_device_logins(session: Session, *, user_id: int) -> None:
    """End every remembered phone of the account (#15), in the caller's transaction: password change or
    reset, disabled account. Here rather than in school/devices.py, which uses audit()."""
    for device in session.exec(select(DeviceLogin).where(DeviceLogin.user_id == user_id,
                                                         col(DeviceLogin.revoked_at).is_(None))).all():
        device.revoked_at = utcnow()
        session.add(device)
