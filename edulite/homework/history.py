"""The history of a homework entry: every create, edit, withdrawal and graded mark, oldest first.

Used by the teacher's item page and the principal's class-day page (with_changes); visibility is decided
here, by scope.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import exists, false, or_
from sqlmodel import Session, select

from edulite.core.scope import Scope
from edulite.models import Assignment, HomeworkItem, HomeworkRevision, School, SchoolClass, User

# Fields shown when they change, in the order a reader scans them.
TRACKED = ("subject", "description", "kind", "required", "location", "minutes", "set_date", "due_date",
           "no_homework", "graded", "withdrawn", "over_cap_reason")


@dataclass(frozen=True)
class Change:
    field: str
    before: object
    after: object


@dataclass(frozen=True)
class Revision:
    version: int
    action: str
    changed_by: str
    changed_at: datetime
    snapshot: dict
    changes: tuple[Change, ...]


def parse_snapshot(text: str) -> dict:
    """A stored snapshot as a dict; an unreadable one (hand-edited, imported) is shown as its text."""
    try:
        data = json.loads(text)
    except ValueError:
        return {"text": text}
    return data if isinstance(data, dict) else {"value": data}


def with_changes(rows: Iterable[tuple[HomeworkRevision, str]]) -> list[Revision]:
    """The revisions of ONE item, oldest first, each with the tracked fields that changed since the one before
    (the first has none: it is the entry as logged)."""
    out: list[Revision] = []
    previous: dict = {}
    for row, name in rows:
        snap = parse_snapshot(row.snapshot)
        changes = tuple(Change(key, previous.get(key), snap.get(key)) for key in TRACKED
                        if previous and key in snap and previous.get(key) != snap.get(key))
        out.append(Revision(row.version, row.action, name, row.changed_at, snap, changes))
        previous = snap
    return out


def _scoped(query, scope: Scope):
    """Teachers see entries of classes they teach (grade leaders their grade); principals their school;
    district supervisors their district's schools; nobody else."""
    if scope.role == "teacher":
        visible = exists().where(Assignment.class_id == SchoolClass.id, Assignment.teacher_id == scope.user_id)
        if scope.lead_grade is not None:
            visible = or_(visible, SchoolClass.grade == scope.lead_grade)
        return query.where(SchoolClass.school_id == scope.school_id, visible)
    if scope.role == "principal":
        return query.where(SchoolClass.school_id == scope.school_id)
    if scope.role == "district":
        return query.join(School, School.id == SchoolClass.school_id).where(School.district_id == scope.district_id)
    return query.where(false())


def item_history(session: Session, *, item_id: int, scope: Scope) -> list[Revision]:
    """Every revision of the item with what changed from the one before; [] when out of scope."""
    query = (select(HomeworkRevision, User.display_name)
             .join(HomeworkItem, HomeworkItem.id == HomeworkRevision.item_id)
             .join(SchoolClass, SchoolClass.id == HomeworkItem.class_id)
             .join(User, User.id == HomeworkRevision.changed_by)
             .where(HomeworkRevision.item_id == item_id)
             .order_by(HomeworkRevision.version, HomeworkRevision.id))
    return with_changes(session.exec(_scoped(query, scope)).all())
