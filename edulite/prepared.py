"""Core statements compiled once per dialect and run through the driver, for the teacher's save (#12).

Profiled, SQLAlchemy's execution of a compiled, cached Core statement still cost 10-20 µs of Python a
statement (the execution context, each parameter processed through the compiled statement, the result
wrapper): more than SQLite spends running most of a save's statements, and a third of a save's CPU. A
Prepared statement keeps everything that decides behaviour in SQLAlchemy's hands: the SQL is its compiler's,
every bound value goes through the column type's own bind processor and every result value through its
result processor. The statement runs on the driver's cursor inside the connection's own transaction (begun
as SQLAlchemy's autobegin would), the engine's before_cursor_execute listeners see it (the tests and the
benchmark count statements there) and driver errors are raised as SQLAlchemy's (`db.is_busy` still
recognises a busy SQLite). Only the per-call work is done once per dialect; going past
`Connection.exec_driver_sql` took another 12-15 % off a save's CPU (bench/where_saves_go.py, 2026-12-01).

Not for statements with expanding IN parameters (their SQL depends on the values): `Prepared` refuses them.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy.engine import Connection, Dialect
from sqlalchemy.exc import DBAPIError
from sqlalchemy.sql.expression import ClauseElement


@dataclass(frozen=True)
class _Compiled:
    sql: str
    names: tuple[str, ...]  # the bound parameters in the order the SQL takes them
    positional: bool
    fixed: dict[str, Any]  # values written into the statement (insert(...).values(version=1))
    binds: tuple[tuple[str, Callable | None], ...]
    results: tuple[Callable | None, ...] | None  # None: no column needs converting


class Prepared:
    def __init__(self, statement: ClauseElement):
        self.statement = statement
        self._compiled: dict[str, _Compiled] = {}

    def _for(self, dialect: Dialect) -> _Compiled:
        found = self._compiled.get(dialect.name)
        if found is None:
            found = self._compiled[dialect.name] = _compile(self.statement, dialect)
        return found

    def _args(self, compiled: _Compiled, params: Mapping[str, Any]) -> Sequence[Any] | dict[str, Any]:
        values = {**compiled.fixed, **params} if compiled.fixed else params
        processed = {name: (process(values[name]) if process else values[name]) for name, process in compiled.binds}
        return tuple(processed[name] for name in compiled.names) if compiled.positional else processed

    def rows(self, conn: Connection, params: Mapping[str, Any]) -> list[tuple]:
        """Run with one set of parameters; the rows it returns (none for a write without RETURNING)."""
        compiled = self._for(conn.dialect)
        rows = _run(conn, compiled.sql, self._args(compiled, params), many=False)
        if compiled.results is None:
            return [tuple(row) for row in rows]
        processors = compiled.results
        return [tuple(p(v) if p else v for p, v in zip(processors, row, strict=True)) for row in rows]

    def first(self, conn: Connection, params: Mapping[str, Any]) -> tuple | None:
        found = self.rows(conn, params)
        return found[0] if found else None

    def many(self, conn: Connection, params: Sequence[Mapping[str, Any]]) -> None:
        """Run a write once per set of parameters (the driver's executemany)."""
        compiled = self._for(conn.dialect)
        _run(conn, compiled.sql, [self._args(compiled, p) for p in params], many=True)


def _run(conn: Connection, sql: str, args, *, many: bool) -> Sequence[Any]:
    """The statement on the driver's cursor, inside the connection's transaction, seen by the engine's
    before_cursor_execute listeners, with driver errors raised as SQLAlchemy's (as exec_driver_sql does,
    without its execution context and result objects: 10-20 µs a statement, #12)."""
    if not conn.in_transaction():
        conn.begin()  # what the first exec_driver_sql on the connection does (autobegin)
    cursor = conn.connection.cursor()
    try:
        for listener in conn.dispatch.before_cursor_execute:
            sql, args = listener(conn, cursor, sql, args, None, many)
        if many:
            cursor.executemany(sql, args)
            return []
        cursor.execute(sql, args)
        return cursor.fetchall() if cursor.description is not None else []
    except conn.dialect.loaded_dbapi.Error as error:
        # A lost connection (PostgreSQL restarted, the backend killed) is invalidated, so that the pool
        # replaces it instead of handing it to the next request (what SQLAlchemy's own execution does).
        lost = conn.dialect.is_disconnect(error, conn.connection.dbapi_connection, cursor)
        if lost:
            conn.invalidate(error)
        raise DBAPIError.instance(sql, args, error, conn.dialect.loaded_dbapi.Error, connection_invalidated=lost,
                                  dialect=conn.dialect) from error
    finally:
        with contextlib.suppress(Exception):  # a cursor of a lost connection may refuse to close
            cursor.close()


def _compile(statement: ClauseElement, dialect: Dialect) -> _Compiled:
    compiled: Any = statement.compile(dialect=dialect)
    sql, binds, fixed, literal = compiled.string, [], {}, set()
    rendered = compiled.literal_execute_params
    for bind, name in compiled.bind_names.items():
        if bind.expanding and bind not in rendered:
            if bind.value is None:  # IN a list given at run time: the SQL depends on its length
                raise ValueError(f"parameter {name}: a Prepared statement cannot have expanding IN parameters")
            # IN a list fixed in the statement (rule_id IN the cap rules): rendered into the SQL once.
            sql = sql.replace(f"__[POSTCOMPILE_{name}]", ", ".join(
                compiled.render_literal_value(value, bind.type) for value in bind.value))
            literal.add(name)
            continue
        if bind.callable is not None:
            raise ValueError(f"parameter {name}: a callable default is not supported")
        if bind in rendered:  # a value SQLAlchemy renders into the SQL (aggregate_strings' separator)
            sql = sql.replace(f"__[POSTCOMPILE_{name}]", compiled.render_literal_value(bind.value, bind.type))
            literal.add(name)
            continue
        if bind.value is not None:
            fixed[name] = bind.value
        binds.append((name, bind.type._cached_bind_processor(dialect)))
    if "POSTCOMPILE" in sql:
        raise ValueError("a Prepared statement's SQL must be complete once compiled")
    positional = bool(dialect.positional)
    names = (tuple(name for name in compiled.positiontup if name not in literal) if positional
             else tuple(name for name, _ in binds))
    results = tuple(entry.type._cached_result_processor(dialect, None) for entry in compiled._result_columns)
    return _Compiled(sql, names, positional, fixed, tuple(binds), results if any(results) else None)
