"""What the principal's views share: the caller's school, its today, weeks and labels."""

from __future__ import annotations

from datetime import date, timedelta

from babel.dates import format_skeleton
from flask import abort, g
from flask_babel import format_date, get_locale
from flask_babel import gettext as _

from edulite.core.calendar import parse_iso_day, week_start
from edulite.models import School
from edulite.web import clock


def school_id() -> int:
    """The signed-in principal's school: every query below takes it, so nothing else is reachable."""
    if g.scope is None or g.scope.school_id is None:
        abort(403)
    return g.scope.school_id


def current_school(session) -> School | None:
    """The school row, held on g for the request: the session's identity map only keeps objects someone
    references, so holding it saves the same SELECT in every query that looks the school up."""
    if "principal_school" not in g:
        g.principal_school = session.get(School, school_id())
    return g.principal_school


def school_today(session) -> date:
    """Today in the school's own time zone (a school day ends at local midnight, not UTC's)."""
    if not g.get("school_timezone"):  # else the zone came with the account (auth.load_user)
        current_school(session)  # held on g, so the clock's look-up of the school costs no statement
    return clock.school_today(session, school_id())


def parse_day(text: str | None) -> date | None:
    """An ISO date from a query string or form, or None when it is missing or malformed."""
    return parse_iso_day(text)


def parse_week(text: str | None, today: date) -> tuple[date, str | None]:
    """The Monday of the asked-for week (any day of it will do), else this week's and a message."""
    if not text:
        return week_start(today), None
    day = parse_day(text)
    if day is None:
        return week_start(today), _("Enter a date as YYYY-MM-DD, for example %(example)s.",
                                    example=week_start(today).isoformat())
    return week_start(day), None


def day_label(day: date) -> str:
    """Short date and weekday in the one style of every page (teacher, parent, principal; #14):
    11月16日周一 or Mon, Nov 16."""
    return format_skeleton("MMMEd", day, locale=get_locale())


def day_label_lines(day: date) -> list[str]:
    """The same label on two lines (Chart.js draws a list as lines), so seven days fit a phone's width."""
    return [format_date(day, "EEE"), format_date(day, "M/d")]


def week_label(monday: date) -> str:
    return f"{format_date(monday, 'medium')} – {format_date(monday + timedelta(days=6), 'medium')}"


def init_templates(state) -> None:
    state.app.jinja_env.globals.update(day_label=day_label, day_label_lines=day_label_lines, week_label=week_label)

