"""edulite.prepared: a statement run through the driver gives what SQLAlchemy's own execution gives (#12).

Checked on SQLite and PostgreSQL, with the types that need converting on the way in or out (dates,
times with a zone, booleans), statements with values fixed in them, and the save's own statements.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import bindparam, column, event, func, insert, select, table
from sqlalchemy.exc import DBAPIError

from edulite.alerts import store as alerts_store
from edulite.db import get_db
from edulite.homework import service
from edulite.models import HomeworkItem
from edulite.prepared import Prepared
from edulite.school import versions

ITEMS = HomeworkItem.__table__
DAY = date(2026, 11, 17)
AT = datetime(2026, 11, 17, 9, 30, 15, 123456, tzinfo=UTC)


def _item(world, **changes) -> dict:
    return {"class_id": world.class3.id, "subject_id": world.maths.id, "teacher_id": world.teacher.id,
            "set_date": DAY, "due_date": None, "last_evening": DAY, "description": "练习册第3页", "kind": "written",
            "required": True, "location": "home", "minutes": 20, "no_homework": False, "graded": False,
            "withdrawn": False, "over_cap_reason": None, "version": 1, "created_at": AT, "updated_at": AT} | changes


def test_a_write_through_the_driver_stores_what_sqlalchemy_would(any_app, any_world):
    with get_db(any_app).engine(write=True).begin() as conn:
        (prepared_id,) = service._INSERT_ITEM.rows(conn, _item(any_world))[0]
        core_id = conn.execute(insert(ITEMS).returning(ITEMS.c.id), _item(any_world)).scalar_one()
        rows = {r.id: tuple(r)[1:] for r in conn.execute(select(ITEMS).where(ITEMS.c.id.in_([prepared_id, core_id])))}
        conn.rollback()
    assert rows[prepared_id] == rows[core_id]
    stored = dict(zip(ITEMS.c.keys()[1:], rows[prepared_id], strict=True))
    assert (stored["set_date"], stored["required"], stored["due_date"]) == (DAY, True, None)
    assert stored["created_at"].replace(tzinfo=UTC) == AT


def test_rows_read_through_the_driver_are_converted_as_sqlalchemy_converts_them(any_app, any_world):
    statement = select(ITEMS.c.id, ITEMS.c.set_date, ITEMS.c.required, ITEMS.c.created_at, ITEMS.c.description).where(
        ITEMS.c.class_id == bindparam("class_id"), ITEMS.c.set_date >= bindparam("since"))
    with get_db(any_app).engine(write=True).begin() as conn:
        service._INSERT_ITEM.rows(conn, _item(any_world))
        service._INSERT_ITEM.rows(conn, _item(any_world, required=False, description="", set_date=date(2026, 11, 18)))
        params = {"class_id": any_world.class3.id, "since": DAY}
        through_driver = Prepared(statement).rows(conn, params)
        through_core = [tuple(r) for r in conn.execute(statement, params)]
        conn.rollback()
    assert through_driver == through_core and len(through_driver) == 2
    assert {type(r[1]) for r in through_driver} == {date} and {r[2] for r in through_driver} == {True, False}


def test_values_fixed_in_the_statement_are_sent(any_app, any_world):
    # versions.bump's upsert writes version=1 from the statement itself, and +1 on a conflict.
    school_id = any_world.school.id
    version = select(versions.TABLE.c.version).where(versions.TABLE.c.school_id == school_id)
    with get_db(any_app).engine(write=True).begin() as conn:
        conn.execute(versions.TABLE.delete().where(versions.TABLE.c.school_id == school_id))
        versions._bump_one(conn.dialect.name).rows(conn, {"school_id": school_id})
        first = conn.execute(version).scalar_one()
        versions._bump_one(conn.dialect.name).rows(conn, {"school_id": school_id})
        second = conn.execute(version).scalar_one()
        conn.rollback()
    assert (first, second) == (1, 2)


def test_a_list_fixed_in_the_statement_is_rendered_and_one_given_at_run_time_is_refused(any_app):
    with get_db(any_app).engine(write=True).connect() as conn:
        rows = alerts_store._STORED.rows(conn, {"school_id": 0, "class_id": 0, "start": DAY, "end": DAY,
                                                      "item_id": 0})
        assert rows == []
        with pytest.raises(ValueError, match="expanding"):
            Prepared(select(ITEMS.c.id).where(ITEMS.c.id.in_(bindparam("ids", expanding=True)))).rows(
                conn, {"ids": [1]})


def test_the_engine_sees_each_statement_and_driver_errors_are_sqlalchemys(any_app):
    seen: list[str] = []
    engine = get_db(any_app).engine(write=True)
    listen = lambda _c, _cur, statement, *_a: seen.append(statement)  # noqa: E731
    event.listen(engine, "before_cursor_execute", listen)
    try:
        with engine.connect() as conn:
            Prepared(select(ITEMS.c.id).where(ITEMS.c.id == bindparam("id"))).rows(conn, {"id": 1})
            with pytest.raises(DBAPIError):  # what db.is_busy and the error pages look at
                Prepared(select(table("no_such_table", column("x")))).rows(conn, {})
    finally:
        event.remove(engine, "before_cursor_execute", listen)
    seen = [s for s in seen if not s.startswith("BEGIN")]  # SQLite's write engine begins by a statement
    assert len(seen) == 2 and seen[0].startswith("SELECT homework_item.id")


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)  # SQLite's connections are files
def test_a_lost_postgresql_connection_is_invalidated_and_replaced(any_app):
    # The backend of the connection is killed (a restart, an administrator): the statement fails as
    # SQLAlchemy's own execution would report it, and the next checkout gets a working connection.
    engine = get_db(any_app).engine(write=True)
    statement = Prepared(select(ITEMS.c.id).where(ITEMS.c.id == bindparam("id")))
    with engine.connect() as conn:
        (pid,) = Prepared(select(func.pg_backend_pid())).rows(conn, {})[0]
        with engine.connect() as other:
            other.execute(select(func.pg_terminate_backend(pid)))
        with pytest.raises(DBAPIError) as lost:
            statement.rows(conn, {"id": 1})
        assert lost.value.connection_invalidated
    with engine.connect() as conn:
        assert statement.rows(conn, {"id": 1}) == []
        (new_pid,) = Prepared(select(func.pg_backend_pid())).rows(conn, {})[0]
    assert new_pid != pid
