"""The parents' class page: one class's week by day, totals against the cap, in plain words."""

from __future__ import annotations

import json
import re
from datetime import date, timedelta

import pytest

from edulite.db import session_scope
from edulite.models import HomeworkItem
from tests.support.factories import add_item
from tests.support.parent import MON, TOKEN, add_link, day_figures, page

TUE, WED, FRI = MON + timedelta(days=1), MON + timedelta(days=2), MON + timedelta(days=4)


@pytest.fixture
def today(app):
    """Pin the school's "today" (Wednesday of the test week) so that the today card is deterministic."""
    app.config["TODAY"] = WED
    return WED


def test_a_link_opens_its_own_class_and_shows_only_that_classs_homework(app, client, world):
    with session_scope(app) as s:
        add_item(s, world, day=MON, minutes=20, description="三年级一班的口算")
        add_item(s, world, klass=world.other_class, teacher=world.other_teacher, day=MON, minutes=20,
                 description="另一小学的作业")
    other = add_link(app, world.other_class, "other-school-class-token-0123456789")

    mine = page(client).get_data(as_text=True)
    assert "三年级一班的口算" in mine and "另一小学的作业" not in mine
    assert "测试小学" in mine and "另一小学" not in mine.replace("另一小学的作业", "")
    theirs = page(client, other).get_data(as_text=True)
    assert "另一小学的作业" in theirs and "三年级一班的口算" not in theirs


def test_an_item_shows_subject_description_type_requirement_minutes_and_due_date(app, client, world):
    with session_scope(app) as s:
        add_item(s, world, day=MON, minutes=15, description="练习册第12页", due=WED)
        add_item(s, world, day=MON, minutes=10, kind="reading", required=False, description="课外阅读")
    html = page(client, lang="en").get_data(as_text=True)
    assert re.search(r"数学</strong> <span class=\"desc\">练习册第12页", html)
    assert "Written" in html and "Required" in html and "15 min over 2 evenings, about 8 this evening" in html
    assert "due Wed, Nov 18" in html
    assert "Reading" in html and "Optional" in html and "about 10 min, not counted" in html
    # Without a due date the item is due the next school day: Friday's is due on Monday.
    with session_scope(app) as s:
        add_item(s, world, day=FRI, minutes=5, description="周末前的作业")
    assert "due Mon, Nov 23" in page(client, lang="en").get_data(as_text=True)


def test_withdrawn_items_are_hidden_and_no_homework_entries_show_as_none(app, client, world):
    with session_scope(app) as s:
        gone = add_item(s, world, day=MON, minutes=30, description="撤回的作业")
        gone.withdrawn = True
        s.add(HomeworkItem(class_id=world.class3.id, subject_id=world.chinese.id, teacher_id=world.colleague.id,
                           set_date=MON, no_homework=True, minutes=0))
    html = page(client).get_data(as_text=True)
    assert "撤回的作业" not in html
    assert "语文：无" in html
    assert day_figures(html)[MON.isoformat()] == (0, 60)


def test_each_days_total_equals_the_loads_command_for_that_class_and_week(app, client, runner, world):
    with session_scope(app) as s:
        add_item(s, world, day=MON, minutes=40)
        add_item(s, world, day=MON, minutes=25, subject=world.chinese, teacher=world.colleague)
        add_item(s, world, day=TUE, minutes=20, kind="oral")
        add_item(s, world, day=TUE, minutes=30, location="class")
        add_item(s, world, day=WED, minutes=90, due=FRI)  # Wednesday and Thursday evenings
        add_item(s, world, day=MON - timedelta(days=3), minutes=40, due=TUE)  # Fri..Mon, set last week
        add_item(s, world, day=FRI, minutes=30, due=MON + timedelta(days=7))  # Fri, Sat, Sun
    result = runner.invoke(args=["edulite", "loads", "--school", "测试小学", "--from", MON.isoformat(),
                                 "--to", (MON + timedelta(days=6)).isoformat(), "--json"])
    assert result.exit_code == 0, result.output
    expected = {r["date"]: (r["counted_minutes"], r["cap"]) for r in json.loads(result.output)
                if r["class"] == "三年级(1)班" and r["grade"] == 3}
    shown = day_figures(page(client).get_data(as_text=True))
    assert shown == expected  # the weekend shows too: Friday's item is done over it
    assert shown[MON.isoformat()] == (75, 60)


def test_the_today_card_says_the_total_against_the_cap_in_plain_words(app, client, world, today):
    with session_scope(app) as s:
        add_item(s, world, day=WED, minutes=45)
    zh = page(client, week=None).get_data(as_text=True)
    assert "今天书面作业约 45 分钟，低于 60 分钟上限。" in zh
    with session_scope(app) as s:
        add_item(s, world, day=WED, minutes=20, subject=world.english, teacher=world.colleague)
    en = page(client, week=None, lang="en").get_data(as_text=True)
    assert "Today: about 65 minutes of written homework, over the 60-minute cap." in en
    assert "About 65 minutes of written homework, over the 60-minute cap." in en


