"""School settings, part one: the school's policy (stricter only) and its calendar (holidays, 调休)."""

from __future__ import annotations

from datetime import timedelta

from flask import flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _

from edulite.auth import login_required
from edulite.core.calendar import parse_day_kind
from edulite.core.policy import PolicyLooser
from edulite.db import get_session
from edulite.homework import loads
from edulite.school import admin as school_admin
from edulite.school import holidays
from edulite.school.settings import set_calendar_days, set_school_policy
from edulite.web.principal import bp
from edulite.web.principal import policy as principal_policy
from edulite.web.principal.common import school_id, school_today
from edulite.web.principal.forms import CalendarForm


def _subjects(session) -> list[str]:
    return [name for _id, name in school_admin.subjects(session)]


def _policy_page(session, form, status=200, saved=False):
    today = school_today(session)
    return render_template("principal/settings_policy.html", form=form, saved=saved, subjects=_subjects(session),
                           base=school_admin.district_base(session, school_id=school_id(), day=today),
                           fields=principal_policy.FIELDS,
                           conflicts=loads.policy_conflicts(session, school_id=school_id(), day=today)), status


@bp.get("/settings")
@login_required("principal")
def settings():
    """Show the school's policy in force, field by field, next to the district's."""
    session = get_session()
    today = school_today(session)
    policy = loads.policy_in_force(session, school_id=school_id(), day=today)
    return _policy_page(session, principal_policy.initial(policy, _subjects(session), today),
                        saved=request.args.get("saved") == "1")


@bp.post("/settings")
@login_required("principal")
def settings_submit():
    """Store a stricter school policy from a date on; anything looser is refused next to its field."""
    session = get_session()
    today = school_today(session)
    base = school_admin.district_base(session, school_id=school_id(), day=today)
    form = principal_policy.parse(request.form, base=base, subjects=_subjects(session), today=today)
    if form.errors:
        return _policy_page(session, form, 422)
    try:
        set_school_policy(session, school_id=school_id(), data=form.override, effective_from=form.effective_from,
                          user_id=g.user.id, today=today)
    except PolicyLooser as err:
        session.rollback()
        form.errors["effective_from"] = _("Looser than the district's policy (%(rules)s).",
                                          rules=", ".join(rule for _k, rule in err.problems))
        return _policy_page(session, form, 422)
    return redirect(url_for("principal.settings", saved=1), 303)


def _calendar_page(session, form, status=200):
    today = school_today(session)
    return render_template("principal/settings_calendar.html", form=form, today=today,
                           days=holidays.calendar_sources(session, school_id=school_id(),
                                                          since=today - timedelta(days=30))), status


@bp.get("/settings/calendar")
@login_required("principal")
def settings_calendar():
    """List the school's holidays and make-up school days, and add more."""
    return _calendar_page(get_session(), CalendarForm(formdata=None))


@bp.post("/settings/calendar")
@login_required("principal")
def settings_calendar_submit():
    """Mark a day or a run of days as holiday, school day (调休) or weekend; alerts follow."""
    session = get_session()
    form = CalendarForm()
    if not form.validate_on_submit():
        return _calendar_page(session, form, 422)
    last = form.last.data or form.first.data
    days = [(form.first.data + timedelta(days=n), parse_day_kind(form.kind.data), form.note.data.strip() or None)
            for n in range((last - form.first.data).days + 1)]
    set_calendar_days(session, school_id=school_id(), days=days, user_id=g.user.id)
    flash(_("Calendar saved: %(n)d day(s) marked; loads and alerts follow.", n=len(days)))
    return redirect(url_for("principal.settings_calendar"), 303)
