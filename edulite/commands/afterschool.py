"""After-school commands: create a range's sessions from the school's plan; plans and sessions in bulk."""

from __future__ import annotations

from pathlib import Path

import click
from sqlalchemy.exc import IntegrityError

from edulite import db
from edulite.afterschool.service import generate_sessions
from edulite.commands.base import day_range, edulite_cli, school_named, today_local
from edulite.imports.afterschool import PLAN_COLUMNS, SESSION_COLUMNS, import_plans, import_sessions
from edulite.imports.load import ImportRejected
from edulite.imports.sheets import SheetError, read_sheet
from edulite.reports.afterschool_exports import (
    PLAN_FIELDS,
    PLAN_LABELS,
    SESSION_FIELDS,
    SESSION_LABELS,
    plan_rows,
    session_rows,
)
from edulite.reports.exports import to_csv, to_xlsx


@edulite_cli.command("generate-sessions")
@click.option("--school", "school_name", required=True)
@click.option("--from", "start", required=True, help="First date, YYYY-MM-DD.")
@click.option("--to", "end", required=True, help="Last date, YYYY-MM-DD (inclusive).")
def generate_sessions_command(school_name, start, end):
    """Create a planned session on each school day of the range that has a plan and no session yet."""
    first, stop = day_range(start, end)
    with db.session_scope() as session:
        school = school_named(session, school_name)
        created = generate_sessions(session, school_id=school.id, start=first, end=stop)
    click.echo(f"Created {len(created)} session(s) from the plan"
               + (f": {', '.join(d.isoformat() for d in created)}" if created else "."))


# --- After-school service in bulk (#16): import and export with the same Chinese headers. ---

FILE = click.Path(exists=True, dir_okay=False, readable=True)


def _column_names(columns) -> str:
    return ", ".join(c.label + ("" if c.required else " [optional]") for c in columns)


def _import(file: str, columns, do_import):
    try:
        sheet = read_sheet(file, columns)
        with db.session_scope() as session:
            return do_import(session, sheet)
    except IntegrityError as err:
        raise click.ClickException(f"{file}: the database changed during the import; nothing was imported, "
                                   "run it again.") from err
    except SheetError as err:
        raise click.ClickException(f"{file}: {err} Nothing was imported.") from err
    except ImportRejected as rejected:
        click.echo(f"Nothing was imported: {len(rejected.errors)} bad row(s) in {file} "
                   "(row 1 is the header, as numbered in Excel).", err=True)
        for e in rejected.errors:
            click.echo(f"  row {e.row}: {e.message}", err=True)
        raise click.exceptions.Exit(1) from rejected


def _plan_help() -> str:
    return f"""Import after-school term plans (一校一案) from FILE (.xlsx or .csv; UTF-8, BOM or GBK).

\b
One row per term and weekday, with the columns (English or Chinese headers):
  {_column_names(PLAN_COLUMNS)}
\b
weekday:    周一..周五 (or 一..五, 星期一, 1-5, Monday-Friday)
times:      15:40 or Excel times, between 12:00 and 21:00
activities: 作业辅导/答疑辅导/阅读/体育活动/艺术/社团活动/科普活动, several separated by 、 or ,
\b
Rows with the same school and dates are one term. A term starting on the same day as a stored term
replaces it; terms may not overlap. A file with any bad row changes nothing: every bad row is listed
with its row number. The checks are those of the principal's plan form."""


def _session_help() -> str:
    return f"""Import after-school sessions as they took place from FILE (.xlsx or .csv; UTF-8, BOM or GBK).

\b
One row per session and class taking part, with the columns (English or Chinese headers):
  {_column_names(SESSION_COLUMNS)}
\b
Rows with the same school, date, times, activity and teacher are one session. activity is one of
作业辅导/答疑辅导/阅读/体育活动/艺术/社团活动/科普活动/讲授新课 (a new lesson is stored and flagged,
R-AS-03); pupils 0 to the class's headcount; teacher, if given, an account of the school.
\b
A day's planned sessions that nobody logged are replaced by the day's imported ones. A session already
stored (same school, date, times and activity) is refused, not doubled. The days must be school days
that have come. A file with any bad row changes nothing: every bad row is listed with its row number.
The day's service is then judged (R-AS-01..03) as when a teacher logs it."""


@edulite_cli.command("import-afterschool-plan", help=_plan_help())
@click.argument("file", type=FILE)
def import_afterschool_plan_command(file: str):
    report = _import(file, PLAN_COLUMNS, import_plans)
    click.echo(f"Stored {report.terms} term plan(s) ({report.replaced_terms} replacing a stored term) for "
               f"{', '.join(report.schools)}.")


@edulite_cli.command("import-afterschool", help=_session_help())
@click.argument("file", type=FILE)
def import_afterschool_command(file: str):
    report = _import(file, SESSION_COLUMNS, lambda s, sheet: import_sessions(s, sheet, today=today_local()))
    click.echo(f"Stored {report.sessions} session(s) for {', '.join(report.schools)}"
               + (f"; {report.replaced_planned} planned session(s) replaced." if report.replaced_planned else "."))


def _write(path: Path, title: str, columns, labels, rows) -> None:
    if path.suffix.lower() == ".xlsx":
        path.write_bytes(to_xlsx([(title, columns, labels, rows)]))
    else:
        path.write_bytes(to_csv(columns, labels, rows))


@edulite_cli.command("export-afterschool-plan")
@click.option("--school", "school_name", required=True)
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
def export_afterschool_plan_command(school_name, file: Path):
    """Write the school's term plans to FILE (.xlsx, else CSV with BOM), as import-afterschool-plan reads them."""
    with db.session_scope(write=False) as session:
        rows = plan_rows(session, school=school_named(session, school_name))
    _write(file, "课后服务方案", PLAN_FIELDS, PLAN_LABELS, rows)
    click.echo(f"Wrote {len(rows)} row(s) to {file}.")


@edulite_cli.command("export-afterschool")
@click.option("--school", "school_name", required=True)
@click.option("--from", "start", required=True, help="First date, YYYY-MM-DD.")
@click.option("--to", "end", required=True, help="Last date, YYYY-MM-DD (inclusive).")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
def export_afterschool_command(school_name, start, end, file: Path):
    """Write the logged sessions of the range to FILE (.xlsx, else CSV with BOM), as import-afterschool reads them."""
    first, stop = day_range(start, end)
    with db.session_scope(write=False) as session:
        rows = session_rows(session, school=school_named(session, school_name), start=first, end=stop)
    _write(file, "课后服务记录", SESSION_FIELDS, SESSION_LABELS, rows)
    click.echo(f"Wrote {len(rows)} row(s) to {file}.")
