"""Two app servers, one PostgreSQL, one Redis: the production shape past one machine behaves as one site.

Two real gunicorn instances of Edulite run on loopback against the same database schema and the same
Redis, with the same SECRET_KEY. Failed sign-ins count once across both, a session started on one is
honoured and ended on the other, and homework saved on both at once lands in the database exactly once
and shows on either. Bounded: a fixed number of requests, loopback only, servers always stopped.
"""

from __future__ import annotations

import contextlib
import http.client
import os
import re
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

import pytest
import redis
from sqlmodel import col, select

from edulite.models import HomeworkItem
from tests.support.factories import PASSWORD, TEST_HASH_METHOD, World

ROOT = Path(__file__).resolve().parents[2]
REDIS_URL = os.environ.get("EDULITE_TEST_REDIS", "redis://127.0.0.1:6379/15")
TODAY = datetime.now(ZoneInfo("Asia/Shanghai")).date().isoformat()
WRONG = "a wrong password"
SAVERS_PER_INSTANCE = 2
SAVES_PER_SAVER = 8
_TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')

# Only PostgreSQL: the point is one database shared by two servers. The id puts it in the `pg` layer.
pytestmark = pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)


@dataclass
class Reply:
    status: int
    location: str
    text: str


class Browser:
    """One user agent's cookies, sent to whichever instance it talks to (cookies do not depend on ports)."""

    def __init__(self, cookies: dict[str, str] | None = None):
        self.cookies = dict(cookies or {})

    def request(self, port: int, method: str, path: str, form: dict | None = None, address: str = "") -> Reply:
        headers = {"X-Forwarded-For": address} if address else {}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body, headers["Content-Type"] = urlencode(form), "application/x-www-form-urlencoded"
        with contextlib.closing(http.client.HTTPConnection("127.0.0.1", port, timeout=20)) as conn:
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            reply = Reply(response.status, response.getheader("Location", ""), response.read().decode())
            for name, value in response.getheaders():
                if name.lower() == "set-cookie":
                    key, _, rest = value.partition("=")
                    kept = rest.split(";")[0]
                    if kept and "max-age=0" not in value.lower():
                        self.cookies[key] = kept
                    else:
                        self.cookies.pop(key, None)
        return reply

    def get(self, port: int, path: str, **kw) -> Reply:
        return self.request(port, "GET", path, **kw)

    def submit(self, port: int, page: str, fields: dict, action: str | None = None, address: str = "") -> Reply:
        """Fetch the page, read its CSRF token and post the form, as a browser would."""
        found = _TOKEN.search(self.get(port, page, address=address).text)
        assert found, f"no CSRF token on {page}"
        return self.request(port, "POST", action or page, {"csrf_token": found.group(1), **fields}, address)

    def sign_in(self, port: int, username: str = "teacher", password: str = PASSWORD) -> Browser:
        reply = self.submit(port, "/login", {"username": username, "password": password})
        assert reply.status == 303, f"{username} could not sign in on :{port} ({reply.status})"
        return self


def free_ports(count: int) -> list[int]:
    with contextlib.ExitStack() as stack:
        sockets = [stack.enter_context(socket.socket()) for _ in range(count)]
        for s in sockets:
            s.bind(("127.0.0.1", 0))
        return [s.getsockname()[1] for s in sockets]


class Server:
    def __init__(self, port: int, env: dict, log: Path):
        self.port, self.log = port, log
        with log.open("wb") as out:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "-w", "1", "--threads", "2", "-b", f"127.0.0.1:{port}",
                 "--graceful-timeout", "2", "app:app"],
                cwd=ROOT, env=env, start_new_session=True, stdout=out, stderr=subprocess.STDOUT)

    def wait_ready(self) -> None:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and self.proc.poll() is None:
            with contextlib.suppress(OSError, http.client.HTTPException):
                if Browser().get(self.port, "/login").status == 200:
                    return
            time.sleep(0.1)
        raise RuntimeError(f"gunicorn on :{self.port} did not start:\n{self.log.read_text()[-2000:]}")

    def stop(self) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, signal.SIGTERM)
        try:
            self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=10)


@dataclass
class Site:
    a: int  # the two instances' ports
    b: int
    world: World
    app: object  # an app on the same database, for reading it directly
    redis: redis.Redis
    prefix: str


@pytest.fixture
def site(database_url, any_app, any_world, tmp_path):
    store = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1)
    try:
        store.ping()
    except redis.RedisError:
        store.close()
        pytest.skip(f"Redis is not reachable at {REDIS_URL}")
    prefix = "edulite-test-two-" + uuid.uuid4().hex[:12]
    env = {**os.environ, "DATABASE_URL": database_url, "REDIS_URL": REDIS_URL,
           "FLASK_RATELIMIT_KEY_PREFIX": prefix, "FLASK_SECRET_KEY": "two-instances-secret-" + prefix,
           "FLASK_PASSWORD_HASH_METHOD": TEST_HASH_METHOD, "FLASK_PROXY_COUNT": "1", "FLASK_TODAY": TODAY,
           "FLASK_ASSET_MODE": "local"}
    servers: list[Server] = []
    try:
        servers = [Server(port, env, tmp_path / f"gunicorn-{port}.log") for port in free_ports(2)]
        for server in servers:
            server.wait_ready()
        yield Site(servers[0].port, servers[1].port, any_world, any_app, store, prefix)
    finally:
        for server in servers:
            server.stop()
        for key in store.scan_iter(match=prefix + "*"):
            store.delete(key)
        store.close()


