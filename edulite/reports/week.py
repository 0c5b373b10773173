"""Reads behind the principal's week: loads per class-day, logging and grading shares, grade trends.

A page costs a fixed handful of statements whatever the number of classes or items: loads come from
edulite.homework.loads.class_loads, the rest from GROUP BY queries here; Python only does calendar arithmetic.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import func
from sqlmodel import Session, col, select

from edulite.core import charts, rules
from edulite.core.calendar import DayKind, week_start
from edulite.core.policy import cap_for
from edulite.homework import loads
from edulite.models import ClassDayLoad, SchoolClass

# A term chart wider than this stops being readable on a phone.
MAX_TREND_WEEKS = 26


@dataclass(frozen=True)
class DayCell:
    date: date
    day_kind: str
    counted: int
    cap: int
    state: str  # charts.cell_state: over, near, ok, missing, off
    logged: bool


@dataclass(frozen=True)
class ClassWeek:
    klass: loads.ClassInfo
    cells: tuple[DayCell, ...]
    weekly_average: float | None
    school_cap: int | None  # the school-day cap of the week, for the weekly average to be read against
    by_subject: dict[str, tuple[int, ...]]  # counted minutes per day of the week
    elapsed_days: int  # school days so far (today counts once something is logged)
    logged_days: int
    written_items: int
    graded_items: int

    @property
    def over_days(self) -> int:
        return sum(1 for c in self.cells if c.state == "over")

    @property
    def missing_days(self) -> tuple[date, ...]:
        return tuple(c.date for c in self.cells if c.state == "missing")


@dataclass(frozen=True)
class WeekView:
    start: date
    days: tuple[date, ...]
    classes: tuple[ClassWeek, ...]
    subjects: tuple[str, ...]  # every subject with counted minutes this week, one colour each


def _summaries(query, school_id: int, start: date, end: date):
    return query.join(SchoolClass, SchoolClass.id == ClassDayLoad.class_id).where(
        ClassDayLoad.school_id == school_id, SchoolClass.active, ClassDayLoad.day >= start, ClassDayLoad.day < end)


def logged_class_days(session: Session, *, school_id: int, start: date, end: date) -> set[tuple[int, date]]:
    """(class, date) pairs in [start, end) with any live entry, a "no homework" entry included."""
    query = _summaries(select(ClassDayLoad.class_id, ClassDayLoad.day), school_id, start, end).where(
        col(ClassDayLoad.logged).is_(True))
    return {(cid, day) for cid, day in session.exec(query).all()}


def graded_counts(session: Session, *, school_id: int, start: date, end: date) -> dict[int, tuple[int, int]]:
    """Per class: written items set in [start, end) and how many of them are marked graded (R-HW-07)."""
    query = _summaries(select(ClassDayLoad.class_id, func.sum(ClassDayLoad.written), func.sum(ClassDayLoad.graded)),
                       school_id, start, end).where(ClassDayLoad.written > 0).group_by(ClassDayLoad.class_id)
    return {cid: (int(total), int(graded or 0)) for cid, total, graded in session.exec(query).all()}


def _class_week(cl: loads.ClassLoads, logged: set[tuple[int, date]], graded: tuple[int, int],
                today: date) -> ClassWeek:
    cells, elapsed, logged_days = [], 0, 0
    cid = cl.klass.class_id
    for d in cl.days:
        school_day = d.day_kind is DayKind.SCHOOL_DAY
        has_log = (cid, d.date) in logged
        if school_day and (d.date < today or (d.date == today and has_log)):
            elapsed += 1
            logged_days += has_log
        cells.append(DayCell(d.date, d.day_kind.value, d.counted, d.cap,
                             charts.cell_state(counted=d.counted, cap=d.cap, school_day=school_day, logged=has_log,
                                               past=d.date < today, future=d.date > today), has_log))
    subjects = sorted({s for d in cl.days for s in d.by_subject})
    by_subject = {s: tuple(d.by_subject.get(s, 0) for d in cl.days) for s in subjects}
    school_caps = [d.cap for d in cl.days if d.day_kind is DayKind.SCHOOL_DAY]
    # A week in progress is averaged over its finished school days: later evenings are not zeros yet,
    # and today's homework is still being logged in the afternoon.
    average = rules.week_average_so_far(cl.days, today)[0]
    return ClassWeek(cl.klass, tuple(cells), average, max(school_caps) if school_caps else None,
                     by_subject, elapsed, logged_days, *graded)


def week_view(session: Session, *, school_id: int, start: date, today: date,
              class_ids: list[int] | None = None) -> WeekView:
    """Everything the week's dashboard shows, for the week starting on start's Monday (some classes only)."""
    start = week_start(start)
    end = start + timedelta(days=7)
    class_loads = loads.class_loads(session, school_id=school_id, start=start, end=end, class_ids=class_ids)
    logged = logged_class_days(session, school_id=school_id, start=start, end=end)
    graded = graded_counts(session, school_id=school_id, start=start, end=end)
    weeks = tuple(_class_week(cl, logged, graded.get(cl.klass.class_id, (0, 0)), today) for cl in class_loads)
    totals: dict[str, int] = {}
    for cw in weeks:
        for subject, values in cw.by_subject.items():
            totals[subject] = totals.get(subject, 0) + sum(values)
    subjects = tuple(sorted(totals, key=lambda s: (-totals[s], s)))
    return WeekView(start, tuple(start + timedelta(days=n) for n in range(7)), weeks, subjects)


def missing_logs(session: Session, *, school_id: int, start: date, end: date,
                 today: date) -> list[tuple[loads.ClassInfo, date]]:
    """Past school days in [start, end) on which a class logged nothing at all, not even "no homework"."""
    calendar = loads.school_calendar(session, school_id=school_id)
    days = calendar.school_days(start, min(end, today))
    logged = logged_class_days(session, school_id=school_id, start=start, end=end)
    return [(klass, day) for klass in loads.classes(session, school_id=school_id) for day in days
            if (klass.class_id, day) not in logged]


def term_start(day: date) -> date:
    """First day of day's term: spring term from 1 February, autumn term from 1 September (August: 1 August)."""
    if 2 <= day.month <= 7:
        return date(day.year, 2, 1)
    if day.month == 8:
        return date(day.year, 8, 1)
    return date(day.year if day.month >= 9 else day.year - 1, 9, 1)


