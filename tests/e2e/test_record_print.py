"""The weekly inspection record as an inspector gets it (#14): signed through the confirmation step, then
printed on one A4 sheet, with lines for the handwritten signature, the date and the school's stamp. The PDF
is rendered by Chromium itself (page.pdf), so the page count is the one the printer would produce."""

from __future__ import annotations

import re
from datetime import timedelta

from playwright.sync_api import expect

from edulite.core.calendar import week_start
from edulite.ops.demo import DEMO_PASSWORD
from tests.e2e.conftest import login
from tests.e2e.server import today_local


def _pages(pdf: bytes) -> int:
    # Each page object of the PDF is "/Type /Page"; the page tree is "/Type /Pages".
    return len(re.findall(rb"/Type\s*/Page(?!s)", pdf))


def test_a_signed_record_of_the_demo_school_prints_on_one_a4_page_with_signature_date_and_stamp_lines(
        demo_live_server, page):
    login(page, demo_live_server, "principal", DEMO_PASSWORD)
    last_week = week_start(today_local()) - timedelta(days=7)
    page.goto(f"{demo_live_server}/principal/records/{last_week.isoformat()}")
    page.fill("#findings", "抽查二十个班级的作业记录，三年级(2)班周二超时，已与数学组沟通。")
    page.get_by_role("button", name="签字确认").click()
    expect(page.locator("#confirm-sign")).to_contain_text("签字将按现状锁定上方数据")
    page.get_by_role("button", name="确认签字并锁定").click()
    expect(page.locator(".flash")).to_contain_text("已签字")
    expect(page.locator(".signed")).to_be_visible()
    for words in ("校长（签字）", "日期", "学校盖章"):
        expect(page.locator(".sign-lines")).to_contain_text(words)

    pdf = page.pdf(format="A4", print_background=True)
    assert pdf.startswith(b"%PDF") and _pages(pdf) == 1
    assert page.errors == []
