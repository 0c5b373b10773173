"""A teacher on a phone logs two subjects for one class and sees the budget meter turn red before saving."""

from __future__ import annotations

from datetime import datetime, timedelta
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from playwright.sync_api import expect

from edulite.ops.demo import DEMO_PASSWORD
from tests.e2e.conftest import login

OVER_RED = "rgb(197, 48, 48)"  # --over in app.css


def next_school_day():
    """The demo has no homework after today: the next weekday is an empty evening to fill."""
    day = datetime.now(ZoneInfo("Asia/Shanghai")).date() + timedelta(days=1)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


def choose(page, text):
    page.locator("#entry-form label.chip", has_text=text).click()


def test_a_teacher_logs_two_subjects_and_sees_the_meter_turn_red_before_saving(demo_live_server, page):
    login(page, demo_live_server, "teacher", DEMO_PASSWORD)
    page.locator("main h2 a", has_text="三年级(1)班").click()
    page.goto(page.url.split("?")[0] + f"?day={next_school_day().isoformat()}")
    preview = page.locator("#meter-preview")
    expect(preview).to_have_attribute("data-state", "ok")

    choose(page, "数学")
    page.fill("#f-description", "练习册第12页第1-4题")
    page.locator("[data-minutes='30']").click()
    expect(preview).to_contain_text("30 / 60 分钟")
    expect(preview).to_have_attribute("data-state", "ok")
    page.get_by_role("button", name="保存", exact=True).click()
    expect(page.locator("#entry-form .saved-note")).to_contain_text("已保存")
    expect(page.locator("#class-day")).to_contain_text("练习册第12页第1-4题")
    expect(page.locator("#f-description")).to_have_value("")

    choose(page, "科学")
    page.fill("#f-description", "观察记录表")
    page.fill("#f-minutes", "20")
    expect(preview).to_have_attribute("data-state", "near")
    expect(preview).to_contain_text("接近限额")
    page.fill("#f-minutes", "40")
    expect(preview).to_have_attribute("data-state", "over")
    expect(preview).to_contain_text("超出限额")
    expect(preview).to_contain_text("70 / 60 分钟")
    expect(preview.locator(".state-word")).to_have_css("background-color", OVER_RED)
    expect(page.locator(".confirm-over")).to_be_visible()
    # Nothing of the second entry is saved yet: the class's evening still shows maths alone.
    expect(page.locator("#class-day")).not_to_contain_text("观察记录表")
    expect(page.locator("#class-day .meter")).to_contain_text("30 / 60 分钟")

    page.get_by_role("button", name="保存", exact=True).click()
    expect(page.locator("#confirm_over-error")).to_be_visible()
    expect(page.locator("#f-description")).to_have_value("观察记录表")
    page.locator(".confirm-over input[type=checkbox]").check()
    page.fill("#f-reason", "单元复习，已与班主任协调")
    page.get_by_role("button", name="保存", exact=True).click()
    expect(page.locator("#class-day")).to_contain_text("观察记录表")
    expect(page.locator("#class-day .meter")).to_contain_text("70 / 60 分钟")
    expect(page.locator("#class-day .state-word")).to_have_css("background-color", OVER_RED)
    assert page.blocked == []
    assert page.errors == []


def test_a_dropped_connection_keeps_the_entry_and_says_to_tap_save_again(demo_live_server, page):
    login(page, demo_live_server, "teacher", DEMO_PASSWORD)
    page.locator("main h2 a", has_text="三年级(1)班").click()
    page.goto(page.url.split("?")[0] + f"?day={next_school_day().isoformat()}")
    page.fill("#f-description", "口算练习")
    page.locator("[data-minutes='10']").click()
    expect(page.locator("#meter-preview")).to_contain_text("10 / 60 分钟")
    page.route("**/teacher/class/*", lambda route: route.abort("internetdisconnected")
               if route.request.method == "POST" else route.continue_())
    page.get_by_role("button", name="保存", exact=True).click()
    status = page.locator("#entry-form .form-status")
    expect(status).to_contain_text("请再点一次")
    expect(status).to_be_visible()
    expect(page.locator("#f-description")).to_have_value("口算练习")
    # The meter refreshing (a change typed after the failed save) is no new try: the message stays.
    page.locator("[data-minutes='20']").click()
    expect(page.locator("#meter-preview")).to_contain_text("20 / 60 分钟")
    expect(status).to_be_visible()
    page.unroute("**/teacher/class/*")
    page.console_errors.clear()
    page.get_by_role("button", name="保存", exact=True).click()
    expect(page.locator("#class-day")).to_contain_text("口算练习")
    assert page.errors == []


