"""The save benchmark's own bookkeeping (bench/run.py, #12): what made its figures honest must keep working.

Its save runs once measured the retry check instead of saves (every wrk run re-sent the same descriptions).
Now each description names its run and the run's new entries are counted, and on SQLite each run starts
from the database as it was before any save, copied back while the servers keep their connections open.
"""

from __future__ import annotations

import itertools
import json
import sqlite3
import threading
from datetime import date
from pathlib import Path

from sqlmodel import select

from bench import run as bench_run
from edulite import create_app
from edulite.db import get_db, session_scope
from edulite.models import AuditEntry
from tests.conftest import base_config
from tests.support.factories import add_item, make_world


def test_copy_database_restores_content_under_an_open_connection(tmp_path: Path):
    live, before = tmp_path / "live.sqlite", tmp_path / "before.sqlite"
    server = sqlite3.connect(live, isolation_level=None)  # a server's connection, open throughout
    server.execute("PRAGMA journal_mode=WAL")
    server.execute("CREATE TABLE item (description TEXT)")
    server.execute("INSERT INTO item VALUES ('set before the saves')")
    bench_run.copy_database(live, before)
    server.executemany("INSERT INTO item VALUES (?)", [(f"bench 0 1 {n}",) for n in range(50)])
    assert server.execute("SELECT count(*) FROM item").fetchone() == (51,)

    bench_run.copy_database(before, live)

    # The open connection sees the restored content at its next statement, and can write on.
    assert server.execute("SELECT description FROM item").fetchall() == [("set before the saves",)]
    server.execute("INSERT INTO item VALUES ('after')")
    assert server.execute("SELECT count(*) FROM item").fetchone() == (2,)
    assert server.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    server.close()


def test_saved_entries_counts_only_the_named_run(sqlite_url):
    app = create_app(base_config(DATABASE_URL=sqlite_url))
    with session_scope(app) as session:
        world = make_world(session)
        for description in ("bench 0 11 1", "bench 0 11 2", "bench 1 11 1", "bench 10 11 1", "练习册"):
            add_item(session, world, day=date(2026, 12, 1), minutes=10, description=description)
    get_db(app).dispose()
    url = sqlite_url

    assert bench_run.saved_entries(url, "0") == 2
    assert bench_run.saved_entries(url, "1") == 1  # "bench 10 …" is run 10's, not run 1's
    assert bench_run.saved_entries(url, "warm") == 0


def test_every_description_names_its_run():
    lua = (Path(bench_run.__file__).parent / "save.lua").read_text(encoding="utf-8")
    assert 'os.getenv("RUN")' in lua
    assert '"&description=bench+" .. run .. "+"' in lua


def test_the_save_floor_replays_a_recorded_save_statement_for_statement(app, world, signed_in, tmp_path,
                                                                       monkeypatch):
    # bench/save_floor.py: the floor is only a bound on the save if it runs the save's own statements.
    from bench import raw_apps
    from bench.save_floor import record
    from tests.support.teacher import entry, items, revisions

    teacher = signed_in("teacher")
    counter = iter(range(100))

    def save():
        response = teacher.post(f"/teacher/class/{world.class3.id}",
                                data=entry(world, description=f"练习 {next(counter)}"))
        assert response.status_code == 303

    recorded = record(app, save, 2)
    assert len(items(app)) == 2
    first = [statement.split()[0] for statement, _ in recorded[0]["statements"]]
    assert "BEGIN" in first and first[-1] == "COMMIT" and first.count("INSERT") >= 3
    assert [r["item_id"] for r in recorded] == [item.id for item in items(app)]
    floor_file = tmp_path / "floor.json"
    floor_file.write_text(json.dumps(recorded), encoding="utf-8")
    monkeypatch.setenv("BENCH_DATABASE_URL", app.config["DATABASE_URL"])
    monkeypatch.setenv("BENCH_FLOOR_FILE", str(floor_file))
    monkeypatch.setattr(raw_apps, "_local", threading.local())
    monkeypatch.setattr(raw_apps, "_recorded", [])
    monkeypatch.setattr(raw_apps, "_turn", itertools.count())
    get_db(app).dispose()
    replayed = raw_apps.floor_app.test_client()

    for _ in range(3):
        assert replayed.post("/floor").status_code == 303

    # Each replay wrote the recorded entry again, with a history row of its own: saves 1, 2, then 1 again.
    saved = items(app)
    assert [item.description for item in saved] == ["练习 0", "练习 1", "练习 0", "练习 1", "练习 0"]
    assert all(len(revisions(app, item.id)) == 1 for item in saved)
    with session_scope(app) as session:
        audited = session.exec(select(AuditEntry.entity_id).where(AuditEntry.action == "homework_create")).all()
    assert sorted(audited) == [item.id for item in saved]
    assert not raw_apps._local.conn.in_transaction
    raw_apps._local.conn.close()
