"""Signing in, switching language and being refused, in a real browser at phone size on the demo data."""

from __future__ import annotations

from playwright.sync_api import expect

from edulite.ops.demo import DEMO_PASSWORD
from tests.e2e.conftest import login, sign_out


def test_a_teacher_signs_in_in_chinese_switches_to_english_which_sticks_and_signs_out(demo_live_server, page):
    page.goto(demo_live_server)
    expect(page).to_have_url(f"{demo_live_server}/login")
    expect(page.locator("html")).to_have_attribute("lang", "zh-CN")
    expect(page.locator("h1")).to_have_text("登录")
    expect(page.locator("label[for=username]")).to_have_text("用户名")

    login(page, demo_live_server, "teacher", DEMO_PASSWORD)
    expect(page).to_have_url(f"{demo_live_server}/teacher/")
    expect(page.locator("h1")).to_have_text("今日")
    expect(page.locator("main h2", has_text="三年级(1)班")).to_be_visible()

    page.locator("#lang-switch", has_text="English").click()
    expect(page).to_have_url(f"{demo_live_server}/teacher/")
    expect(page.locator("h1")).to_have_text("Today")
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    page.reload()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("h1")).to_have_text("Today")

    page.locator("#lang-switch", has_text="中文").click()
    expect(page.locator("h1")).to_have_text("今日")
    sign_out(page)
    expect(page).to_have_url(f"{demo_live_server}/login")
    expect(page.locator("h1")).to_have_text("登录")
    page.goto(f"{demo_live_server}/teacher/")
    expect(page).to_have_url(f"{demo_live_server}/login?next=/teacher/")

    assert page.blocked == []
    assert page.errors == []


def test_a_wrong_password_shows_the_chinese_message_next_to_the_password_field(demo_live_server, page):
    login(page, demo_live_server, "teacher", "not-the-password")

    field = page.locator(".field.has-error", has=page.locator("#password"))
    expect(field.locator(".error")).to_have_text("用户名或密码错误。")
    expect(page.locator("#password")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#username")).to_have_value("teacher")
    assert page.blocked == []
    assert page.errors == []


def test_a_teacher_opening_the_principal_page_sees_the_403_page(demo_live_server, page):
    login(page, demo_live_server, "teacher", DEMO_PASSWORD)

    response = page.goto(f"{demo_live_server}/principal/")
    assert response.status == 403
    expect(page.locator("h1")).to_have_text("您无权访问此页面。")
    expect(page.get_by_role("link", name="返回首页")).to_be_visible()
    assert page.blocked == []
    assert page.errors == []
