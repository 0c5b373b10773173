"""Consistent copies of the live SQLite database, their rotation, and putting one back.

SQLite's online backup API copies the pages inside one read transaction of the source, so the copy is
the database as it was at one instant, even while teachers keep saving. PostgreSQL has pg_dump for
that; `pg_dump_command` spells it out instead of pretending to do its job.
"""

from __future__ import annotations

import contextlib
import os
import re
import shlex
import sqlite3
import tempfile
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import func, select, table
from sqlalchemy.dialects.sqlite import dialect as sqlite_dialect
from sqlalchemy.engine import make_url

BACKUP_NAME = re.compile(r"^edulite-\d{8}-\d{6}\.sqlite$")


class BackupError(Exception):
    """A backup or restore that was refused or failed; the message says why, for the administrator."""


@dataclass(frozen=True)
class BackupResult:
    path: Path
    size: int
    # Rows per table, read inside the same snapshot the copy was taken from.
    counts: dict[str, int]
    removed: list[Path] = field(default_factory=list)


@dataclass(frozen=True)
class RestoreResult:
    restored_from: Path
    set_aside: Path | None
    revision: str


def sqlite_path(url: str) -> Path | None:
    """The database file behind a SQLite URL; None for other databases."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return None
    if not parsed.database or parsed.database == ":memory:":
        raise BackupError("an in-memory database cannot be backed up")
    return Path(parsed.database)


def _connect(path: Path, busy_ms: int) -> sqlite3.Connection:
    # Autocommit, so that BEGIN/COMMIT below are ours; the same busy timeout the app's writers use.
    conn = sqlite3.connect(path, timeout=busy_ms / 1000, isolation_level=None)
    conn.execute(f"PRAGMA busy_timeout={int(busy_ms)}")
    return conn


def table_counts(conn: sqlite3.Connection) -> dict[str, int]:
    names = [r[0] for r in conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")]
    # SQLAlchemy quotes the names (read from the database's own catalogue) for SQLite.
    dialect = sqlite_dialect()
    return {n: conn.execute(str(select(func.count()).select_from(table(n)).compile(dialect=dialect))).fetchone()[0]
            for n in names}


def check_copy(path: Path) -> str:
    """Return the Alembic revision of a database file that passes integrity_check, else raise."""
    if not path.is_file():
        raise BackupError(f"{path} is not a file")
    try:
        with contextlib.closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as conn:
            result = [r[0] for r in conn.execute("PRAGMA integrity_check")]
            if result != ["ok"]:
                raise BackupError(f"{path} fails integrity_check: {'; '.join(result[:3])}")
            has_alembic = conn.execute(
                "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'alembic_version'").fetchone()
            row = conn.execute("SELECT version_num FROM alembic_version").fetchone() if has_alembic else None
    except sqlite3.DatabaseError as err:
        raise BackupError(f"{path} is not a readable SQLite database: {err}") from err
    if row is None:
        raise BackupError(f"{path} has no alembic_version: it is not an Edulite database")
    return row[0]


def _durable_replace(tmp: Path, final: Path) -> None:
    with open(tmp, "rb") as fh:
        os.fsync(fh.fileno())
    os.replace(tmp, final)
    with contextlib.suppress(OSError):  # not every file system lets a directory be fsynced
        fd = os.open(final.parent, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _copy(source: Path, target: Path, busy_ms: int) -> dict[str, int]:
    """Copy source into target (a new or a live database) from one snapshot; return its row counts."""
    with contextlib.closing(_connect(source, busy_ms)) as src, contextlib.closing(_connect(target, busy_ms)) as dst:
        src.execute("BEGIN")
        try:
            counts = table_counts(src)  # opens the read transaction the backup below reuses
            src.backup(dst)
        finally:
            src.execute("COMMIT")
    return counts


def backup_sqlite(db_path: Path, target_dir: Path, *, keep: int, busy_ms: int,
                  now: datetime | None = None) -> BackupResult:
    """Write edulite-YYYYMMDD-HHMMSS.sqlite (UTC) to target_dir, check it, keep the newest `keep`."""
    if keep < 1:
        raise BackupError("--keep must be at least 1")
    if not db_path.is_file():
        raise BackupError(f"no database at {db_path}")
    target_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    final = target_dir / f"edulite-{(now or datetime.now(UTC)):%Y%m%d-%H%M%S}.sqlite"
    if final.exists():
        raise BackupError(f"{final} already exists; try again in a second")
    fd, name = tempfile.mkstemp(dir=target_dir, prefix=".edulite-", suffix=".partial")
    os.close(fd)
    tmp = Path(name)
    try:
        counts = _copy(db_path, tmp, busy_ms)
        with contextlib.closing(sqlite3.connect(tmp, isolation_level=None)) as conn:
            # One self-contained file: the copy must not need a -wal file beside it.
            conn.execute("PRAGMA journal_mode=DELETE")
        check_copy(tmp)
        tmp.chmod(0o600)  # teachers' names and password hashes
        _durable_replace(tmp, final)
    finally:
        tmp.unlink(missing_ok=True)
    return BackupResult(final, final.stat().st_size, counts, rotate(target_dir, keep))


def rotate(target_dir: Path, keep: int) -> list[Path]:
    """Delete all but the newest `keep` backups; files not named like a backup are never touched."""
    backups = sorted((p for p in target_dir.iterdir() if BACKUP_NAME.match(p.name)), reverse=True)
    for old in backups[keep:]:
        old.unlink()
    return backups[keep:]


def restore_sqlite(backup_file: Path, db_path: Path, *, busy_ms: int, now: datetime | None = None) -> RestoreResult:
    """Put a checked backup in place of the live database, after copying the live one aside."""
    revision = check_copy(backup_file)
    aside = None
    if db_path.exists():
        aside = db_path.with_name(f"{db_path.name}.before-restore-{(now or datetime.now(UTC)):%Y%m%d-%H%M%S}")
        if aside.exists():
            raise BackupError(f"{aside} already exists; try again in a second")
        _copy(db_path, aside, busy_ms)
        with contextlib.closing(sqlite3.connect(aside, isolation_level=None)) as conn:
            conn.execute("PRAGMA journal_mode=DELETE")
        check_copy(aside)
        aside.chmod(0o600)
    # Through the backup API rather than a file copy: it takes the database's locks, so a running
    # server never reads half a file, and a WAL database stays consistent with its -wal file.
    _copy(backup_file, db_path, busy_ms)
    return RestoreResult(backup_file, aside, revision)


def pg_dump_command(url: str, target_dir: Path, now: datetime | None = None) -> str:
    """The pg_dump line that backs up this PostgreSQL database; the password is never part of it."""
    parsed = make_url(url)
    stamp = f"{(now or datetime.now(UTC)):%Y%m%d-%H%M%S}"
    parts = ["pg_dump", "--format=custom", "--no-owner", f"--file={target_dir / f'edulite-{stamp}.dump'}"]
    for flag, value in (("--host", parsed.host), ("--port", parsed.port), ("--username", parsed.username)):
        if value:
            parts += [flag, str(value)]
    options = parsed.query.get("options", "")
    for schema in re.findall(r"search_path=([\w,]+)", options if isinstance(options, str) else " ".join(options)):
        parts += [f"--schema={s}" for s in schema.split(",") if s and s != "public"]
    parts.append(parsed.database or "edulite")
    return shlex.join(parts)
