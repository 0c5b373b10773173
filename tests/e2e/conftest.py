"""Browser tests: a live Edulite server, Debian's Chromium at phone size, no internet, no CSP slips.

    from tests.e2e.conftest import login

    def test_teacher_sees_today(demo_live_server, page):
        login(page, demo_live_server, "teacher", DEMO_PASSWORD)
        expect(page.locator("h1")).to_have_text("今日")

Fixtures
- live_server / demo_live_server: base URL ("http://127.0.0.1:<port>") of a server on its own fresh SQLite
  copy, holding tests.support.factories.make_world or the demo district. The URL carries .app (the Flask app, for
  session_scope checks) and .data (the World, or the DemoLogins with .parent_token).
- page: a phone-size page (360x740, zh-CN). page.errors lists CSP violations and uncaught JS errors and
  fails the test at teardown when not empty (clear it in a test that provokes one on purpose);
  page.console_errors lists other console errors; page.blocked lists aborted non-loopback requests.
- browser_context_args: override in a test module to change the device (e.g. a desktop viewport).
- a failing test saves a screenshot of its page to test-artifacts/<test>-failure.png.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from edulite import ROOT
from tests.e2e import server
from tests.e2e.server import login, sign_out

ARTIFACTS = ROOT / "test-artifacts"
__all__ = ["login", "sign_out"]


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.when == "call":
        item.e2e_call_failed = report.failed
    return report


@pytest.fixture(scope="session")
def vendor_assets(sqlite_template):
    """The pinned htmx and Chart.js in static/vendor: downloaded once from npm and hash-checked."""
    server.fetch_assets(server.make_app(sqlite_template))


@pytest.fixture(scope="session")
def demo_template(sqlite_template, tmp_path_factory):
    """The demo district built once per run; each test gets its own copy of the file."""
    path = tmp_path_factory.mktemp("demo") / "demo.sqlite"
    shutil.copy(sqlite_template, path)
    app = server.make_app(path)
    logins = server.load_demo(app)
    server.get_db(app).dispose()
    return path, logins


def _serve(db_file: Path, loader):
    app = server.make_app(db_file)
    data = loader(app)
    return server.LiveServer(app, data).start()


@pytest.fixture
def live_server(vendor_assets, sqlite_template, tmp_path):
    """A server on a fresh database holding tests.support.factories.make_world; .data is the World."""
    db_file = tmp_path / "live.sqlite"
    shutil.copy(sqlite_template, db_file)
    live = _serve(db_file, server.load_world)
    yield live.url
    live.stop()


@pytest.fixture
def demo_live_server(vendor_assets, demo_template, tmp_path):
    """A server on a fresh copy of the demo district; .data is the DemoLogins (parent_token, usernames)."""
    template, logins = demo_template
    db_file = tmp_path / "demo.sqlite"
    shutil.copy(template, db_file)
    live = _serve(db_file, lambda _app: logins)
    yield live.url
    live.stop()


@pytest.fixture(scope="session")
def browser():
    if not Path(server.CHROMIUM).exists():
        pytest.skip(f"{server.CHROMIUM} is missing: apt-get install chromium (make system-deps)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = server.launch_chromium(playwright)
        yield browser
        browser.close()


@pytest.fixture
def browser_context_args() -> dict:
    return dict(server.PHONE)


@pytest.fixture
def page(browser, browser_context_args, request):
    context = browser.new_context(**browser_context_args)
    page = context.new_page()
    # A page that needs more than 10 s on loopback is broken: fail fast rather than after 30 s.
    page.set_default_timeout(10_000)
    page.blocked = server.guard_context(context)
    page.errors, page.console_errors = [], []
    server.watch_page(page, page.errors, page.console_errors)
    yield page
    if getattr(request.node, "e2e_call_failed", False):
        _save(page, request.node, "failure")
    context.close()
    if page.errors:
        pytest.fail("browser reported CSP violations or JS errors:\n" + "\n".join(page.errors), pytrace=False)


def _save(page, node, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{re.sub(r'[^A-Za-z0-9_.-]+', '_', node.name)}-{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
