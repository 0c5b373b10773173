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
import secrets
import statistics
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import event  # noqa: E402

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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--saves", type=int, default=40)
    parser.add_argument("--top", action="store_true")
    parser.add_argument("--sql", action="store_true", help="print the statements of one more save")
    parser.add_argument("--check", action="store_true", help="judge the school's alerts before the saves, and "
                        "check after them that summaries and alerts equal a full recomputation")
    args = parser.parse_args()
    today = datetime.now(ZoneInfo("Asia/Shanghai")).date()
    url = f"sqlite:///{Path(tempfile.mkdtemp(prefix='edulite-saves-')) / 'bench.sqlite'}"
    built = build(argparse.Namespace(schools=0), url, today)
    app = create_app({**config(url), "TESTING": True, "WTF_CSRF_ENABLED": False, "SECRET_KEY": secrets.token_hex(16)})
    school_id = None
    if args.check:  # the bench data are bulk-loaded without alerts: judge them once, as the demo does
        with session_scope(app) as session:
            school_id = session.get(SchoolClass, built.teacher_class_ids[0]).school_id
            alerts_store.recompute(session, school_id=school_id, start=today - timedelta(days=7),
                                   end=today + timedelta(days=7))
    client = app.test_client()
    client.post("/login", data={"username": "teacher", "password": data.BENCH_PASSWORD})
    with app.app_context():
        watch = LockWatch(app)
    counter = 0

    def save() -> None:
        nonlocal counter
        counter += 1
        class_id = built.teacher_class_ids[counter % len(built.teacher_class_ids)]
        response = client.post(f"/teacher/class/{class_id}", data={
            "subject_id": str(counter % 2 + 1), "description": f"bench {counter}", "kind": "written",
            "location": "class", "required": "1", "minutes": "10", "set_date": today.isoformat()})
        assert response.status_code == 303, response.status_code

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
    print(f"a save: {wall:.1f} ms wall, {cpu:.1f} ms CPU, {watch.statements / args.saves:.0f} statements; "
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
