"""Reads for the parents' class page (作业公示, R-HW-05): a class by its link token, a week of its homework.

Scope is the token: nothing here takes a class id from the caller. Totals come from loads.class_loads,
so a parent sees the same numbers as the principal's dashboard and `flask edulite loads`.
"""

from __future__ import annotations

import hmac
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import Connection, bindparam
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, or_, select

from edulite.afterschool.queries import ClassSession, class_week_sessions
from edulite.core import rules
from edulite.core.calendar import DayKind, is_supported, parse_iso_day, week_start
from edulite.core.entry import MAX_SPREAD_DAYS
from edulite.core.policy import band_of, bedtime_for
from edulite.homework import loads
from edulite.homework.loads import ClassInfo
from edulite.models import ClassLink, DataVersion, HomeworkItem, School, SchoolClass, Subject

# secrets.token_urlsafe(24) gives 32 such characters; anything else cannot be a token, so skip the query.
TOKEN_SHAPE = re.compile(r"[A-Za-z0-9_-]{16,64}")


@dataclass(frozen=True)
class LinkedClass(ClassInfo):
    """The class behind a live link, with what the page needs of its school."""

    school_id: int
    school_name: str
    timezone: str
    # The school's data version (edulite.school.versions), read with the link: the page is cached by it.
    data_version: int = 0


@dataclass(frozen=True)
class PublishedItem:
    """One homework entry as parents see it: no teacher, no grading, no internal notes."""

    id: int
    subject: str
    description: str
    kind: str
    required: bool
    location: str
    minutes: int
    set_date: date
    due: date  # the given due date, else the next school day after the set date
    evenings: int
    no_homework: bool
    due_date: date | None = None  # as the teacher gave it: with set_date, it spreads the minutes (R-HW-02)

    @property
    def counted(self) -> bool:
        """Whether its minutes make up the day's total (the engine's own rule, R-HW-08/09/11)."""
        return rules.counts_toward_cap(kind=self.kind, required=self.required, location=self.location,
                                       no_homework=self.no_homework)


@dataclass(frozen=True)
class PublicDay:
    date: date
    day_kind: DayKind
    counted: int
    cap: int
    over: bool
    # below | at | over | nothing_counted | not_yet | none | day_off | grade12_none | grade12_over
    verdict: str
    items: tuple[PublishedItem, ...]
    is_today: bool
    # Items set on an earlier day and still being done this evening: their share makes up part of the
    # day's total, so the day lists them too (#14).
    carried: tuple[PublishedItem, ...] = ()


@dataclass(frozen=True)
class ClassWeek:
    start: date
    end: date
    previous: date
    next: date
    days: tuple[PublicDay, ...]  # school days always; other days only when they carry homework
    continued: tuple[PublishedItem, ...]  # set before this week, still being done in it
    today: PublicDay | None
    weekly_average: float | None  # of a finished week only
    bedtime: str
    lower_primary: bool
    # The class's after-school service by day (times and activity only; R-AS-01..03 are the school's).
    after_school: Mapping[date, tuple[ClassSession, ...]] = field(default_factory=dict)

    @property
    def last(self) -> date:
        """The Sunday that ends the week."""
        return self.end - timedelta(days=1)


_LINKS = ClassLink.__table__  # type: ignore[attr-defined]
_CLASSES = SchoolClass.__table__  # type: ignore[attr-defined]
_SCHOOLS = School.__table__  # type: ignore[attr-defined]
_VERSIONS = DataVersion.__table__  # type: ignore[attr-defined]
# Built once: a page served from the cache costs this statement and little else (edulite/web/memo.py).
_LINK = (sa_select(_LINKS.c.token, _LINKS.c.revoked_at, _CLASSES.c.id, _CLASSES.c.name, _CLASSES.c.grade,
                   _CLASSES.c.headcount, _CLASSES.c.active, _SCHOOLS.c.id, _SCHOOLS.c.name, _SCHOOLS.c.timezone,
                   _VERSIONS.c.version)
         .select_from(_LINKS.join(_CLASSES, _CLASSES.c.id == _LINKS.c.class_id)
                      .join(_SCHOOLS, _SCHOOLS.c.id == _CLASSES.c.school_id)
                      .outerjoin(_VERSIONS, _VERSIONS.c.school_id == _SCHOOLS.c.id))
         .where(_LINKS.c.token == bindparam("token")))


# The link as edulite/web/memo.py read it before Flask ran: (token, LinkedClass or None).
LINK_ENVIRON_KEY = "edulite.parent_link"


def class_for_token(session: Session, token: str, read: tuple | None = None) -> LinkedClass | None:
    """Return the class a live link opens; None for an unknown, revoked or malformed token.

    read: this request's earlier read of a link, used if it is of this token (no second statement).
    """
    if read is not None and read[0] == token:
        return read[1]
    return linked_class(session.connection(), token)


