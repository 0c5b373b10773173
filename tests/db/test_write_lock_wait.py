"""The write engine waits for SQLite's write lock itself (db._begin_immediate, #12).

SQLite's own busy handler sleeps 1, 2, 5, 10 … ms between tries; the write engine instead tries again after
a fraction of a millisecond, a little longer each time, until SQLITE_BUSY_TIMEOUT_MS. What must not change:
a writer that waits gets the lock once it is free, with one BEGIN IMMEDIATE seen by the engine's events; one
that waits past the timeout gets SQLAlchemy's "database is locked" (db.is_busy: the 503 of tests/web/test_busy.py).
"""

from __future__ import annotations

import sqlite3
import threading
import time

import pytest
from sqlalchemy import event
from sqlalchemy.exc import OperationalError

from edulite import create_app
from edulite.db import get_db, is_busy
from tests.conftest import base_config


@pytest.fixture
def app_and_path(sqlite_url):
    app = create_app(base_config(DATABASE_URL=sqlite_url, SQLITE_BUSY_TIMEOUT_MS=2000))
    yield app, sqlite_url.split("///", 1)[1]
    get_db(app).dispose()


def _hold_lock(path: str, seconds: float) -> threading.Event:
    """Another connection takes the write lock, holds it for seconds, then lets go; returns 'taken'."""
    taken = threading.Event()

    def hold():
        other = sqlite3.connect(path, isolation_level=None)
        other.execute("BEGIN IMMEDIATE")
        taken.set()
        time.sleep(seconds)
        other.execute("ROLLBACK")
        other.close()

    threading.Thread(target=hold, daemon=True).start()
    assert taken.wait(5)
    return taken


def test_a_writer_waiting_for_the_lock_gets_it_once_free_with_one_begin_seen(app_and_path):
    app, path = app_and_path
    engine = get_db(app).engine(write=True)
    seen: list[str] = []
    listen = lambda _c, _cur, statement, *_a: seen.append(statement)  # noqa: E731
    event.listen(engine, "before_cursor_execute", listen)
    try:
        _hold_lock(path, 0.2)
        started = time.monotonic()
        with engine.begin() as conn:
            conn.exec_driver_sql("SELECT 1")
        waited = time.monotonic() - started
    finally:
        event.remove(engine, "before_cursor_execute", listen)
    assert 0.1 < waited < 1.5
    assert seen.count("BEGIN IMMEDIATE") == 1


def test_a_writer_waiting_past_the_timeout_is_told_busy(sqlite_url):
    app = create_app(base_config(DATABASE_URL=sqlite_url, SQLITE_BUSY_TIMEOUT_MS=150))
    try:
        _hold_lock(sqlite_url.split("///", 1)[1], 1.0)
        started = time.monotonic()
        with pytest.raises(OperationalError) as caught, get_db(app).engine(write=True).begin() as conn:
            conn.exec_driver_sql("SELECT 1")
        assert is_busy(caught.value) and 0.14 < time.monotonic() - started < 0.9
    finally:
        get_db(app).dispose()
