"""A school's after-school plans and logged sessions as rows with the import's own Chinese headers, so that an
export read back by `import-afterschool-plan` / `import-afterschool` means the same thing (#16)."""

from __future__ import annotations

from datetime import date

from sqlmodel import Session, col, select

from edulite.imports.afterschool import ACTIVITY_NAMES, PLAN_COLUMNS, SESSION_COLUMNS, WEEKDAY_NAMES
from edulite.models import AfterSchoolPlan, AfterSchoolSession, School, SchoolClass, SessionClass, User

PLAN_FIELDS = tuple(c.field for c in PLAN_COLUMNS)
SESSION_FIELDS = tuple(c.field for c in SESSION_COLUMNS)
# The headers as the import reads them: Chinese, as schools keep their sheets.
PLAN_LABELS = {c.field: c.chinese for c in PLAN_COLUMNS}
SESSION_LABELS = {c.field: c.chinese for c in SESSION_COLUMNS}


def plan_rows(session: Session, *, school: School) -> list[dict]:
    """One row per term and weekday of the school's plans, oldest term first."""
    rows = session.exec(select(AfterSchoolPlan).where(AfterSchoolPlan.school_id == school.id)
                        .order_by(col(AfterSchoolPlan.valid_from), col(AfterSchoolPlan.weekday))).all()
    return [{"school": school.name, "valid_from": r.valid_from, "valid_to": r.valid_to,
             "weekday": f"周{WEEKDAY_NAMES[r.weekday]}", "start": f"{r.start:%H:%M}", "end": f"{r.end:%H:%M}",
             "activities": "、".join(ACTIVITY_NAMES.get(a, a) for a in r.activities.split(",") if a)} for r in rows]


def session_rows(session: Session, *, school: School, start: date, end: date) -> list[dict]:
    """One row per logged session and class taking part over [start, end); planned sessions nobody logged
    (no class) are no record of service and are left out."""
    query = (select(AfterSchoolSession, SchoolClass.name, SessionClass.pupils, User.display_name)
             .join(SessionClass, col(SessionClass.session_id) == col(AfterSchoolSession.id))
             .join(SchoolClass, col(SchoolClass.id) == col(SessionClass.class_id))
             .outerjoin(User, col(User.id) == col(AfterSchoolSession.teacher_id))
             .where(AfterSchoolSession.school_id == school.id, AfterSchoolSession.day >= start,
                    AfterSchoolSession.day < end)
             .order_by(col(AfterSchoolSession.day), col(AfterSchoolSession.start), col(AfterSchoolSession.id),
                       col(SchoolClass.name)))
    return [{"school": school.name, "date": s.day, "start": f"{s.start:%H:%M}", "end": f"{s.end:%H:%M}",
             "activity": ACTIVITY_NAMES.get(s.activity, s.activity), "class": name, "pupils": pupils,
             "teacher": teacher, "note": s.note} for s, name, pupils, teacher in session.exec(query).all()]