def open_empty_evening(page, base_url):
    login(page, base_url, "teacher", DEMO_PASSWORD)
    page.locator("main h2 a", has_text="三年级(1)班").click()
    page.goto(page.url.split("?")[0] + f"?day={next_school_day().isoformat()}")


def test_a_save_refreshes_the_evening_once_and_sends_no_meter_request_for_the_old_form(demo_live_server, page):
    open_empty_evening(page, demo_live_server)
    page.fill("#f-description", "口算练习")
    page.locator("[data-minutes='10']").click()
    expect(page.locator("#meter-preview")).to_contain_text("10 / 60 分钟")
    sent = []
    page.on("request", lambda request: sent.append(urlsplit(request.url).path))
    page.get_by_role("button", name="保存", exact=True).click()
    expect(page.locator("#class-day")).to_contain_text("口算练习")
    expect(page.locator("#meter-preview")).to_contain_text("10 / 60 分钟")  # the fresh form's meter
    page.wait_for_timeout(600)  # longer than the meter's typing delay: any late request would be seen
    assert [path for path in sent if path.endswith("/meter")] == []
    assert [path.rsplit("/", 1)[-1] for path in sent if "/teacher/" in path] == [sent[0].rsplit("/", 1)[-1], "day"]
    assert page.errors == []


def test_a_half_typed_entry_outlives_the_closed_page_for_a_day_and_stays_with_its_class(demo_live_server, page):
    from tests.e2e.server import watch_page

    open_empty_evening(page, demo_live_server)
    url = page.url
    # Typed in a page that WeChat then closes: that tab's sessionStorage goes with it, localStorage stays.
    typing = page.context.new_page()
    watch_page(typing, page.errors, page.console_errors)
    typing.goto(url)
    typing.fill("#f-description", "背诵古诗两首")
    typing.locator("[data-minutes='15']").click()
    expect(typing.locator("#meter-preview")).to_contain_text("15 / 60 分钟")
    typing.close()

    page.goto(url)
    expect(page.locator("#f-description")).to_have_value("背诵古诗两首")
    expect(page.locator("#f-minutes")).to_have_value("15")
    expect(page.locator("#meter-preview")).to_contain_text("15 / 60 分钟")

    page.goto(f"{demo_live_server}/teacher/?day={next_school_day().isoformat()}")
    page.locator("main h2 a", has_text="三年级(2)班").click()
    expect(page.locator("#f-description")).to_have_value("")  # another class's form stays blank

    page.goto(url)
    expect(page.locator("#f-description")).to_have_value("背诵古诗两首")
    page.evaluate("""() => {  // the draft as if typed yesterday
        const key = Object.keys(localStorage).find(k => k.startsWith("edulite-draft:"));
        const draft = JSON.parse(localStorage.getItem(key));
        draft.at -= 25 * 60 * 60 * 1000;
        localStorage.setItem(key, JSON.stringify(draft));
    }""")
    page.reload()
    expect(page.locator("#f-description")).to_have_value("")
    assert page.evaluate("() => Object.keys(localStorage).filter(k => k.startsWith('edulite-draft:'))") == []
    assert page.errors == []


def test_a_saved_entry_does_not_come_back_as_a_draft(demo_live_server, page):
    open_empty_evening(page, demo_live_server)
    page.fill("#f-description", "口算练习")
    page.locator("[data-minutes='10']").click()
    expect(page.locator("#meter-preview")).to_contain_text("10 / 60 分钟")
    page.get_by_role("button", name="保存", exact=True).click()
    expect(page.locator("#class-day")).to_contain_text("口算练习")
    page.reload()
    expect(page.locator("#f-description")).to_have_value("")
    assert page.evaluate("() => Object.keys(localStorage).filter(k => k.startsWith('edulite-draft:'))") == []
