"""A teacher logs an after-school session on a phone; the principal sees it in the week, chart drawn."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from playwright.sync_api import expect

from edulite.ops.demo import DEMO_PASSWORD
from tests.e2e.conftest import login, sign_out


def last_school_day() -> date:
    """The demo has a session on every weekday up to today; on a weekend, use Friday's."""
    day = datetime.now(ZoneInfo("Asia/Shanghai")).date()
    while day.weekday() >= 5:
        day -= timedelta(days=1)
    return day


def test_a_teacher_logs_a_session_at_phone_size_and_the_principal_sees_it(demo_live_server, page):
    day = last_school_day().isoformat()
    login(page, demo_live_server, "teacher", DEMO_PASSWORD)
    page.goto(f"{demo_live_server}/teacher/after-school?day={day}")
    expect(page.locator("h1")).to_have_text("课后服务")
    form = page.locator("form.as-session").first
    form.locator("label.chip", has_text="阅读").click()
    # Before saving, the warning by the times says what the rules will make of the day.
    form.locator("input[name=end]").fill("17:15")
    expect(form.locator(".as-check")).to_contain_text("当天服务 17:15 结束，早于 17:30（R-AS-02）。")
    form.locator("input[name=end]").fill("17:50")
    expect(form.locator(".as-check")).not_to_contain_text("R-AS-02")
    pupils = form.get_by_label("三年级(1)班")
    pupils.fill("999")
    form.get_by_role("button", name="保存").click()
    field = page.locator(".field.has-error", has=page.locator("input[name^=pupils-]"))
    expect(field.locator(".error")).to_contain_text("该班只有")

    page.locator("form.as-session").first.get_by_label("三年级(1)班").fill("33")
    page.locator("form.as-session").first.get_by_role("button", name="保存").click()
    expect(page.locator(".flash")).to_have_text("已保存，校长现在就能看到。")
    assert page.viewport_size["width"] == 360
    assert page.evaluate("document.documentElement.scrollWidth") <= 360

    sign_out(page)
    login(page, demo_live_server, "principal", DEMO_PASSWORD)
    page.goto(f"{demo_live_server}/principal/after-school?week={day}")
    card = page.locator(".as-days li", has_text=day)
    expect(card).to_contain_text("15:40–17:50")
    expect(card).to_contain_text("阅读")
    expect(card).to_contain_text("合规")
    canvas = page.locator("canvas[data-chart=as-chart-classes]")
    expect(canvas).to_be_visible()
    assert canvas.evaluate("c => Chart.getChart(c) !== undefined")
    row = page.locator("table.as-table tr", has=page.locator("th", has_text="三年级(1)班"))
    expect(row).to_contain_text("33")
    assert page.blocked == []
