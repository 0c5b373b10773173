"""Writes about after-school service: the term plan, logged sessions, sessions generated from the plan.

Each public function checks who may write, keeps the audit trail, recomputes the R-AS alerts in the
same transaction and commits. Bad input raises afterschool_input.Invalid before anything is added.
"""

from __future__ import annotations

from datetime import date, timedelta

from sqlmodel import Session, delete, select

from edulite.afterschool import alerts as afterschool
from edulite.afterschool.input import (
    Invalid,
    PlanInput,
    PlanTexts,
    SessionInput,
    SessionTexts,
    parse_plan,
    parse_session,
)
from edulite.afterschool.queries import plan_days, plan_for, plan_terms, plans_between
from edulite.homework import loads
from edulite.models import AfterSchoolPlan, AfterSchoolSession, SessionClass, utcnow
from edulite.school.audit import audit

__all__ = ["Invalid", "NotFound", "NotYours", "adjust_session", "generate_sessions", "log_session", "save_plan"]


class NotFound(LookupError):
    """No such session in the caller's school (shown as 404: other schools' sessions do not exist)."""


class NotYours(PermissionError):
    """The session was logged by another teacher; only the teacher who ran it adjusts it."""


def _headcounts(session: Session, school_id: int) -> dict[int, int]:
    return {c.class_id: c.headcount for c in loads.classes(session, school_id=school_id)}


def _snapshot(row: AfterSchoolSession, pupils) -> dict:
    return {"day": row.day.isoformat(), "start": f"{row.start:%H:%M}", "end": f"{row.end:%H:%M}",
            "activity": row.activity, "teacher_id": row.teacher_id, "note": row.note,
            "pupils": {str(k): v for k, v in sorted(dict(pupils).items())}}


def _set_participants(session: Session, session_id: int, pupils) -> None:
    existing = {r.class_id: r for r in session.exec(select(SessionClass).where(SessionClass.session_id == session_id))}
    for class_id, row in existing.items():
        if class_id not in pupils:
            session.delete(row)
    for class_id, count in pupils.items():
        row = existing.get(class_id) or SessionClass(session_id=session_id, class_id=class_id)
        row.pupils = count
        session.add(row)


def _recompute(session: Session, school_id: int, day: date, today: date) -> None:
    session.flush()
    afterschool.recompute(session, school_id=school_id, start=day, end=day + timedelta(days=1), today=today)


def _parse(session: Session, school_id: int, texts: SessionTexts, today: date,
           fixed_day: date | None = None) -> SessionInput:
    return parse_session(texts, headcounts=_headcounts(session, school_id),
                         calendar=loads.school_calendar(session, school_id=school_id), today=today,
                         fixed_day=fixed_day)


def log_session(session: Session, *, user_id: int, school_id: int, texts: SessionTexts,
                today: date) -> AfterSchoolSession:
    """Record a session the teacher ran at their own school (one not generated from the plan)."""
    data = _parse(session, school_id, texts, today)
    row = AfterSchoolSession(school_id=school_id, day=data.day, start=data.start, end=data.end,
                             activity=data.activity, teacher_id=user_id, note=data.note)
    session.add(row)
    session.flush()
    _set_participants(session, row.id, data.pupils)
    audit(session, user_id=user_id, school_id=school_id, action="after_school_logged",
          entity="after_school_session", entity_id=row.id, after=_snapshot(row, data.pupils))
    _recompute(session, school_id, row.day, today)
    session.commit()
    return row


def adjust_session(session: Session, *, user_id: int, school_id: int, session_id: int, texts: SessionTexts,
                   today: date) -> AfterSchoolSession:
    """Log a planned session, or adjust one the same teacher logged: times, activity, classes, pupils."""
    row = session.get(AfterSchoolSession, session_id)
    if row is None or row.school_id != school_id:
        raise NotFound(session_id)
    if row.teacher_id not in (None, user_id):
        raise NotYours(session_id)
    before = _snapshot(row, {r.class_id: r.pupils for r in session.exec(
        select(SessionClass).where(SessionClass.session_id == session_id))})
    data = _parse(session, school_id, texts, today, fixed_day=row.day)
    row.start, row.end, row.activity, row.note = data.start, data.end, data.activity, data.note
    row.teacher_id, row.updated_at = user_id, utcnow()
    session.add(row)
    _set_participants(session, row.id, data.pupils)
    audit(session, user_id=user_id, school_id=school_id, action="after_school_adjusted",
          entity="after_school_session", entity_id=row.id, before=before, after=_snapshot(row, data.pupils))
    _recompute(session, school_id, row.day, today)
    session.commit()
    return row


def _plan_snapshot(valid_from: date | None, valid_to: date | None, days) -> dict | None:
    if valid_from is None:
        return None
    return {"valid_from": valid_from.isoformat(), "valid_to": valid_to.isoformat() if valid_to else None,
            "days": {str(w): [f"{d.start:%H:%M}", f"{d.end:%H:%M}", list(d.activities)]
                     for w, d in sorted(days.items())}}


def save_plan(session: Session, *, user_id: int, school_id: int, texts: PlanTexts,
              replacing: date | None) -> PlanInput:
    """Store a term's weekly plan (一校一案); replacing names the start of the term being edited."""
    terms = plan_terms(session, school_id=school_id)
    plan = parse_plan(texts, other_terms=[t for t in terms if t[0] != replacing])
    old_to = dict(terms).get(replacing)
    before = _plan_snapshot(replacing if old_to else None, old_to,
                            plan_days(session, school_id=school_id, valid_from=replacing) if old_to else {})
    if old_to:
        session.exec(delete(AfterSchoolPlan).where(AfterSchoolPlan.school_id == school_id,
                                                   AfterSchoolPlan.valid_from == replacing))
    for day in plan.days.values():
        session.add(AfterSchoolPlan(school_id=school_id, valid_from=plan.valid_from, valid_to=plan.valid_to,
                                    weekday=day.weekday, start=day.start, end=day.end,
                                    activities=",".join(day.activities)))
    audit(session, user_id=user_id, school_id=school_id, action="after_school_plan_set", entity="after_school_plan",
          before=before, after=_plan_snapshot(plan.valid_from, plan.valid_to, plan.days))
    session.commit()
    return plan


def generate_sessions(session: Session, *, school_id: int, start: date, end: date, user_id: int | None = None,
                      today: date | None = None) -> list[date]:
    """Create a planned session for each school day of [start, end) that has a plan and no session yet."""
    calendar = loads.school_calendar(session, school_id=school_id)
    have = set(session.exec(select(AfterSchoolSession.day).where(
        AfterSchoolSession.school_id == school_id, AfterSchoolSession.day >= start,
        AfterSchoolSession.day < end)).all())
    plans = plans_between(session, school_id=school_id, start=start, end=end)
    created = []
    for day in calendar.school_days(start, end):
        plan = None if day in have else plan_for(plans, day)
        if plan is not None:
            session.add(AfterSchoolSession(school_id=school_id, day=day, start=plan.start, end=plan.end,
                                           activity=plan.activities[0] if plan.activities else "supervised_homework"))
            created.append(day)
    if created:
        audit(session, user_id=user_id, school_id=school_id, action="after_school_generated",
              entity="after_school_session", after={"days": [d.isoformat() for d in created]})
        session.flush()
        afterschool.recompute(session, school_id=school_id, start=created[0], end=created[-1] + timedelta(days=1),
                              today=today)
    session.commit()
    return created

