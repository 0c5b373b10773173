"""The district overview computed (page cache off), statement by statement:
`BENCH_PG_DB=... python bench/district_time.py [--set M] [--reuse] [-n 30] [--explain] [--week this|last]`.

Requests the overview N times through the test client with PAGE_CACHE_ENTRIES = 0 (every request computes,
as in the evening when 600 schools write and the district's version moves all the time) and prints the
median and minimum server time (wall and CPU of the process), then each statement's median time
(before/after_cursor_execute) and, with --explain, PostgreSQL's EXPLAIN (ANALYZE, BUFFERS) of each.
Also times the drill-down into one school (`--school`), which no cache serves either. `--changed K` times the
evening instead: caches on, and before each request K schools' data versions move as their writes would move
them, so whatever is cached per school version is used and the rest computed again.
"""

from __future__ import annotations

import argparse
import random
import secrets
import statistics
import sys
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import event, text  # noqa: E402

from bench import data  # noqa: E402
from bench.run import config, data_set  # noqa: E402
from edulite import create_app  # noqa: E402
from edulite.core.calendar import week_start  # noqa: E402
from edulite.db import get_db  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", choices=("S", "M"), default="M")
    parser.add_argument("--database", choices=("sqlite", "postgresql"))
    parser.add_argument("--reuse", action="store_true", help="PostgreSQL: the data set of an earlier run, if any")
    parser.add_argument("-n", type=int, default=30, help="requests to time")
    parser.add_argument("--week", choices=("last", "this"), default="last", help="last: bench/run.py's week")
    parser.add_argument("--query", default="", help="more of the query string, e.g. sort=worst&page=3")
    parser.add_argument("--school", action="store_true", help="the drill-down into the first school instead")
    parser.add_argument("--explain", action="store_true", help="EXPLAIN ANALYZE each statement (PostgreSQL)")
    parser.add_argument("--changed", type=int, default=None, metavar="K",
                        help="the evening instead: caches on, K schools written to before each request (their "
                             "data versions bumped), so only what is cached per school version serves")
    args = parser.parse_args()
    args.schools = 600 if args.set == "M" else 0
    today = date.today()
    url, built = data_set(args, today)
    monday = week_start(today - timedelta(days=7 if args.week == "last" else 0))
    path = (f"/district/school/{built.school_id}?week={monday}" if args.school
            else f"/district/?week={monday}" + (f"&{args.query}" if args.query else ""))
    app = create_app({**config(url), "TESTING": True, "WTF_CSRF_ENABLED": False, "SECRET_KEY": secrets.token_hex(16),
                      **({"PAGE_CACHE_ENTRIES": 0} if args.changed is None else {"PAGE_MEMO_ENTRIES": 0})})
    rng = random.Random(1)

    def write_to_schools() -> None:
        """What K schools' writes do to the caches: their data versions move (edulite.school.versions)."""
        if not args.changed:
            return
        with get_db(app).engine(write=True).begin() as conn:
            ids = [r[0] for r in conn.execute(text("SELECT id FROM school ORDER BY id"))]
            chosen = rng.sample(ids, min(args.changed, len(ids)))
            conn.execute(text("INSERT INTO data_version (school_id, version) VALUES (:s, 1) ON CONFLICT (school_id) "
                              "DO UPDATE SET version = data_version.version + 1"), [{"s": sid} for sid in chosen])
    timings: list[list[tuple[str, object, float]]] = []
    current: list[tuple[str, object, float]] = []
    started_at: dict[int, float] = {}

    def before(conn, *_args):
        started_at[id(conn)] = time.perf_counter()

    def after(conn, _cursor, statement, parameters, _context, _many):
        current.append((statement, parameters, (time.perf_counter() - started_at.pop(id(conn))) * 1000))

    engines = {get_db(app).engine(write=False), get_db(app).engine(write=True)}
    for engine in engines:
        event.listen(engine, "before_cursor_execute", before)
        event.listen(engine, "after_cursor_execute", after)
    client = app.test_client()
    client.post("/login", data={"username": "district", "password": data.BENCH_PASSWORD})
    for _ in range(3):  # warm-up: engines, templates, translations, PostgreSQL's plans and buffers
        assert client.get(path).status_code == 200
    walls, cpus = [], []
    for _ in range(args.n):
        current = []
        write_to_schools()
        current = []  # the writes are not the request's
        wall, cpu = time.perf_counter(), time.process_time()
        response = client.get(path)
        walls.append((time.perf_counter() - wall) * 1000)
        cpus.append((time.process_time() - cpu) * 1000)
        assert response.status_code == 200
        timings.append(current)
    what = "computed" if args.changed is None else f"after writes to {args.changed} schools each,"
    print(f"{path} on {args.set}, {args.n} {what} requests, {len(response.data):,} bytes")
    print(f"  server wall ms: median {statistics.median(walls):.1f}, min {min(walls):.1f}; "
          f"CPU of this process ms: median {statistics.median(cpus):.1f}, min {min(cpus):.1f}")
    sql = [sum(t for _s, _p, t in run) for run in timings]
    print(f"  statements a request: {len(timings[0])}; SQL wall ms: median {statistics.median(sql):.1f}, "
          f"min {min(sql):.1f}")
    for i, (statement, _parameters, _t) in enumerate(timings[0]):
        times = [run[i][2] for run in timings if len(run) > i]
        first = " ".join(statement.split())[:150]
        print(f"  {i + 1:2}. median {statistics.median(times):6.2f} ms, min {min(times):6.2f}  {first}")
    if args.explain and url.startswith("postgresql"):
        with get_db(app).engine(write=True).connect() as conn:
            raw = conn.connection.driver_connection
            for i, (statement, parameters, _t) in enumerate(timings[0]):
                if not statement.lstrip().upper().startswith(("SELECT", "WITH")):
                    continue
                plan = raw.execute("EXPLAIN (ANALYZE, BUFFERS) " + statement, parameters).fetchall()
                # PostgreSQL's own time without the per-node timing EXPLAIN ANALYZE adds: 10 runs.
                runs = [raw.execute("EXPLAIN (ANALYZE, TIMING OFF, FORMAT JSON) " + statement, parameters)
                        .fetchone()[0][0] for _ in range(10)]
                executed = [r["Execution Time"] + r["Planning Time"] for r in runs]
                print(f"\n-- statement {i + 1}: planning + execution ms, median "
                      f"{statistics.median(executed):.2f}, min {min(executed):.2f}\n"
                      + "\n".join(row[0] for row in plan if "Buffers:" not in row[0]))
            conn.execute(text("SELECT 1"))
    get_db(app).dispose()


if __name__ == "__main__":
    main()
