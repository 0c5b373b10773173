"""Reads about after-school service: plans, sessions of a day or week, participation, a class's week.

Each takes the school (or, for the parent page, the class) it may read; none of them writes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time

from sqlmodel import Session, col, select

from edulite.afterschool.input import PlanDay
from edulite.core import afterschool_rules
from edulite.core.calendar import FrozenDict
from edulite.models import AfterSchoolPlan, AfterSchoolSession, SchoolClass, SessionClass, User


@dataclass(frozen=True)
class SessionRow:
    """A session as pages show it; teacher_id is empty until a teacher logs it (it was only planned)."""

    id: int
    day: date
    start: time
    end: time
    activity: str
    teacher_id: int | None
    teacher_name: str | None
    participants: FrozenDict  # class ID -> pupils
    note: str | None

    @property
    def logged(self) -> bool:
        return self.teacher_id is not None

    @property
    def pupils(self) -> int:
        return sum(self.participants.values())


@dataclass(frozen=True)
class ClassSession:
    """One session a class takes part in, for the class's (parent) page; planned = not logged yet."""

    day: date
    start: time
    end: time
    activity: str
    pupils: int
    planned: bool


def minutes_between(start: time, end: time) -> int:
    span = datetime.combine(date.min, end) - datetime.combine(date.min, start)
    return int(span.total_seconds() // 60)


def default_term(today: date) -> tuple[date, date]:
    """The school term around today: spring from February to mid-July, autumn from September to January."""
    if 2 <= today.month <= 7:
        return date(today.year, 2, 1), date(today.year, 7, 15)
    year = today.year if today.month >= 8 else today.year - 1
    return date(year, 9, 1), date(year + 1, 1, 31)


def plan_terms(session: Session, *, school_id: int) -> list[tuple[date, date]]:
    """The school's plan terms (summer and winter timetables differ), oldest first."""
    rows = session.exec(select(AfterSchoolPlan.valid_from, AfterSchoolPlan.valid_to)
                        .where(AfterSchoolPlan.school_id == school_id).distinct()
                        .order_by(AfterSchoolPlan.valid_from)).all()
    return [(a, b) for a, b in rows]


def plan_days(session: Session, *, school_id: int, valid_from: date) -> dict[int, PlanDay]:
    """The weekdays of the term starting valid_from."""
    rows = session.exec(select(AfterSchoolPlan).where(AfterSchoolPlan.school_id == school_id,
                                                      AfterSchoolPlan.valid_from == valid_from)).all()
    return {r.weekday: PlanDay(r.weekday, r.start, r.end, tuple(filter(None, r.activities.split(","))))
            for r in rows}


def plans_between(session: Session, *, school_id: int, start: date, end: date) -> list[AfterSchoolPlan]:
    """Plan rows of every term that overlaps [start, end)."""
    return list(session.exec(select(AfterSchoolPlan).where(
        AfterSchoolPlan.school_id == school_id, AfterSchoolPlan.valid_from < end,
        AfterSchoolPlan.valid_to >= start)).all())


def plan_for(rows: list[AfterSchoolPlan], day: date) -> PlanDay | None:
    """The plan of day: its weekday's row; a make-up weekend school day (调休) follows the Friday plan."""
    weekday = min(day.weekday(), 4)
    for r in rows:
        if r.valid_from <= day <= r.valid_to and r.weekday == weekday:
            return PlanDay(weekday, r.start, r.end, tuple(filter(None, r.activities.split(","))))
    return None


def sessions_between(session: Session, *, school_id: int, start: date, end: date) -> list[SessionRow]:
    """The school's sessions of [start, end) with who logged them and each class's pupils."""
    rows = session.exec(
        select(AfterSchoolSession, User.display_name)
        .join(User, User.id == AfterSchoolSession.teacher_id, isouter=True)
        .where(AfterSchoolSession.school_id == school_id, AfterSchoolSession.day >= start,
               AfterSchoolSession.day < end)
        .order_by(AfterSchoolSession.day, AfterSchoolSession.start, AfterSchoolSession.id)).all()
    participants: dict[int, dict[int, int]] = {}
    if rows:
        for sid, cid, pupils in session.exec(
                select(SessionClass.session_id, SessionClass.class_id, SessionClass.pupils)
                .where(col(SessionClass.session_id).in_([s.id for s, _n in rows]))).all():
            participants.setdefault(sid, {})[cid] = pupils
    return [SessionRow(s.id, s.day, s.start, s.end, s.activity, s.teacher_id, name,
                       FrozenDict(participants.get(s.id, {})), s.note) for s, name in rows]


def class_day_figures(session: Session, *, school_id: int, start: date,
                      end: date) -> dict[tuple[int, date], tuple[int, int]]:
    """(minutes, pupils) of after-school service per class and day: the union of the sessions the class took
    part in (afterschool_rules.service_minutes, as the alerts measure a day), and its largest group."""
    rows = session.exec(
        select(SessionClass.class_id, AfterSchoolSession.day, AfterSchoolSession.start, AfterSchoolSession.end,
               SessionClass.pupils)
        .join(AfterSchoolSession, AfterSchoolSession.id == SessionClass.session_id)
        .where(AfterSchoolSession.school_id == school_id, AfterSchoolSession.day >= start,
               AfterSchoolSession.day < end, SessionClass.pupils > 0)).all()
    by_class_day: dict[tuple[int, date], tuple[list[tuple[time, time]], int]] = {}
    for cid, day, first, last, pupils in rows:
        times, most = by_class_day.get((cid, day), ([], 0))
        times.append((_as_time(first), _as_time(last)))
        by_class_day[(cid, day)] = (times, max(most, int(pupils)))
    return {key: (afterschool_rules.service_minutes(times), most) for key, (times, most) in by_class_day.items()}


def _as_time(value) -> time:
    # SQLite hands min()/max() of a TIME column back as text.
    return value if isinstance(value, time) else time.fromisoformat(str(value))


def class_week_sessions(session: Session, *, class_id: int, start: date, end: date) -> list[ClassSession]:
    """The class's after-school times and activities over [start, end), for its parent page.

    Logged sessions the class took part in, plus its school's sessions that nobody has logged yet
    (generated from the plan, open to every class) marked planned. Pupil counts only, never names.
    """
    klass = session.get(SchoolClass, class_id)
    if klass is None:
        return []
    in_range = (AfterSchoolSession.school_id == klass.school_id, AfterSchoolSession.day >= start,
                AfterSchoolSession.day < end)
    rows = session.exec(select(AfterSchoolSession).where(*in_range)
                        .order_by(AfterSchoolSession.day, AfterSchoolSession.start, AfterSchoolSession.id)).all()
    parts = session.exec(
        select(SessionClass.session_id, SessionClass.class_id, SessionClass.pupils)
        .join(AfterSchoolSession, AfterSchoolSession.id == SessionClass.session_id).where(*in_range)).all()
    with_classes = {sid for sid, _c, _p in parts}
    mine = {sid: pupils for sid, cid, pupils in parts if cid == class_id and pupils > 0}
    return [ClassSession(r.day, r.start, r.end, r.activity, mine.get(r.id, 0), r.id not in with_classes)
            for r in rows if r.id in mine or r.id not in with_classes]


def session_day(session: Session, *, school_id: int, session_id: int) -> date | None:
    """The day of one of the school's sessions (None for another school's)."""
    return session.exec(select(AfterSchoolSession.day).where(AfterSchoolSession.id == session_id,
                                                             AfterSchoolSession.school_id == school_id)).first()
