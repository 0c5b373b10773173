"""Weekly inspection records (作业检查记录): review a week, write findings, sign off, print on A4."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date, timedelta

from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _

from edulite.auth import login_required
from edulite.core.calendar import week_start
from edulite.db import get_session
from edulite.homework import loads
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



def _dated(changes: list[dict]) -> list[dict]:
    """Each change with its day as a date, for the page's date style."""
    return [{**c, "date": date.fromisoformat(c["day"])} for c in changes]


def _last_day(session, week):
    return records.last_school_day(loads.school_calendar(session, school_id=school_id()), week)


def _record_page(session, week, *, findings=None, error=None, status=200, confirm=False, addendum="",
                 addendum_error=None):
    """confirm: show the confirmation step of signing (what will be frozen) instead of the form."""
    today = school_today(session)
    record, signer = records.record_with_signer(session, school_id=school_id(), week=week)
    signed = record is not None and record.signed_at is not None
    live = live_figures(session, week, today)
    figures = json.loads(record.figures) if signed else live
    changes = _dated(records.changes(records.baseline(session, record), live)) if signed else []
    last_day = _last_day(session, week)
    return render_template("principal/record.html", week=week, record=record, signed=signed, figures=figures,
                           school=school_name(session, school_id=school_id()), error=error, signer=signer,
                           findings=record.findings if findings is None and record else findings or "",
                           changes=changes, addenda=[replace(a, changes=_dated(a.changes))
                                    for a in records.addenda(session, record_id=record.id)] if signed else [],
                           confirm=confirm, last_day=last_day,
                           week_over=last_day is None or today > last_day, addendum=addendum,
                           addendum_error=addendum_error), status


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
    "week_not_over": lambda: _("The week's last school day is not over yet: sign after it, or tick \"sign early\"."),
    "not_signed": lambda: _("Sign the record before adding an addendum."),
    "no_changes": lambda: _("Nothing has changed since the record was signed."),
    "addendum_required": lambda: _("Write what the changes were and why before signing the addendum."),
    "addendum_too_long": lambda: _("Keep the addendum under %(n)d characters.", n=records.FINDINGS_MAX),
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
    if sign and request.form.get("confirm") != "1":
        # Signing is a two-step act: first say what will be frozen and ask (#14).
        if not findings.strip():
            return _record_page(session, day, findings=findings, error=ERRORS["findings_required"](), status=422)
        if day > today:
            return _record_page(session, day, findings=findings, error=ERRORS["week_not_started"](), status=422)
        existing = records.record_for_week(session, school_id=school_id(), week=day)
        if existing is None or existing.signed_at is None:  # a signed one is refused below (409)
            return _record_page(session, day, findings=findings, confirm=True)
    try:
        records.save_record(session, school_id=school_id(), user_id=g.user.id, week=day, today=today,
                            findings=findings, figures=live_figures(session, day, today) if sign else {}, sign=sign,
                            last_day=_last_day(session, day), early=request.form.get("early") == "1")
    except records.RecordSigned:
        session.rollback()
        return _record_page(session, day, error=_("This record is signed and can no longer be changed."), status=409)
    except records.RecordInvalid as err:
        session.rollback()
        return _record_page(session, day, findings=findings, error=ERRORS[err.code](), status=422,
                            confirm=sign and err.code == "week_not_over")
    flash(_("Signed: the week's figures are frozen as shown.") if sign else _("Draft saved."))
    return redirect(url_for("principal.record", week=day), 303)


@bp.post("/records/<week>/addendum")
@login_required("principal")
def record_addendum_submit(week: str):
    """Sign an addendum for the changes made to a signed week since it (or the last addendum) was signed."""
    day = parse_day(week)
    if day is None or day != week_start(day):
        abort(404)
    session = get_session()
    note = request.form.get("note", "")
    try:
        records.sign_addendum(session, school_id=school_id(), user_id=g.user.id, week=day, note=note,
                              figures=live_figures(session, day, school_today(session)))
    except records.RecordInvalid as err:
        session.rollback()
        return _record_page(session, day, addendum=note, addendum_error=ERRORS[err.code](), status=422)
    flash(_("Addendum signed: the changes are now part of the record."))
    return redirect(url_for("principal.record", week=day), 303)
