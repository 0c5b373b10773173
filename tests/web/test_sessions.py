"""Sessions: fresh at sign-in, revoked everywhere when they should be, timed out, hardened cookies; the
password page; and logs that never hold a password or a session cookie."""

from __future__ import annotations

import logging
import time
from datetime import timedelta

import pytest
from sqlmodel import select

from edulite.db import session_scope
from edulite.models import AuditEntry, User
from tests.support.factories import PASSWORD

NEW_PASSWORD = "a much longer passphrase 42"
COOKIE = "edulite_session"


def cookie_value(client) -> str | None:
    cookie = client.get_cookie(COOKIE)
    return cookie.value if cookie else None


def change_password(client, old=PASSWORD, new=NEW_PASSWORD, confirm=None):
    return client.post("/account/password", data={"old": old, "new": new, "confirm": confirm or new})


def test_sign_in_starts_a_fresh_session_whatever_the_cookie_held_before(client, auth, world):
    with client.session_transaction() as planted:
        planted.update(planted="by an attacker", csrf_token="chosen-by-attacker")
    before = cookie_value(client)
    auth.login("teacher")
    assert cookie_value(client) != before
    with client.session_transaction() as fresh:
        assert set(fresh) == {"uid", "sv", "iat", "seen", "_permanent"}


@pytest.mark.parametrize("event", ["sign-out", "password change", "account disabled"])
def test_a_stolen_cookie_stops_working(app, client, auth, world, event):
    auth.login("teacher")
    thief = app.test_client()
    thief.set_cookie(COOKIE, cookie_value(client))
    assert thief.get("/teacher/").status_code == 200
    if event == "sign-out":
        auth.logout()
    elif event == "password change":
        assert change_password(client).status_code == 303
        assert client.get("/teacher/").status_code == 200  # the device that changed it stays signed in
    else:
        with session_scope(app) as s:
            s.get(User, world.teacher.id).active = False
    response = thief.get("/teacher/")
    assert response.status_code == 302 and response.location.startswith("/login")


@pytest.fixture
def clock(app, monkeypatch):
    """Time as edulite.auth sees it; cookies stop expiring on their own, so only our checks end a session."""
    app.config["PERMANENT_SESSION_LIFETIME"] = timedelta(days=30)
    now = [time.time()]
    monkeypatch.setattr("edulite.auth.time.time", lambda: now[0])
    return now


def test_a_session_idle_for_more_than_an_hour_ends_but_activity_keeps_it(client, auth, world, clock):
    auth.login("teacher")
    for _ in range(3):
        clock[0] += 59 * 60
        assert client.get("/teacher/").status_code == 200
    clock[0] += 61 * 60
    assert client.get("/teacher/").status_code == 302


def test_a_session_ends_twelve_hours_after_sign_in_however_active(client, auth, world, clock):
    auth.login("teacher")
    for _ in range(14):  # 14 x 50 minutes = 11 h 40 min
        clock[0] += 50 * 60
        assert client.get("/teacher/").status_code == 200
    clock[0] += 21 * 60
    assert client.get("/teacher/").status_code == 302


def test_an_htmx_request_after_the_session_ended_sends_the_whole_window_to_sign_in(client, world):
    response = client.get("/teacher/", headers={"HX-Request": "true", "HX-Current-URL": "http://localhost/teacher/?d=1"})
    assert response.status_code == 401
    assert response.headers["HX-Redirect"] == "/login?next=/teacher/?d%3D1"


def _set_cookie(response, name: str) -> str:
    return next(h for h in response.headers.getlist("Set-Cookie") if h.startswith(name + "="))


def test_the_session_cookie_is_httponly_and_samesite_lax(auth, world):
    header = _set_cookie(auth.login("teacher"), COOKIE)
    assert "HttpOnly" in header and "SameSite=Lax" in header
    assert "Secure" not in header  # plain HTTP here; see the HTTPS test


