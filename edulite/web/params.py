"""Parsing of shared query parameters; a bad value falls back to a sane default, never a 500."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from flask import current_app, request

from edulite.calendar import week_start


def local_today() -> date:
    return datetime.now(ZoneInfo(current_app.config["DEFAULT_TIMEZONE"])).date()


def week_arg(name: str = "week") -> tuple[date, date]:
    """The Monday-to-Monday range of ?week=YYYY-MM-DD (any day of the week), this week by default."""
    try:
        day = date.fromisoformat(request.args.get(name, ""))
    except ValueError:
        day = local_today()
    monday = week_start(day)
    return monday, monday + timedelta(days=7)


def week_context(name: str = "week") -> dict:
    """What a page with a week picker needs: the range, its last day and the neighbouring weeks."""
    start, end = week_arg(name)
    return {"start": start, "end": end, "last": end - timedelta(days=1),
            "prev": start - timedelta(days=7), "next": end}