def test_failed_sign_ins_spread_over_both_instances_meet_one_shared_limit(site):
    def attempt(port, address, username="colleague", password=WRONG):
        return Browser().submit(port, "/login", {"username": username, "password": password},
                                address=address).status

    a, b = site.a, site.b
    # Five failures for one account from five addresses, never more than three on either instance...
    assert [attempt(port, f"10.0.0.{i}") for i, port in enumerate([a, b, a, b, a])] == [401] * 5
    # ...and the sixth is refused on both: a per-instance count would have allowed up to ten.
    assert attempt(b, "10.0.1.1") == 429
    assert attempt(a, "10.0.1.2", password=PASSWORD) == 429
    # The same for one address trying five accounts; other callers are not affected.
    names = ["nobody", "ghost", "admin", "supervisor", "principal"]
    assert [attempt(port, "10.7.7.7", n) for n, port in zip(names, [b, a, b, a, b], strict=True)] == [401] * 5
    assert attempt(a, "10.7.7.7", "other_teacher") == 429
    assert attempt(b, "10.0.2.1", "teacher", PASSWORD) == 303
    assert any(site.redis.scan_iter(match=site.prefix + "*")), "the counts are not in the shared Redis"


def test_a_session_started_on_one_instance_is_honoured_and_ended_on_the_other(site):
    a, b = site.a, site.b
    laptop = Browser().sign_in(a)
    assert laptop.get(a, "/teacher/").status == 200
    same_cookie = Browser(laptop.cookies)
    assert same_cookie.get(b, "/teacher/").status == 200
    assert Browser().get(b, "/teacher/").status == 302
    # Signing out on B bumps the stored session version: the copy of the cookie still held is dead on A.
    assert same_cookie.submit(b, "/teacher/", {}, action="/logout").status == 303
    ended = laptop.get(a, "/teacher/")
    assert ended.status == 302 and "/login" in ended.location

    phone, tablet = Browser().sign_in(a), Browser().sign_in(b)
    new = "another long secret"
    changed = tablet.submit(b, "/account/password", {"old": PASSWORD, "new": new, "confirm": new})
    assert changed.status == 303
    # A password change on B ends the other device's session on A, keeps the changer's on both.
    assert phone.get(a, "/teacher/").status == 302
    assert tablet.get(a, "/teacher/").status == 200 and tablet.get(b, "/teacher/").status == 200
    Browser().sign_in(a, password=new)


def save_entries(port: int, label: str, class_id: int, subject_id: int) -> tuple[list[str], Counter]:
    """Save entries one after another through the class page's form; acknowledged means the 303."""
    browser = Browser().sign_in(port)
    page = f"/teacher/class/{class_id}"
    acknowledged, statuses = [], Counter()
    for n in range(SAVES_PER_SAVER):
        description = f"two-{label}-{n}"
        reply = browser.submit(port, page, {
            "subject_id": subject_id, "description": description, "kind": "written", "location": "class",
            "required": "1", "minutes": 10, "set_date": TODAY})
        statuses[reply.status] += 1
        if reply.status == 303:
            acknowledged.append(description)
    return acknowledged, statuses


def test_saves_on_both_instances_at_once_land_once_in_one_database_seen_from_both(site):
    class_id, subject_id = site.world.class3.id, site.world.maths.id
    savers = [(port, f"{name}{i}") for port, name in [(site.a, "a"), (site.b, "b")]
              for i in range(SAVERS_PER_INSTANCE)]
    with ThreadPoolExecutor(max_workers=len(savers)) as pool:
        results = list(pool.map(lambda s: save_entries(s[0], s[1], class_id, subject_id), savers))
    acknowledged = [d for done, _ in results for d in done]
    statuses = sum((counts for _, counts in results), Counter())
    assert statuses == Counter({303: len(savers) * SAVES_PER_SAVER}), statuses

    from edulite.db import session_scope

    with session_scope(site.app) as s:
        stored = Counter(s.exec(select(HomeworkItem.description).where(
            col(HomeworkItem.description).like("two-%"))).all())
    assert all(stored[d] == 1 for d in acknowledged), "an acknowledged entry is missing or doubled"
    assert set(stored) == set(acknowledged)

    page = f"/teacher/class/{class_id}?day={TODAY}"
    on_a, on_b = Browser().sign_in(site.a).get(site.a, page), Browser().sign_in(site.b).get(site.b, page)
    assert on_a.status == on_b.status == 200
    assert [d for d in acknowledged if d not in on_a.text or d not in on_b.text] == []
