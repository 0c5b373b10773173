"""A Redis that accepts connections and never answers costs sign-in one short wait, not seconds each (#17)."""

from __future__ import annotations

import logging
import socket
import threading
import time

import pytest

from edulite import create_app
from edulite.auth import login_throttle
from edulite.db import get_db, session_scope
from tests.conftest import base_config
from tests.support.factories import make_world


@pytest.fixture
def silent_redis():
    """A TCP server that accepts every connection and never sends a byte."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(64)
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept():
        server.settimeout(0.1)
        while not stop.is_set():
            try:
                held.append(server.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield f"redis://127.0.0.1:{server.getsockname()[1]}/0"
    stop.set()
    thread.join()
    for conn in held:
        conn.close()
    server.close()


def test_a_hanging_redis_opens_the_breaker_and_sign_in_counts_in_memory(sqlite_url, silent_redis, caplog):
    app = create_app(base_config(DATABASE_URL=sqlite_url, RATELIMIT_STORAGE_URI=silent_redis,
                                 REDIS_TIMEOUT_SECONDS=0.2, REDIS_RETRY_SECONDS=30))
    with session_scope(app) as s:
        make_world(s)
    client = app.test_client()
    caplog.set_level(logging.WARNING, logger="edulite.auth")
    timings = []
    for _ in range(5):
        started = time.monotonic()
        assert client.post("/login", data={"username": "teacher", "password": "wrong"}).status_code == 401
        timings.append(time.monotonic() - started)
    # The first attempt waits for the timeouts once; the breaker then skips Redis entirely.
    assert timings[0] < 2.0
    assert max(timings[1:]) < 0.5, timings
    # Counted in this worker's memory meanwhile: the sixth is refused.
    assert client.post("/login", data={"username": "teacher", "password": "wrong"}).status_code == 429
    warnings = [r.getMessage() for r in caplog.records if "unreachable" in r.getMessage()]
    assert len(warnings) == 1 and "this worker only" in warnings[0]
    get_db(app).dispose()


def test_the_breaker_closes_again_when_redis_answers(sqlite_url, caplog):
    import os

    url = os.environ.get("EDULITE_TEST_REDIS", "redis://127.0.0.1:6379/15")
    app = create_app(base_config(DATABASE_URL=sqlite_url, RATELIMIT_STORAGE_URI=url, REDIS_RETRY_SECONDS=0.1))
    throttle = login_throttle(app)
    try:
        throttle.blocked(username="probe", address="10.0.0.1")
    except Exception:
        pytest.skip("Redis is not reachable")
    if throttle._limiter is None:
        pytest.skip(f"Redis is not reachable at {url}")
    caplog.set_level(logging.WARNING, logger="edulite.auth")
    throttle._skip_until = time.monotonic() + 0.1  # as after a failure
    time.sleep(0.15)
    assert not throttle.blocked(username="probe", address="10.0.0.1")
    assert throttle._skip_until == 0.0
    assert any("reachable again" in r.getMessage() for r in caplog.records)
    throttle.reset()
    get_db(app).dispose()
