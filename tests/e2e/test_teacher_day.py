"""A teacher's real day on a 360 px phone (#15): one homework for three classes, one of them over its cap and
confirmed, the result beside Save, a dropped connection without loss or duplicate; and a principal who adds a
teacher, who signs in with the one-time password and must change it first."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from playwright.sync_api import expect
from sqlmodel import select

from edulite.db import session_scope
from edulite.models import Assignment, HomeworkItem, SchoolClass
from tests.e2e.conftest import ARTIFACTS, login, sign_out
from tests.support.factories import PASSWORD, add_item


def _today():
    return datetime.now(ZoneInfo("Asia/Shanghai")).date()


def _parallel_class(live) -> SchoolClass:
    """A third class of the teacher's maths, already holding 50 minutes of Chinese tonight."""
    world = live.data
    with session_scope(live.app) as s:
        klass = SchoolClass(school_id=world.school.id, grade=3, name="三年级(2)班", headcount=40)
        s.add(klass)
        s.flush()
        s.add(Assignment(teacher_id=world.teacher.id, class_id=klass.id, subject_id=world.maths.id))
        s.add(Assignment(teacher_id=world.colleague.id, class_id=klass.id, subject_id=world.chinese.id))
    with session_scope(live.app) as s:
        add_item(s, world, klass=klass, subject=world.chinese, teacher=world.colleague, day=_today(), minutes=50)
    return klass


def _maths_items(live) -> list[tuple[int, str | None]]:
    with session_scope(live.app) as s:
        return sorted(s.exec(select(HomeworkItem.class_id, HomeworkItem.over_cap_reason).where(
            HomeworkItem.subject_id == live.data.maths.id)).all())


def test_one_homework_for_three_classes_one_over_and_confirmed_survives_a_lost_answer(live_server, page):
    world, class3b = live_server.data, _parallel_class(live_server)
    login(page, live_server, "teacher", PASSWORD)
    page.goto(f"{live_server}/teacher/class/{world.class3.id}")
    preview = page.locator("#meter-preview")
    page.fill("#f-description", "练习册第12页第1-4题")
    page.locator("[data-minutes='30']").click()
    expect(preview).to_contain_text("30 / 60 分钟")

    page.locator(f"#also-{class3b.id} input[name=also]").check()
    page.locator(f"#also-{world.class7.id} input[name=also]").check()
    # Each ticked class has its own meter: 三年级(2)班 goes over and asks for its own confirmation.
    expect(page.locator(f"#also-{class3b.id}")).to_contain_text("80 / 60 分钟")
    expect(page.locator(f"#also-{world.class7.id}")).to_contain_text("30 / 90 分钟")
    page.locator(f"#also-{class3b.id} input[name=confirm_class]").check()
    expect(page.locator("#f-reason")).to_be_visible()
    page.fill("#f-reason", "单元复习")
    page.screenshot(path=str(ARTIFACTS / "teacher-entry-three-classes-360.png"), full_page=True)

    # The first answer is lost on the way back: the server saved, the phone never heard.
    def lose_the_answer(route):
        if route.request.method == "POST":
            route.fetch()
            route.abort("internetdisconnected")
        else:
            route.continue_()

    page.route("**/teacher/class/*", lose_the_answer)
    save = page.get_by_role("button", name="保存", exact=True)
    save.click()
    status = page.locator("#entry-form .save-row .form-status")
    expect(status).to_contain_text("请再点一次")
    expect(status).to_be_in_viewport()
    page.screenshot(path=str(ARTIFACTS / "teacher-entry-network-360.png"))
    expect(page.locator("#f-description")).to_have_value("练习册第12页第1-4题")
    page.unroute("**/teacher/class/*")
    page.console_errors.clear()

    save.click()
    note = page.locator("#entry-form .save-row .saved-note")
    expect(note).to_contain_text("已为 3 个班保存")
    expect(note).to_be_in_viewport()
    page.screenshot(path=str(ARTIFACTS / "teacher-entry-saved-360.png"))
    assert _maths_items(live_server) == sorted([(world.class3.id, None), (class3b.id, "单元复习"),
                                                (world.class7.id, None)])
    assert page.errors == []


def test_a_principal_adds_a_teacher_who_must_change_the_one_time_password(live_server, page):
    login(page, live_server, "principal", PASSWORD)
    page.goto(f"{live_server}/accounts/")
    page.fill("#a-display_name", "王丽")
    page.fill("#a-username", "wangli")
    page.get_by_role("button", name="添加并生成一次性密码").click()
    otp = page.locator(".otp code").inner_text().strip()
    assert len(otp) >= 10
    page.screenshot(path=str(ARTIFACTS / "accounts-360.png"), full_page=True)
    sign_out(page)

    login(page, live_server, "wangli", otp)
    expect(page).to_have_url(f"{live_server}/account/password")
    expect(page.locator("main")).to_contain_text("一次性密码")
    page.goto(f"{live_server}/teacher/")
    expect(page).to_have_url(f"{live_server}/account/password")
    page.fill("#old", otp)
    page.fill("#new", "my own long secret 42")
    page.fill("#confirm", "my own long secret 42")
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(f"{live_server}/teacher/")
    assert page.errors == []


def test_changing_the_due_date_changes_the_forms_summary_line(live_server, page):
    world = live_server.data
    login(page, live_server, "teacher", PASSWORD)
    page.goto(f"{live_server}/teacher/class/{world.class3.id}")
    summary = page.locator("#entry-fields-dates summary")
    due_text = summary.locator("[data-day-of=due_date]")
    before = due_text.inner_text()
    summary.click()
    later = _today() + timedelta(days=3)
    page.fill("#f-due-date", later.isoformat())
    expect(due_text).to_contain_text(f"{later.month}月{later.day}日")
    assert due_text.inner_text() != before
    assert page.errors == []
