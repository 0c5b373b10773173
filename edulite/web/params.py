"""Parsing of shared query parameters; a bad value falls back to a sane default, never a 500."""

from __future__ import annotations

import re
from datetime import date, timedelta

from flask import Flask, request
from werkzeug.exceptions import NotFound
from werkzeug.routing import IntegerConverter

from edulite.core.calendar import parse_iso_day, week_start
from edulite.web.clock import local_today


def week_arg(name: str = "week") -> tuple[date, date]:
    """The Monday-to-Monday range of ?week=YYYY-MM-DD (any day of the week), this week by default."""
    day = parse_iso_day(request.args.get(name)) or local_today()
    monday = week_start(day)
    return monday, monday + timedelta(days=7)


def week_context(name: str = "week") -> dict:
    """What a page with a week picker needs: the range, its last day and the neighbouring weeks."""
    start, end = week_arg(name)
    return {"start": start, "end": end, "last": end - timedelta(days=1),
            "prev": start - timedelta(days=7), "next": end}


MAX_ID = 2**31 - 1
_DIGITS = re.compile(r"[0-9]{1,10}")


def whole(text: object, *, high: int = MAX_ID) -> int | None:
    """A whole number from 0 to high typed in ASCII digits, else None.

    str.isdigit() is no guard: it is true for "²" and "٣", and int() of a 5,000-digit string raises,
    while a 20-digit id overflows the database's integer: each of those was a 500 before.
    """
    if not isinstance(text, str) or not _DIGITS.fullmatch(text.strip()):
        return None
    value = int(text.strip())
    return value if value <= high else None


def db_id(text: str) -> int:
    """For request.args.get(..., type=db_id): a positive database id or ValueError (the default applies)."""
    value = whole(text)
    if not value:
        raise ValueError(text)
    return value


class DbIdConverter(IntegerConverter):
    """`<int:…>` in every route: beyond the database's integer range is 404, not a 500 (#17).

    PostgreSQL refuses 2147483648 for an INTEGER column with an error; SQLite would overflow at 2**63.
    NotFound rather than the converter's `max`: a failed `max` makes werkzeug try the route's other
    methods and answer 405 to a POST.
    """

    def to_python(self, value: str) -> int:
        number = int(value)
        if number > MAX_ID:
            raise NotFound()
        return number


def install_id_converter(app: Flask) -> None:
    """Replace Flask's int converter before any route is registered."""
    app.url_map.converters["int"] = DbIdConverter
