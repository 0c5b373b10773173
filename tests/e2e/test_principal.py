"""The principal in a real browser on the demo school: charts drawn by Chart.js, week changes, an alert acknowledged."""

from __future__ import annotations

from datetime import date, timedelta

from playwright.sync_api import expect
from sqlmodel import select

from edulite.db import session_scope
from edulite.models import Alert
from edulite.ops.demo import DEMO_PASSWORD
from tests.e2e.conftest import login

DRAWN = """() => {
  const canvas = document.querySelector('#week canvas[data-chart]');
  const chart = canvas && window.Chart && window.Chart.getChart(canvas);
  return chart && chart.data.datasets.length > 0 && canvas.width > 0 ? window.Chart.version : false;
}"""


def test_the_principal_sees_real_charts_changes_week_and_acknowledges_an_alert(demo_live_server, page):
    login(page, demo_live_server, "principal", DEMO_PASSWORD)
    expect(page).to_have_url(f"{demo_live_server}/principal/")
    expect(page.locator("h1")).to_contain_text("阳光实验学校")
    assert page.wait_for_function(DRAWN).json_value() == "4.5.1"
    this_week = page.locator("#week-input").input_value()
    page.evaluate("window.__sameDocument = true")

    page.get_by_role("link", name="上一周").click()
    expect(page).to_have_url(f"{demo_live_server}/principal/?week=" + _previous(this_week))
    expect(page.locator("#week-input")).to_have_value(_previous(this_week))
    page.wait_for_function(DRAWN)
    assert page.evaluate("window.__sameDocument") is True  # swapped by htmx, not reloaded
    assert page.locator("table.heat tbody tr").count() == 20

    page.get_by_role("link", name="预警", exact=True).click()
    card = page.locator("article.alert-card").first
    alert_id = int(card.get_attribute("id").removeprefix("alert-"))
    card.locator("summary").click()
    card.locator("textarea").fill("已与年级组沟通")
    card.get_by_role("button", name="已知悉").click()
    updated = page.locator(f"#alert-{alert_id}")
    expect(updated.locator(".badge.state-acknowledged")).to_have_text("已知悉")
    expect(updated.locator(".flash")).to_contain_text("已标记为“已知悉”")
    expect(updated.locator(".note")).to_contain_text("已与年级组沟通")
    with session_scope(demo_live_server.app, write=False) as s:
        row = s.exec(select(Alert).where(Alert.id == alert_id)).one()
    assert (row.state, row.note) == ("acknowledged", "已与年级组沟通")
    assert page.blocked == [] and page.errors == []


def _previous(monday: str) -> str:
    return (date.fromisoformat(monday) - timedelta(days=7)).isoformat()
