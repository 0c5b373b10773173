"""A parent opens the class page from the demo's link on a phone: today's total, last week, page weight."""

from __future__ import annotations

from datetime import timedelta

from playwright.sync_api import expect

from edulite.core.calendar import today_in, week_start
from edulite.db import session_scope
from edulite.homework import loads
from edulite.reports import publication
from tests.e2e import server

# A parent on a weak mobile connection inside WeChat: the whole first visit must stay this small.
MAX_PAGE_BYTES = 60_000


def _todays_load(base_url, token):
    with session_scope(base_url.app, write=False) as s:
        klass = publication.class_for_token(s, token)
        today = today_in(klass.timezone)
        (class_load,) = loads.class_loads(s, school_id=klass.school_id, start=today, end=today + timedelta(days=1),
                                          class_ids=[klass.class_id])
    return today, class_load.days[0]


def test_a_parent_reads_todays_total_then_last_week_on_a_light_page(demo_live_server, page):
    token = demo_live_server.data.parent_token
    transfers: list[tuple[str, int]] = []

    def record(request):
        sizes = request.sizes()
        transfers.append((request.url, sizes["responseBodySize"] + sizes["responseHeadersSize"]))

    page.on("requestfinished", record)
    response = page.goto(f"{demo_live_server}/c/{token}")
    assert response.status == 200
    expect(page.locator("h1")).to_have_text("三年级(1)班")
    page.wait_for_load_state("load")

    today, load = _todays_load(demo_live_server, token)
    card = page.locator("#today")
    expect(card).to_have_attribute("data-counted", str(load.counted))
    total = card.locator(".today-total").inner_text()
    print(f"\ntoday ({today}): {total}")  # noqa: T201 (for a human reading the run with -s)
    assert total.startswith("今天")
    if load.counted:
        assert f"约 {load.counted} 分钟" in total and f"{load.cap} 分钟上限" in total
    expect(card.locator(".bedtime")).to_have_text("如到 21:20 仍未完成，请让孩子按时睡觉。")

    weight = sum(size for _url, size in transfers)
    print("parent page weight: " + ", ".join(f"{url.rsplit('/', 1)[-1][:20]} {size} B" for url, size in transfers)  # noqa: T201
          + f" = {weight} bytes")
    assert len(transfers) == 3  # the page and two style sheets: no scripts, no favicon, no fonts
    assert not any("vendor" in url or url.endswith(".js") for url, _ in transfers)
    assert weight < MAX_PAGE_BYTES

    page.click("#previous-week")
    last_monday = week_start(today) - timedelta(days=7)
    expect(page).to_have_url(f"{demo_live_server}/c/{token}?week={last_monday.isoformat()}")
    expect(page.locator("#today")).to_have_count(0)
    expect(page.locator(f"#day-{last_monday.isoformat()} .item").first).to_be_visible()
    expect(page.locator("#this-week")).to_be_visible()

    page.locator("#lang-switch").click()  # the cached Chinese copy must not come back (Vary: Cookie)
    expect(page.locator(".brand")).to_have_text("Homework notice")
    expect(page).to_have_url(f"{demo_live_server}/c/{token}?week={last_monday.isoformat()}")
    assert page.blocked == []


def test_the_page_works_with_javascript_off_as_in_a_locked_down_in_app_browser(demo_live_server, browser):
    context = browser.new_context(java_script_enabled=False, **server.PHONE)
    blocked = server.guard_context(context)
    try:
        page = context.new_page()
        token = demo_live_server.data.parent_token
        page.goto(f"{demo_live_server}/c/{token}")
        expect(page.locator("#today .today-total")).to_contain_text("今天")
        page.click("#previous-week")
        expect(page.locator("#this-week")).to_be_visible()
        assert page.locator("script").count() == 0
        assert blocked == []
    finally:
        context.close()
