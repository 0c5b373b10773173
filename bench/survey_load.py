"""Load: 45 families of one class answer the survey within a minute, through the real form (#13).

    .venv/bin/python bench/survey_load.py [--families 45] [--seconds 60] [--workers 4] [--redis URL] [--pg]

Starts Edulite under gunicorn (several workers, behind a pretend proxy: PROXY_COUNT=1, each family its own
X-Forwarded-For address as nginx would pass it) on a fresh database with one school, one class of 45 and
its survey link. Each family is a thread with its own cookie jar: it opens the link (device cookie, CSRF
token, the default evening), waits a random moment within the window and posts an answer; some correct
their answer once. Then it checks the database: every family's answer stored exactly once with its last
value, none lost, no request refused by the limits (honest use must not trip them), and prints latencies.
Exits 1 on any loss, duplicate or refusal.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlmodel import select  # noqa: E402

from edulite import create_app  # noqa: E402
from edulite.db import get_db, session_scope, upgrade  # noqa: E402
from edulite.models import District, School, SchoolClass, SurveyAnswer, SurveyLink  # noqa: E402

PORT = 8131
TOKEN = "bench-survey-token-0123456789abcd"  # noqa: S105 (a link token of the throwaway database)


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *_args, **_kwargs):  # the 303 after a save is the answer we want to see
        return None


def prepare(url: str) -> None:
    app = create_app({"TESTING": True, "SECRET_KEY": "bench", "DATABASE_URL": url})
    upgrade(app)
    with session_scope(app) as s:
        district = District(name="压测区")
        s.add(district)
        s.flush()
        school = School(name="压测小学", district_id=district.id)
        s.add(school)
        s.flush()
        klass = SchoolClass(school_id=school.id, grade=5, name="五年级(1)班", headcount=45)
        s.add(klass)
        s.flush()
        s.add(SurveyLink(class_id=klass.id, token=TOKEN))
    get_db(app).dispose()


def start(url: str, workers: int, redis: str | None) -> subprocess.Popen:
    env = {**os.environ, "DATABASE_URL": url, "FLASK_SECRET_KEY": secrets.token_hex(32), "FLASK_PROXY_COUNT": "1"}
    env.pop("REDIS_URL", None)
    if redis:
        env["REDIS_URL"] = redis
    cmd = [sys.executable, "-m", "gunicorn", "-b", f"127.0.0.1:{PORT}", "-w", str(workers), "-k", "gthread",
           "--threads", "4", "--timeout", "60", "--log-level", "warning", "--chdir", str(ROOT), "app:app"]
    proc = subprocess.Popen(cmd, env=env, start_new_session=True)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", PORT)) == 0:
                return proc
        time.sleep(0.2)
    raise RuntimeError("gunicorn did not start")


def warm_up(base: str, workers: int) -> None:
    """The master listens before its workers have imported the app: let every worker boot first."""
    deadline = time.monotonic() + 120
    fast = 0
    while fast < workers * 3 and time.monotonic() < deadline:
        started = time.perf_counter()
        with urllib.request.urlopen(f"{base}/login", timeout=60) as response:
            response.read()
        fast = fast + 1 if time.perf_counter() - started < 0.5 else 0


def stop(proc: subprocess.Popen) -> None:
    try:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=20)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        os.killpg(proc.pid, signal.SIGKILL)


class Family(threading.Thread):
    """One family's phone: opens the link, answers once (and perhaps corrects the answer)."""

    def __init__(self, n: int, base: str, window: float, corrects: bool, rng: random.Random):
        super().__init__()
        self.n, self.base, self.window, self.corrects = n, base, window, corrects
        self.delay = rng.uniform(0, window)
        self.minutes = [rng.choice((30, 45, 60, 75, 90))] + ([rng.choice((20, 40, 50))] if corrects else [])
        self.address = f"10.{n // 250}.{n % 250}.{rng.randint(2, 250)}"
        self.statuses: list[int] = []
        self.latencies: list[float] = []
        self.error: str | None = None
        jar = CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), NoRedirect)

    def _open(self, data: bytes | None = None) -> tuple[int, str]:
        request = urllib.request.Request(f"{self.base}/s/{TOKEN}", data=data,
                                         headers={"X-Forwarded-For": self.address})
        started = time.perf_counter()
        try:
            with self.opener.open(request, timeout=30) as response:
                status, body = response.status, response.read().decode()
        except urllib.error.HTTPError as err:
            status, body = err.code, err.read().decode(errors="replace")
        self.latencies.append(time.perf_counter() - started)
        return status, body

    def run(self) -> None:
        try:
            status, page = self._open()
            if status != 200:
                raise RuntimeError(f"form answered {status}")
            csrf = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
            self.evening = re.search(r'name="evening" value="([0-9-]+)" checked', page).group(1)
            time.sleep(self.delay)
            for minutes in self.minutes:
                body = urllib.parse.urlencode({
                    "csrf_token": csrf, "evening": self.evening, "minutes": str(minutes), "finished": "yes",
                    "bedtime": "21:00", "asked_to_check": "no", "phone_used": "no"}).encode()
                self.statuses.append(self._open(body)[0])
        except Exception as err:  # reported with the family's number; the run then fails
            self.error = f"{type(err).__name__}: {err}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--families", type=int, default=45)
    parser.add_argument("--seconds", type=float, default=60, help="the window the answers arrive in")
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--corrections", type=int, default=5, help="families that send a second answer")
    parser.add_argument("--redis", help="REDIS_URL for the shared limiter (default: each worker counts alone)")
    parser.add_argument("--pg", help="a PostgreSQL URL (postgresql+psycopg://…) instead of a fresh SQLite file")
    parser.add_argument("--seed", type=int, default=13)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    with tempfile.TemporaryDirectory() as tmp:
        url = args.pg or f"sqlite:///{Path(tmp) / 'survey.sqlite'}"
        prepare(url)
        if args.redis:
            import redis as redis_client
            redis_client.Redis.from_url(args.redis).flushdb()  # a clean count for this run
        proc = start(url, args.workers, args.redis)
        try:
            base = f"http://127.0.0.1:{PORT}"
            warm_up(base, args.workers)
            families = [Family(n, base, args.seconds, n < args.corrections, rng) for n in range(args.families)]
            started = time.perf_counter()
            for f in families:
                f.start()
            for f in families:
                f.join()
            elapsed = time.perf_counter() - started
        finally:
            stop(proc)
        app = create_app({"TESTING": True, "SECRET_KEY": "bench", "DATABASE_URL": url})
        with session_scope(app, write=False) as s:
            rows = s.exec(select(SurveyAnswer.minutes)).all()
        get_db(app).dispose()
    posts = [code for f in families for code in f.statuses]
    latencies = sorted(x * 1000 for f in families for x in f.latencies)
    opens = sorted(f.latencies[0] * 1000 for f in families if f.latencies)
    saves = sorted(x * 1000 for f in families for x in f.latencies[1:])
    expected = sorted(f.minutes[-1] for f in families if not f.error)
    problems = [f"family {f.n}: {f.error}" for f in families if f.error]
    problems += [f"{posts.count(code)} answers refused with {code}" for code in sorted(set(posts)) if code != 303]
    if len(rows) != args.families:
        problems.append(f"{len(rows)} answers stored for {args.families} families")
    if sorted(rows) != expected:
        problems.append("the stored minutes are not each family's last answer")
    print(f"{args.families} families ({args.corrections} corrected once), {len(posts)} answers posted in "
          f"{elapsed:.1f} s to gunicorn with {args.workers} workers ({'SQLite' if not args.pg else 'PostgreSQL'}, "
          f"limiter {'Redis' if args.redis else 'per worker'}): {posts.count(303)} saved, {len(rows)} rows stored")
    print(f"latency of {len(latencies)} requests: p50 {statistics.median(latencies):.0f} ms, "
          f"p95 {latencies[int(0.95 * (len(latencies) - 1))]:.0f} ms, max {latencies[-1]:.0f} ms "
          f"(opening the form: max {opens[-1]:.0f} ms; saving: p50 {statistics.median(saves):.0f} ms, "
          f"max {saves[-1]:.0f} ms)")
    for problem in problems:
        print("PROBLEM", problem)
    print("OK: every answer stored once, none lost, no limit tripped" if not problems else "FAILED")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
