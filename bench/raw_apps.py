"""The baselines Edulite is measured beside: a bare WSGI "hello" and a Flask route doing one bare INSERT.

Served by the same gunicorn settings as Edulite, so the ratio shows what Edulite costs on top of the
server, the framework and the database themselves. BENCH_DATABASE_URL names the database (the one the
benchmark built, so the INSERT pays the same disk and the same WAL as Edulite's saves).
"""

from __future__ import annotations

import os
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
