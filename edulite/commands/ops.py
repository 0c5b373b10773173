"""Operations: consistent backups, restores, and the production settings check."""

from __future__ import annotations

import os
import re
import shlex
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import click
from flask import Flask, current_app
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import col, select
from werkzeug.security import check_password_hash

from edulite import db
from edulite.commands.base import edulite_cli
from edulite.models import District, School, User
from edulite.ops.backup import (
    BackupError,
    backup_sqlite,
    check_copy,
    pg_dump_command,
    restore_sqlite,
    sqlite_path,
)
from edulite.ops.deploycheck import Facts, check, has_errors

DEMO_USERNAMES = ("admin", "district", "principal", "principal2", "teacher")
# Exit status when nothing was copied because another tool must do it (PostgreSQL): cron must notice.
NOT_DONE = 2


def _backup_dir(app: Flask) -> Path:
    return Path(app.config["BACKUP_DIR"] or Path(app.instance_path) / "backups")


@edulite_cli.command("backup")
@click.option("--dir", "directory", type=click.Path(file_okay=False, path_type=Path),
              help="Folder for the copies (default BACKUP_DIR, else instance/backups).")
@click.option("--keep", type=click.IntRange(min=1), help="How many copies to keep (default BACKUP_KEEP).")
def backup_command(directory: Path | None, keep: int | None):
    """Copy the live database consistently (safe while the server runs) and keep the newest N copies."""
    app = current_app
    target = directory or _backup_dir(app)
    url = db.get_db(app).url
    try:
        path = sqlite_path(url)
        if path is None:
            click.echo("Edulite runs on PostgreSQL here: back it up with pg_dump, for example")
            click.echo("  " + pg_dump_command(url, target))
            click.echo("(the password comes from ~/.pgpass or PGPASSWORD). Nothing was copied by this command.")
            raise click.exceptions.Exit(NOT_DONE)
        result = backup_sqlite(path, target, keep=keep or app.config["BACKUP_KEEP"],
                               busy_ms=app.config["SQLITE_BUSY_TIMEOUT_MS"])
    except BackupError as err:
        raise click.ClickException(str(err)) from err
    counts = result.counts
    click.echo(f"Backed up to {result.path} ({result.size:,} bytes; integrity_check ok; time in the name is UTC).")
    click.echo(f"It holds {counts.get('homework_item', 0)} homework items, {counts.get('user', 0)} accounts, "
               f"{counts.get('school_class', 0)} classes.")
    for old in result.removed:
        click.echo(f"Removed old backup {old.name}")


@edulite_cli.command("restore")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def restore_command(file: Path, yes: bool):
    """Replace the database with a checked backup; the current one is copied aside first."""
    app = current_app
    url = db.get_db(app).url
    try:
        path = sqlite_path(url)
        if path is None:
            click.echo("Edulite runs on PostgreSQL here: restore a pg_dump file with")
            click.echo("  pg_restore --clean --if-exists --no-owner --dbname <database> FILE.dump")
            raise click.exceptions.Exit(NOT_DONE)
        revision = check_copy(file)
        if not yes:
            click.confirm(f"Replace {path} with {file} (schema {revision})? The current database is copied aside "
                          "first.", abort=True)
        db.get_db(app).dispose()
        result = restore_sqlite(file, path, busy_ms=app.config["SQLITE_BUSY_TIMEOUT_MS"])
    except BackupError as err:
        raise click.ClickException(f"Not restored: {err}") from err
    if result.set_aside:
        click.echo(f"The previous database was kept as {result.set_aside}.")
    click.echo(f"Restored {file} (schema revision {result.revision}).")
    click.echo("Now restart the Edulite server so that every worker reopens the database; if the backup is from "
               "an older version, run `flask --app app edulite upgrade` before restarting.")


def _workers_from_env() -> int:
    if os.environ.get("WEB_CONCURRENCY", "").isdigit():
        return int(os.environ["WEB_CONCURRENCY"])
    found = re.search(r"(?:-w|--workers)[= ]?(\d+)", os.environ.get("GUNICORN_CMD_ARGS", ""))
    return int(found.group(1)) if found else 1


def _journal_mode(path: Path) -> str:
    # Read from the file header (bytes 18-19 are 2 in WAL mode): opening the database through the
    # app would switch WAL on by itself and hide the problem.
    with open(path, "rb") as fh:
        header = fh.read(100)
    if not header.startswith(b"SQLite format 3\x00"):
        return "not a database"
    return "wal" if header[18] == 2 and header[19] == 2 else "delete"


# Accounts with a hash of their own tried against the demo password by default; each try is one full
# PBKDF2 (about 0.3 s), so 147 of them would take most of a minute. --all-passwords tries every one.
OWN_HASH_BUDGET = 8


@dataclass(frozen=True)
class DemoPasswords:
    opening: tuple[str, ...]  # active accounts that open with the demo password
    demo_data: tuple[str, ...]  # accounts in the demo district (`flask edulite demo`)
    unchecked: int  # accounts whose own hash was not tried (over the budget)


