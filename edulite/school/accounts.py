"""Accounts an administrator manages from the command line: schools' principals, supervisors, resets."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from sqlmodel import Session, col, func, select

from edulite.core.scope import Scope
from edulite.core.text import has_unsafe
from edulite.homework.input import clean_text
from edulite.imports.load import new_password
from edulite.models import ROLES, Assignment, District, School, SchoolClass, Subject, User
from edulite.school.audit import audit, end_device_logins


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
                password_hash=hash_password(password), must_change_password=True, **scope)
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
    user.must_change_password = True
    user.session_version += 1
    session.add(user)
    end_device_logins(session, user_id=user.id)
    audit(session, user_id=None, school_id=user.school_id, action="password_reset", entity="user", entity_id=user.id)
    session.commit()
    return password


def set_active(session: Session, *, username: str, active: bool) -> None:
    """Disable (or enable) an account; disabling ends its sessions at once."""
    user = _user(session, username)
    user.active = active
    user.session_version += 1
    session.add(user)
    end_device_logins(session, user_id=user.id)
    audit(session, user_id=None, school_id=user.school_id, action="account_enabled" if active else "account_disabled",
          entity="user", entity_id=user.id)
    session.commit()


def _user(session: Session, username: str) -> User:
    user = session.exec(select(User).where(User.username == username)).first()
    if user is None:
        raise AccountError(f"no account named {username!r}")
    return user


# --- Accounts managed from the web (#15): principals for their school's teachers, administrators for all.

MAX_NAME = 64
# Letters (any script), digits and . _ - : what a teacher can type on a phone keyboard and read back aloud.
_USERNAME = re.compile(r"^[\w.-]{2,64}$")


@dataclass(frozen=True)
class AccountProblem(ValueError):
    """A field of the accounts form that is wrong, by code (web/labels.py words it). Nothing was written."""

    field: str
    code: str


@dataclass(frozen=True)
class ManagedAccount:
    id: int
    username: str
    display_name: str
    role: str
    school: str
    active: bool
    must_change_password: bool
    # "三年级(1)班 数学" for each of a teacher's assignments.
    teaches: tuple[str, ...]


def _may_manage(scope: Scope, user: User) -> bool:
    """A principal manages the teachers of their own school; an administrator everyone but themselves."""
    if user.id == scope.user_id:
        return False
    if scope.role == "admin":
        return True
    return scope.role == "principal" and user.role == "teacher" and user.school_id == scope.school_id


def managed_accounts(session: Session, *, scope: Scope) -> list[ManagedAccount]:
    """The accounts the caller may manage, with what each teacher teaches; two statements whatever the count."""
    query = select(User, School.name).join(School, School.id == User.school_id, isouter=True)
    if scope.role != "admin":
        query = query.where(User.school_id == scope.school_id, User.role == "teacher")
    users = [(u, school or "") for u, school in session.exec(query.order_by(User.display_name, User.id)).all()
             if _may_manage(scope, u)]
    ids = [u.id for u, _school in users]
    taught: dict[int, list[str]] = {}
    if ids:
        rows = session.exec(
            select(Assignment.teacher_id, SchoolClass.name, Subject.name)
            .join(SchoolClass, SchoolClass.id == Assignment.class_id)
            .join(Subject, Subject.id == Assignment.subject_id)
            .where(col(Assignment.teacher_id).in_(ids))
            .order_by(SchoolClass.grade, SchoolClass.name, Subject.name)).all()
        for teacher_id, class_name, subject in rows:
            taught.setdefault(teacher_id, []).append(f"{class_name} {subject}")
    return [ManagedAccount(u.id, u.username, u.display_name, u.role, school, u.active, u.must_change_password,
                           tuple(taught.get(u.id, ()))) for u, school in users]


def managed_schools(session: Session, *, scope: Scope) -> list[tuple[int, str]]:
    """The schools an account can be added to: the principal's own, or every school for an administrator."""
    query = select(School.id, School.name).order_by(School.name)
    if scope.role != "admin":
        query = query.where(School.id == scope.school_id)
    return [(sid, name) for sid, name in session.exec(query).all()]


def add_account(session: Session, *, scope: Scope, username: str, display_name: str, school_id: int | None,
                role: str, hash_password: Callable[[str], str]) -> str:
    """Create a teacher (or, for an administrator, a principal) with a one-time password, returned once.

    The holder must replace it at first sign-in (User.must_change_password); the trail names who added it.
    """
    username, display_name = clean_text(username), clean_text(display_name)
    if scope.role != "admin":
        role, school_id = "teacher", scope.school_id
    if role not in ("teacher", "principal"):
        raise AccountProblem("role", "role")
    if not _USERNAME.match(username):
        raise AccountProblem("username", "username")
    if not display_name or len(display_name) > MAX_NAME:
        raise AccountProblem("display_name", "display_name")
    if school_id is None or school_id not in {sid for sid, _n in managed_schools(session, scope=scope)}:
        raise AccountProblem("school_id", "school")
    taken = session.exec(select(User.id).where(func.lower(User.username) == username.lower())).first()
    if taken is not None:
        raise AccountProblem("username", "username_taken")
    password = new_password()
    user = User(username=username, display_name=display_name, role=role, school_id=school_id,
                password_hash=hash_password(password), must_change_password=True)
    session.add(user)
    session.flush()
    audit(session, user_id=scope.user_id, school_id=school_id, action="account_created", entity="user",
          entity_id=user.id, after={"username": username, "display_name": display_name, "role": role})
    session.commit()
    return password


def _managed_user(session: Session, scope: Scope, user_id: int) -> User:
    user = session.get(User, user_id) if 0 < user_id < 2**31 else None
    if user is None or not _may_manage(scope, user):
        raise PermissionError(f"user {scope.user_id} may not manage account {user_id}")
    return user


def reset_password_of(session: Session, *, scope: Scope, user_id: int, hash_password: Callable[[str], str]) -> str:
    """A new one-time password for an account the caller manages; its sessions end, it must be changed."""
    user = _managed_user(session, scope, user_id)
    password = new_password()
    user.password_hash = hash_password(password)
    user.must_change_password = True
    user.session_version += 1
    session.add(user)
    end_device_logins(session, user_id=user.id)
    audit(session, user_id=scope.user_id, school_id=user.school_id, action="password_reset", entity="user",
          entity_id=user.id)
    session.commit()
    return password


def set_active_of(session: Session, *, scope: Scope, user_id: int, active: bool) -> User:
    """Disable a leaver (their sessions end at once) or enable an account again; audited."""
    user = _managed_user(session, scope, user_id)
    if user.active == active:
        session.rollback()
        return user
    user.active = active
    user.session_version += 1
    session.add(user)
    end_device_logins(session, user_id=user.id)
    audit(session, user_id=scope.user_id, school_id=user.school_id,
          action="account_enabled" if active else "account_disabled", entity="user", entity_id=user.id,
          before={"active": not active}, after={"active": active})
    session.commit()
    return user
