"""`edulite import-roster` and `edulite import-homework`: spreadsheets in, all rows or none."""

from __future__ import annotations

import textwrap

import click
from flask import current_app
from sqlalchemy.exc import IntegrityError

from edulite import db
from edulite.commands.base import edulite_cli
from edulite.imports import load as importers
from edulite.imports.sheets import HOMEWORK_COLUMNS, ROSTER_COLUMNS, Limits, SheetError, read_sheet

FILE = click.Path(exists=True, dir_okay=False, readable=True)


def _columns(columns) -> str:
    names = ", ".join(c.label + ("" if c.required else " [optional]") for c in columns)
    return textwrap.fill(names, width=90, subsequent_indent="  ")


@edulite_cli.command("import-roster", help=f"""Import classes, subjects and teachers from FILE (.xlsx or .csv).

\b
One row per class and subject, with the columns (English or Chinese headers):
  {_columns(ROSTER_COLUMNS)}
Grades are 1-9, headcounts 1-80. Schools, classes, subjects and teacher accounts that are missing
are created; a class's grade or headcount and a subject's teacher are updated (and reported).
New teacher accounts get a username from their name and a one-time password, printed at the end.
A file with any bad row changes nothing: every bad row is listed with its row number.""")
@click.argument("file", type=FILE)
@click.option("--district", metavar="NAME",
              help="District of new schools (created if missing). Default: the only district, or 默认区.")
def import_roster_command(file: str, district: str | None):
    from edulite.auth import hash_password

    report = _run(file, ROSTER_COLUMNS, lambda session, sheet: importers.import_roster(
        session, sheet, district=district, hash_password=hash_password))
    _summary(report)
    if report.accounts:
        click.echo("\nNew teacher accounts (hand each teacher their one-time password; it is not shown again):")
        click.echo("  school\tteacher\tusername\tpassword")
        for a in report.accounts:
            click.echo(f"  {a.school}\t{a.display_name}\t{a.username}\t{a.password}")


@edulite_cli.command("import-homework", help=f"""Import homework items from FILE (.xlsx or .csv).

\b
Columns (English or Chinese headers):
  {_columns(HOMEWORK_COLUMNS)}
\b
type:     written/oral/reading/practical/exercise/arts (书面/口头/阅读/实践/体育/艺术); default written
location: class/after_school/home (课内/课后服务/家庭); default home
required: yes/no (是/否, true/false, 1/0, y/n); default yes
dates:    2024-09-02, 2024/9/2, 2024年9月2日 or Excel dates; an empty due_date means the next day
minutes:  a whole number 0-240; 0 only with description 无 / none (no homework that day)

Import the roster first: each teacher must be assigned the class and subject. Rows already in the
database (same class, subject, set date and description) are refused, not doubled. A file with any
bad row changes nothing: every bad row is listed with its row number.""")
@click.argument("file", type=FILE)
def import_homework_command(file: str):
    # Checked before the write lock, written in bulk inside it: teachers keep saving meanwhile (#17).
    _summary(_run(file, HOMEWORK_COLUMNS, importers.import_homework, reads_first=True))


def _run(file: str, columns, do_import, *, reads_first: bool = False) -> importers.ImportReport:
    try:
        sheet = read_sheet(file, columns, Limits.from_config(current_app.config))
        with db.session_scope(reads_first=reads_first) as session:
            return do_import(session, sheet)
    except IntegrityError as err:
        # Another import or a user added the same school, class or username meanwhile; the check was sound.
        raise click.ClickException(f"{file}: the database changed during the import; nothing was imported, "
                                   "run it again.") from err
    except SheetError as err:
        raise click.ClickException(f"{file}: {err} Nothing was imported.") from err
    except importers.ImportRejected as rejected:
        click.echo(f"Nothing was imported: {len(rejected.errors)} bad row(s) in {file} "
                   "(row 1 is the header, as numbered in Excel).", err=True)
        for e in rejected.errors:
            click.echo(f"  row {e.row}: {e.message}", err=True)
        raise click.exceptions.Exit(1) from rejected


def _summary(report: importers.ImportReport) -> None:
    if not report.created and not report.updated:
        click.echo("Nothing to change: everything in the file is already in the database.")
        return
    for title, counter in (("Created", report.created), ("Updated", report.updated)):
        counts = ", ".join(f"{what} {counter[what]}" for what in importers.ENTITIES if counter[what]) or "nothing"
        click.echo(f"{title}: {counts}.")
    for change in report.changes:
        click.echo(f"  updated {change}")
