"""Backups of a live SQLite database are point-in-time copies; rotation keeps N; restore round-trips."""

from __future__ import annotations

import contextlib
import sqlite3
import threading
import time
from datetime import UTC, date, datetime, timedelta

import pytest
from alembic.script import ScriptDirectory

from edulite import create_app
from edulite.db import MIGRATIONS, get_db, session_scope
from edulite.models import AuditEntry, HomeworkItem
from edulite.ops.backup import BackupError, backup_sqlite, check_copy, restore_sqlite, rotate, sqlite_path, table_counts
from tests.conftest import base_config

HEAD = ScriptDirectory(str(MIGRATIONS)).get_current_head()

BUSY_MS = 15000
T0 = datetime(2025, 3, 10, 8, 0, 0, tzinfo=UTC)


class Writer(threading.Thread):
    """Inserts numbered homework items, each with its audit row in the same transaction (bounded)."""

    def __init__(self, app, world, *, max_rows=500, max_seconds=5.0):
        super().__init__(daemon=True)
        self.app, self.world, self.max_rows, self.max_seconds = app, world, max_rows, max_seconds
        self.count, self.stop, self.error = 0, threading.Event(), None

    def run(self):
        deadline = time.monotonic() + self.max_seconds
        try:
            while not self.stop.is_set() and self.count < self.max_rows and time.monotonic() < deadline:
                n = self.count + 1
                with session_scope(self.app) as s:
                    item = HomeworkItem(class_id=self.world.class3.id, subject_id=self.world.maths.id,
                                        teacher_id=self.world.teacher.id, set_date=date(2025, 3, 10),
                                        description=f"load {n}", minutes=n)
                    s.add(item)
                    s.flush()
                    s.add(AuditEntry(action="load", entity="homework_item", entity_id=item.id, after=str(n)))
                self.count = n
        except Exception as err:  # reported by the test, not lost in the thread
            self.error = err


def wait_for(condition, seconds=5.0):
    deadline = time.monotonic() + seconds
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.002)


def db_file(app):
    return sqlite_path(get_db(app).url)


def test_a_backup_under_write_load_is_one_consistent_instant_of_the_database(app, world, tmp_path):
    writer = Writer(app, world)
    writer.start()
    wait_for(lambda: writer.count >= 20)
    started_with = writer.count
    result = backup_sqlite(db_file(app), tmp_path / "backups", keep=3, busy_ms=BUSY_MS)
    copied_during = writer.count
    wait_for(lambda: writer.count >= copied_during + 5 or not writer.is_alive())
    writer.stop.set()
    writer.join()
    assert writer.error is None

    assert check_copy(result.path) == HEAD
    with contextlib.closing(sqlite3.connect(result.path)) as copy:
        # Equal to the counts read inside the very read transaction the copy was taken from.
        assert table_counts(copy) == result.counts
        k, total, top = copy.execute(
            "SELECT count(*), coalesce(sum(minutes), 0), coalesce(max(minutes), 0) FROM homework_item "
            "WHERE description LIKE 'load %'").fetchone()
        audited = copy.execute("SELECT count(*) FROM audit_entry WHERE action = 'load' AND entity_id IN "
                               "(SELECT id FROM homework_item)").fetchone()[0]
    # Writes 1..k and nothing after: no gap, no half-written transaction.
    assert total == k * (k + 1) // 2 and top == k and audited == k
    assert started_with <= k <= copied_during + 1  # +1: a commit may land just before its counter moves
    assert writer.count > k, "the writer kept writing after the copy, so the copy really ran under load"
    with contextlib.closing(sqlite3.connect(db_file(app))) as live:
        assert live.execute("SELECT count(*) FROM homework_item").fetchone()[0] == writer.count
    assert result.path.stat().st_mode & 0o077 == 0, "backups hold password hashes: owner-only"
    assert not list(result.path.parent.glob("*.partial"))
    assert not (result.path.parent / (result.path.name + "-wal")).exists()


def test_rotation_keeps_the_newest_copies_and_nothing_else_is_touched(app, world, tmp_path):
    folder = tmp_path / "backups"
    folder.mkdir()
    (folder / "notes.txt").write_text("keep me")
    (folder / "edulite-manual.sqlite").write_text("keep me too")
    made = [backup_sqlite(db_file(app), folder, keep=3, busy_ms=BUSY_MS, now=T0 + timedelta(hours=h)).path
            for h in range(5)]
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        [m.name for m in made[2:]] + ["notes.txt", "edulite-manual.sqlite"])
    assert made[-1].name == "edulite-20250310-120000.sqlite"
    assert rotate(folder, 1) == [made[3], made[2]]


