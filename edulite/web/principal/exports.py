"""Exports of any week or date range as CSV (one table) or Excel (loads, items and alerts sheets)."""

from __future__ import annotations

from datetime import timedelta

from flask import Response, abort, g, render_template, request
from flask_babel import get_locale
from flask_babel import gettext as _

from edulite.auth import login_required
from edulite.core.calendar import week_start
from edulite.db import get_session
from edulite.homework import budget, loads
from edulite.reports import exports
from edulite.survey import reads as survey_reads
from edulite.web import cache
from edulite.web.labels import (
    CLEAR_CAUSE_LABELS,
    DAY_KIND_LABELS,
    KIND_MINUTES,
    KIND_WORDS,
    LOCATION_WORDS,
    STATE_LABELS,
    in_words,
)
from edulite.web.params import whole
from edulite.web.principal import bp
from edulite.web.principal.common import parse_day, school_id, school_today

TABLES = ("loads", "items", "alerts", "survey")


def labels(zone: str = "UTC") -> dict[str, str]:
    """Column headers; a column of moments names the school's zone they are written in (#14)."""
    return {
        "class": _("Class"), "grade": _("Grade"), "date": _("Date"), "day_kind": _("Kind of day"),
        "counted_minutes": _("Counted minutes"), "cap": _("Cap"), "over": _("Over the cap"),
        **in_words(KIND_MINUTES),
        "subject": _("Subject"), "teacher": _("Teacher"), "set_date": _("Set on"), "due_date": _("Due"),
        "description": _("Description"), "kind": _("Type"), "required": _("Required"), "location": _("Where"),
        "minutes": _("Minutes"), "counts_toward_cap": _("Counts toward the cap"), "no_homework": _("No homework"),
        "graded": _("Graded"), "withdrawn": _("Withdrawn"), "updated_at": _("Last changed (%(zone)s)", zone=zone),
        "rule_id": _("Rule"), "figure": _("Figure"), "limit": _("Limit"), "detail": _("Detail"),
        "state": _("State"), "current": _("Still found"), "note": _("Note"),
        **survey_labels(),
        "created_at": _("Logged (%(zone)s)", zone=zone), "evenings": _("Evenings"),
        "minutes_per_evening": _("Minutes per evening"), "over_cap_reason": _("Reason for going over the cap"),
        "raised_at": _("Raised (%(zone)s)", zone=zone), "acted_by": _("Handled by"),
        "acted_at": _("Handled (%(zone)s)", zone=zone), "cleared_at": _("Cleared (%(zone)s)", zone=zone),
        "cleared_by": _("Cleared by"), "cleared_cause": _("Why it cleared"),
    }


def survey_labels() -> dict[str, str]:
    """The survey sheet's columns (#13): aggregates only, an empty cell where there are too few answers."""
    return {"scope": _("Scope"), "answers": _("Answers"), "too_few_answers": _("Too few answers"),
            "on_time_percent": _("Within the cap (%)"), "median_minutes": _("Median minutes"),
            "p90_minutes": _("90th percentile minutes"), "bedtime_kept_percent": _("In bed by bedtime (%)"),
            "finished_percent": _("Finished before bedtime (%)"), "asked_to_check_percent": _("Asked to check (%)"),
            "phone_used_percent": _("Phone used (%)"), "logged_median_minutes": _("Logged minutes (median)"),
            "reported_to_logged": _("Reported ÷ logged")}


def _value_names() -> dict[str, dict]:
    yes_no = {True: _("yes"), False: _("no")}
    return {
        "day_kind": in_words(DAY_KIND_LABELS), "kind": in_words(KIND_WORDS), "location": in_words(LOCATION_WORDS),
        "state": in_words(STATE_LABELS), "cleared_cause": in_words(CLEAR_CAUSE_LABELS),
        "scope": {"school": _("School"), "grade": _("Grade"), "class": _("Class")},
        **dict.fromkeys(("over", "required", "counts_toward_cap", "no_homework", "graded", "withdrawn", "current",
                         "too_few_answers"),
                        yes_no),
    }


