"""The survey's figures across a district (#13): one per school and one for the district, for a week.

Two statements whatever the number of schools: the answers joined with their class and class-evening
summary, and the district's policy versions. Each answer is judged against its
class-evening's stored cap and counted minutes (ClassDayLoad); an evening with nothing logged has no
summary row, so its cap comes from the school's policy for a school day of the class's grade. Each school's
own privacy floor (R-SV-00) applies to its row; the district's row needs the highest floor of them all.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import and_
from sqlalchemy import select as core_select
from sqlmodel import Session, col, select

from edulite.core.calendar import DayKind
from edulite.core.policy import Policy, bedtime_for, cap_for
from edulite.core.survey_rules import Answer, Figures, figures
from edulite.models import ClassDayLoad, School, SchoolClass, SurveyAnswer
from edulite.reports.district import school_policies


@dataclass(frozen=True)
class SchoolFigures:
    school_id: int
    name: str
    figures: Figures


@dataclass(frozen=True)
class DistrictSurvey:
    floor: int
    schools: tuple[SchoolFigures, ...]
    district: Figures


def district_week(session: Session, *, district_id: int, start: date, end: date,
                  schools: Sequence[tuple[int, str]] | None = None,
                  policies: dict[int | None, Policy] | None = None) -> DistrictSurvey:
    """The district's figures over all its answers, and one row per school: of schools ((id, name), in that
    order; the overview passes the page it shows), or of every school by name. policies: those in force at
    start (reports.district.school_policies; the overview has read them already)."""
    if schools is None:
        schools = [(int(sid or 0), name) for sid, name in session.connection().execute(
            select(School.id, School.name).where(School.district_id == district_id).order_by(col(School.name))).all()]
    # The same policies as the overview's figures (one statement, composed as the school's own pages do).
    if policies is None:
        policies = school_policies(session, district_id=district_id, day=start)
    # Plain Core rows of the columns judged, not ORM objects (a district's week can hold many answers).
    answer = SurveyAnswer.__table__.c  # type: ignore[attr-defined]
    rows = session.connection().execute(
        core_select(answer.school_id, answer.class_id, answer.evening, answer.device, answer.minutes, answer.finished,
                    answer.bedtime, answer.asked_to_check, answer.phone_used, answer.updated_at,
                    col(SchoolClass.grade), col(ClassDayLoad.cap), col(ClassDayLoad.counted))
        .join(SchoolClass, col(SchoolClass.id) == col(SurveyAnswer.class_id))
        .join(School, col(School.id) == col(SurveyAnswer.school_id))
        .outerjoin(ClassDayLoad, and_(col(ClassDayLoad.class_id) == col(SurveyAnswer.class_id),
                                      col(ClassDayLoad.day) == col(SurveyAnswer.evening)))
        .where(col(School.district_id) == district_id, answer.evening >= start, answer.evening < end,
               col(SchoolClass.active))).all()
    by_school: dict[int, list[Answer]] = {}
    for (school_id, class_id, evening, device, minutes, finished, bedtime, asked, phone, updated_at,
         grade, cap, counted) in rows:
        policy = policies.get(school_id, policies[None])
        if cap is None:
            cap = cap_for(policy, grade, DayKind.SCHOOL_DAY)
        by_school.setdefault(school_id, []).append(Answer(
            class_id, evening, device, minutes, finished, bedtime, asked, phone, cap, bedtime_for(policy, grade),
            counted or 0, grade, int(updated_at.timestamp() * 1000) if updated_at else 0))
    # The district's figure needs the highest floor of all its schools (R-SV-00): the district's own, or
    # a school's own policy's — schools without their own have the district's.
    highest = max(p.survey_min_answers for p in policies.values())
    return DistrictSurvey(
        highest,
        tuple(SchoolFigures(sid, name, figures(by_school.get(sid, ()),
                                               floor=policies.get(sid, policies[None]).survey_min_answers))
              for sid, name in schools),
        figures([a for group in by_school.values() for a in group], floor=highest))
