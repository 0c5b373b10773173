"""A family answers the survey on a 360 px phone, with and without JavaScript (#13): chips, a typed figure,
a refused implausible answer next to its field, a replaced answer; the page loads no script at all."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from sqlmodel import col, select

from edulite.db import session_scope
from edulite.models import SurveyAnswer
from tests.e2e import server


@pytest.fixture(params=["with JavaScript", "without JavaScript"])
def browser_context_args(request) -> dict:
    return {**server.PHONE, "java_script_enabled": request.param == "with JavaScript"}


def family_answers(base_url) -> list[tuple]:
    """Answers not made by the demo: the ones this test's phone sent."""
    with session_scope(base_url.app, write=False) as s:
        rows = s.exec(select(SurveyAnswer).where(col(SurveyAnswer.device).not_like("demo-%"))).all()
        return [(r.evening.isoformat(), r.minutes, r.bedtime, r.finished, r.asked_to_check, r.phone_used)
                for r in rows]


def chip(page, field: str, value: str):
    return page.locator(f"#field-{field} label.chip").filter(has=page.locator(f"input[value='{value}']"))


def test_a_family_answers_corrects_itself_and_answers_again(demo_live_server, page):
    scripts: list[str] = []
    page.on("request", lambda r: scripts.append(r.url) if r.resource_type == "script" else None)
    response = page.goto(f"{demo_live_server}/s/{demo_live_server.data.survey_token}")
    assert response.status == 200
    expect(page.locator("h1")).to_have_text("三年级(1)班")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    evening = page.locator("#field-evening input:checked").get_attribute("value")

    chip(page, "minutes", "45").click()
    page.locator("input[name=minutes_other]").fill("400")  # typed over the chip: six hours and more
    chip(page, "finished", "yes").click()
    chip(page, "bedtime", "21:00").click()
    chip(page, "asked_to_check", "no").click()
    chip(page, "phone_used", "no").click()
    page.click("#survey-send")
    expect(page.locator("#minutes-error")).to_contain_text("6 小时")
    assert family_answers(demo_live_server) == []
    expect(page.locator("#field-bedtime input[value='21:00']")).to_be_checked()  # the rest stays as chosen

    page.locator("input[name=minutes_other]").fill("")
    page.click("#survey-send")
    expect(page.locator("#survey-done")).to_be_visible()
    assert family_answers(demo_live_server) == [(evening, 45, "21:00", True, False, False)]

    chip(page, "minutes", "60").click()
    chip(page, "bedtime", "21:30").click()
    chip(page, "asked_to_check", "yes").click()
    chip(page, "finished", "yes").click()
    chip(page, "phone_used", "no").click()
    page.click("#survey-send")
    expect(page.locator("#survey-done")).to_be_visible()
    assert family_answers(demo_live_server) == [(evening, 60, "21:30", True, True, False)]  # replaced, not added
    assert scripts == []
