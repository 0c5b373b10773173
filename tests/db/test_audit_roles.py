"""On PostgreSQL nobody can TRUNCATE the audit trail, and the app's own role cannot drop its triggers (#17).

The deployment of docs/SECURITY.md: one role owns the tables and runs migrations; the app signs in as
another that got only `flask edulite pg-grants`. The test builds exactly that and signs in through it.
"""

from __future__ import annotations

import uuid
from urllib.parse import unquote

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import DBAPIError

from edulite import create_app
from edulite.db import get_db, session_scope
from edulite.ops.pgroles import grants_sql
from tests.conftest import PG_URL, base_config
from tests.support.factories import PASSWORD, make_world


def _schema(url: str) -> str:
    return unquote(url).rsplit("search_path=", 1)[1]


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_truncate_is_refused_even_to_the_tables_owner(database_url):
    engine = create_engine(database_url)
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO audit_entry (action, entity, at) VALUES ('x', 'y', now())"))
    with pytest.raises(DBAPIError, match="append-only"), engine.begin() as conn:
        conn.execute(text("TRUNCATE audit_entry"))
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM audit_entry")).scalar() == 1
    engine.dispose()


@pytest.fixture
def app_role(database_url):
    role = "edulite_app_" + uuid.uuid4().hex[:8]
    admin = create_engine(PG_URL)
    with admin.begin() as conn:
        conn.execute(text(f"CREATE ROLE {role} LOGIN"))
        for statement in grants_sql(app_role=role, schema=_schema(database_url)).split(";\n"):
            conn.execute(text(statement.rstrip(";")))
    yield role
    with admin.begin() as conn:
        conn.execute(text(f"DROP OWNED BY {role}"))
        conn.execute(text(f"DROP ROLE {role}"))
    admin.dispose()


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_the_app_role_works_but_cannot_truncate_drop_or_disable_the_audit_triggers(database_url, app_role):
    owner_app = create_app(base_config(DATABASE_URL=database_url))
    with session_scope(owner_app) as s:
        make_world(s)
    get_db(owner_app).dispose()
    app_url = database_url.replace("postgres@", f"{app_role}@", 1)
    app = create_app(base_config(DATABASE_URL=app_url))
    client = app.test_client()
    # Ordinary work through the restricted role: a failed sign-in is audited, a good one succeeds.
    assert client.post("/login", data={"username": "teacher", "password": "wrong"}).status_code == 401
    assert client.post("/login", data={"username": "teacher", "password": PASSWORD}).status_code == 303
    engine = get_db(app).engine(write=True)
    for statement, refusal in [
        ("TRUNCATE audit_entry", "permission denied"),
        ("DROP TRIGGER audit_entry_no_truncate ON audit_entry", "must be owner"),
        ("DROP TRIGGER audit_entry_append_only ON audit_entry", "must be owner"),
        ("ALTER TABLE audit_entry DISABLE TRIGGER ALL", "must be owner"),
        ("DELETE FROM audit_entry", "permission denied"),
        ("UPDATE audit_entry SET action = 'x'", "permission denied"),
        ("DROP TABLE audit_entry", "must be owner"),
    ]:
        with pytest.raises(DBAPIError, match=refusal), engine.begin() as conn:
            conn.execute(text(statement))
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM audit_entry WHERE action = 'login_failed'")).scalar() == 1
    get_db(app).dispose()


def test_the_grants_refuse_names_that_are_not_plain():
    with pytest.raises(ValueError, match="plain"):
        grants_sql(app_role="app; DROP TABLE user")
