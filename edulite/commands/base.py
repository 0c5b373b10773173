"""The `edulite` command group and what its commands share: today, a school by name, a date range.

Every command module (and cli.py, for the basics) registers on edulite_cli from here, so that cli.py
can import the commands package without the commands importing cli.py back.
"""

from __future__ import annotations

from datetime import date, timedelta

import click
from flask.cli import AppGroup
from sqlmodel import select

from edulite.core.calendar import parse_iso_day
from edulite.models import School
from edulite.web import clock

edulite_cli = AppGroup("edulite", help="Edulite administration: database, demo data, imports.")


def today_local() -> date:
    """Today in the default zone, or the pinned TODAY (tests, demos): the one clock of web/clock.py."""
    return clock.local_today()


def school_named(session, name: str) -> School:
    school = session.exec(select(School).where(School.name == name)).first()
    if school is None:
        raise click.ClickException(f"no school named {name!r}")
    return school


def day_range(start: str, end: str) -> tuple[date, date]:
    """Both ends inclusive on the command line, half-open inside."""
    first, last = parse_iso_day(start), parse_iso_day(end)
    if first is None or last is None:
        raise click.BadParameter("dates are YYYY-MM-DD, between 2000 and 2099")
    if last < first:
        raise click.BadParameter("--to is before --from")
    return first, last + timedelta(days=1)
