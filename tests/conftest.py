"""Fixtures shared by every layer: an app on a fresh database, clients, sign-in, a small world."""

from __future__ import annotations

import functools
import os
import re
import shutil
import uuid

import pytest
from flask.testing import FlaskClient
from sqlalchemy import create_engine, text

from edulite import create_app
from edulite.db import get_db, session_scope, upgrade
from tests.support.factories import PASSWORD, TEST_HASH_METHOD, make_world

PG_URL = os.environ.get("EDULITE_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/test")

pytest_plugins = ["tests.layers"]


def base_config(**extra) -> dict:
    config = {
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "WTF_CSRF_ENABLED": False,
        "PASSWORD_HASH_METHOD": TEST_HASH_METHOD,
        "RATELIMIT_STORAGE_URI": "memory://",
        "ASSET_MODE": "local",
    }
    config.update(extra)
    return config


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory):
    """One migrated database, copied for each test: migrations run once, tests stay isolated."""
    path = tmp_path_factory.mktemp("template") / "template.sqlite"
    app = create_app(base_config(DATABASE_URL=f"sqlite:///{path}"))
    upgrade(app)
    get_db(app).dispose()
    return path


@functools.cache
def pg_available() -> bool:
    engine = create_engine(PG_URL, connect_args={"connect_timeout": 3})
    try:
        with engine.connect() as conn:
            conn.execute(text("select 1"))
        return True
    except Exception:
        return False
    finally:
        engine.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path, sqlite_template):
    """A fresh, migrated database on each engine; PostgreSQL gets its own schema per test."""
    if request.param == "sqlite":
        target = tmp_path / "edulite.sqlite"
        shutil.copy(sqlite_template, target)
        yield f"sqlite:///{target}"
        return
    if not pg_available():
        pytest.skip("PostgreSQL is not reachable at " + PG_URL)
    schema = "t_" + uuid.uuid4().hex[:12]
    admin = create_engine(PG_URL)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = f"{PG_URL}?options=-csearch_path%3D{schema}"
    app = create_app(base_config(DATABASE_URL=url))
    upgrade(app)
    get_db(app).dispose()
    yield url
    with admin.begin() as conn:
        conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


@pytest.fixture
def sqlite_url(tmp_path, sqlite_template):
    target = tmp_path / "edulite.sqlite"
    shutil.copy(sqlite_template, target)
    return f"sqlite:///{target}"


@pytest.fixture
def app(sqlite_url):
    app = create_app(base_config(DATABASE_URL=sqlite_url))
    yield app
    get_db(app).dispose()


@pytest.fixture
def any_app(database_url):
    """The app on SQLite and on PostgreSQL: db-layer tests that must hold on both use this."""
    app = create_app(base_config(DATABASE_URL=database_url))
    yield app
    get_db(app).dispose()


@pytest.fixture
def world(app):
    with session_scope(app) as session:
        return make_world(session)


@pytest.fixture
def any_world(any_app):
    with session_scope(any_app) as session:
        return make_world(session)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


class AuthActions:
    def __init__(self, client):
        self._client = client

    def login(self, username="teacher", password=PASSWORD):
        return self._client.post("/login", data={"username": username, "password": password})

    def logout(self):
        return self._client.post("/logout")


@pytest.fixture
def auth(client):
    return AuthActions(client)


_FORM_TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


@pytest.fixture
def signed_in(app, world):
    """signed_in("principal") -> a test client of its own, signed in as that user of the small world.

    Each call makes a new client, so a test can hold several roles at once; signed_in(None) is one that
    stays anonymous. lang="en" reads the English interface (without it, the app's default: Chinese).
    When the app checks CSRF tokens, the sign-in form's token is sent along, as a browser would.
    """

    def sign_in(username: str | None = "teacher", *, lang: str | None = None) -> FlaskClient:
        client = app.test_client()
        if lang:
            client.set_cookie("lang", lang)
        if username is None:
            return client
        form = {"username": username, "password": PASSWORD}
        if app.config.get("WTF_CSRF_ENABLED"):
            found = _FORM_TOKEN.search(client.get("/login").get_data(as_text=True))
            assert found, "no CSRF token on the sign-in page"
            form["csrf_token"] = found.group(1)
        response = client.post("/login", data=form)
        assert response.status_code == 303, f"{username} could not sign in ({response.status_code})"
        return client

    return sign_in