def _demo_passwords(app: Flask, *, all_passwords: bool = False) -> DemoPasswords:
    """Which accounts open with the demo password, at a bounded cost.

    Each distinct hash is tried once: the demo hashes the password once and gives that hash (same salt) to
    every account it creates, so its 147 accounts cost one verification. Hashes shared by several accounts
    and the demo's well-known usernames are always tried; other accounts' own hashes up to OWN_HASH_BUDGET
    (the password page refuses the demo password since #17, so only older changes could hide there).
    """
    from edulite.ops.demo import DEMO_DISTRICT, DEMO_PASSWORD

    with db.session_scope(app, write=False) as session:
        users = session.exec(select(User).where(col(User.active))).all()
        districts = session.exec(select(District.id).where(District.name == DEMO_DISTRICT)).all()
        schools = session.exec(select(School.id).where(col(School.district_id).in_(districts))).all()
    by_hash: dict[str, list[User]] = defaultdict(list)
    for user in users:
        by_hash[user.password_hash].append(user)
    ordered = sorted(by_hash.values(), key=lambda group: (
        len(group) < 2 and not any(u.username in DEMO_USERNAMES for u in group), group[0].id))
    opening: list[str] = []
    unchecked = own_tried = 0
    for group in ordered:
        shared = len(group) > 1 or any(u.username in DEMO_USERNAMES for u in group)
        if not (shared or all_passwords or own_tried < OWN_HASH_BUDGET):
            unchecked += len(group)
            continue
        own_tried += not shared
        if check_password_hash(group[0].password_hash, DEMO_PASSWORD):
            opening += [u.username for u in group]
    demo = [u.username for u in users if u.district_id in districts or u.school_id in schools]
    return DemoPasswords(tuple(sorted(opening)), tuple(sorted(demo)), unchecked)


def _server_argv() -> tuple[str, ...]:
    """gunicorn's options from GUNICORN_CMD_ARGS and the command lines of gunicorn processes running here."""
    found = [os.environ["GUNICORN_CMD_ARGS"]] if os.environ.get("GUNICORN_CMD_ARGS") else []
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            argv = cmdline.read_bytes().split(b"\0")
        except OSError:
            continue  # the process ended, or it is not ours to read
        words = [a.decode(errors="replace") for a in argv if a]
        # Ours only: a gunicorn serving this app (`app:app`, as the README starts it) or naming edulite.
        if any(Path(w).name == "gunicorn" for w in words[:2]) and any(
                w.startswith("app:") or "edulite" in w for w in words[1:]):
            found.append(shlex.join(words))
    return tuple(found)


def gather_facts(app: Flask, workers: int | None, *, all_passwords: bool = False) -> Facts:
    url = db.get_db(app).url
    path = sqlite_path(url)
    kind = "sqlite" if path is not None else "postgresql"
    workers = workers or _workers_from_env()
    argv = _server_argv()
    if path is not None and not path.is_file():
        return Facts(database=kind, database_ok=False, journal_mode=None, workers=workers, server_argv=argv)
    # Before any connection: the app's own connections switch WAL on.
    mode = _journal_mode(path) if path is not None else None
    try:
        demo = _demo_passwords(app, all_passwords=all_passwords)
    except SQLAlchemyError:
        return Facts(database=kind, database_ok=False, journal_mode=mode, workers=workers, server_argv=argv)
    return Facts(database=kind, database_ok=True, journal_mode=mode, workers=workers, demo_accounts=demo.opening,
                 demo_data=demo.demo_data, unchecked_passwords=demo.unchecked, server_argv=argv,
                 max_connections=_max_connections(app) if path is None else None)


def _max_connections(app: Flask) -> int | None:
    with db.get_db(app).engine().connect() as conn:
        return int(conn.exec_driver_sql("SHOW max_connections").scalar())


@edulite_cli.command("check-deploy")
@click.option("--workers", type=click.IntRange(min=1),
              help="Server worker processes (default: WEB_CONCURRENCY, else -w in GUNICORN_CMD_ARGS, else 1).")
@click.option("--all-passwords", is_flag=True,
              help="Try every account's own password hash against the demo password (slow: ~0.3 s each).")
def check_deploy_command(workers: int | None, all_passwords: bool):
    """Report unsafe production settings; exits non-zero when any error is found."""
    findings = check(current_app.config, gather_facts(current_app, workers, all_passwords=all_passwords))
    for finding in findings:
        click.echo(finding.line())
    errors = sum(f.level == "error" for f in findings)
    click.echo(f"{errors} error(s), {len(findings) - errors} warning(s).")
    if has_errors(findings):
        raise click.exceptions.Exit(1)


@edulite_cli.command("pg-grants")
@click.option("--app-role", required=True, help="The PostgreSQL role Edulite's DATABASE_URL signs in as.")
@click.option("--schema", default="public", show_default=True)
@click.option("--owner", help="The role that owns the tables and runs migrations (adds default privileges).")
def pg_grants_command(app_role: str, schema: str, owner: str | None):
    """Print the GRANTs that let the app role use the tables without owning them (see docs/SECURITY.md)."""
    from edulite.ops.pgroles import grants_sql

    try:
        click.echo(grants_sql(app_role=app_role, schema=schema, owner=owner))
    except ValueError as err:
        raise click.ClickException(str(err)) from err
