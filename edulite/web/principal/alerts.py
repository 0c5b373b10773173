"""The alerts inbox: open / acknowledged / resolved tabs, filters, and acting on an alert with a note.

GET never writes: the alert table is kept fresh by every homework write (and the demo), not by reading.
"""

from __future__ import annotations

from datetime import timedelta

from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _

from edulite.alerts import actions as alert_actions
from edulite.alerts import inbox as alert_inbox
from edulite.auth import login_required
from edulite.core import rule_ids
from edulite.db import get_session
from edulite.homework import loads
from edulite.reports import week as dashboard
from edulite.web.htmx import render, wants_fragment
from edulite.web.labels import alert_done
from edulite.web.params import whole
from edulite.web.principal import bp
from edulite.web.principal.common import parse_week, school_id, school_today
from edulite.web.redirects import safe_next


def _int(name: str) -> int | None:
    return whole(request.args.get(name, ""))


def _filters(today):
    state = request.args.get("state")
    rule = request.args.get("rule")
    week, error = parse_week(request.args.get("week"), today) if request.args.get("week") else (None, None)
    grade = _int("grade")
    filters = alert_inbox.AlertFilters(state=state if state in alert_inbox.TABS else "open",
                                       rule=rule if rule in rule_ids.ALERT_RULES else None,
                                       grade=grade if grade and 1 <= grade <= 9 else None,
                                       class_id=_int("class_id"), week=week)
    return filters, error


@bp.get("/alerts")
@login_required("principal")
def alerts():
    """List the school's alerts in one state, filtered by rule, grade, class and week; days with no log too."""
    session = get_session()
    today = school_today(session)
    filters, error = _filters(today)
    classes = loads.classes(session, school_id=school_id())
    if filters.class_id and filters.class_id not in {c.class_id for c in classes}:
        abort(404)
    week = filters.week or parse_week(None, today)[0]
    missing = [(k, d) for k, d in dashboard.missing_logs(session, school_id=school_id(), start=week,
                                                         end=week + timedelta(days=7), today=today)
               if (not filters.grade or k.grade == filters.grade) and filters.class_id in (None, k.class_id)]
    page = max(_int("page") or 1, 1)
    return render_template(
        "principal/alerts.html", filters=filters, classes=classes, rules=rule_ids.ALERT_RULES, week_error=error,
        rows=alert_inbox.alert_page(session, school_id=school_id(), filters=filters, page=page),
        counts=alert_inbox.state_counts(session, school_id=school_id(), filters=filters), page=page,
        page_size=alert_inbox.PAGE_SIZE, missing=missing, missing_week=week,
        next_url=request.full_path.rstrip("?")), 422 if error else 200


@bp.get("/alerts/<int:alert_id>")
@login_required("principal")
def alert(alert_id: int):
    """Show one alert and what can be done about it."""
    row = alert_inbox.alert_row(get_session(), school_id=school_id(), alert_id=alert_id)
    if row is None:
        abort(404)
    return render("principal/alert.html", "principal/_alert.html", a=row, error=None, note="",
                  next_url=url_for("principal.alerts", state=row.state))


ERRORS = {
    "note_required": lambda: _("Write what was done before resolving the alert."),
    "note_too_long": lambda: _("Keep the note under %(n)d characters.", n=alert_actions.NOTE_MAX),
    "bad_action": lambda: _("Choose acknowledge, resolve or reopen."),
    "not_allowed": lambda: _("This alert has already been handled; reload the page to see its state."),
}


@bp.post("/alerts/<int:alert_id>")
@login_required("principal")
def alert_submit(alert_id: int):
    """Acknowledge, resolve or reopen an alert with a note; htmx gets the card back, others a 303."""
    session = get_session()
    next_url = safe_next(request.form.get("next"), url_for("principal.alerts"))
    note = request.form.get("note", "")
    try:
        alert_actions.act(session, school_id=school_id(), user_id=g.user.id, alert_id=alert_id,
                          action=request.form.get("action", ""), note=note)
    except alert_actions.AlertNotFound:
        abort(404)
    except alert_actions.AlertActionError as err:
        session.rollback()
        row = alert_inbox.alert_row(session, school_id=school_id(), alert_id=alert_id)
        return render("principal/alert.html", "principal/_alert.html", 422, a=row, error=ERRORS[err.code](),
                      note=note, next_url=next_url)
    action = request.form.get("action", "")
    if wants_fragment():
        row = alert_inbox.alert_row(session, school_id=school_id(), alert_id=alert_id)
        return render_template("principal/_alert.html", a=row, error=None, note="", next_url=next_url,
                               done=alert_done(action))
    flash(alert_done(action))
    return redirect(next_url, 303)
