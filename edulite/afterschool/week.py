"""A school's after-school week for the principal: each day's service judged as a whole (length, end),
each session for new lessons, coverage, and participation per class and grade.

Participation (参与率) is pupils taking part ÷ headcount, judged for each class only on the days that
class has a logged count (rules_afterschool.Share): a day on which only another class's session was
logged says nothing about this class. A grade adds up its classes' pupils and places.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time, timedelta

from sqlmodel import Session

from edulite.afterschool.queries import SessionRow, sessions_between
from edulite.core import rules
from edulite.core.afterschool_rules import Session as EngineSession
from edulite.core.afterschool_rules import (
    Share,
    class_share,
    day_counts,
    new_lesson_alerts,
    service_day_alerts,
    service_spans,
    week_coverage_alerts,
)
from edulite.core.calendar import DayKind
from edulite.core.charts_afterschool import is_low
from edulite.homework import loads


@dataclass(frozen=True)
class CheckedSession:
    row: SessionRow
    alerts: tuple[rules.Alert, ...]


@dataclass(frozen=True)
class DaySummary:
    day: date
    kind: DayKind
    sessions: tuple[CheckedSession, ...]  # each with its own alerts (R-AS-03)
    spans: tuple[tuple[time, time], ...]  # the day's service: times at which some session runs
    alerts: tuple[rules.Alert, ...]  # of the day's service as a whole (R-AS-01 length, R-AS-02 end)
    missing: bool  # a school day that is over without any session
    to_come: bool  # after today


@dataclass(frozen=True)
class ParticipationRow:
    """A class (or a grade, with class_id None): pupils per school day (None: no count logged that day)
    and the share over the days with a count."""

    label: str
    grade: int
    class_id: int | None
    headcount: int
    pupils: tuple[int | None, ...]
    rate: float | None

    @property
    def low(self) -> bool:
        """Few pupils take part (charts_afterschool.is_low): flagged like the chart's warning bars."""
        return is_low(self.rate)


@dataclass(frozen=True)
class WeekSummary:
    monday: date
    days: tuple[DaySummary, ...]
    school_days: tuple[date, ...]
    offered: int
    coverage: rules.Alert | None
    service_days: tuple[date, ...]  # days on which any class has a logged count
    classes: tuple[ParticipationRow, ...]
    grades: tuple[ParticipationRow, ...]


def _participation(session: Session, school_id: int, sessions: list[EngineSession], school_days: list[date]):
    # School days only, so the share is made of the same counts as the table shows.
    counts = day_counts(s for s in sessions if s.date in school_days)
    classes, grades = [], {}
    for k in loads.classes(session, school_id=school_id):
        mine = counts.get(k.class_id, {})
        share = class_share(mine, k.headcount)
        classes.append(ParticipationRow(k.name, k.grade, k.class_id, k.headcount,
                                        tuple(mine.get(d) for d in school_days), share.rate))
        headcount, total, by_day = grades.get(k.grade, (0, Share(), {}))
        for d, pupils in mine.items():
            by_day[d] = by_day.get(d, 0) + pupils
        grades[k.grade] = (headcount + k.headcount, total + share, by_day)
    grade_rows = [ParticipationRow(str(grade), grade, None, headcount, tuple(by_day.get(d) for d in school_days),
                                   total.rate) for grade, (headcount, total, by_day) in sorted(grades.items())]
    service_days = sorted({d for days in counts.values() for d in days})
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
        checked = tuple(CheckedSession(r, tuple(new_lesson_alerts(engine[r.id]))) for r in rows if r.day == day)
        service = [engine[c.row.id] for c in checked]
        school_day = kind is DayKind.SCHOOL_DAY
        days.append(DaySummary(day, kind, checked, service_spans(service),
                               tuple(service_day_alerts(service, policy_on(day))),
                               school_day and day < today and not checked, day > today))
    school_days = calendar.school_days(monday, end)
    coverage = week_coverage_alerts(list(engine.values()), school_id=school_id, calendar=calendar,
                                    policy=policy_on(monday), week_start=monday, today=today - timedelta(days=1))
    offered = len({r.day for r in rows if r.day in school_days})
    service_days, classes, grades = _participation(session, school_id, list(engine.values()), school_days)
    return WeekSummary(monday, tuple(days), tuple(school_days), offered, coverage[0] if coverage else None,
                       service_days, classes, grades)
