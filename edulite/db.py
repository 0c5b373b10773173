"""Engines per app, one session per request, SQLite hardening and the migration commands."""

from __future__ import annotations

import contextlib
import logging
from pathlib import Path

from alembic import command
from alembic.config import Config as AlembicConfig
from flask import Flask, current_app, g, has_request_context, request
from sqlalchemy import Engine, create_engine, event
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


def _sqlite_engine(url: str, *, immediate: bool, busy_ms: int) -> Engine:
    engine = create_engine(url, connect_args={"timeout": busy_ms / 1000, "check_same_thread": False})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record):
        # Let SQLAlchemy's begin event issue BEGIN itself instead of pysqlite's lazy one.
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute(f"PRAGMA busy_timeout={int(busy_ms)}")
        # FULL: an acknowledged homework entry survives a power cut, not only a process crash.
        cur.execute("PRAGMA synchronous=FULL")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn):
        # WAL and a busy timeout alone still give "database is locked" when two deferred
        # transactions both try to upgrade to writers; taking the lock up front avoids that.
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine


class Database:
    """Lazily built engines, so that forked server workers each create their own pool."""

    def __init__(self, app: Flask):
        self.url = database_url(app)
        self.config = app.config
        self._read: Engine | None = None
        self._write: Engine | None = None

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
    """The request's session; write requests get a connection that holds the write lock."""
    if "db_session" not in g:
        write = not has_request_context() or request.method not in READ_METHODS
        g.db_session = Session(get_db().engine(write=write), expire_on_commit=False)
    return g.db_session


def _close_session(_exc: BaseException | None) -> None:
    session = g.pop("db_session", None)
    if session is not None:
        session.close()


@contextlib.contextmanager
def session_scope(app: Flask | None = None, *, write: bool = True):
    """A session for CLI commands and scripts; commits on success, rolls back on error."""
    with Session(get_db(app).engine(write=write), expire_on_commit=False) as session:
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
