"""The district supervisor's figures: per school, over-cap class-days and after-school compliance.

Built on the principal's week view (edulite.reports.week.week_view), so a school's numbers read the same
on both pages: a day counts once it is over (school days before today, and today once logged).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func
from sqlmodel import Session, col, or_, select

from edulite.core.policy import parse_hhmm
from edulite.homework import loads
from edulite.models import AfterSchoolSession, Alert, School
from edulite.reports import week as dashboard


@dataclass(frozen=True)
class SchoolWeek:
    school_id: int
    name: str
    class_days: int  # class x school day judged so far this week
    over_days: int
    school_days: int  # school days judged so far
    days_with_service: int
    sessions: int
    sessions_in_window: int
    open_alerts: int  # open alerts of this week, and undated ones (class size)

    @property
    def over_share(self) -> float | None:
        return None if not self.class_days else self.over_days / self.class_days

    @property
    def coverage(self) -> float | None:
        return None if not self.school_days else self.days_with_service / self.school_days


def district_school(session: Session, *, district_id: int, school_id: int) -> School | None:
    """The school if it belongs to the supervisor's district; None otherwise (callers answer 404)."""
    school = session.get(School, school_id)
    return school if school is not None and school.district_id == district_id else None


def school_weeks(session: Session, *, district_id: int, start: date, end: date, today: date) -> list[SchoolWeek]:
    schools = session.exec(select(School.id, School.name).where(School.district_id == district_id)
                           .order_by(School.name)).all()
    ids = [sid for sid, _ in schools]
    ends = session.exec(
        select(AfterSchoolSession.school_id, AfterSchoolSession.day, AfterSchoolSession.end)
        .where(col(AfterSchoolSession.school_id).in_(ids), AfterSchoolSession.day >= start,
               AfterSchoolSession.day < end)).all()
    open_alerts = dict(session.exec(
        select(Alert.school_id, func.count()).where(
            col(Alert.school_id).in_(ids), Alert.state == "open", col(Alert.current).is_(True),
            or_(col(Alert.day).is_(None), (Alert.day >= start) & (Alert.day < end)))
        .group_by(Alert.school_id)).all())
    out = []
    for sid, name in schools:
        view = dashboard.week_view(session, school_id=sid, start=start, today=today)
        judged = {c.date for cw in view.classes for c in cw.cells
                  if c.day_kind == "school_day" and (c.date < today or (c.date == today and c.logged))}
        policy = loads.policy_in_force(session, school_id=sid, day=start)
        earliest, latest = parse_hhmm(policy.after_school_end_earliest), parse_hhmm(policy.after_school_end_latest)
        own = [(day, finish) for s, day, finish in ends if s == sid]
        school_days = {c.date for cw in view.classes[:1] for c in cw.cells
                       if c.day_kind == "school_day" and c.date < today}
        out.append(SchoolWeek(
            school_id=sid, name=name,
            class_days=sum(cw.elapsed_days for cw in view.classes),
            over_days=sum(1 for cw in view.classes for c in cw.cells if c.state == "over" and c.date in judged),
            school_days=len(school_days),
            days_with_service=len({day for day, _ in own} & school_days),
            sessions=len(own), sessions_in_window=sum(1 for _, finish in own if earliest <= finish <= latest),
            open_alerts=open_alerts.get(sid, 0)))
    return out
