"""Writes: validation, permissions and history. Each public function owns its commit."""

from __future__ import annotations

import json
from typing import Any

from sqlmodel import Session

from edulite.models import AuditEntry, User, utcnow


def _json(value: Any) -> str | None:
    return None if value is None else json.dumps(value, ensure_ascii=False, default=str, sort_keys=True)


def audit(session: Session, *, user_id: int | None, school_id: int | None, action: str, entity: str,
          entity_id: int | None = None, before: Any = None, after: Any = None) -> None:
    """Append to the audit trail in the caller's transaction; never updated or deleted."""
    session.add(AuditEntry(user_id=user_id, school_id=school_id, action=action, entity=entity,
                           entity_id=entity_id, before=_json(before), after=_json(after), at=utcnow()))


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
