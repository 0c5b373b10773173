"""Engines per app, one session per request, SQLite hardening and the migration commands."""

from __future__ import annotations

import contextlib
import logging
import sqlite3
import time
from pathlib import Path

from alembic import command
from alembic.config import Config as AlembicConfig
from flask import Flask, current_app, g, has_request_context, request
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session as OrmSession
from sqlmodel import Session

log = logging.getLogger(__name__)
MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"
READ_METHODS = {"GET", "HEAD", "OPTIONS"}


def database_url(app: Flask) -> str:
    url = app.config.get("DATABASE_URL") or ""
    if not url:
        return "sqlite:///" + str(Path(app.instance_path) / "edulite.sqlite")
    # Plain postgresql:// would pick psycopg2, which we do not ship.
    if url.startswith("postgresql://") or url.startswith("postgres://"):
        url = "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


# Execution option: this connection runs one read statement, which needs no transaction of its own.
SINGLE_READ = "edulite_single_read"


def _begin_immediate(conn, busy_ms: int) -> None:
    """BEGIN IMMEDIATE, tried again after a fraction of a millisecond, then a little longer, until busy_ms.

    SQLite's own busy handler sleeps 1, 2, 5, 10, 15, 20, 25 ms … between tries. Under a school's evening of
    saves the write lock (held ~1 ms) stood free while every waiter slept: a quarter of the CPU idle with
    saves queued (#12, vmstat during bench/run.py). The first try is the counted statement (the engine's
    events see one BEGIN IMMEDIATE a transaction); the tries after it go to the driver directly, and the
    last error is SQLAlchemy's, so db.is_busy and the 503 with Retry-After work as before.
    """
    try:
        conn.exec_driver_sql("BEGIN IMMEDIATE")
        return
    except OperationalError as error:
        if not is_busy(error):
            raise
        failed = error
    driver = conn.connection.driver_connection
    deadline = time.monotonic() + busy_ms / 1000
    pause = 0.00005
    while time.monotonic() < deadline:
        time.sleep(pause)
        pause = min(pause * 1.5, 0.002)
        try:
            driver.execute("BEGIN IMMEDIATE")
            return
        except sqlite3.OperationalError as error:
            if getattr(error, "sqlite_errorcode", None) not in _BUSY_CODES:
                raise OperationalError("BEGIN IMMEDIATE", (), error) from error
    raise failed


def _sqlite_engine(url: str, *, immediate: bool, busy_ms: int) -> Engine:
    # The write engine waits for the lock itself (_begin_immediate); its statements inside the lock never
    # wait for one (WAL: a writer holding the lock does not wait on readers).
    wait_ms = 0 if immediate else busy_ms
    engine = create_engine(url, connect_args={"timeout": wait_ms / 1000, "check_same_thread": False})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record):
        # Let SQLAlchemy's begin event issue BEGIN itself instead of pysqlite's lazy one.
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        # Opening reads the database: a connection opened while another holds the file for a moment (a WAL
        # recovery, a checkpoint) waits like any reader, also on the write engine, whose own waiting rule
        # (no busy handler, _begin_immediate's tries) is set once it is open. With that rule from the start, a
        # connection opened at such a moment failed at once with "database is locked"
        # (tests/db/test_write_lock_wait.py); a CI run lost a concurrent save to that error once (#12).
        cur.execute(f"PRAGMA busy_timeout={int(busy_ms)}")
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute(f"PRAGMA busy_timeout={int(wait_ms)}")
        # FULL: an acknowledged homework entry survives a power cut, not only a process crash.
        cur.execute("PRAGMA synchronous=FULL")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn):
        # A single read asked for without a transaction (auth.read_account): SQLite reads one statement
        # consistently on its own, and BEGIN and the rollback after were a third of a cached page's time.
        if conn.get_execution_options().get(SINGLE_READ):
            return
        # WAL and a busy timeout alone still give "database is locked" when two deferred
        # transactions both try to upgrade to writers; taking the lock up front avoids that.
        if immediate:
            _begin_immediate(conn, busy_ms)
        else:
            conn.exec_driver_sql("BEGIN")

    return engine


class Database:
    """Lazily built engines, so that forked server workers each create their own pool."""

    def __init__(self, app: Flask):
        self.url = database_url(app)
        self.config = app.config
        self._read: Engine | None = None
        self._write: Engine | None = None
        # Reads a request may be handed again, once it has proved them current in its write lock (the
        # teacher's save: a school's calendar and policy versions, edulite.homework.service). Per
        # database, so that two apps in one process (the tests) never share them; one entry per school.
        self.shared_reads: dict = {}

    @property
    def is_sqlite(self) -> bool:
        return self.url.startswith("sqlite")

    def engine(self, *, write: bool = False) -> Engine:
        if write and self._write is None:
            self._write = self._build(write=True)
        if not write and self._read is None:
            self._read = self._build(write=False) if self.is_sqlite else self.engine(write=True)
        return self._write if write else self._read

    def _build(self, *, write: bool) -> Engine:
        if self.is_sqlite:
            return _sqlite_engine(self.url, immediate=write, busy_ms=self.config["SQLITE_BUSY_TIMEOUT_MS"])
        return create_engine(
            self.url,
            pool_size=self.config["DB_POOL_SIZE"],
            max_overflow=self.config["DB_MAX_OVERFLOW"],
            pool_pre_ping=True,
        )

    def dispose(self) -> None:
        for engine in {self._read, self._write} - {None}:
            engine.dispose()
        self._read = self._write = None


def init_app(app: Flask) -> None:
    app.extensions["edulite_db"] = Database(app)
    app.teardown_appcontext(_close_session)


