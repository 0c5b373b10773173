"""Every page with a chart, in Chromium on the demo school: the charts are drawn, and drawn again after an
htmx week change, with the old charts destroyed rather than left behind.

test_every_page fails on any page that draws a chart and is missing from CHART_PAGES.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from edulite.ops.demo import DEMO_PASSWORD
from tests.e2e.conftest import login
from tests.e2e.server import today_local

# endpoint: (path, the link that goes to the week before). The demo fills four weeks up to today, so the
# week two weeks back and the one before it both have data in every chart.
CHART_PAGES = {
    "principal.dashboard": ("/principal/", ".week-nav a[rel=prev]"),
    "principal.after_school": ("/principal/after-school", ".as-daynav a >> nth=0"),
}
# Canvases of the page with a Chart.js chart on them, canvases in all, and charts alive in Chart.js.
COUNT = """() => {
  const canvases = [...document.querySelectorAll('main canvas')];
  const drawn = canvases.filter(c => { const chart = Chart.getChart(c); return chart && c.width > 0; });
  return [drawn.length, canvases.length, Object.keys(Chart.instances).length];
}"""
ALL_DRAWN = """() => {
  const canvases = [...document.querySelectorAll('main canvas')];
  return canvases.length > 0 && canvases.every(c => window.Chart && Chart.getChart(c));
}"""


@pytest.mark.parametrize("endpoint", sorted(CHART_PAGES))
def test_a_week_change_redraws_every_chart_of_the_page(demo_live_server, page, endpoint):
    path, previous = CHART_PAGES[endpoint]
    day = today_local() - timedelta(weeks=2)
    week = day - timedelta(days=day.weekday())  # the Monday the week links point at
    login(page, demo_live_server, "principal", DEMO_PASSWORD)
    page.goto(f"{demo_live_server}{path}?week={week.isoformat()}")
    page.wait_for_function(ALL_DRAWN)
    drawn, canvases, alive = page.evaluate(COUNT)
    assert drawn == canvases == alive and drawn > 0, (drawn, canvases, alive)
    page.evaluate("window.__sameDocument = true")

    with page.expect_response(lambda r: r.request.headers.get("hx-request") == "true"):
        page.locator(previous).click()
    page.wait_for_function(f"() => location.search.includes('week={week - timedelta(weeks=1)}')")
    page.wait_for_function(ALL_DRAWN)

    assert page.evaluate("window.__sameDocument") is True  # swapped by htmx, not loaded again
    # Every canvas of the new week drawn, and no chart of the old week left alive. (Not "as many as before":
    # a week with enough family answers has one chart more, the survey's, than a week without.)
    redrawn, new_canvases, still_alive = page.evaluate(COUNT)
    assert redrawn == new_canvases == still_alive and redrawn > 0, (redrawn, new_canvases, still_alive)
    assert page.errors == [] and page.console_errors == []
