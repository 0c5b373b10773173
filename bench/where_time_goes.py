"""Where a page's time goes: `python bench/where_time_goes.py [--set S] [--page NAME] [--requests 20]`.

Builds the data set like bench/run.py, requests each page through the test client under cProfile and
prints, per page, the share of time in SQL (the DB driver), Jinja rendering, Babel/i18n, the session and
CSRF checks, and the rest (Python building view models), then the top functions by own time.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import secrets
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import data  # noqa: E402
from bench.run import config, data_set, pages_of  # noqa: E402
from edulite import create_app  # noqa: E402
from edulite.db import get_db  # noqa: E402

# (bucket, substrings of a function's file path); the first match wins, by a frame's own time.
BUCKETS = (
    ("SQL driver", ("sqlite3", "psycopg")),
    ("SQLAlchemy", ("sqlalchemy", "sqlmodel")),
    ("Jinja", ("jinja2", "markupsafe", "/templates/")),
    ("i18n", ("babel", "flask_babel", "gettext")),
    ("session/CSRF/auth", ("itsdangerous", "flask_wtf", "wtforms", "edulite/auth.py", "werkzeug/security")),
    ("pydantic", ("pydantic",)),
    ("Flask/Werkzeug", ("flask/", "werkzeug/")),
    ("Edulite", ("/edulite/",)),
)


def bucket_of(filename: str) -> str:
    for name, needles in BUCKETS:
        if any(n in filename for n in needles):
            return name
    return "other (stdlib…)"


def profile_page(app, path: str, user: str, requests: int) -> tuple[dict[str, float], str, float]:
    client = app.test_client()
    if user:
        client.post("/login", data={"username": user, "password": data.BENCH_PASSWORD})
    client.get(path)  # warm-up: engines, templates, translations
    profiler = cProfile.Profile()
    started = time.perf_counter()
    profiler.enable()
    for _ in range(requests):
        assert client.get(path).status_code == 200
    profiler.disable()
    wall = (time.perf_counter() - started) / requests * 1000
    stats = pstats.Stats(profiler)
    buckets: dict[str, float] = {}
    for (filename, _line, _name), (_cc, _nc, own, _cum, _callers) in stats.stats.items():
        buckets[bucket_of(filename)] = buckets.get(bucket_of(filename), 0) + own
    total = sum(buckets.values()) or 1
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(12)
    top = "\n".join(line for line in out.getvalue().splitlines() if line.strip())
    return {k: v / total for k, v in sorted(buckets.items(), key=lambda kv: -kv[1])}, top, wall


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", choices=("S", "M"), default="S")
    parser.add_argument("--database", choices=("sqlite", "postgresql"))
    parser.add_argument("--page", help="one page by name (default: all)")
    parser.add_argument("--requests", type=int, default=20)
    parser.add_argument("--top", action="store_true", help="also print the top functions")
    parser.add_argument("--no-cache", action="store_true", help="compute every page (PAGE_CACHE_ENTRIES = 0)")
    parser.add_argument("--reuse", action="store_true", help="PostgreSQL: the data set of an earlier run, if any")
    args = parser.parse_args()
    args.schools = 600 if args.set == "M" else 0
    today = date.today()
    url, built = data_set(args, today)
    pages, users = pages_of(built, today)
    app = create_app({**config(url), "TESTING": True, "WTF_CSRF_ENABLED": False, "SECRET_KEY": secrets.token_hex(16),
                      **({"PAGE_CACHE_ENTRIES": 0} if args.no_cache else {})})
    for name, path in pages.items():
        if args.page and args.page != name:
            continue
        shares, top, wall = profile_page(app, path, users[name], args.requests)
        print(f"\n## {name}: {wall:.1f} ms a request (under the profiler)")
        print("  " + ", ".join(f"{k} {v:.0%}" for k, v in shares.items() if v >= 0.01))
        if args.top:
            print(top)
    get_db(app).dispose()


if __name__ == "__main__":
    main()