def test_over_https_the_cookies_are_secure(sqlite_url, world_factory=None):
    from edulite import create_app
    from edulite.db import get_db
    from tests.conftest import base_config
    from tests.support.factories import make_world

    app = create_app(base_config(DATABASE_URL=sqlite_url, PREFERRED_URL_SCHEME="https"))
    with session_scope(app) as s:
        make_world(s)
    client = app.test_client()
    login = client.post("https://localhost/login", data={"username": "teacher", "password": PASSWORD})
    assert "Secure" in _set_cookie(login, COOKIE)
    assert "Secure" in _set_cookie(client.get("https://localhost/lang/en"), "lang")
    get_db(app).dispose()


@pytest.mark.parametrize("target", ["/\\evil.example", "//evil.example", "https://evil.example/", "/\t/evil.example",
                                    "javascript:alert(1)", "/\n/evil.example"])
def test_sign_in_never_sends_anyone_to_another_site(client, world, target):
    response = client.post("/login", data={"username": "teacher", "password": PASSWORD, "next": target})
    assert response.location == "/teacher/"


@pytest.mark.parametrize("username", ["teacher", "principal", "supervisor", "admin"])
def test_every_signed_in_role_can_open_the_password_page_in_chinese(client, auth, world, username):
    auth.login(username)
    page = client.get("/account/password")
    assert page.status_code == 200 and "修改密码" in page.get_data(as_text=True)


@pytest.mark.parametrize(("old", "new", "confirm", "message"), [
    ("not the password", NEW_PASSWORD, None, "The current password is not right."),
    (PASSWORD, "short1234", None, "Use at least 10 characters."),
    (PASSWORD, "myteacher-name-2024", None, "must not contain your username"),
    (PASSWORD, NEW_PASSWORD, "something else entirely", "The two new passwords differ."),
    (PASSWORD, PASSWORD, None, "different from the current one"),
])
def test_a_refused_password_change_says_why_and_changes_nothing(app, client, auth, world, old, new, confirm, message):
    auth.login("teacher")
    client.set_cookie("lang", "en")
    response = change_password(client, old, new, confirm)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    with session_scope(app) as s:
        assert s.get(User, world.teacher.id).password_hash == world.teacher.password_hash


def test_a_changed_password_replaces_the_old_one_and_is_audited_without_it(app, client, auth, world):
    auth.login("teacher")
    client.set_cookie("lang", "en")
    done = change_password(client)
    assert done.status_code == 303 and done.location == "/account/password"
    assert "Your password was changed" in client.get("/account/password").get_data(as_text=True)
    auth.logout()
    assert auth.login("teacher", PASSWORD).status_code == 401
    assert auth.login("teacher", NEW_PASSWORD).status_code == 303
    with session_scope(app) as s:
        entries = s.exec(select(AuditEntry).where(AuditEntry.action == "password_changed")).all()
    assert [e.entity_id for e in entries] == [world.teacher.id]
    assert all(NEW_PASSWORD not in f"{e.before}{e.after}" for e in entries)


def test_guessing_the_current_password_on_the_password_page_is_rate_limited(client, auth, world):
    auth.login("teacher")
    statuses = [change_password(client, old=f"guess number {i}").status_code for i in range(6)]
    assert statuses == [422] * 5 + [429]


def test_logs_and_the_audit_trail_never_hold_a_password_or_a_session_cookie(app, client, auth, world, caplog):
    caplog.set_level(logging.DEBUG)
    # SQLAlchemy keeps its own loggers at WARNING unless told: with them on, a password written into any
    # row or query would show up here too.
    caplog.set_level(logging.DEBUG, logger="sqlalchemy.engine")
    wrong = "an entirely wrong passphrase"
    auth.login("teacher", wrong)
    auth.login("teacher", PASSWORD)
    cookie = cookie_value(client)
    client.get("/teacher/")
    change_password(client)
    secrets = [PASSWORD, wrong, NEW_PASSWORD, cookie]
    assert any(r.name.startswith("sqlalchemy.engine") for r in caplog.records), "SQL logging did not run"
    for record in caplog.records:
        text = f"{record.getMessage()} {record.args!r} {record.exc_text or ''}"
        assert not any(secret in text for secret in secrets), record.name
    with session_scope(app) as s:
        trail = s.exec(select(AuditEntry)).all()
    failed = [e for e in trail if e.action == "login_failed"]
    assert len(failed) == 1 and '"username": "teacher"' in failed[0].after
    assert not any(secret in f"{e.before}{e.after}" for e in trail for secret in secrets)
