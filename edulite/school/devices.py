"""Phones remembered at sign-in ("remember this phone", #15): long-lived, revocable, stored hashed.

The token lives only in the phone's cookie; the table holds its SHA-256 (a 256-bit random token needs no
slow hash). A device login ends when its owner signs it out (one, or from the account page), when the
password changes or is reset, when the account is disabled, or after DEVICE_LOGIN_DAYS.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlmodel import Session, col, select

from edulite.db import begin_writes
from edulite.models import DeviceLogin, User, utcnow
from edulite.school.audit import audit

# last_used_at is rewritten at most this often: a page view must not be a write.
TOUCH_EVERY = timedelta(hours=1)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def remember(session: Session, *, user: User, label: str) -> tuple[str, int]:
    """Remember this phone for user; returns the token for its cookie (never stored in clear) and its id."""
    token = secrets.token_urlsafe(32)
    assert user.id is not None  # noqa: S101  # nosec B101  # a stored account
    device = DeviceLogin(user_id=user.id, token_hash=_hash(token), label=label[:120])
    session.add(device)
    session.flush()
    audit(session, user_id=user.id, school_id=user.school_id, action="device_remembered", entity="device_login",
          entity_id=device.id, after={"label": device.label})
    session.commit()
    assert device.id is not None  # noqa: S101  # nosec B101  # flushed above
    return token, device.id


def user_for(session: Session, *, token: str, max_age: timedelta) -> tuple[User, DeviceLogin] | None:
    """The live account a device token signs in, else None (unknown, revoked, expired or disabled)."""
    if not token or len(token) > 100:
        return None
    device = session.exec(select(DeviceLogin).where(DeviceLogin.token_hash == _hash(token))).first()
    if device is None or device.revoked_at is not None or utcnow() - _aware(device.created_at) > max_age:
        return None
    user = session.get(User, device.user_id)
    if user is None or not user.active:
        return None
    if utcnow() - _aware(device.last_used_at) > TOUCH_EVERY:
        # A request whose view reads first (ADR 0010) is still in its read phase here: the touch is a
        # short write transaction of its own.
        begin_writes(session)
        device.last_used_at = utcnow()
        session.add(device)
        session.commit()
    return user, device


def forget(session: Session, *, token: str) -> None:
    """Sign this phone out (the cookie's own device login), e.g. at sign-out."""
    device = session.exec(select(DeviceLogin).where(DeviceLogin.token_hash == _hash(token))).first()
    if device is not None and device.revoked_at is None:
        device.revoked_at = utcnow()
        session.add(device)
        session.commit()


@dataclass(frozen=True)
class Device:
    id: int
    label: str
    created_at: datetime
    last_used_at: datetime
    current: bool


def devices_of(session: Session, *, user_id: int, max_age: timedelta, current_id: int | None) -> list[Device]:
    """The account's live device logins, newest first, for its account page."""
    since = utcnow() - max_age
    rows = session.exec(select(DeviceLogin).where(
        DeviceLogin.user_id == user_id, col(DeviceLogin.revoked_at).is_(None), DeviceLogin.created_at >= since)
        .order_by(col(DeviceLogin.last_used_at).desc())).all()
    return [Device(d.id, d.label, d.created_at, d.last_used_at, d.id == current_id) for d in rows
            if d.id is not None]


def sign_out_device(session: Session, *, user_id: int, device_id: int) -> bool:
    """Sign one of one's own phones out from the account page; False if it is not one's own."""
    device = session.get(DeviceLogin, device_id) if 0 < device_id < 2**31 else None
    if device is None or device.user_id != user_id:
        return False
    if device.revoked_at is None:
        device.revoked_at = utcnow()
        session.add(device)
        user = session.get(User, user_id)
        audit(session, user_id=user_id, school_id=user.school_id if user else None, action="device_signed_out",
              entity="device_login", entity_id=device.id)
        session.commit()
    return True
