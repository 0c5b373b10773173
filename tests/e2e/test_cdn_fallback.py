"""Scripts come even when the CDN does not (#15): in "cdn" mode, with the CDN unreachable (the browser guard
aborts every request that leaves the machine), the pinned copies Edulite serves itself take over under the
strict CSP; where even those fail, each chart says in words that it cannot be drawn."""

from __future__ import annotations

import shutil

import pytest
from playwright.sync_api import expect

from edulite.ops.demo import DEMO_PASSWORD
from tests.e2e import server
from tests.e2e.conftest import login


@pytest.fixture
def cdn_live_server(vendor_assets, demo_template, tmp_path):
    template, logins = demo_template
    db_file = tmp_path / "demo.sqlite"
    shutil.copy(template, db_file)
    app = server.make_app(db_file)
    app.config["ASSET_MODE"] = "cdn"  # the CSP and the script tags read it per request
    live = server.LiveServer(app, logins).start()
    yield live.url
    live.stop()


def test_without_the_cdn_the_live_meter_works_from_the_local_copy(cdn_live_server, page):
    login(page, cdn_live_server, "teacher", DEMO_PASSWORD)
    page.locator("main h2 a", has_text="三年级(1)班").click()
    expect(page.locator("html.htmx")).to_have_count(1)
    page.fill("#f-description", "口算练习")
    page.fill("#f-minutes", "7")
    expect(page.locator("#meter-preview")).to_contain_text("7 / 60")
    assert any("cdn.jsdelivr.net" in url for url in page.blocked)
    assert page.errors == []


def test_without_the_cdn_the_principals_charts_are_drawn_from_the_local_copy(cdn_live_server, page):
    login(page, cdn_live_server, "principal", DEMO_PASSWORD)
    page.wait_for_function("() => window.Chart && document.querySelector('canvas[data-chart]')")
    page.wait_for_function(
        "() => [...document.querySelectorAll('canvas[data-chart]')].every(c => window.Chart.getChart(c))")
    expect(page.locator(".chart-missing")).to_have_count(0)
    assert page.errors == []


def test_when_no_copy_of_chartjs_loads_each_chart_says_so_in_words(cdn_live_server, page):
    page.route("**/static/vendor/chart.js-*", lambda route: route.abort("internetdisconnected"))
    login(page, cdn_live_server, "principal", DEMO_PASSWORD)
    missing = page.locator(".chart-missing").first
    expect(missing).to_be_visible()
    expect(missing).to_contain_text("图表无法显示")
    page.console_errors.clear()
    assert page.errors == []
