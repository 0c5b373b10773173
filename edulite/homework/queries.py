"""Reads for the teacher's pages: each class's evening with every subject's entries, and copy sources.

Every function takes the caller's scope; a class the teacher does not teach returns nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlmodel import Session, col, select

from edulite.core import rules
from edulite.core.entry import MAX_SPREAD_DAYS, editable
from edulite.core.scope import Scope
from edulite.homework import budget, counting, loads
from edulite.models import Assignment, HomeworkItem, SchoolClass, Subject, User

COPY_DAYS = 21
COPY_LIMIT = 8


@dataclass(frozen=True)
class DayItem:
    """One entry done on the evening shown, with who set it and what this evening's share is."""

    id: int
    subject: str
    subject_id: int
    teacher: str
    description: str
    kind: str
    required: bool
    location: str
    minutes: int  # this evening's share of a multi-evening item
    total_minutes: int
    set_date: date
    due_date: date | None
    no_homework: bool
    graded: bool
    counts: bool
    wording: tuple[str, ...]
    mine: bool
    editable: bool
    # The teacher's own withdrawn entries stay on their page, struck through, to be restored (#15).
    withdrawn: bool = False


@dataclass(frozen=True)
class ClassDay:
    class_id: int
    name: str
    grade: int
    day: date
    load: rules.DayLoad
    state: str
    alerts: tuple[rules.Alert, ...]
    items: tuple[DayItem, ...]
    my_subjects: tuple[tuple[int, str], ...]
    mode: str

    def logged(self, subject_id: int) -> bool:
        return any(item.subject_id == subject_id for item in self.items
                   if item.set_date == self.day and not item.withdrawn)


def my_subjects(session: Session, *, scope: Scope) -> dict[int, list[tuple[int, str]]]:
    """The subjects the teacher teaches, by class (only classes of the teacher's school)."""
    rows = session.exec(
        select(Assignment.class_id, Subject.id, Subject.name)
        .join(Subject, Subject.id == Assignment.subject_id)
        .join(SchoolClass, SchoolClass.id == Assignment.class_id)
        .where(Assignment.teacher_id == scope.user_id, SchoolClass.school_id == scope.school_id,
               SchoolClass.active)
        .order_by(SchoolClass.grade, SchoolClass.name, Subject.name)).all()
    out: dict[int, list[tuple[int, str]]] = {}
    for class_id, subject_id, name in rows:
        out.setdefault(class_id, []).append((subject_id, name))
    return out


def _day_items(session: Session, scope: Scope, class_ids: list[int], day: date, today: date,
               mine: dict[int, list[tuple[int, str]]]) -> dict[int, list[DayItem]]:
    zone = budget.school_zone(session, school_id=scope.school_id)
    policy = loads.policy_in_force(session, school_id=scope.school_id, day=day)
    rows = session.exec(
        select(HomeworkItem, Subject.name, User.display_name)
        .join(Subject, Subject.id == HomeworkItem.subject_id).join(User, User.id == HomeworkItem.teacher_id)
        .where(col(HomeworkItem.class_id).in_(class_ids),
               # Withdrawn entries too (a "no homework" marker dropped by a real entry is not worth showing).
               col(HomeworkItem.withdrawn).is_(False) | col(HomeworkItem.no_homework).is_(False),
               HomeworkItem.set_date <= day, HomeworkItem.set_date >= day - timedelta(days=MAX_SPREAD_DAYS),
               HomeworkItem.last_evening >= day)
        .order_by(Subject.name, HomeworkItem.created_at)).all()
    out: dict[int, list[DayItem]] = {}
    for item, subject, teacher in rows:
        is_mine = (item.subject_id, subject) in mine.get(item.class_id, [])
        if item.withdrawn and not is_mine:
            continue
        logged_on = budget.local_date(item.created_at, zone)
        tonight = rules.spread_minutes(item.minutes, item.set_date, item.due_date).get(day, 0)
        out.setdefault(item.class_id, []).append(DayItem(
            item.id, subject, item.subject_id, teacher, item.description, item.kind, item.required,
            item.location, tonight, item.minutes, item.set_date, item.due_date,
            item.no_homework, item.graded, counting.counts(item),
            tuple(text for _rule, text in rules.wording_problems(item.description, policy)),
            is_mine, is_mine and editable(set_date=item.set_date, logged_on=logged_on, today=today,
                                          withdrawn=False), item.withdrawn))
    return out


def class_days(session: Session, *, scope: Scope, day: date, today: date,
               class_ids: list[int] | None = None) -> list[ClassDay]:
    """The teacher's classes (or those of class_ids that the teacher teaches) on one evening."""
    mine = my_subjects(session, scope=scope)
    wanted = [cid for cid in mine if class_ids is None or cid in class_ids]
    if not wanted:
        return []
    policy = loads.policy_in_force(session, school_id=scope.school_id, day=day)
    items = _day_items(session, scope, wanted, day, today, mine)
    out = []
    for cl in loads.class_loads(session, school_id=scope.school_id, start=day, end=day + timedelta(days=1),
                                class_ids=wanted):
        (load,) = cl.days
        found = rules.class_day_alerts(load, grade=cl.klass.grade, policy=policy)
        out.append(ClassDay(cl.klass.class_id, cl.klass.name, cl.klass.grade, day, load, rules.day_state(load, found),
                            tuple(found), tuple(items.get(cl.klass.class_id, [])),
                            tuple(mine[cl.klass.class_id]), policy.over_cap_mode))
    return out


