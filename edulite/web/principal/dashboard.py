"""The principal's pages: the school's week and what lies behind one class-day."""

from __future__ import annotations

from datetime import timedelta

from flask import abort, g, render_template, request
from flask_babel import get_locale
from markupsafe import Markup

from edulite.auth import login_required
from edulite.db import get_session
from edulite.reports import class_day as class_days
from edulite.reports import week as reads
from edulite.school.queries import school_name
from edulite.survey import reads as survey_reads
from edulite.web import cache
from edulite.web.htmx import wants_fragment
from edulite.web.principal import bp
from edulite.web.principal.charts import survey_chart, trend_chart, week_charts
from edulite.web.principal.common import parse_day, parse_week, school_id, school_today


def week_context(session, week, today) -> dict:
    view = reads.week_view(session, school_id=school_id(), start=week, today=today)
    trend = reads.grade_trend(session, school_id=school_id(), through=week, today=today)
    survey = survey_reads.span(session, school_id=school_id(), start=week, end=week + timedelta(days=7))
    return {"view": view, "trend": trend, "class_charts": week_charts(view), "trend_chart": trend_chart(trend),
            "prev_week": week - timedelta(days=7), "next_week": week + timedelta(days=7), "today": today,
            "survey": survey, "survey_chart": survey_chart(survey),
            "survey_alerts": survey_reads.week_alerts(session, school_id=school_id(), week=week)}


@bp.get("/")
@login_required("principal")
def dashboard():
    """Show the week's load per class and day, each class's subjects against the cap, and the term's trend."""
    session = get_session()
    today = school_today(session)
    week, error = parse_week(request.args.get("week"), today)
    this_week = parse_week(None, today)[0]

    def week_html() -> str:
        return render_template("principal/_week.html", week_error=error, this_week=this_week,
                               **week_context(session, week, today))

    # The week's figures and charts are the same for every principal of the school until its next write;
    # the school's version came with the caller's account (auth.load_user).
    version = g.data_version
    key = ("principal-week", school_id(), week, today, str(get_locale()), version)

    def whole_page() -> str:
        html = week_html() if error else cache.cached(key, week_html)
        if wants_fragment():
            return html
        # The fragment is the output of an autoescaping Jinja template (week_html above), not user text.
        rendered = Markup(html)  # noqa: S704  # nosec B704
        return render_template("principal/dashboard.html", school=school_name(session, school_id=school_id()),
                               week_html=rendered)

    if error:
        return whole_page(), 422
    return cache.page(("principal-dashboard", school_id(), today, version), whole_page, memo=True)


@bp.get("/classes/<int:class_id>/<day>")
@login_required("principal")
def class_day(class_id: int, day: str):
    """Show one class-day: its load, the items behind it with their history, after-school sessions, alerts."""
    when = parse_day(day)
    if when is None:
        abort(404)
    try:
        detail = class_days.class_day(get_session(), school_id=school_id(), class_id=class_id, day=when)
    except class_days.ClassNotFound:
        abort(404)
    return render_template("principal/class_day.html", d=detail, prev_day=when - timedelta(days=1),
                           next_day=when + timedelta(days=1))
