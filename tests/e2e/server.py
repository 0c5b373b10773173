"""A real Edulite server and a locked-down phone browser, shared by the e2e fixtures and tools/screenshots.py.

The server is the app on a SQLite file in ASSET_MODE "local" (pinned htmx and Chart.js from static/vendor),
served by werkzeug on a free loopback port in a background thread. The browser is Debian's Chromium; every
request that leaves the loopback interface is aborted and recorded, so a page that needs the internet shows up.
"""

from __future__ import annotations

import threading
from datetime import date, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from flask import Flask
from werkzeug.security import generate_password_hash
from werkzeug.serving import make_server

from edulite import create_app
from edulite.db import get_db, session_scope, upgrade
from edulite.ops.assets import ASSETS, fetch
from edulite.ops.demo import DEMO_PASSWORD, DemoLogins, build_demo
from tests.conftest import base_config
from tests.support.factories import TEST_HASH_METHOD, World, make_world

NPM_REGISTRY = "https://registry.npmjs.org"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync",
]
# A mid-range Android phone inside WeChat: the screen teachers and parents actually use.
PHONE = {
    "viewport": {"width": 360, "height": 740},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
    "locale": "zh-CN",
    "timezone_id": "Asia/Shanghai",
}
LOOPBACK = {"127.0.0.1", "localhost"}


def today_local() -> date:
    return datetime.now(ZoneInfo("Asia/Shanghai")).date()


def fetch_assets(app: Flask) -> None:
    """Make sure the pinned front-end files are in static/vendor (downloaded once, hash-checked)."""
    for asset in ASSETS.values():
        fetch(asset, NPM_REGISTRY, Path(app.static_folder) / "vendor")


def make_app(db_file: Path, **config) -> Flask:
    # CSRF on: the browser layer must catch a form or htmx request that forgets its token.
    settings = {"WTF_CSRF_ENABLED": True, **config}
    return create_app(base_config(DATABASE_URL=f"sqlite:///{db_file}", ASSET_MODE="local", **settings))


def migrate(db_file: Path) -> None:
    app = make_app(db_file)
    upgrade(app)
    get_db(app).dispose()


def load_demo(app: Flask) -> DemoLogins:
    """The demo district, with the cheap test hash so that signing in stays fast."""
    password_hash = generate_password_hash(DEMO_PASSWORD, method=TEST_HASH_METHOD)
    with session_scope(app) as session:
        return build_demo(session, password_hash=password_hash, today=today_local())


def load_world(app: Flask) -> World:
    with session_scope(app) as session:
        return make_world(session)


class BaseURL(str):
    """The server's address, "http://127.0.0.1:<port>"; .app and .data (World or DemoLogins) ride along."""

    app: Flask
    data: Any


def _closed_at_once(app):
    """The app's answer read whole and closed inside the call. Werkzeug's development server drains the
    socket before it closes an answer, and a browser that dropped the connection (a navigation while a
    script still loads) makes that read raise first: the static file stayed open until garbage collection,
    whose ResourceWarning then failed whichever test was running (seen once in CI, under load). gunicorn,
    which serves Edulite, closes answers itself."""

    def wsgi(environ, start_response):
        result = app(environ, start_response)
        try:
            return [b"".join(result)]
        finally:
            if hasattr(result, "close"):
                result.close()

    return wsgi


class LiveServer:
    """Serve an app on a free loopback port from a background thread until stop()."""

    def __init__(self, app: Flask, data: Any = None):
        self.app = app
        self._server = make_server("127.0.0.1", 0, _closed_at_once(app), threaded=True)
        self.url = BaseURL(f"http://127.0.0.1:{self._server.server_port}")
        self.url.app, self.url.data = app, data
        self._thread = threading.Thread(target=self._serve, name="edulite-live", daemon=True)

    def _serve(self) -> None:
        # A short poll keeps stop() (and so each test's teardown) quick.
        self._server.serve_forever(poll_interval=0.05)

    def start(self) -> LiveServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._thread.join(timeout=10)
        self._server.server_close()
        get_db(self.app).dispose()

    def __enter__(self) -> BaseURL:
        self.start()
        return self.url

    def __exit__(self, *_exc) -> None:
        self.stop()


def login(page, base_url: str, username: str, password: str) -> None:
    """Sign in through the real form; the page ends on wherever the server sent it."""
    page.goto(f"{base_url}/login")
    page.fill("#username", username)
    page.fill("#password", password)
    with page.expect_navigation():
        page.click("main form button[type=submit]")


def sign_out(page) -> None:
    with page.expect_navigation():
        page.click("form[action$='/logout'] button")


def launch_chromium(playwright):
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)


def guard_context(context) -> list[str]:
    """Abort every request that is not for the loopback server; returns the list of aborted URLs."""
    blocked: list[str] = []

    def handle(route) -> None:
        if urlsplit(route.request.url).hostname in LOOPBACK:
            route.continue_()
        else:
            blocked.append(route.request.url)
            route.abort("blockedbyclient")

    context.route("**/*", handle)
    return blocked


def is_csp_violation(text: str) -> bool:
    return "Content Security Policy" in text


def watch_page(page, errors: list[str], console_errors: list[str]) -> None:
    """CSP violations and uncaught JS errors go to errors; every other console error to console_errors."""

    def console(message) -> None:
        if is_csp_violation(message.text):
            errors.append(f"CSP: {message.text}")
        elif message.type == "error":
            console_errors.append(message.text)

    page.on("console", console)
    page.on("pageerror", lambda exc: errors.append(f"JS error: {exc}"))