def class_day(session: Session, *, scope: Scope, class_id: int, day: date, today: date) -> ClassDay | None:
    found = class_days(session, scope=scope, day=day, today=today, class_ids=[class_id])
    return found[0] if found else None


@dataclass(frozen=True)
class CopySource:
    id: int
    class_name: str
    subject_id: int
    subject: str
    description: str
    kind: str
    minutes: int
    set_date: date


def copy_sources(session: Session, *, scope: Scope, class_id: int, day: date) -> list[CopySource]:
    """Recent entries of the teacher's subjects in this class, or in a parallel class on the same subject."""
    subjects = [sid for sid, _ in my_subjects(session, scope=scope).get(class_id, [])]
    rows = session.exec(
        select(HomeworkItem.id, SchoolClass.name, Subject.id, Subject.name, HomeworkItem.description,
               HomeworkItem.kind, HomeworkItem.minutes, HomeworkItem.set_date, HomeworkItem.class_id)
        .join(Subject, Subject.id == HomeworkItem.subject_id)
        .join(SchoolClass, SchoolClass.id == HomeworkItem.class_id)
        .join(Assignment, (Assignment.class_id == HomeworkItem.class_id)
              & (Assignment.subject_id == HomeworkItem.subject_id))
        .where(Assignment.teacher_id == scope.user_id, SchoolClass.school_id == scope.school_id,
               col(HomeworkItem.subject_id).in_(subjects), col(HomeworkItem.withdrawn).is_(False),
               col(HomeworkItem.no_homework).is_(False), HomeworkItem.set_date <= day,
               HomeworkItem.set_date >= day - timedelta(days=COPY_DAYS))
        .order_by(col(HomeworkItem.set_date).desc(), col(HomeworkItem.id).desc())).all()
    seen: set[tuple] = set()
    out = []
    for iid, cname, sid, subject, text, kind, minutes, set_date, cid in rows:
        if (cid == class_id and set_date == day) or (sid, text, kind, minutes) in seen:
            continue
        seen.add((sid, text, kind, minutes))
        out.append(CopySource(iid, cname, sid, subject, text, kind, minutes, set_date))
    return out[:COPY_LIMIT]


def my_item(session: Session, *, scope: Scope, item_id: int) -> HomeworkItem | None:
    """An entry of a class and subject the teacher teaches (to edit, copy or show), else None."""
    return session.exec(
        select(HomeworkItem)
        .join(Assignment, (Assignment.class_id == HomeworkItem.class_id)
              & (Assignment.subject_id == HomeworkItem.subject_id))
        .join(SchoolClass, SchoolClass.id == HomeworkItem.class_id)
        .where(HomeworkItem.id == item_id, Assignment.teacher_id == scope.user_id,
               SchoolClass.school_id == scope.school_id)).first()


def class_item(session: Session, *, scope: Scope, item_id: int) -> HomeworkItem | None:
    """An entry of any subject in a class the teacher teaches (to look at, not to change), else None."""
    return session.exec(
        select(HomeworkItem).join(SchoolClass, SchoolClass.id == HomeworkItem.class_id)
        .where(HomeworkItem.id == item_id, SchoolClass.school_id == scope.school_id,
               col(HomeworkItem.class_id).in_(select(Assignment.class_id)
                                              .where(Assignment.teacher_id == scope.user_id)))).first()


@dataclass(frozen=True)
class ParallelClass:
    class_id: int
    name: str
    grade: int


def parallel_classes(session: Session, *, scope: Scope, class_id: int, subject_id: int) -> list[ParallelClass]:
    """The teacher's other classes of the same subject: where one entry can also be saved (#15)."""
    rows = session.exec(
        select(SchoolClass.id, SchoolClass.name, SchoolClass.grade)
        .join(Assignment, Assignment.class_id == SchoolClass.id)
        .where(Assignment.teacher_id == scope.user_id, Assignment.subject_id == subject_id,
               SchoolClass.school_id == scope.school_id, SchoolClass.active, SchoolClass.id != class_id)
        .order_by(SchoolClass.grade, SchoolClass.name)).all()
    return [ParallelClass(cid, name, grade) for cid, name, grade in rows]


def class_names(session: Session, *, scope: Scope, class_ids: list[int]) -> list[str]:
    """The names of the caller's school's classes, in the order asked for."""
    names = dict(session.exec(select(SchoolClass.id, SchoolClass.name).where(
        col(SchoolClass.id).in_(class_ids), SchoolClass.school_id == scope.school_id)).all())
    return [names[cid] for cid in class_ids if cid in names]
