"""The principal's after-school pages: the week with compliance and participation, and the term plan.

Routes live on the principal blueprint (principal.after_school, principal.after_school_plan).
"""

from __future__ import annotations

from datetime import date, timedelta

from flask import g, redirect, request, url_for
from flask_babel import gettext as _

from edulite.afterschool import queries as q
from edulite.afterschool import service as svc
from edulite.afterschool.input import PLAN_ACTIVITIES, WEEKDAYS, PlanTexts, day_or
from edulite.afterschool.week import week_summary
from edulite.auth import login_required
from edulite.core.afterschool_rules import Session as EngineSession
from edulite.core.afterschool_rules import service_day_alerts
from edulite.core.calendar import week_start
from edulite.core.charts_afterschool import chart_height, participation_chart
from edulite.db import get_session
from edulite.homework import loads
from edulite.web.clock import school_today
from edulite.web.htmx import render
from edulite.web.labels import after_school_messages, grade_name
from edulite.web.params import db_id
from edulite.web.principal import bp


def _charts(summary) -> list[dict]:
    axis = _("% of pupils")
    by_class = participation_chart([r.label for r in summary.classes], [r.rate for r in summary.classes],
                                   title=_("Participation by class"), axis_label=axis)
    by_grade = participation_chart([grade_name(r.grade) for r in summary.grades],
                                   [r.rate for r in summary.grades], title=_("Participation by grade"), axis_label=axis)
    return [{"id": "as-chart-classes", "config": by_class, "height": chart_height(len(summary.classes))},
            {"id": "as-chart-grades", "config": by_grade, "height": chart_height(len(summary.grades))}]


@bp.get("/after-school")
@login_required("principal")
def after_school():
    """Show the week's after-school sessions, compliance per day and participation per class and grade."""
    session = get_session()
    today = school_today(session, school_id=g.scope.school_id)
    monday = week_start(day_or(request.args.get("week"), today))
    summary = week_summary(session, school_id=g.scope.school_id, monday=monday, today=today)
    return render("principal/after_school.html", "principal/_after_school_week.html", 200, summary=summary,
                  today=today, charts=_charts(summary), prev_week=monday - timedelta(days=7),
                  next_week=monday + timedelta(days=7), generated=request.args.get("generated", type=db_id))


@bp.post("/after-school/generate")
@login_required("principal")
def after_school_generate_submit():
    """Create the week's sessions from the plan on school days that have none yet."""
    session = get_session()
    today = school_today(session, school_id=g.scope.school_id)
    monday = week_start(day_or(request.form.get("week"), today))
    created = svc.generate_sessions(session, school_id=g.scope.school_id, start=monday,
                                    end=monday + timedelta(days=7), user_id=g.user.id, today=today)
    return redirect(url_for("principal.after_school", week=monday.isoformat(), generated=len(created)), 303)


def _plan_values(valid_from, valid_to, days, texts: PlanTexts | None) -> dict:
    if texts is not None:
        return {"valid_from": texts.valid_from or "", "valid_to": texts.valid_to or "",
                "days": {w: {"start": s or "", "end": e or "", "activities": list(a)}
                         for w, (s, e, a) in texts.days.items()}}
    return {"valid_from": valid_from.isoformat() if valid_from else "",
            "valid_to": valid_to.isoformat() if valid_to else "",
            "days": {w: {"start": f"{d.start:%H:%M}", "end": f"{d.end:%H:%M}", "activities": list(d.activities)}
                     for w, d in days.items()}}


def _previews(session, valid_from: date | None, days) -> dict:
    """What the rules would say of each planned weekday (a plan ending at 17:15 is late every day)."""
    if valid_from is None:
        return {}
    policy = loads.policy_in_force(session, school_id=g.scope.school_id, day=valid_from)
    return {w: service_day_alerts([EngineSession(None, g.scope.school_id, valid_from, d.start, d.end,
                                                 (d.activities or PLAN_ACTIVITIES)[0])], policy)
            for w, d in days.items()}


def _plan_page(term: date | None, *, new: bool = False, texts=None, errors=None, saved=False, status=200):
    session = get_session()
    today = school_today(session, school_id=g.scope.school_id)
    terms = q.plan_terms(session, school_id=g.scope.school_id)
    if term is None and terms and not new:
        term = next((a for a, b in terms if a <= today <= b), terms[-1][0])
    valid_to = dict(terms).get(term)
    if valid_to is None:
        replacing, days, (shown_from, shown_to) = None, {}, q.default_term(today)
    else:
        replacing, days, shown_from, shown_to = term, q.plan_days(session, school_id=g.scope.school_id,
                                                                   valid_from=term), term, valid_to
    return render("principal/after_school_plan.html", "principal/_plan_form.html", status, terms=terms,
                  replacing=replacing, values=_plan_values(shown_from, shown_to, days, texts),
                  previews={} if texts else _previews(session, replacing, days),
                  errors=after_school_messages(errors or {}), saved=saved, weekdays=WEEKDAYS,
                  plan_activities=PLAN_ACTIVITIES)


@bp.get("/after-school/plan")
@login_required("principal")
def after_school_plan():
    """Show the school's weekly after-school plan (一校一案) for a term, ready to edit."""
    term = request.args.get("term")
    return _plan_page(day_or(term, date.min) if term else None, new=bool(request.args.get("new")),
                      saved=bool(request.args.get("saved")))


@bp.post("/after-school/plan")
@login_required("principal")
def after_school_plan_submit():
    """Store the term's plan: per weekday the times and the activities offered."""
    form, session = request.form, get_session()
    texts = PlanTexts(form.get("valid_from"), form.get("valid_to"),
                      {w: (form.get(f"{w}-start"), form.get(f"{w}-end"), form.getlist(f"{w}-activities"))
                       for w in WEEKDAYS})
    replacing = day_or(form.get("replacing"), date.min)
    try:
        plan = svc.save_plan(session, user_id=g.user.id, school_id=g.scope.school_id, texts=texts,
                             replacing=replacing if replacing != date.min else None)
    except svc.Invalid as err:
        session.rollback()
        known = replacing if replacing != date.min else None
        return _plan_page(known, new=known is None, texts=texts, errors=err.errors, status=422)
    return redirect(url_for("principal.after_school_plan", term=plan.valid_from.isoformat(), saved=1), 303)
