"""Where a teacher's save spends its time, and how much of it holds SQLite's write lock.

`python bench/where_saves_go.py [--saves 40] [--top]`: builds data set S like bench/run.py, posts the
teacher's real form through the test client (a fresh description each time, as bench/save.lua does) and
prints per save: wall and CPU time, statements, and the wall time, CPU time and statements between
`BEGIN IMMEDIATE` and `COMMIT` - the part every other writer queues for (ADR 0001, ADR 0010). CPU times
are the steadier figures on a shared machine. --top adds the top functions of a cProfile run.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import random
import re
import secrets
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import NamedTuple
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import event, text  # noqa: E402

from bench import data  # noqa: E402
from bench.run import build, config  # noqa: E402
from bench.where_time_goes import bucket_of  # noqa: E402
from edulite import create_app  # noqa: E402
from edulite.alerts import store as alerts_store  # noqa: E402
from edulite.db import get_db, session_scope  # noqa: E402
from edulite.homework import summary  # noqa: E402
from edulite.models import SchoolClass  # noqa: E402


class LockWatch:
    """Statements per request, and wall/CPU time and statements inside each write transaction."""

    def __init__(self, app):
        self.statements = 0
        self.held: list[tuple[float, float, int]] = []
        self._open: tuple[float, float, int] | None = None
        db = get_db(app)
        for engine in {db.engine(write=False), db.engine(write=True)}:
            event.listen(engine, "before_cursor_execute", self._execute)
            event.listen(engine, "commit", self._ended)
            event.listen(engine, "rollback", self._ended)

    def _execute(self, _conn, _cursor, statement, *_args):
        self.statements += 1
        if statement.startswith("BEGIN IMMEDIATE"):
            self._open = (time.perf_counter(), time.thread_time(), self.statements)

    def _ended(self, _conn):
        if self._open is not None:
            wall, cpu, first = self._open
            self.held.append((time.perf_counter() - wall, time.thread_time() - cpu, self.statements - first + 1))
            self._open = None


def _token(page: str) -> str:
    found = re.search(r'name="csrf_token"[^>]*value="([^"]+)"|"X-CSRFToken": "([^"]+)"', page)
    assert found is not None, "no CSRF token on the page"
    return found.group(1) or found.group(2)


class Bench(NamedTuple):
    app: object
    save: Callable[[], None]
    school_id: int | None  # set with check: the school whose alerts were judged
    today: date  # the school's today the saves are set from


def setup(*, pileup: bool = False, check: bool = False) -> Bench:
    """Data set S in a temporary SQLite file, the teacher signed in, and a function posting one save."""
    today = datetime.now(ZoneInfo("Asia/Shanghai")).date()
    url = f"sqlite:///{Path(tempfile.mkdtemp(prefix='edulite-saves-')) / 'bench.sqlite'}"
    built = build(argparse.Namespace(schools=0), url, today)
    # CSRF on, as under gunicorn: each save sends the form's token (checked by Flask-WTF on every POST).
    app = create_app({**config(url), "TESTING": True, "SECRET_KEY": secrets.token_hex(16)})
    school_id = None
    if check:  # the bench data are bulk-loaded without alerts: judge them once, as the demo does
        with session_scope(app) as session:
            school_id = session.get(SchoolClass, built.teacher_class_ids[0]).school_id
            alerts_store.recompute(session, school_id=school_id, start=today - timedelta(days=7),
                                   end=today + timedelta(days=7))
    return Bench(app, saver(app, built, today, pileup=pileup), school_id, today)


def saver(app, built: data.Built, today: date, *, pileup: bool = False) -> Callable[[], None]:
    """Sign in through the test client; a function posting one save with a fresh description each call."""
    client = app.test_client()
    if pileup:
        who, pairs = "teacher", [(cid, sid) for cid in built.teacher_class_ids for sid in (1, 2)]
        days = [today]
    else:  # a school's evening, as bench/run.py's save run (save_workload)
        who = "c0"
        with get_db(app).engine(write=True).begin() as conn:
            pairs = [tuple(r) for r in conn.execute(text(
                "SELECT a.class_id, a.subject_id FROM assignment a JOIN \"user\" u ON u.id = a.teacher_id "
                "WHERE u.username = 'c0' ORDER BY a.class_id, a.subject_id"))]
        random.Random(1).shuffle(pairs)
        days = [d for d in (today + timedelta(days=n) for n in range(8)) if d.weekday() < 5]
    client.post("/login", data={"username": who, "password": data.BENCH_PASSWORD,
                                "csrf_token": _token(client.get("/login").text)})
    token = _token(client.get(f"/teacher/class/{pairs[0][0]}").text)
    # Every save is sent with the cookie of the sign-in, as wrk sends its one Cookie header: the flashed
    # "saved" messages of unfollowed redirects would otherwise pile up in the session cookie.
    name = app.config["SESSION_COOKIE_NAME"]
    signed_in = client.get_cookie(name).value
    counter = 0

    def save() -> None:
        nonlocal counter
        counter += 1
        client.set_cookie(name, signed_in)
        class_id, subject_id = pairs[counter % len(pairs)]
        day = days[counter // len(pairs) % len(days)]
        response = client.post(f"/teacher/class/{class_id}", data={
            "subject_id": str(subject_id), "description": f"bench {counter}", "kind": "written",
            "location": "class", "required": "1", "minutes": "10", "set_date": day.isoformat(),
            "csrf_token": token})
        assert response.status_code == 303, response.status_code

    return save


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--saves", type=int, default=40)
    parser.add_argument("--top", action="store_true")
    parser.add_argument("--sql", action="store_true", help="print the statements of one more save")
    parser.add_argument("--pileup", action="store_true", help="the earlier workload: the signed-in teacher's "
                        "four classes, today only (bench/run.py --pileup)")
    parser.add_argument("--check", action="store_true", help="judge the school's alerts before the saves, and "
                        "check after them that summaries and alerts equal a full recomputation")
    args = parser.parse_args()
    app, save, school_id, today = setup(pileup=args.pileup, check=args.check)
    with app.app_context():
        watch = LockWatch(app)
    for _ in range(5):
        save()
    watch.held.clear()
    watch.statements = 0
    wall, cpu = time.perf_counter(), time.process_time()
    for _ in range(args.saves):
        save()
    wall, cpu = (time.perf_counter() - wall) / args.saves * 1000, (time.process_time() - cpu) / args.saves * 1000
    held_wall = statistics.median(h[0] for h in watch.held) * 1000
    held_cpu = statistics.median(h[1] for h in watch.held) * 1000
    print(f"a save: {wall:.2f} ms wall, {cpu:.2f} ms CPU, {watch.statements / args.saves:.0f} statements; "
          f"in the write lock: {held_wall:.1f} ms wall, {held_cpu:.1f} ms CPU, "
          f"{statistics.median(h[2] for h in watch.held):.0f} statements (BEGIN to COMMIT)")
    if args.sql:
        shown: list[str] = []
        listen = lambda _c, _cur, statement, *_a: shown.append(" ".join(statement.split())[:160])  # noqa: E731
        engines = {get_db(app).engine(write=False), get_db(app).engine(write=True)}
        for engine in engines:
            event.listen(engine, "before_cursor_execute", listen)
        save()
        for engine in engines:
            event.remove(engine, "before_cursor_execute", listen)
        print("\n".join(f"  {n:2} {text}" for n, text in enumerate(shown, 1)))
    if args.top:
        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(args.saves):
            save()
        profiler.disable()
        buckets: dict[str, float] = {}
        for (filename, _line, _name), (_cc, _nc, own, _cum, _callers) in pstats.Stats(profiler).stats.items():
            buckets[bucket_of(filename)] = buckets.get(bucket_of(filename), 0) + own
        total = sum(buckets.values()) or 1
        print("  " + ", ".join(f"{k} {v / total:.0%}" for k, v in sorted(buckets.items(), key=lambda kv: -kv[1])))
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats("edulite", 25)
        print("\n".join(line for line in out.getvalue().splitlines() if line.strip()))
    if school_id is None:
        get_db(app).dispose()
        return
    with session_scope(app) as session:
        # What the saves wrote must equal a recomputation: the summaries (verify-summaries) and, for the
        # alerts judged only over the rules an entry can change (#12), a full recompute finding nothing.
        wrong = summary.verify(session, school_id=school_id)
        rejudged = alerts_store.recompute(session, school_id=school_id, start=today - timedelta(days=7),
                                          end=today + timedelta(days=7))
        session.rollback()
    print(f"checked: summaries {'equal a recomputation' if not wrong else wrong[:3]}; alerts a full recompute "
          f"would change: {rejudged}")
    assert not wrong and rejudged == alerts_store.RecomputeResult(0, 0, 0, 0)
    get_db(app).dispose()


if __name__ == "__main__":
    main()
