"""The app's one clock: every "today" a page or command uses comes from here.

TODAY in the config (a date, or YYYY-MM-DD from FLASK_TODAY) pins it, for tests and demonstrations;
without it, today is the local date where the school is (calendar.today_in, loads.school_today).
"""

from __future__ import annotations

from datetime import date, datetime

from flask import current_app, g, has_request_context
from sqlmodel import Session

from edulite.core.calendar import parse_iso_day, today_in, zone_of
from edulite.homework import loads


def pinned_today() -> date | None:
    """The configured TODAY, or None when the real clock is used."""
    return parse_iso_day(current_app.config.get("TODAY"))


def today_in_zone(zone: str | None) -> date:
    """Today in the named time zone (the default zone for a missing or unknown name)."""
    return pinned_today() or today_in(zone)


def school_today(session: Session, school_id: int) -> date:
    """Today where the school is: a school day ends at local midnight, not the server's."""
    pinned = pinned_today()
    if pinned is not None:
        return pinned
    scope = g.get("scope") if has_request_context() else None
    if scope is not None and scope.school_id == school_id and g.get("school_timezone"):
        return today_in(g.school_timezone)  # the caller's own school: read with the account (auth.load_user)
    return loads.school_today(session, school_id=school_id)


def local_today() -> date:
    """Today in the deployment's default zone, for pages and commands that span schools."""
    return today_in_zone(current_app.config["DEFAULT_TIMEZONE"])


def local_hour(zone: str | None) -> int:
    """The hour of the day in the named zone (the survey's default evening starts at 18:00)."""
    return datetime.now(zone_of(zone)).hour
