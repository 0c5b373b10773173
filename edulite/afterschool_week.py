"""A school's after-school week for the principal: each day's sessions judged by the rules, coverage,
and participation per class and grade (pupils ÷ headcount) over the days with logged pupils."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlmodel import Session

from edulite import loads, rules
from edulite.afterschool_queries import SessionRow, class_day_pupils, sessions_between
from edulite.calendar import DayKind
from edulite.rules_afterschool import Session as EngineSession
from edulite.rules_afterschool import session_alerts, week_coverage_alerts


@dataclass(frozen=True)
class CheckedSession:
    row: SessionRow
    alerts: tuple[rules.Alert, ...]


@dataclass(frozen=True)
class DaySummary:
    day: date
    kind: DayKind
    sessions: tuple[CheckedSession, ...]
    missing: bool  # a school day that is over without any session
    to_come: bool  # after today


@dataclass(frozen=True)
class ParticipationRow:
    """A class (or a grade, with class_id None): pupils per judged day and the share over those days."""

    label: str
    grade: int
    class_id: int | None
    headcount: int
    pupils: tuple[int | None, ...]
    rate: float | None


@dataclass(frozen=True)
class WeekSummary:
    monday: date
    days: tuple[DaySummary, ...]
    school_days: tuple[date, ...]
    offered: int
    coverage: rules.Alert | None
    service_days: tuple[date, ...]  # days on which pupils were logged: the participation denominators
    classes: tuple[ParticipationRow, ...]
    grades: tuple[ParticipationRow, ...]


def _rate(pupils: int, headcount: int, days: int) -> float | None:
    return round(min(1.0, pupils / (headcount * days)), 3) if headcount > 0 and days else None


def _participation(session: Session, school_id: int, monday: date, school_days: list[date]):
    counts = class_day_pupils(session, school_id=school_id, start=monday, end=monday + timedelta(days=7))
    service_days = sorted({day for _c, day in counts})
    classes, grades = [], {}
    for k in loads.classes(session, school_id=school_id):
        per_day = tuple(counts.get((k.class_id, d), 0) if d in service_days else None for d in school_days)
        total = sum(counts.get((k.class_id, d), 0) for d in service_days)
        classes.append(ParticipationRow(k.name, k.grade, k.class_id, k.headcount, per_day,
                                        _rate(total, k.headcount, len(service_days))))
        g = grades.setdefault(k.grade, [0, 0, [0] * len(school_days)])
        g[0] += k.headcount
        g[1] += total
        g[2] = [a + (b or 0) for a, b in zip(g[2], per_day, strict=True)]
    grade_rows = [ParticipationRow(str(grade), grade, None, head, tuple(
        p if d in service_days else None for p, d in zip(days, school_days, strict=True)),
        _rate(total, head, len(service_days))) for grade, (head, total, days) in sorted(grades.items())]
    return tuple(service_days), tuple(classes), tuple(grade_rows)


def week_summary(session: Session, *, school_id: int, monday: date, today: date) -> WeekSummary:
    """The week from monday, judged as of today (today's service still counts as to come)."""
    end = monday + timedelta(days=7)
    calendar = loads.school_calendar(session, school_id=school_id)
    rows = sessions_between(session, school_id=school_id, start=monday, end=end)
    engine = {r.id: EngineSession(r.id, school_id, r.day, r.start, r.end, r.activity, r.participants) for r in rows}
    periods = loads.policy_periods(session, school_id=school_id, start=monday, end=end)

    def policy_on(day):
        return next(p for a, b, p in periods if a <= day < b)

    days = []
    for day, kind in calendar.days(monday, end):
        checked = tuple(CheckedSession(r, tuple(session_alerts(engine[r.id], policy_on(day))))
                        for r in rows if r.day == day)
        school_day = kind is DayKind.SCHOOL_DAY
        days.append(DaySummary(day, kind, checked, school_day and day < today and not checked, day > today))
    school_days = calendar.school_days(monday, end)
    coverage = week_coverage_alerts(list(engine.values()), school_id=school_id, calendar=calendar,
                                    policy=policy_on(monday), week_start=monday, today=today - timedelta(days=1))
    offered = len({r.day for r in rows if r.day in school_days})
    service_days, classes, grades = _participation(session, school_id, monday, school_days)
    return WeekSummary(monday, tuple(days), tuple(school_days), offered, coverage[0] if coverage else None,
                       service_days, classes, grades)