def test_restore_round_trips_and_keeps_the_replaced_database_aside(app, world, tmp_path):
    backup = backup_sqlite(db_file(app), tmp_path / "b", keep=2, busy_ms=BUSY_MS, now=T0)
    with session_scope(app) as s:
        s.add(AuditEntry(action="after", entity="test"))
    get_db(app).dispose()
    result = restore_sqlite(backup.path, db_file(app), busy_ms=BUSY_MS, now=T0)
    assert result.revision == HEAD
    with contextlib.closing(sqlite3.connect(db_file(app))) as live:
        assert table_counts(live) == backup.counts
    with contextlib.closing(sqlite3.connect(result.set_aside)) as aside:
        assert table_counts(aside)["audit_entry"] == backup.counts["audit_entry"] + 1
    check_copy(result.set_aside)
    assert app.test_client().post("/login", data={"username": "teacher", "password": "correct horse battery"}
                                  ).status_code == 303


def _corrupt(path):
    data = bytearray(path.read_bytes())
    data[4096:8192] = b"\xff" * 4096  # the second page: a table's b-tree
    path.write_bytes(bytes(data))


@pytest.mark.parametrize("damage", ["not a database", "corrupted", "not Edulite's"])
def test_restore_refuses_a_file_it_cannot_trust_and_changes_nothing(app, world, tmp_path, damage):
    bad = tmp_path / "bad.sqlite"
    if damage == "not a database":
        bad.write_bytes(b"hello, this is a text file" * 100)
    elif damage == "corrupted":
        bad = backup_sqlite(db_file(app), tmp_path, keep=1, busy_ms=BUSY_MS).path
        _corrupt(bad)
    else:
        with contextlib.closing(sqlite3.connect(bad)) as other:
            other.execute("CREATE TABLE notes (x)")
    before = db_file(app).read_bytes()
    with pytest.raises(BackupError):
        restore_sqlite(bad, db_file(app), busy_ms=BUSY_MS)
    assert db_file(app).read_bytes() == before
    assert not list(db_file(app).parent.glob("*.before-restore-*"))


def test_the_backup_and_restore_commands_tell_the_administrator_what_happened(app, world, runner, tmp_path):
    made = runner.invoke(args=["edulite", "backup", "--dir", str(tmp_path), "--keep", "2"])
    assert made.exit_code == 0, made.output
    assert "integrity_check ok" in made.output and "accounts" in made.output
    copy = next(tmp_path.glob("edulite-*.sqlite"))
    declined = runner.invoke(args=["edulite", "restore", str(copy)], input="n\n")
    assert declined.exit_code != 0 and not list(db_file(app).parent.glob("*.before-restore-*"))
    restored = runner.invoke(args=["edulite", "restore", str(copy), "--yes"])
    assert restored.exit_code == 0, restored.output
    assert "restart the Edulite server" in restored.output and "before-restore" in restored.output
    junk = tmp_path / "junk.sqlite"
    junk.write_text("junk")
    refused = runner.invoke(args=["edulite", "restore", str(junk), "--yes"])
    assert refused.exit_code != 0 and "Not restored" in refused.output


def test_on_postgresql_backup_prints_the_pg_dump_command_without_the_password(tmp_path):
    app = create_app(base_config(DATABASE_URL="postgresql://edulite:s3cret-pw@db.example:5432/edulite"))
    result = app.test_cli_runner().invoke(args=["edulite", "backup", "--dir", str(tmp_path)])
    assert result.exit_code == 2  # nothing was copied: a cron job must notice
    assert "pg_dump --format=custom --no-owner" in result.output
    assert "--host db.example --port 5432 --username edulite" in result.output
    assert "s3cret" not in result.output
    assert not list(tmp_path.iterdir())


def test_check_deploy_reads_the_live_database_and_exits_non_zero_on_errors(app, world, runner):
    from werkzeug.security import generate_password_hash

    from edulite.models import User
    from edulite.ops.demo import DEMO_PASSWORD

    with session_scope(app) as s:
        s.get(User, world.admin.id).password_hash = generate_password_hash(DEMO_PASSWORD, method="pbkdf2:sha256:1000")
    get_db(app).dispose()
    with contextlib.closing(sqlite3.connect(db_file(app))) as conn:
        conn.execute("PRAGMA journal_mode=DELETE")
    result = runner.invoke(args=["edulite", "check-deploy", "--workers", "3"])
    assert result.exit_code == 1
    found = {line.split()[0] for line in result.output.splitlines() if line[:1] in "EW" and line[1:4].isdigit()}
    # TESTING is on in tests; the file is in rollback-journal mode; memory limits with 3 workers; a demo login.
    assert {"E003", "E005", "E012", "W001"} <= found
    assert "admin" in next(line for line in result.output.splitlines() if line.startswith("E012"))


def test_check_deploy_reads_postgresqls_max_connections(any_app):
    result = any_app.test_cli_runner().invoke(args=["edulite", "check-deploy", "--workers", "500"])
    # On PostgreSQL 500 workers x 7 connections exceed any default max_connections; SQLite has no such limit.
    assert ("E013" in result.output) == any_app.config["DATABASE_URL"].startswith("postgresql")