def localised(rows: list[dict]) -> list[dict]:
    """Codes (written, school_day, True) as words of the interface language; numbers and dates stay typed."""
    names = _value_names()
    return [{k: names[k].get(v, v) if k in names else v for k, v in row.items()} for row in rows]


def _form_errors(args, class_ids: set[int]) -> tuple[dict, dict[str, str]]:
    first, last = parse_day(args.get("from")), parse_day(args.get("to"))
    errors = {}
    if first is None:
        errors["from"] = _("Enter the first day as YYYY-MM-DD.")
    if last is None:
        errors["to"] = _("Enter the last day as YYYY-MM-DD.")
    elif first and last < first:
        errors["to"] = _("The last day is before the first day.")
    elif first and (last - first).days >= exports.MAX_DAYS:
        errors["to"] = _("Export at most %(n)d days at a time.", n=exports.MAX_DAYS)
    raw_class = args.get("class_id", "")
    class_id = whole(raw_class)
    if raw_class and class_id not in class_ids:
        abort(404)
    fmt = args.get("format") if args.get("format") in ("csv", "xlsx") else "csv"
    table = args.get("table") if args.get("table") in TABLES else "loads"
    return {"first": first, "last": last, "class_id": class_id or None, "format": fmt,
            "table": table}, errors


def _form(values=None, errors=None, status=200):
    session = get_session()
    monday = week_start(school_today(session))
    values = values or {"first": monday, "last": monday + timedelta(days=6), "format": "xlsx", "table": "loads"}
    return render_template("principal/exports.html", values=values, errors=errors or {},
                           classes=loads.classes(session, school_id=school_id()), this_week=monday), status


@bp.get("/exports", endpoint="exports")
@login_required("principal")
def exports_page():
    """Show the export form: a range, a class or all, CSV or Excel."""
    return _form()


@bp.get("/exports/file")
@login_required("principal")
def export_file():
    """Send the export: CSV of one table (UTF-8 with BOM) or an Excel workbook of all three."""
    session = get_session()
    classes = {c.class_id for c in loads.classes(session, school_id=school_id())}
    values, errors = _form_errors(request.args, classes)
    if errors:
        return _form(values=values, errors=errors, status=422)
    span = {"school_id": school_id(), "start": values["first"], "end": values["last"] + timedelta(days=1),
            "class_ids": [values["class_id"]] if values["class_id"] else None}
    builders = {"loads": (exports.load_rows, exports.LOAD_COLUMNS), "items": (exports.item_rows, exports.ITEM_COLUMNS),
                "alerts": (exports.alert_rows, exports.ALERT_COLUMNS),
                "survey": (survey_reads.export_rows, survey_reads.SURVEY_COLUMNS)}
    stem = f"edulite-{values['first']}-{values['last']}"
    zone = budget.school_zone(session, school_id=school_id()).key
    key = ("export", school_id(), values["first"], values["last"], values["class_id"], values["format"],
           values["table"], str(get_locale()), school_today(session), g.data_version)
    if values["format"] == "csv":
        build, columns = builders[values["table"]]
        body = cache.cached(key, lambda: exports.to_csv(columns, labels(zone), localised(build(session, **span))))
        mime, name = "text/csv; charset=utf-8", f"{stem}-{values['table']}.csv"
    else:
        titles = {"loads": _("Loads"), "items": _("Items"), "alerts": _("Alerts"), "survey": _("Family survey")}
        body = cache.cached(key, lambda: exports.to_xlsx([
            (titles[t], builders[t][1], labels(zone), localised(builders[t][0](session, **span))) for t in TABLES]))
        mime, name = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", f"{stem}.xlsx"
    if not values["class_id"]:
        # The whole school's file is the cached body and names from the query: the same for the same key
        # (ADR 0016). One class's is not copied: that the class is the school's is checked per request.
        cache.memoizable()
    return Response(body, content_type=mime, headers={"Content-Disposition": f'attachment; filename="{name}"'})
