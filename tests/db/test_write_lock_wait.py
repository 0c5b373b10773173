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


def test_a_new_write_connection_waits_while_the_database_is_briefly_locked_for_readers(app_and_path):
    # Opening a connection reads the database (PRAGMA journal_mode). The write engine's statements never wait
    # for a lock once BEGIN IMMEDIATE holds it, but a connection opened while another one holds the file
    # (here: an exclusive locking mode; in a school's evening, a WAL recovery or checkpoint) must wait like
    # any reader instead of failing the save at once with "database is locked" (a CI run lost a concurrent
    # save to that error once, #12; this is the one way found to get it at once).
    app, path = app_and_path
    taken, released = threading.Event(), threading.Event()

    def hold():
        other = sqlite3.connect(path, isolation_level=None)
        other.execute("PRAGMA locking_mode=EXCLUSIVE")
        other.execute("BEGIN IMMEDIATE")
        other.execute("SELECT count(*) FROM school").fetchall()
        other.execute("COMMIT")  # the exclusive lock stays held until the locking mode is given up
        taken.set()
        time.sleep(0.3)
        other.execute("PRAGMA locking_mode=NORMAL")
        other.execute("SELECT count(*) FROM school").fetchall()  # the lock is let go at the next access
        released.set()
        other.close()

    threading.Thread(target=hold, daemon=True).start()
    assert taken.wait(5)
    started = time.monotonic()
    with get_db(app).engine(write=True).connect() as conn:
        (mode,) = conn.exec_driver_sql("PRAGMA journal_mode").one()
        (timeout,) = conn.exec_driver_sql("PRAGMA busy_timeout").one()
    assert released.is_set() and time.monotonic() - started >= 0.25
    # Once open, the write engine's own waiting rule is back: no busy handler, _begin_immediate's tries.
    assert (mode, timeout) == ("wal", 0)
