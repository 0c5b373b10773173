"""Phone-size screenshots of every role's home page on the demo district, for docs/screenshots/.

    /work/venv/bin/python tools/screenshots.py [--out docs/screenshots]

Starts Edulite exactly as the browser tests do (tests/e2e/server.py: fresh SQLite, demo data, pinned
htmx and Chart.js served locally, Debian's Chromium offline at 360x740), signs in as each role and saves
one full-page PNG per page. Re-run it whenever a page changes, then look at the pictures. Exits non-zero
when a page breaks the CSP, throws a JS error or tries to reach the internet.
"""

from __future__ import annotations

import argparse
import logging
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from playwright.sync_api import sync_playwright  # noqa: E402

from edulite.ops.demo import DEMO_PASSWORD  # noqa: E402
from tests.e2e import server  # noqa: E402
from tests.e2e.server import login  # noqa: E402

# (file name, demo user or None for signed out, path to open after sign-in or None to stay on the home page)
SHOTS = [
    ("sign-in", None, "/login"),
    ("teacher-home", "teacher", None),
    ("principal-home", "principal", None),
    ("admin-home", "admin", None),
    ("district-home", "district", None),
    ("parent", None, "/c/{parent_token}"),
]


def take(browser, base_url: str, out: Path, name: str, user: str | None, path: str | None) -> list[str]:
    """Save one screenshot; returns the problems seen (CSP, JS errors, blocked requests)."""
    context = browser.new_context(**server.PHONE)
    blocked = server.guard_context(context)
    page = context.new_page()
    errors: list[str] = []
    server.watch_page(page, errors, [])
    try:
        if user:
            login(page, base_url, user, DEMO_PASSWORD)
        if path:
            response = page.goto(base_url + path.format(parent_token=base_url.data.parent_token))
            if response.status == 404:
                print(f"skip  {name}: {path.split('{')[0]}... is not a page yet (404)")
                return []
            if not response.ok:
                return [f"{name}: {path} answered {response.status}"]
        page.wait_for_load_state("networkidle")
        target = out / f"{name}.png"
        page.screenshot(path=str(target), full_page=True)
        print(f"wrote {target.relative_to(ROOT) if target.is_relative_to(ROOT) else target}  ({page.url})")
    finally:
        context.close()
    return [f"{name}: {e}" for e in errors] + [f"{name}: blocked {u}" for u in blocked]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # one line per request drowns the summary
    if not Path(server.CHROMIUM).exists():
        print(f"{server.CHROMIUM} is missing: apt-get install chromium fonts-noto-cjk", file=sys.stderr)
        return 2
    problems: list[str] = []
    with tempfile.TemporaryDirectory() as tmp:
        db_file = Path(tmp) / "demo.sqlite"
        server.migrate(db_file)
        app = server.make_app(db_file)
        server.fetch_assets(app)
        logins = server.load_demo(app)
        with server.LiveServer(app, logins) as base_url, sync_playwright() as playwright:
            browser = server.launch_chromium(playwright)
            for name, user, path in SHOTS:
                problems += take(browser, base_url, args.out, name, user, path)
            browser.close()
    for problem in problems:
        print("PROBLEM", problem, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
