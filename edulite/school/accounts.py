"""Accounts an administrator manages from the command line: schools' principals, supervisors, resets."""

from __future__ import annotations

from collections.abc import Callable

from sqlmodel import Session, select

from edulite.core.text import has_unsafe
from edulite.imports.load import new_password
from edulite.models import ROLES, District, School, User
from edulite.school.audit import audit


class AccountError(ValueError):
    """A request that cannot be carried out as asked; the message says why."""


def _district(session: Session, name: str) -> District:
    district = session.exec(select(District).where(District.name == name)).first()
    if district is None:
        district = District(name=name)
        session.add(district)
        session.flush()
    return district


def create_school(session: Session, *, name: str, district: str) -> School:
    if has_unsafe(name) or has_unsafe(district):
        raise AccountError("school and district names must not contain control, direction or invisible characters")
    if session.exec(select(School).where(School.name == name)).first():
        raise AccountError(f"a school named {name!r} exists already")
    school = School(name=name, district_id=_district(session, district).id)
    session.add(school)
    session.flush()
    audit(session, user_id=None, school_id=school.id, action="school_created", entity="school", entity_id=school.id,
          after={"name": name, "district": district})
    session.commit()
    return school


def create_user(session: Session, *, username: str, role: str, display_name: str, school: str | None,
                district: str | None, hash_password: Callable[[str], str]) -> str:
    """Create an account with a one-time password, which is returned (and never stored in clear)."""
    if role not in ROLES:
        raise AccountError(f"role must be one of {', '.join(ROLES)}")
    if not username.strip() or len(username) > 64:
        raise AccountError("username must be 1 to 64 characters")
    if has_unsafe(username) or has_unsafe(display_name or ""):
        # #17: U+202E or a zero-width space makes "admin" and "ad\u200bmin" two accounts that look alike.
        raise AccountError("username and name must not contain control, direction or invisible characters")
    if session.exec(select(User).where(User.username == username)).first():
        raise AccountError(f"the username {username!r} is taken")
    scope: dict = {}
    if role in ("teacher", "principal"):
        found = session.exec(select(School).where(School.name == (school or ""))).first()
        if found is None:
            raise AccountError(f"a {role} needs --school with an existing school's name")
        scope["school_id"] = found.id
    if role == "district":
        found = session.exec(select(District).where(District.name == (district or ""))).first()
        if found is None:
            raise AccountError("a district supervisor needs --district with an existing district's name")
        scope["district_id"] = found.id
    password = new_password()
    user = User(username=username, display_name=display_name or username, role=role,
                password_hash=hash_password(password), **scope)
    session.add(user)
    session.flush()
    audit(session, user_id=None, school_id=scope.get("school_id"), action="account_created", entity="user",
          entity_id=user.id, after={"username": username, "role": role})
    session.commit()
    return password


def reset_password(session: Session, *, username: str, hash_password: Callable[[str], str]) -> str:
    """Give the account a new one-time password and end all its sessions."""
    user = _user(session, username)
    password = new_password()
    user.password_hash = hash_password(password)
    user.session_version += 1
    session.add(user)
    audit(session, user_id=None, school_id=user.school_id, action="password_reset", entity="user", entity_id=user.id)
    session.commit()
    return password


def set_active(session: Session, *, username: str, active: bool) -> None:
    """Disable (or enable) an account; disabling ends its sessions at once."""
    user = _user(session, username)
    user.active = active
    user.session_version += 1
    session.add(user)
    audit(session, user_id=None, school_id=user.school_id, action="account_enabled" if active else "account_disabled",
          entity="user", entity_id=user.id)
    session.commit()


def _user(session: Session, username: str) -> User:
    user = session.exec(select(User).where(User.username == username)).first()
    if user is None:
        raise AccountError(f"no account named {username!r}")
    return user
