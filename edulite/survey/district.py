"""The survey's figures across a district (#13): one per school and one for the district, for a week.

A fixed handful of statements whatever the number of schools: the answers joined with their class and
class-evening summary, and the district's policy versions. Each answer is judged against its
class-evening's stored cap and counted minutes (ClassDayLoad); an evening with nothing logged has no
summary row, so its cap comes from the school's policy for a school day of the class's grade. Each school's
own privacy floor (R-SV-00) applies to its row; the district's row needs the highest floor of them all.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date

from sqlalchemy import and_
from sqlmodel import Session, col, select

from edulite.core.calendar import DayKind
from edulite.core.policy import NATIONAL, Policy, bedtime_for, cap_for, tighten
from edulite.core.survey_rules import Answer, Figures, figures
from edulite.models import ClassDayLoad, PolicyVersion, School, SchoolClass, SurveyAnswer


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


def school_policies(session: Session, *, district_id: int, day: date) -> dict[int | None, Policy]:
    """The policy in force on day for each school with its own (None: the district default)."""
    rows = session.exec(select(PolicyVersion.school_id, PolicyVersion.data).where(
        PolicyVersion.district_id == district_id, PolicyVersion.effective_from <= day)
        .order_by(col(PolicyVersion.effective_from), col(PolicyVersion.id))).all()
    own = session.exec(select(PolicyVersion.school_id, PolicyVersion.data)
                       .join(School, col(School.id) == col(PolicyVersion.school_id))
                       .where(School.district_id == district_id, PolicyVersion.effective_from <= day)
                       .order_by(col(PolicyVersion.effective_from), col(PolicyVersion.id))).all()
    latest = dict(rows)
    latest.update(dict(own))  # later versions overwrite earlier ones
    base = tighten(NATIONAL, json.loads(latest[None])) if None in latest else NATIONAL
    return {None: base, **{sid: tighten(base, json.loads(data)) for sid, data in latest.items() if sid is not None}}


def district_week(session: Session, *, district_id: int, start: date, end: date) -> DistrictSurvey:
    schools = [(int(sid or 0), name) for sid, name in session.exec(
        select(School.id, School.name).where(School.district_id == district_id).order_by(col(School.name))).all()]
    policies = school_policies(session, district_id=district_id, day=start)
    rows = session.exec(
        select(SurveyAnswer, SchoolClass.grade, ClassDayLoad.cap, ClassDayLoad.counted)
        .join(SchoolClass, col(SchoolClass.id) == col(SurveyAnswer.class_id))
        .join(School, col(School.id) == col(SurveyAnswer.school_id))
        .outerjoin(ClassDayLoad, and_(col(ClassDayLoad.class_id) == col(SurveyAnswer.class_id),
                                      col(ClassDayLoad.day) == col(SurveyAnswer.evening)))
        .where(School.district_id == district_id, SurveyAnswer.evening >= start, SurveyAnswer.evening < end,
               SchoolClass.active)).all()
    by_school: dict[int, list[Answer]] = {}
    for row, grade, cap, counted in rows:
        policy = policies.get(row.school_id, policies[None])
        if cap is None:
            cap = cap_for(policy, grade, DayKind.SCHOOL_DAY)
        by_school.setdefault(row.school_id, []).append(Answer(
            row.class_id, row.evening, row.device, row.minutes, row.finished, row.bedtime, row.asked_to_check,
            row.phone_used, cap, bedtime_for(policy, grade), counted or 0, grade,
            int(row.updated_at.timestamp() * 1000) if row.updated_at else 0))
    floors = {sid: policies.get(sid, policies[None]).survey_min_answers for sid, _name in schools}
    highest = max([policies[None].survey_min_answers, *floors.values()])
    return DistrictSurvey(
        highest,
        tuple(SchoolFigures(sid, name, figures(by_school.get(sid, ()), floor=floors[sid])) for sid, name in schools),
        figures([a for group in by_school.values() for a in group], floor=highest))
