"""Reads: each takes a session and the caller's scope, aggregates in SQL, returns frozen dataclasses."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, func, select

from edulite.core.scope import Scope
from edulite.models import Assignment, School, SchoolClass, Subject, User


@dataclass(frozen=True)
class TaughtClass:
    class_id: int
    name: str
    grade: int
    subjects: tuple[str, ...]


def taught_classes(session: Session, *, scope: Scope) -> list[TaughtClass]:
    """The classes (and subjects) the signed-in teacher teaches."""
    rows = session.exec(
        select(SchoolClass.id, SchoolClass.name, SchoolClass.grade, Subject.name)
        .join(Assignment, Assignment.class_id == SchoolClass.id)
        .join(Subject, Subject.id == Assignment.subject_id)
        .where(Assignment.teacher_id == scope.user_id, SchoolClass.school_id == scope.school_id)
        .order_by(SchoolClass.grade, SchoolClass.name, Subject.name)
    ).all()
    grouped: dict[int, TaughtClass] = {}
    for cid, name, grade, subject in rows:
        prev = grouped.get(cid)
        grouped[cid] = TaughtClass(cid, name, grade, (prev.subjects if prev else ()) + (subject,))
    return list(grouped.values())


def user_by_username(session: Session, *, username: str) -> User | None:
    return session.exec(select(User).where(User.username == username)).first()


def installation_counts(session: Session) -> dict[str, int]:
    """What the administrator's page shows: how many schools, classes and accounts there are."""
    return {name: session.exec(select(func.count()).select_from(model)).one()
            for name, model in (("schools", School), ("classes", SchoolClass), ("users", User))}


def school_name(session: Session, *, school_id: int) -> str:
    school = session.get(School, school_id)
    return school.name if school else ""
