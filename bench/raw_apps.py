"""The baselines Edulite is measured beside: a bare WSGI "hello", a Flask route doing one bare INSERT, and
the save's floor: a Flask route replaying recorded saves' statements bare (bench/save_floor.py).

Served by the same gunicorn settings as Edulite, so the ratio shows what Edulite costs on top of the
server, the framework and the database themselves. BENCH_DATABASE_URL names the database (the one the
benchmark built, so the INSERT pays the same disk and the same WAL as Edulite's saves).
"""

from __future__ import annotations

import itertools
import json
import os
import re
import sqlite3
import threading
from datetime import date

from flask import Flask

_local = threading.local()


def hello(_environ, start_response):
    body = b"hello"
    start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", str(len(body)))])
    return [body]


def _connection():
    if getattr(_local, "conn", None) is None:
        url = os.environ["BENCH_DATABASE_URL"]
        if url.startswith("sqlite"):
            conn = sqlite3.connect(url.split("///", 1)[1], timeout=30, isolation_level=None,
                                   check_same_thread=False)
            # Edulite's own settings, so that both pay for the same durability.
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=FULL")
            conn.execute("PRAGMA busy_timeout=30000")
            conn.execute("PRAGMA foreign_keys=ON")
        else:
            import psycopg

            conn = psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://"), autocommit=True)
        _local.conn = conn
    return _local.conn


insert_app = Flask(__name__)


@insert_app.post("/insert")
def insert_row():
    """One INSERT in its own transaction: the least a save can cost."""
    conn = _connection()
    if isinstance(conn, sqlite3.Connection):
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("INSERT INTO bench_raw (day, minutes) VALUES (?, ?)", (date.today().isoformat(), 20))
        conn.execute("COMMIT")
    else:
        conn.execute("INSERT INTO bench_raw (day, minutes) VALUES (%s, %s)", (date.today(), 20))
    return "", 303, {"Location": "/"}


floor_app = Flask("floor")
_turn = itertools.count()
_recorded: list = []
_loading = threading.Lock()


# The columns that name the entry, in the writes after its INSERT: its history row and its audit entry.
_NAMING = {"homework_revision": "item_id", "audit_entry": "entity_id"}


def naming_column(statement: str) -> int | None:
    """Where the entry's id sits in an INSERT's values, if the statement names the entry."""
    found = re.match(r"INSERT INTO (\w+) \(([^)]*)\)", statement)
    if found is None or found.group(1) not in _NAMING:
        return None
    return [c.strip().strip('"') for c in found.group(2).split(",")].index(_NAMING[found.group(1)])


def _prepared(save: dict) -> list[tuple[str, list, int | None]]:
    """A recorded save's statements with, for each, where the entry's id sits in its values (found once, at
    load, so that the replay itself does no more than the save's own statements)."""
    return [(statement, parameters, naming_column(statement)) for statement, parameters in save["statements"]]


def _load() -> None:
    with _loading:
        if not _recorded:
            with open(os.environ["BENCH_FLOOR_FILE"], encoding="utf-8") as recorded:
                _recorded.extend((_prepared(save), save["item_id"]) for save in json.load(recorded))


def _renamed(values: list, column: int | None, recorded_id: int, item_id: int | None) -> list:
    if column is None or item_id is None or values[column] != recorded_id:
        return values
    return [*values[:column], item_id, *values[column + 1:]]


@floor_app.post("/floor")
def floor():
    """The next recorded save's statements, with their recorded parameters, as the save ran them (SQLite):
    the reads, BEGIN IMMEDIATE, the writes, COMMIT. No sign-in, form, rule, summary or alert in Python.

    The entry's history and audit rows name the id its INSERT returns now, not the recorded one: the
    recorded entry may be gone (each run starts from the database before any save) and the foreign keys
    are checked, as in Edulite.
    """
    if not _recorded:
        _load()
    conn = _connection()
    statements, recorded_id = _recorded[next(_turn) % len(_recorded)]
    item_id = None
    try:
        for statement, parameters, column in statements:
            if parameters and isinstance(parameters[0], list):
                conn.executemany(statement, [_renamed(row, column, recorded_id, item_id) for row in parameters])
                continue
            rows = conn.execute(statement, _renamed(parameters, column, recorded_id, item_id)).fetchall()
            if item_id is None and statement.startswith("INSERT INTO homework_item"):
                item_id = rows[0][0]
    except BaseException:
        if conn.in_transaction:  # never leave the write lock held
            conn.execute("ROLLBACK")
        raise
    return "", 303, {"Location": "/"}
