"""The teacher's after-school page: a day's sessions of their school, logged from a phone in a few taps.

Routes live on the teacher blueprint (endpoint teacher.after_school); this module only adds them.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta

from flask import abort, g, get_template_attribute, redirect, request, url_for

from edulite.afterschool import queries as q
from edulite.afterschool import service as svc
from edulite.afterschool.input import PLAN_ACTIVITIES, SessionTexts, day_or, times_and_activity
from edulite.auth import login_required
from edulite.core.afterschool_rules import Session as EngineSession
from edulite.core.afterschool_rules import day_preview
from edulite.core.policy import Policy
from edulite.db import get_session
from edulite.homework import loads
from edulite.school import queries
from edulite.web.clock import school_today
from edulite.web.htmx import render, wants_fragment
from edulite.web.labels import after_school_hint, after_school_messages, after_school_warning
from edulite.web.params import db_id
from edulite.web.teacher import bp

# What a form shows when the school has no plan for the day yet.
DEFAULT_VALUES = {"start": "15:30", "end": "17:30", "activity": "supervised_homework"}


@dataclass
class SessionForm:
    key: str  # "new" or the session's ID: makes field IDs unique on a page with several forms
    action: str
    row: q.SessionRow | None
    values: dict
    activities: tuple[str, ...]
    editable: bool = True
    errors: dict = field(default_factory=dict)
    check: Check | None = None


@dataclass(frozen=True)
class Check:
    """The warning by a form's times: what the rules will say of the day with the session as shown."""

    key: str
    url: str
    warnings: tuple[str, ...]
    hint: str


def _check(key: str, rows: list[q.SessionRow], policy: Policy, day: date, session_id: int | None,
           values: Mapping[str, str]) -> Check:
    url = url_for("teacher.after_school_check", session=session_id) if session_id else url_for(
        "teacher.after_school_check")
    typed = times_and_activity(values.get("start"), values.get("end"), values.get("activity"))
    if typed is None:  # saving would refuse it, with its own message
        return Check(key, url, (), after_school_hint(policy))
    school_id = g.scope.school_id
    stored = [EngineSession(r.id, school_id, r.day, r.start, r.end, r.activity) for r in rows if r.day == day]
    found = day_preview(stored, EngineSession(session_id, school_id, day, *typed), policy)
    return Check(key, url, tuple(after_school_warning(a, policy) for a in found), after_school_hint(policy))


PUPILS_KEY = re.compile(r"pupils-[0-9]{1,9}")


def _texts(form, *, with_day: bool) -> SessionTexts:
    # ASCII digits only, and few: "²".isdigit() is true but int("²") fails, and so do 5,000-digit ids.
    pupils = {int(k[7:]): v for k, v in form.items() if PUPILS_KEY.fullmatch(k)}
    return SessionTexts(form.get("start"), form.get("end"), form.get("activity"), pupils, form.get("note"),
                        form.get("day") if with_day else None)


def _values(row: q.SessionRow | None, plan, day: date, texts: SessionTexts | None = None) -> dict:
    if texts is not None:
        return {"day": texts.day or day.isoformat(), "start": texts.start or "", "end": texts.end or "",
                "activity": texts.activity, "note": texts.note or "", "pupils": dict(texts.pupils)}
    if row is not None:
        return {"day": row.day.isoformat(), "start": f"{row.start:%H:%M}", "end": f"{row.end:%H:%M}",
                "activity": row.activity, "note": row.note or "",
                "pupils": {cid: str(n) for cid, n in row.participants.items()}}
    if plan is not None:
        return {"day": day.isoformat(), "start": f"{plan.start:%H:%M}", "end": f"{plan.end:%H:%M}",
                "activity": (plan.activities or PLAN_ACTIVITIES)[0], "note": "", "pupils": {}}
    return {"day": day.isoformat(), **DEFAULT_VALUES, "note": "", "pupils": {}}