def linked_class(conn: Connection, token: str) -> LinkedClass | None:
    """class_for_token on a plain connection: one statement, compiled once."""
    if not isinstance(token, str) or not TOKEN_SHAPE.fullmatch(token):
        return None
    row = conn.execute(_LINK, {"token": token}).first()
    if row is None:
        return None
    stored, revoked_at, class_id, name, grade, headcount, active, school_id, school_name, timezone, version = row
    # The unique index finds the row; an exact, constant-time comparison decides (a database collation
    # may compare case-insensitively or ignore trailing spaces).
    if not hmac.compare_digest(stored.encode(), token.encode()) or revoked_at is not None or not active:
        return None
    return LinkedClass(class_id, name, grade, headcount, school_id, school_name, timezone, version or 0)


def week_of(text: str | None, today: date) -> date:
    """The Monday of the week named by ?week=YYYY-MM-DD (any day of it), else of today's week."""
    day = parse_iso_day(text)
    monday = week_start(day) if day else None
    # A week that starts before the supported years falls back too, so paging never overflows.
    return monday if monday and is_supported(monday) else week_start(today)


def week_items(session: Session, *, class_id: int, start: date, end: date) -> list[tuple]:
    """One query: the class's live items set in [start, end) or set earlier and still being done in it."""
    return list(session.exec(
        select(HomeworkItem.id, Subject.name, HomeworkItem.description, HomeworkItem.kind, HomeworkItem.required,
               HomeworkItem.location, HomeworkItem.minutes, HomeworkItem.set_date, HomeworkItem.due_date,
               HomeworkItem.last_evening, HomeworkItem.no_homework)
        .join(Subject, Subject.id == HomeworkItem.subject_id)
        .where(HomeworkItem.class_id == class_id, col(HomeworkItem.withdrawn).is_(False),
               HomeworkItem.set_date >= start - timedelta(days=MAX_SPREAD_DAYS), HomeworkItem.set_date < end,
               or_(HomeworkItem.set_date >= start, HomeworkItem.last_evening >= start))
        .order_by(HomeworkItem.set_date, Subject.id, HomeworkItem.id)).all())


def verdict(*, grade: int, counted: int, cap: int, has_items: bool, school_day: bool, day: date,
            today: date) -> str:
    """Which plain sentence describes a day's written homework; the template words it."""
    if counted == 0 and not has_items:
        if not school_day:
            return "day_off"
        return "none" if day < today else "not_yet"
    if band_of(grade) == "1-2":
        return "grade12_over" if counted else "grade12_none"
    if counted == 0:
        return "nothing_counted"
    if rules.load_state(counted, cap) == "over":
        return "over"
    return "at" if counted == cap else "below"


def _published(row: tuple, calendar) -> PublishedItem:
    iid, subject, text, kind, required, location, minutes, set_date, due, last, empty = row
    return PublishedItem(iid, subject, text, kind, bool(required), location, minutes, set_date,
                         due or calendar.next_school_day(set_date), (last - set_date).days + 1, bool(empty), due)


def class_week(session: Session, *, klass: LinkedClass, start: date, today: date) -> ClassWeek:
    """The publication of one class for the week starting on start (a Monday)."""
    end = start + timedelta(days=7)
    (class_load,) = loads.class_loads(session, school_id=klass.school_id, start=start, end=end,
                                      class_ids=[klass.class_id])
    calendar = loads.school_calendar(session, school_id=klass.school_id)
    published = [_published(row, calendar) for row in week_items(session, class_id=klass.class_id,
                                                                  start=start, end=end)]
    by_day: dict[date, list[PublishedItem]] = {}
    carried: dict[date, list[PublishedItem]] = {}
    for item in published:
        by_day.setdefault(item.set_date, []).append(item)
        for n in range(1, item.evenings):
            carried.setdefault(item.set_date + timedelta(days=n), []).append(item)
    all_days = []
    for load in class_load.days:
        mine = tuple(by_day.get(load.date, ()))
        school_day = load.day_kind is DayKind.SCHOOL_DAY
        all_days.append(PublicDay(
            load.date, load.day_kind, load.counted, load.cap, load.over,
            verdict(grade=klass.grade, counted=load.counted, cap=load.cap, has_items=bool(mine),
                    school_day=school_day, day=load.date, today=today),
            mine, load.date == today, tuple(carried.get(load.date, ()))))
    shown = tuple(d for d in all_days if d.day_kind is DayKind.SCHOOL_DAY or d.items or d.counted)
    policy = loads.policy_in_force(session, school_id=klass.school_id,
                                   day=min(max(today, start), end - timedelta(days=1)))
    return ClassWeek(
        start, end, start - timedelta(days=7), end, shown,
        tuple(item for item in published if item.set_date < start),
        next((d for d in all_days if d.is_today), None),
        # Mid-week, the days still to come would pull the average down: only a finished week has one.
        class_load.weekly_average if end <= today else None,
        bedtime_for(policy, klass.grade), band_of(klass.grade) == "1-2",
        _sessions_by_day(class_week_sessions(session, class_id=klass.class_id, start=start, end=end)))


def _sessions_by_day(sessions: list[ClassSession]) -> dict[date, tuple[ClassSession, ...]]:
    by_day: dict[date, list[ClassSession]] = {}
    for s in sessions:
        by_day.setdefault(s.day, []).append(s)
    return {day: tuple(found) for day, found in by_day.items()}
