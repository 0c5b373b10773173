"""The district supervisor's figures: per school, over-cap class-days and after-school compliance."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func
from sqlmodel import Session, col, select

from edulite import loads
from edulite.calendar import DayKind
from edulite.models import AfterSchoolSession, Alert, School
from edulite.policy import parse_hhmm


@dataclass(frozen=True)
class SchoolWeek:
    school_id: int
    name: str
    class_days: int
    over_days: int
    school_days: int
    days_with_service: int
    sessions: int
    sessions_in_window: int
    open_alerts: int

    @property
    def over_share(self) -> float | None:
        return None if not self.class_days else self.over_days / self.class_days

    @property
    def coverage(self) -> float | None:
        return None if not self.school_days else self.days_with_service / self.school_days

    @property
    def end_compliance(self) -> float | None:
        return None if not self.sessions else self.sessions_in_window / self.sessions


def district_school(session: Session, *, district_id: int, school_id: int) -> School | None:
    """The school if it belongs to the supervisor's district; None otherwise (callers answer 404)."""
    school = session.get(School, school_id)
    return school if school is not None and school.district_id == district_id else None


def school_weeks(session: Session, *, district_id: int, start: date, end: date) -> list[SchoolWeek]:
    schools = session.exec(select(School.id, School.name).where(School.district_id == district_id)
                           .order_by(School.name)).all()
    ids = [sid for sid, _ in schools]
    ends = session.exec(
        select(AfterSchoolSession.school_id, AfterSchoolSession.day, AfterSchoolSession.end)
        .where(col(AfterSchoolSession.school_id).in_(ids), AfterSchoolSession.day >= start,
               AfterSchoolSession.day < end)).all()
    open_alerts = dict(session.exec(
        select(Alert.school_id, func.count()).where(col(Alert.school_id).in_(ids), Alert.state == "open",
                                                    col(Alert.current).is_(True))
        .group_by(Alert.school_id)).all())
    out = []
    for sid, name in schools:
        class_loads = loads.class_loads(session, school_id=sid, start=start, end=end)
        school_days = [d for d in (class_loads[0].days if class_loads else ()) if d.day_kind is DayKind.SCHOOL_DAY]
        policy = loads.policy_in_force(session, school_id=sid, day=start)
        earliest, latest = parse_hhmm(policy.after_school_end_earliest), parse_hhmm(policy.after_school_end_latest)
        own = [(day, finish) for s, day, finish in ends if s == sid]
        out.append(SchoolWeek(
            school_id=sid, name=name,
            class_days=sum(1 for cl in class_loads for d in cl.days if d.day_kind is DayKind.SCHOOL_DAY),
            over_days=sum(1 for cl in class_loads for d in cl.days if d.day_kind is DayKind.SCHOOL_DAY and d.over),
            school_days=len(school_days),
            days_with_service=len({day for day, _ in own} & {d.date for d in school_days}),
            sessions=len(own), sessions_in_window=sum(1 for _, finish in own if earliest <= finish <= latest),
            open_alerts=open_alerts.get(sid, 0)))
    return out
