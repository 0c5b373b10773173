"""Phone-size screenshots of the family survey (#13): the form a parent fills in, and the principal's
"What families report" section of the week page, on the demo district (Chinese, 360x740).

    .venv/bin/python tools/screenshots_survey.py [--out test-artifacts]

Starts Edulite as the browser tests do (tests/e2e/server.py). Exits non-zero on a CSP violation, a JS
error or a request to the internet.
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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "test-artifacts")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    problems: list[str] = []
    with tempfile.TemporaryDirectory() as tmp:
        db_file = Path(tmp) / "demo.sqlite"
        server.migrate(db_file)
        app = server.make_app(db_file)
        server.fetch_assets(app)
        logins = server.load_demo(app)
        with server.LiveServer(app, logins) as base_url, sync_playwright() as playwright:
            browser = server.launch_chromium(playwright)
            context = browser.new_context(**server.PHONE)
            blocked = server.guard_context(context)
            page = context.new_page()
            server.watch_page(page, problems, [])
            page.goto(f"{base_url}/s/{logins.survey_token}")
            page.screenshot(path=str(args.out / "survey-form.png"), full_page=True)
            login(page, base_url, "principal", DEMO_PASSWORD)
            page.goto(f"{base_url}/principal/")
            page.wait_for_load_state("networkidle")
            section = page.locator("#survey-week")
            section.scroll_into_view_if_needed()
            section.screenshot(path=str(args.out / "survey-principal.png"))
            problems += [f"blocked {u}" for u in blocked]
            context.close()
            browser.close()
    for name in ("survey-form.png", "survey-principal.png"):
        print(f"wrote {args.out / name}")
    for problem in problems:
        print("PROBLEM", problem, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