def _day_page(day: date, *, failed: str | None = None, errors=None, texts=None, saved=None, status=200):
    session, school_id = get_session(), g.scope.school_id
    today = school_today(session, school_id=school_id)
    rows = q.sessions_between(session, school_id=school_id, start=day, end=day + timedelta(days=1))
    plan = q.plan_for(q.plans_between(session, school_id=school_id, start=day, end=day + timedelta(days=1)), day)
    offered = tuple(plan.activities if plan else ())
    activities = offered + tuple(a for a in PLAN_ACTIVITIES if a not in offered) + ("new_lesson",)
    policy = loads.policy_in_force(session, school_id=school_id, day=day)

    def form(key, action, row):
        mine = failed == key
        values = _values(row, plan, day, texts if mine else None)
        check = _check(key, rows, policy, row.day if row else day_or(values["day"], day), row and row.id, values)
        return SessionForm(key, action, row, values, activities, row is None or row.teacher_id in (None, g.user.id),
                           after_school_messages(errors) if mine else {}, check)

    forms = [form(str(r.id), url_for("teacher.after_school_session_submit", session_id=r.id), r) for r in rows]
    new = form("new", url_for("teacher.after_school_submit"), None)
    return render("teacher/after_school.html", "teacher/_after_school_day.html", status,
                  day=day, today=today, prev_day=day - timedelta(days=1),
                  next_day=day + timedelta(days=1) if day < today else None, forms=forms, new=new, plan=plan,
                  saved=saved,
                  school_day=loads.school_calendar(session, school_id=school_id).is_school_day(day),
                  classes=loads.classes(session, school_id=school_id),
                  mine={c.class_id for c in queries.taught_classes(session, scope=g.scope)})


def _saved(row):
    if wants_fragment():
        body, status = _day_page(row.day, saved=row.id)
        return body, status, {"HX-Trigger": "after-school-logged"}
    return redirect(url_for("teacher.after_school", day=row.day.isoformat(), saved=row.id,
                            _anchor=f"session-{row.id}"), 303)


@bp.get("/after-school")
@login_required("teacher")
def after_school():
    """Show a day's after-school sessions of the teacher's school, prefilled from the plan."""
    today = school_today(get_session(), school_id=g.scope.school_id)
    return _day_page(day_or(request.args.get("day"), today), saved=request.args.get("saved", type=db_id))


@bp.post("/after-school")
@login_required("teacher")
def after_school_submit():
    """Log a session that was not generated from the plan."""
    session, texts = get_session(), _texts(request.form, with_day=True)
    try:
        row = svc.log_session(session, user_id=g.user.id, school_id=g.scope.school_id, texts=texts,
                              today=school_today(session, school_id=g.scope.school_id))
    except svc.Invalid as err:
        session.rollback()
        day = day_or(texts.day, school_today(session, school_id=g.scope.school_id))
        return _day_page(day, failed="new", errors=err.errors, texts=texts, status=422)
    return _saved(row)


@bp.post("/after-school/<int:session_id>")
@login_required("teacher")
def after_school_session_submit(session_id: int):
    """Log a planned session, or adjust one the teacher logged: activity, times, pupils per class."""
    session, texts = get_session(), _texts(request.form, with_day=False)
    try:
        row = svc.adjust_session(session, user_id=g.user.id, school_id=g.scope.school_id, session_id=session_id,
                                 texts=texts, today=school_today(session, school_id=g.scope.school_id))
    except svc.NotFound:
        abort(404)
    except svc.NotYours:
        abort(403)
    except svc.Invalid as err:
        session.rollback()
        day = q.session_day(session, school_id=g.scope.school_id, session_id=session_id)
        return _day_page(day, failed=str(session_id), errors=err.errors, texts=texts, status=422)
    return _saved(row)


@bp.get("/after-school/check")
@login_required("teacher")
def after_school_check():
    """The warning by a session form's times, as typed (htmx asks on each change, before saving)."""
    session, school_id = get_session(), g.scope.school_id
    session_id = request.args.get("session", type=db_id)
    day = q.session_day(session, school_id=school_id, session_id=session_id) if session_id else None
    if day is None:  # a new session, or not one of this school's
        session_id, day = None, day_or(request.args.get("day"), school_today(session, school_id=school_id))
    rows = q.sessions_between(session, school_id=school_id, start=day, end=day + timedelta(days=1))
    policy = loads.policy_in_force(session, school_id=school_id, day=day)
    check = _check(str(session_id or "new"), rows, policy, day, session_id, request.args)
    # The inside of the form's warning (macros/afterschool.html service_check), swapped in by htmx.
    return get_template_attribute("macros/afterschool.html", "service_check_body")(check)
