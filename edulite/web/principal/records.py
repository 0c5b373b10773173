"""Weekly inspection records (作业检查记录): review a week, write findings, sign off, print on A4."""

from __future__ import annotations

import json
from datetime import timedelta

from flask import abort, g, redirect, render_template, request, url_for
from flask_babel import gettext as _

from edulite.auth import login_required
from edulite.core.calendar import week_start
from edulite.db import get_session
from edulite.reports import records
from edulite.reports import week as dashboard
from edulite.school.queries import school_name
from edulite.web.principal import bp
from edulite.web.principal.common import parse_day, parse_week, school_id, school_today


def live_figures(session, week, today) -> dict:
    view = dashboard.week_view(session, school_id=school_id(), start=week, today=today)
    counts = records.alert_counts(session, school_id=school_id(), start=week, end=week + timedelta(days=7))
    return records.week_figures(view, counts)


@bp.get("/records", endpoint="records")
@login_required("principal")
def records_list():
    """List the school's inspection records and open a week to review."""
    session = get_session()
    today = school_today(session)
    if request.args.get("week"):
        week, error = parse_week(request.args.get("week"), today)
        if not error:
            return redirect(url_for("principal.record", week=week))
    return render_template("principal/records.html", rows=records.records(session, school_id=school_id()),
                           last_week=week_start(today) - timedelta(days=7), this_week=week_start(today))



def _record_page(session, week, *, findings=None, error=None, status=200):
    today = school_today(session)
    record, signer = records.record_with_signer(session, school_id=school_id(), week=week)
    signed = record is not None and record.signed_at is not None
    figures = json.loads(record.figures) if signed else live_figures(session, week, today)
    return render_template("principal/record.html", week=week, record=record, signed=signed, figures=figures,
                           school=school_name(session, school_id=school_id()), error=error, signer=signer,
                           findings=record.findings if findings is None and record else findings or ""), status


@bp.get("/records/<week>")
@login_required("principal")
def record(week: str):
    """Show a week's record: the signed snapshot, or today's figures with the findings form."""
    day = parse_day(week)
    if day is None:
        abort(404)
    if day != week_start(day):
        return redirect(url_for("principal.record", week=week_start(day)))
    return _record_page(get_session(), day)


ERRORS = {
    "findings_required": lambda: _("Write the findings before signing off (for example: no problems found)."),
    "findings_too_long": lambda: _("Keep the findings under %(n)d characters.", n=records.FINDINGS_MAX),
    "week_not_started": lambda: _("This week has not started yet; sign it off once it has."),
}


@bp.post("/records/<week>")
@login_required("principal")
def record_submit(week: str):
    """Save the findings as a draft or sign the week off; a signed record is refused (409)."""
    day = parse_day(week)
    if day is None or day != week_start(day):
        abort(404)
    session = get_session()
    today = school_today(session)
    findings = request.form.get("findings", "")
    sign = request.form.get("action") == "sign"
    try:
        records.save_record(session, school_id=school_id(), user_id=g.user.id, week=day, today=today,
                            findings=findings, figures=live_figures(session, day, today) if sign else {}, sign=sign)
    except records.RecordSigned:
        session.rollback()
        return _record_page(session, day, error=_("This record is signed and can no longer be changed."), status=409)
    except records.RecordInvalid as err:
        session.rollback()
        return _record_page(session, day, findings=findings, error=ERRORS[err.code](), status=422)
    return redirect(url_for("principal.record", week=day), 303)
