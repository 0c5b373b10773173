"""What lies behind one class-day: its load, the items done that evening with their edit history, the
after-school sessions the class took part in, and its alerts. Four statements besides the load."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time, timedelta

from sqlalchemy import or_
from sqlmodel import Session, col, select

from edulite.alerts import inbox as alert_inbox
from edulite.core import rules
from edulite.core.entry import MAX_SPREAD_DAYS
from edulite.homework import counting, history, loads
from edulite.models import AfterSchoolSession, HomeworkItem, HomeworkRevision, SessionClass, Subject, User


class ClassNotFound(LookupError):
    """No such class in the caller's school (shown as 404, the same as a class that does not exist)."""


@dataclass(frozen=True)
class ItemRow:
    id: int
    subject: str
    teacher: str
    description: str
    kind: str
    required: bool
    location: str
    minutes: int
    set_date: date
    due_date: date | None
    graded: bool
    withdrawn: bool
    no_homework: bool
    over_cap_reason: str | None
    counts: bool  # toward the cap: required, written, at home (and not withdrawn)


@dataclass(frozen=True)
class SessionRow:
    start: time
    end: time
    activity: str
    pupils: int
    note: str | None


@dataclass(frozen=True)
class ClassDay:
    klass: loads.ClassInfo
    load: rules.DayLoad
    items: tuple[ItemRow, ...]
    revisions: dict[int, tuple[history.Revision, ...]]  # oldest first, each with what it changed
    sessions: tuple[SessionRow, ...]
    alerts: tuple[alert_inbox.AlertRow, ...]


def _items(session: Session, class_id: int, day: date) -> list[ItemRow]:
    query = (select(HomeworkItem, Subject.name, User.display_name)
             .join(Subject, Subject.id == HomeworkItem.subject_id).join(User, User.id == HomeworkItem.teacher_id)
             .where(HomeworkItem.class_id == class_id, HomeworkItem.set_date <= day,
                    HomeworkItem.set_date >= day - timedelta(days=MAX_SPREAD_DAYS),
                    or_(HomeworkItem.set_date == day, col(HomeworkItem.last_evening) >= day))
             .order_by(HomeworkItem.set_date, Subject.name, HomeworkItem.id))
    rows = []
    for item, subject, teacher in session.exec(query).all():
        rows.append(ItemRow(item.id, subject, teacher, item.description, item.kind, item.required, item.location,
                            item.minutes, item.set_date, item.due_date, item.graded, item.withdrawn,
                            item.no_homework, item.over_cap_reason, counting.counts(item)))
    return rows


def _revisions(session: Session, item_ids: list[int]) -> dict[int, tuple[history.Revision, ...]]:
    if not item_ids:
        return {}
    query = (select(HomeworkRevision, User.display_name).join(User, User.id == HomeworkRevision.changed_by)
             .where(col(HomeworkRevision.item_id).in_(item_ids))
             .order_by(HomeworkRevision.item_id, HomeworkRevision.version, HomeworkRevision.id))
    grouped: dict[int, list] = {}
    for rev, who in session.exec(query).all():
        grouped.setdefault(rev.item_id, []).append((rev, who))
    return {k: tuple(history.with_changes(v)) for k, v in grouped.items()}


def _sessions(session: Session, school_id: int, class_id: int, day: date) -> list[SessionRow]:
    query = (select(AfterSchoolSession.start, AfterSchoolSession.end, AfterSchoolSession.activity, SessionClass.pupils,
                    AfterSchoolSession.note)
             .join(SessionClass, SessionClass.session_id == AfterSchoolSession.id)
             .where(AfterSchoolSession.school_id == school_id, AfterSchoolSession.day == day,
                    SessionClass.class_id == class_id).order_by(AfterSchoolSession.start))
    return [SessionRow(*row) for row in session.exec(query).all()]


def class_day(session: Session, *, school_id: int, class_id: int, day: date) -> ClassDay:
    """Everything about one class on one day; ClassNotFound for a class outside the school."""
    found = loads.class_loads(session, school_id=school_id, start=day, end=day + timedelta(days=1),
                              class_ids=[class_id])
    if not found:
        raise ClassNotFound(class_id)
    items = _items(session, class_id, day)
    return ClassDay(found[0].klass, found[0].days[0], tuple(items), _revisions(session, [i.id for i in items]),
                    tuple(_sessions(session, school_id, class_id, day)),
                    tuple(alert_inbox.class_day_alerts(session, school_id=school_id, class_id=class_id, day=day)))