@pytest.mark.parametrize(("minutes", "sentence"), [
    (60, "书面作业约 60 分钟，正好达到 60 分钟上限。"),
    (0, "作业尚未发布。"),
])
def test_a_day_at_the_cap_or_not_yet_published_is_said_so(app, client, world, today, minutes, sentence):
    if minutes:
        with session_scope(app) as s:
            add_item(s, world, day=FRI, minutes=minutes)
    assert sentence in page(client).get_data(as_text=True)


def test_a_past_day_without_entries_says_nothing_was_published(client, world, today):
    html = page(client).get_data(as_text=True)
    assert "当天没有发布作业。" in html and "今天的作业还没有发布。" in html


def test_grades_1_and_2_say_no_written_homework_is_set_for_home(app, client, world):
    token = add_link(app, world.class1, "grade-one-class-token-0123456789ab")
    with session_scope(app) as s:
        add_item(s, world, klass=world.class1, subject=world.chinese, day=MON, minutes=10, location="class",
                 description="课堂巩固练习")
    html = page(client, token).get_data(as_text=True)
    assert "一、二年级不布置家庭书面作业" in html
    assert "在校完成" in html and "没有家庭书面作业。" in html


@pytest.mark.parametrize(("klass", "bedtime"), [("class3", "21:20"), ("class7", "22:00")])
def test_the_bedtime_note_gives_the_stages_cut_off(app, client, world, klass, bedtime):
    token = TOKEN if klass == "class3" else add_link(app, world.class7, "junior-class-token-0123456789abcd")
    assert f"如到 {bedtime} 仍未完成，请让孩子按时睡觉" in page(client, token).get_data(as_text=True)


def test_the_page_shows_no_teacher_or_other_personal_data(app, client, world):
    with session_scope(app) as s:
        add_item(s, world, day=MON, minutes=20)
        add_item(s, world, day=MON, minutes=20, subject=world.chinese, teacher=world.colleague)
    for lang in ("zh", "en"):
        html = page(client, lang=lang).get_data(as_text=True)
        for user in world.users.values():
            assert user.display_name not in html and f">{user.username}<" not in html
            assert not re.search(rf"\b{re.escape(user.username)}\b", html, re.IGNORECASE)
        assert not re.search(r"1[3-9]\d{9}", html)  # no mobile numbers
        assert "headcount" not in html and ">40<" not in html


def test_previous_and_next_week_links_move_by_a_week(client, world):
    html = page(client, week=WED).get_data(as_text=True)  # any day names its week
    assert f'href="/c/{TOKEN}?week=2026-11-09"' in html and f'href="/c/{TOKEN}?week=2026-11-23"' in html
    assert "11月16日周一 至 11月22日周日" in html
    assert f'href="/c/{TOKEN}" id="this-week"' in html


@pytest.mark.parametrize("bad", ["yesterday", "2026-13-01", "9999-12-31", "0001-01-01"])
def test_a_bad_week_parameter_shows_this_week(client, world, today, bad):
    response = client.get(f"/c/{TOKEN}?week={bad}")
    assert response.status_code == 200
    assert "11月16日周一 至 11月22日周日" in response.get_data(as_text=True)


def test_an_item_set_last_week_and_still_being_done_is_listed_under_each_evening_it_carries(app, client, world):
    # #14: the days' totals count its share, so each of those days lists it, with that evening's share.
    with session_scope(app) as s:
        add_item(s, world, day=date(2026, 11, 12), minutes=60, due=WED, description="手抄报")
    html = page(client).get_data(as_text=True)
    assert html.count("手抄报") == 2  # Monday and Tuesday of this week
    assert "11月12日周四布置" in html and "60 分钟，分 6 晚，今晚约 10" in html


def test_a_finished_week_gives_its_school_day_average(app, client, world, today):
    with session_scope(app) as s:
        add_item(s, world, day=MON - timedelta(days=7), minutes=50)
    assert "这一周的上课日平均每天书面作业约 10 分钟" in page(client, week=MON - timedelta(days=7)).get_data(
        as_text=True)
    assert "平均每天" not in page(client).get_data(as_text=True)  # the current week is not over


def test_the_week_shows_the_classs_after_school_times_and_activity_without_pupil_numbers(app, client, world):
    from datetime import time

    from edulite.models import AfterSchoolSession, SessionClass

    with session_scope(app) as s:
        session = AfterSchoolSession(school_id=world.school.id, day=MON, start=time(15, 40), end=time(17, 40),
                                     activity="reading", teacher_id=world.teacher.id)
        s.add(session)
        s.flush()
        s.add(SessionClass(session_id=session.id, class_id=world.class3.id, pupils=37))
    body = page(client).get_data(as_text=True)
    day = body[body.index(f'id="day-{MON.isoformat()}"'):]
    day = day[:day.index("</section>")]
    assert "课后服务 15:40–17:40 · 阅读" in day
    assert "37" not in day
