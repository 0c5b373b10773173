"""Failed sign-ins are limited per account and per address, and every server worker sees the same count."""

from __future__ import annotations

import os
import uuid

import pytest
import redis

from edulite import create_app
from edulite.db import get_db, session_scope
from tests.conftest import base_config
from tests.support.factories import PASSWORD, make_world

REDIS_URL = os.environ.get("EDULITE_TEST_REDIS", "redis://127.0.0.1:6379/15")
TOO_MANY = "尝试次数过多"
WRONG = "a wrong password"


def main_text(response) -> str:
    html = response.get_data(as_text=True)
    return html[html.index("<main"):html.index("</main>")]


def attempt(client, username="teacher", password=WRONG, address="10.0.0.1"):
    return client.post("/login", data={"username": username, "password": password},
                       environ_base={"REMOTE_ADDR": address})


def test_the_sixth_failure_for_one_account_is_refused_even_from_different_addresses(any_app, any_world):
    client = any_app.test_client()
    assert [attempt(client, address=f"10.0.0.{i}").status_code for i in range(5)] == [401] * 5
    refused = attempt(client, address="10.9.9.9")
    assert refused.status_code == 429 and TOO_MANY in refused.get_data(as_text=True)
    # Locked for a minute, right password or not; other accounts are unaffected.
    assert attempt(client, password=PASSWORD, address="10.9.9.8").status_code == 429
    assert attempt(client, username="principal", password=PASSWORD, address="10.9.9.7").status_code == 303


def test_the_sixth_failure_from_one_address_is_refused_whichever_accounts_it_tried(any_app, any_world):
    client = any_app.test_client()
    names = ["teacher", "principal", "nobody", "admin", "ghost"]
    assert [attempt(client, username=n).status_code for n in names] == [401] * 5
    refused = attempt(client, username="supervisor")
    assert refused.status_code == 429
    # The same words as the per-account refusal: the page tells nothing about which limit, or which account.
    other = any_app.test_client()
    for i in range(5):
        attempt(other, username="colleague", address=f"10.1.0.{i}")
    by_account = attempt(other, username="colleague", address="10.2.0.1")
    assert main_text(by_account) == main_text(refused)


def test_a_correct_password_is_not_counted_as_a_failure(any_app, any_world):
    client = any_app.test_client()
    assert [attempt(client).status_code for _ in range(4)] == [401] * 4
    assert [attempt(client, password=PASSWORD).status_code for _ in range(10)] == [303] * 10
    assert attempt(client).status_code == 401  # the fifth failure
    assert attempt(client).status_code == 429


def test_failures_in_the_audit_trail_name_the_account_and_address_but_not_the_password(any_app, any_world):
    from sqlmodel import select

    from edulite.models import AuditEntry

    attempt(any_app.test_client(), password="hunter2-but-longer", address="10.3.0.1")
    with session_scope(any_app) as s:
        entry = s.exec(select(AuditEntry).where(AuditEntry.action == "login_failed")).one()
    assert '"address": "10.3.0.1"' in entry.after and '"username": "teacher"' in entry.after
    assert "hunter2" not in entry.after


@pytest.fixture
def redis_prefix():
    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1)
    try:
        client.ping()
    except redis.RedisError:
        pytest.skip(f"Redis is not reachable at {REDIS_URL}")
    prefix = "edulite-test-" + uuid.uuid4().hex[:12]
    yield prefix
    for key in client.scan_iter(match=prefix + "*"):
        client.delete(key)
    client.close()


def two_workers(database_url, **config):
    """Two app instances on one database, as two server processes would be."""
    apps = [create_app(base_config(DATABASE_URL=database_url, **config)) for _ in range(2)]
    with session_scope(apps[0]) as s:
        make_world(s)
    return apps


@pytest.mark.parametrize(("storage", "shared"), [("redis", True), ("memory://", False)])
def test_workers_share_the_count_through_redis_only(request, database_url, storage, shared):
    config = {"RATELIMIT_STORAGE_URI": "memory://"}
    if storage == "redis":
        config = {"RATELIMIT_STORAGE_URI": REDIS_URL, "RATELIMIT_KEY_PREFIX": request.getfixturevalue("redis_prefix")}
    first, second = two_workers(database_url, **config)
    a, b = first.test_client(), second.test_client()
    statuses = [attempt(c, address=f"10.4.0.{i}").status_code for i, c in enumerate([a, b, a, b, a])]
    assert statuses == [401] * 5
    assert attempt(b, address="10.4.1.1").status_code == (429 if shared else 401)
    for app in (first, second):
        get_db(app).dispose()


def test_sign_in_keeps_working_when_redis_is_down(any_app, any_world, caplog):
    any_app.config["RATELIMIT_STORAGE_URI"] = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    client = any_app.test_client()
    assert attempt(client).status_code == 401
    assert attempt(client, password=PASSWORD).status_code == 303
    assert "counting failed sign-ins in this worker only" in caplog.text
