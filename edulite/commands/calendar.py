"""`edulite import-calendar`: holidays and make-up school days (调休) from a spreadsheet."""

from __future__ import annotations

import click
from flask import current_app
from sqlmodel import select

from edulite import db
from edulite.commands.base import edulite_cli
from edulite.commands.imports import FILE
from edulite.core.calendar import parse_day_kind
from edulite.imports.sheets import (
    Column,
    Limits,
    RowError,
    SheetError,
    day,
    optional,
    read_sheet,
    text,
    typed_rows,
)
from edulite.models import School
from edulite.school.settings import set_calendar_days

CALENDAR_COLUMNS = [Column("date", "日期"), Column("kind", "类型"), Column("note", "备注", required=False)]


def _kind(value):
    if value in (None, ""):
        raise ValueError("is empty")
    return parse_day_kind(str(value))


@edulite_cli.command("import-calendar", help="""Set a school's calendar days from FILE (.xlsx or .csv).

\b
Columns (English or Chinese headers):
  date (日期), kind (类型), note (备注) [optional]
kind: school_day / holiday / weekend (上课日 / 节假日 / 周末; 调休 and 工作日 mean a school day).
Days not in any file follow the default: Monday to Friday school days, weekends off.
A file with any bad row changes nothing: every bad row is listed with its row number.""")
@click.argument("file", type=FILE)
@click.option("--school", "school_name", required=True, help="The school whose calendar to set.")
def import_calendar_command(file: str, school_name: str):
    try:
        sheet = read_sheet(file, CALENDAR_COLUMNS, Limits.from_config(current_app.config))
    except SheetError as err:
        raise click.ClickException(f"{file}: {err} Nothing was imported.") from err
    rows, errors = typed_rows(sheet, {"date": day, "kind": _kind, "note": optional(text(100), None)},
                              CALENDAR_COLUMNS)
    first_row: dict = {}
    for number, values in rows:
        if values["date"] in first_row:
            errors.append(RowError(number, f"date {values['date']} is already in row {first_row[values['date']]}"))
        first_row.setdefault(values["date"], number)
    errors.sort(key=lambda e: e.row)
    if errors:
        click.echo(f"Nothing was imported: {len(errors)} bad row(s) in {file}.", err=True)
        for e in errors:
            click.echo(f"  row {e.row}: {e.message}", err=True)
        raise click.exceptions.Exit(1)
    with db.session_scope() as session:
        school = session.exec(select(School).where(School.name == school_name)).first()
        if school is None:
            raise click.ClickException(f"no school named {school_name!r}")
        count = set_calendar_days(session, school_id=school.id, user_id=None,
                                  days=[(v["date"], v["kind"], v["note"]) for _n, v in rows])
    click.echo(f"Calendar of {school_name}: {count} day(s) set.")


@edulite_cli.command("update-holidays", help="""Load China's statutory holidays and adjusted working days (调休)
for each --year (default: this year and the next) from the `holidays` library, as the calendar every school
starts from; a school's own calendar days still win. Loads and alerts are judged again over the changed days.
A year without any 调休 working day is reported as provisional: its schedule is probably not published yet.""")
@click.option("--year", "years", type=int, multiple=True, help="A year to load (repeat for several).")
def update_holidays_command(years: tuple[int, ...]):
    from datetime import date

    from edulite.school import holidays

    chosen = list(years) or [date.today().year, date.today().year + 1]
    with db.session_scope() as session:
        reports = holidays.update(session, years=chosen)
    for r in reports:
        note = " (provisional: no 调休 working days published yet)" if r.provisional else ""
        click.echo(f"{r.year}: {r.holidays} holiday(s), {r.workdays} adjusted working day(s){note}.")
