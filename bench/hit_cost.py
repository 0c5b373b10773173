"""CPU of one cached answer, straight through the WSGI app (no test client, no server):
`python bench/hit_cost.py [--requests 2000]`.

Builds data set S like bench/run.py, signs each page's user in, and times the same request many times with
the memo in front of Flask (ADR 0016) and without it (PAGE_MEMO_ENTRIES = 0: Flask's path with the page
cache), back to back, in process CPU time, which moves less than wall time on a shared machine.
"""

from __future__ import annotations

import argparse
import re
import secrets
import sys
import tempfile
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from werkzeug.test import EnvironBuilder  # noqa: E402

from bench import data  # noqa: E402
from bench.run import build, config, database, pages_of  # noqa: E402
from bench.timing import cpu_per_call  # noqa: E402
from edulite import create_app  # noqa: E402
from edulite.db import get_db  # noqa: E402

TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def environ_for(app, path: str, user: str, gzip: bool) -> dict:
    client = app.test_client()
    if user:
        token = TOKEN.search(client.get("/login").get_data(as_text=True)).group(1)
        client.post("/login", data={"username": user, "password": data.BENCH_PASSWORD, "csrf_token": token})
    for _ in range(3):
        client.get(path)  # the session's CSRF secret, then a copy
    cookie = client.get_cookie(app.config["SESSION_COOKIE_NAME"])
    headers = {"Accept-Encoding": "gzip"} if gzip else {}
    if cookie is not None:
        headers["Cookie"] = f"{cookie.key}={cookie.value}"
    url, _, query = path.partition("?")
    return EnvironBuilder(path=url, query_string=query, headers=headers).get_environ()


def cpu_per_request(app, environ: dict, requests: int) -> float:
    def one():
        body = app(dict(environ), lambda *_: None)
        b"".join(body)
        if hasattr(body, "close"):
            body.close()

    return cpu_per_call(one, requests, warmup=50) * 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=2000)
    args = parser.parse_args()
    today = date.today()
    url, _ = database("sqlite", Path(tempfile.mkdtemp()), reuse=False)
    built = build(argparse.Namespace(set="S", schools=0, database="sqlite", reuse=False), url, today)
    pages, users = pages_of(built, today)
    print("| page | memo, gzip µs | memo, plain µs | Flask's path (page cache) µs |")
    print("|---|---|---|---|")
    for name, path in pages.items():
        row = []
        for memo, gzip in ((256, True), (256, False), (0, False)):
            app = create_app({**config(url), "SECRET_KEY": secrets.token_hex(16), "PAGE_MEMO_ENTRIES": memo})
            row.append(cpu_per_request(app, environ_for(app, path, users[name], gzip), args.requests))
            get_db(app).dispose()
        print(f"| {name} | " + " | ".join(f"{v:.0f}" for v in row) + " |", flush=True)


if __name__ == "__main__":
    main()