def get_db(app: Flask | None = None) -> Database:
    return (app or current_app).extensions["edulite_db"]


def get_session() -> Session:
    """The request's session; write requests get a connection that holds the write lock.

    A view marked `reads_first` starts on the read engine instead and takes the lock only when its
    service calls `begin_writes` (ADR 0010): the read half of its work never holds the lock.
    """
    if "db_session" not in g:
        write = not has_request_context() or request.method not in READ_METHODS
        if write and has_request_context() and _reads_first():
            g.db_session = phased_session(get_db())
        else:
            g.db_session = Session(get_db().engine(write=write), expire_on_commit=False)
    return g.db_session


# SQLITE_BUSY and SQLITE_LOCKED: the write lock was not free within the busy timeout.
_BUSY_CODES = {5, 6}
# Seconds a client is told to wait before trying again when the database was busy.
RETRY_AFTER_SECONDS = 5


def is_busy(error: BaseException) -> bool:
    """The database could not give the write lock in time ("database is locked"): try again shortly."""
    orig = getattr(error, "orig", None)
    return isinstance(error, OperationalError) and isinstance(orig, sqlite3.OperationalError) and (
        getattr(orig, "sqlite_errorcode", None) in _BUSY_CODES or "database is locked" in str(orig))


# --- Reads first, then a short write transaction (ADR 0010) -------------------------------------------
PHASE = "edulite_phase"  # session.info key: "read" until begin_writes, "write" for one transaction
SHARED_READS = "edulite_shared_reads"  # session.info key of a phased session: its Database.shared_reads


class WritesInReadPhase(RuntimeError):
    """A flush before begin_writes: on SQLite it would upgrade a read transaction (SQLITE_BUSY)."""


def reads_first(view):
    """Mark a write view whose service reads, then calls begin_writes for a short write transaction."""
    view.reads_first = True
    return view


def _reads_first() -> bool:
    view = current_app.view_functions.get(request.endpoint or "")
    while view is not None and not getattr(view, "reads_first", False):
        view = getattr(view, "__wrapped__", None)
    return view is not None


def phased_session(db: Database) -> Session:
    """A session on the read engine that moves to the write engine for one transaction at begin_writes."""
    session = Session(db.engine(write=False), expire_on_commit=False)
    session.info[PHASE] = "read"
    session.info["edulite_engines"] = (db.engine(write=False), db.engine(write=True))
    session.info[SHARED_READS] = db.shared_reads
    return session


def begin_writes(session: Session) -> bool:
    """End the read transaction and let the next statement start the write one (BEGIN IMMEDIATE on SQLite).

    What was read before is kept (expire_on_commit=False) but may be stale: the caller re-checks what
    another writer could have changed. Returns False (and does nothing) on a session that was never in
    a read phase, e.g. a CLI command's or a test's: there everything stays one transaction.
    """
    if session.info.get(PHASE) != "read":
        return False
    session.commit()  # nothing written; ends the read snapshot and returns its connection
    session.bind = session.info["edulite_engines"][1]
    session.info[PHASE] = "write"
    return True


def _write_transaction_ended(session: Session, *_args) -> None:
    # One write transaction per begin_writes: what the request reads afterwards (the fresh form after a
    # save) goes back to the read engine instead of queueing for the lock.
    if session.info.get(PHASE) == "write":
        session.bind = session.info["edulite_engines"][0]
        session.info[PHASE] = "read"


def check_writable(session: Session, *_args) -> None:
    """Raise WritesInReadPhase in a read phase: the ORM's flushes are checked here by an event, and a
    service that writes with Core statements (which never flush) calls it before its first one."""
    if session.info.get(PHASE) == "read":
        raise WritesInReadPhase("call db.begin_writes(session) before writing")


# One note-dropper per session.info key, so that installing twice listens once.
_DROPS: dict = {}


def install_flush_hooks(after_flush, after_flush_postexec, pending: str) -> None:
    """Listen on every ORM session for flushes whose work after_flush notes under session.info[pending] and
    after_flush_postexec does; a rollback drops the notes. Idempotent (create_app may run more than once in
    a process). Used by the per-school counts kept beside the summaries (homework.school_days, school.counts).
    """
    if not event.contains(OrmSession, "after_flush", after_flush):
        event.listen(OrmSession, "after_flush", after_flush)
        event.listen(OrmSession, "after_flush_postexec", after_flush_postexec)
    if pending not in _DROPS:
        _DROPS[pending] = lambda session, *_args: session.info.pop(pending, None)
    for name in ("after_rollback", "after_soft_rollback"):
        if not event.contains(OrmSession, name, _DROPS[pending]):
            event.listen(OrmSession, name, _DROPS[pending])


event.listen(OrmSession, "after_commit", _write_transaction_ended)
event.listen(OrmSession, "after_rollback", _write_transaction_ended)
event.listen(OrmSession, "before_flush", check_writable)


def _close_session(_exc: BaseException | None) -> None:
    session = g.pop("db_session", None)
    if session is not None:
        session.close()


@contextlib.contextmanager
def session_scope(app: Flask | None = None, *, write: bool = True, reads_first: bool = False):
    """A session for CLI commands and scripts; commits on success, rolls back on error.

    reads_first: the session reads unlocked until the command calls begin_writes (ADR 0010).
    """
    db = get_db(app)
    with (phased_session(db) if reads_first else Session(db.engine(write=write), expire_on_commit=False)) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise


def alembic_config(app: Flask) -> AlembicConfig:
    cfg = AlembicConfig()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["engine"] = get_db(app).engine(write=True)
    return cfg


def upgrade(app: Flask, revision: str = "head") -> None:
    command.upgrade(alembic_config(app), revision)
