"""The session cookie opened through the memo's remembered verification (memo.RememberedSessions, #12).

A cookie that verified once is not verified again, so these tests check what that must not change: a
request that changes its session does not change what the next request with the same cookie opens, and
a tampered cookie or one signed under a replaced key opens an empty session.
"""

from __future__ import annotations

import pytest
from flask import session


@pytest.fixture
def counting(app):
    def start():
        session["items"] = [0]
        return "started"

    def add():
        session.setdefault("items", []).append(1)  # changed in place, as flash() changes its list
        return str(len(session["items"]))

    def count():
        return str(len(session.get("items", [])))

    app.add_url_rule("/t/start", "t_start", start)
    app.add_url_rule("/t/add", "t_add", add)
    app.add_url_rule("/t/count", "t_count", count)
    return app


def _cookie(app, client) -> str:
    return client.get_cookie(app.config["SESSION_COOKIE_NAME"]).value


def test_a_session_changed_by_one_request_opens_unchanged_for_the_next_with_the_same_cookie(counting):
    client = counting.test_client()
    client.get("/t/start")
    signed = _cookie(counting, client)
    name = counting.config["SESSION_COOKIE_NAME"]
    answers = []
    for _ in range(3):
        client.set_cookie(name, signed)
        answers.append(client.get("/t/add").text)
    client.set_cookie(name, signed)
    assert answers == ["2", "2", "2"] and client.get("/t/count").text == "1"


def _remembered(counting):
    """A client whose signed session cookie has been opened once (verified, and now remembered)."""
    client = counting.test_client()
    client.get("/t/start")
    signed = _cookie(counting, client)
    name = counting.config["SESSION_COOKIE_NAME"]
    client.set_cookie(name, signed)
    assert client.get("/t/count").text == "1"
    return client, name, signed


def test_a_tampered_cookie_opens_an_empty_session(counting):
    client, name, signed = _remembered(counting)
    client.set_cookie(name, signed[:-2] + ("AA" if not signed.endswith("AA") else "BB"))
    assert client.get("/t/count").text == "0"


def test_a_cookie_signed_under_a_replaced_key_opens_an_empty_session(counting):
    client, name, signed = _remembered(counting)
    counting.secret_key = counting.config["SECRET_KEY"] = "a-new-secret"
    client.set_cookie(name, signed)
    assert client.get("/t/count").text == "0"