@dataclass(frozen=True)
class GradeTrend:
    weeks: tuple[date, ...]
    averages: dict[int, tuple[float | None, ...]]  # grade -> weekly average per week
    caps: dict[int, tuple[int | None, ...]]  # grade -> school-day cap per week


def _grade_minutes(session: Session, school_id: int, start: date, end: date) -> dict[tuple[int, date], int]:
    """Counted minutes per grade and evening, summed over the grade's active classes."""
    query = _summaries(select(SchoolClass.grade, ClassDayLoad.day, func.sum(ClassDayLoad.counted)),
                       school_id, start, end).group_by(SchoolClass.grade, ClassDayLoad.day)
    return {(grade, day): int(total) for grade, day, total in session.exec(query).all() if total}


def _average(total: int, days: int) -> float | None:
    if not days:
        return None
    return float((Decimal(total) / Decimal(days)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def grade_trend(session: Session, *, school_id: int, through: date, today: date) -> GradeTrend:
    """Weekly average per grade (as rules.weekly_average, over all the grade's classes) from the term's start;
    the week in progress is averaged over its school days before today, as on the heat map."""
    last = week_start(through)
    first = max(week_start(term_start(through)), last - timedelta(weeks=MAX_TREND_WEEKS - 1))
    end = last + timedelta(days=7)
    calendar = loads.school_calendar(session, school_id=school_id)
    periods = loads.policy_periods(session, school_id=school_id, start=first, end=end)
    class_count = dict(session.exec(select(SchoolClass.grade, func.count()).where(
        SchoolClass.school_id == school_id, SchoolClass.active).group_by(SchoolClass.grade)).all())
    minutes = _grade_minutes(session, school_id, first, end)
    weeks = [first + timedelta(weeks=n) for n in range((last - first).days // 7 + 1)]
    # Weeks before anyone logged anything (the start of term, a school new to Edulite) are left out.
    active = {week_start(day) for _grade, day in minutes}
    while len(weeks) > 1 and weeks[0] not in active:
        weeks.pop(0)
    averages: dict[int, list[float | None]] = {g: [] for g in sorted(class_count)}
    caps: dict[int, list[int | None]] = {g: [] for g in sorted(class_count)}
    for monday in weeks:
        school_days = calendar.school_days(monday, min(monday + timedelta(days=7), today))
        policy = next((p for a, b, p in periods if a <= monday < b), periods[0][2])
        for grade, n_classes in class_count.items():
            total = sum(minutes.get((grade, d), 0) for d in school_days)
            averages[grade].append(_average(total, len(school_days) * n_classes))
            caps[grade].append(cap_for(policy, grade, DayKind.SCHOOL_DAY))
    return GradeTrend(tuple(weeks), {g: tuple(v) for g, v in averages.items()}, {g: tuple(v) for g, v in caps.items()})
