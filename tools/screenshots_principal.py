"""Screenshots of the principal's pages on the demo school, at phone and desktop width.

Usage: python tools/screenshots_principal.py [out_dir]   (default docs/screenshots)
Needs Debian's Chromium (/usr/bin/chromium) and the pinned front-end files in static/vendor
(`flask --app app edulite fetch-assets`). Everything runs on loopback against a temporary database.
"""

from __future__ import annotations

import logging
import sys
import tempfile
import threading
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from playwright.sync_api import sync_playwright  # noqa: E402
from werkzeug.security import generate_password_hash  # noqa: E402
from werkzeug.serving import make_server  # noqa: E402

from edulite import create_app  # noqa: E402
from edulite.core.calendar import week_start  # noqa: E402
from edulite.db import get_db, session_scope, upgrade  # noqa: E402
from edulite.ops.demo import DEMO_PASSWORD, build_demo  # noqa: E402

logging.getLogger("werkzeug").setLevel(logging.WARNING)

SIZES = {"phone": {"width": 360, "height": 740}, "desktop": {"width": 1280, "height": 900}}


def demo_app(db_file: Path):
    app = create_app({"TESTING": True, "SECRET_KEY": "screenshots", "WTF_CSRF_ENABLED": True,
                      "DATABASE_URL": f"sqlite:///{db_file}", "ASSET_MODE": "local",
                      "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000", "RATELIMIT_ENABLED": False})
    upgrade(app)
    today = datetime.now(ZoneInfo("Asia/Shanghai")).date()
    with session_scope(app) as session:
        build_demo(session, password_hash=generate_password_hash(DEMO_PASSWORD, method="pbkdf2:sha256:1000"),
                   today=today)
    return app, today


def shoot(base: str, out: Path, today) -> list[Path]:
    last_week = week_start(today) - timedelta(days=7)
    pages = {
        "dashboard": "/principal/",
        "alerts": "/principal/alerts",
        "class-day": None,  # first heat-map cell of an over-cap day, found on the page
        "record": f"/principal/records/{last_week}",
        "exports": "/principal/exports",
        "settings": "/principal/settings",
        "links": "/principal/settings/links",
    }
    saved = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox", "--disable-gpu"])
        for size, viewport in SIZES.items():
            context = browser.new_context(viewport=viewport, locale="zh-CN", timezone_id="Asia/Shanghai",
                                          device_scale_factor=1)
            page = context.new_page()
            page.goto(f"{base}/login")
            page.fill("#username", "principal")
            page.fill("#password", DEMO_PASSWORD)
            with page.expect_navigation():
                page.click("main form button[type=submit]")
            for name, path in pages.items():
                if path is None:
                    page.goto(f"{base}/principal/?week={last_week}")
                    cell = page.locator("td.heat-over a").first
                    path = cell.get_attribute("href") if cell.count() else f"/principal/?week={last_week}"
                page.goto(base + path)
                page.wait_for_load_state("networkidle")
                target = out / f"principal-{name}-{size}.png"
                page.screenshot(path=str(target), full_page=name not in ("dashboard", "settings", "links")
                                or size == "desktop")
                saved.append(target)
            context.close()
        browser.close()
    return saved


def main() -> None:
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs" / "screenshots"
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        app, today = demo_app(Path(tmp) / "demo.sqlite")
        server = make_server("127.0.0.1", 0, app, threaded=True)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            for path in shoot(f"http://127.0.0.1:{server.server_port}", out, today):
                sys.stdout.write(f"{path}\n")
        finally:
            server.shutdown()
            get_db(app).dispose()


if __name__ == "__main__":
    main()
