"""The budget meter: what an entry would do to the class's evening, shown before saving."""

from datetime import date, timedelta

import pytest

from edulite.db import session_scope
from edulite.school.settings import set_school_policy
from tests.support.factories import add_item
from tests.support.teacher import HX, entry, today


def meter(client, world, klass=None, **changes):
    query = entry(world, **changes)
    return client.get(f"/teacher/class/{(klass or world.class3).id}/meter", query_string=query, headers=HX)


@pytest.fixture
def teacher(signed_in):
    return signed_in("teacher", lang="en")


def test_an_entry_well_within_the_cap_shows_a_green_meter_with_the_minutes_left(teacher, world):
    response = meter(teacher, world, minutes=20)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert page.lstrip().startswith('<div id="meter-preview"')
    assert 'data-state="ok"' in page and "meter-ok" in page
    assert "Within the limit" in page and "20 of 60 min" in page and "40 min left" in page


def test_an_entry_that_fills_most_of_the_cap_turns_the_meter_amber(app, teacher, world):
    with session_scope(app) as s:
        add_item(s, world, subject=world.chinese, teacher=world.colleague, day=today(), minutes=30)
    page = meter(teacher, world, minutes=20).get_data(as_text=True)
    assert 'data-state="near"' in page and "Close to the limit" in page
    assert "50 of 60 min" in page and "10 min left" in page


def test_an_entry_that_crosses_the_cap_turns_the_meter_red_and_says_by_how_much(app, teacher, world):
    with session_scope(app) as s:
        add_item(s, world, subject=world.chinese, teacher=world.colleague, day=today(), minutes=45)
    page = meter(teacher, world, minutes=25).get_data(as_text=True)
    assert 'data-state="over"' in page and "Over the limit" in page
    assert "70 of 60 min" in page and "10 min over" in page
    assert "Over the daily limit for written homework: 70 of 60 min." in page and "R-HW-02" not in page
    assert "needs-confirm" in page


def test_oral_homework_on_a_full_evening_does_not_count_and_needs_no_confirmation(app, teacher, world):
    with session_scope(app) as s:
        add_item(s, world, subject=world.chinese, teacher=world.colleague, day=today(), minutes=70)
    page = meter(teacher, world, minutes=15, kind="oral").get_data(as_text=True)
    assert 'data-state="over"' in page and "needs-confirm" not in page
    assert "this entry adds no written minutes at home" in page


def test_written_homework_at_home_in_grade_1_is_flagged_before_saving(teacher, world):
    page = meter(teacher, world, klass=world.class1, subject_id=world.chinese.id, minutes=10).get_data(as_text=True)
    assert 'data-state="over"' in page
    assert "Grades 1–2 may not have written homework at home" in page and "R-HW-01" not in page


def test_grade_1_written_practice_in_after_school_service_is_fine(teacher, world):
    page = meter(teacher, world, klass=world.class1, subject_id=world.chinese.id, minutes=10,
                 location="after_school").get_data(as_text=True)
    assert 'data-state="ok"' in page and "R-HW-01" not in page


@pytest.mark.parametrize(("text", "rule"), [("完成后请家长签字", "R-HW-06"), ("生字抄写10遍", "R-HW-08")])
def test_banned_wording_is_named_before_saving(teacher, world, text, rule):
    page = meter(teacher, world, minutes=10, description=text).get_data(as_text=True)
    assert "Please reword it." in page and rule not in page and "Wording to change" in page
    assert 'data-state="over"' in page and "needs-confirm" in page


def test_a_per_subject_cap_of_the_school_policy_is_checked(app, teacher, world):
    with session_scope(app) as s:
        set_school_policy(s, school_id=world.school.id, data={"subject_caps": {"数学": 20}},
                          effective_from=today() - timedelta(days=30), user_id=None)
    page = meter(teacher, world, minutes=25).get_data(as_text=True)
    assert "数学 is over its own limit: 25 of 20 min." in page and "Subject cap" in page
    assert 'data-state="over"' in page


def test_the_subjects_per_day_limit_is_checked(app, teacher, world):
    with session_scope(app) as s:
        set_school_policy(s, school_id=world.school.id, data={"max_subjects_per_day": {"3-6": 2}},
                          effective_from=today() - timedelta(days=30), user_id=None)
        add_item(s, world, subject=world.chinese, teacher=world.colleague, day=today(), minutes=10)
        add_item(s, world, subject=world.english, teacher=world.colleague, day=today(), minutes=10)
    page = meter(teacher, world, minutes=10).get_data(as_text=True)
    assert "Too many subjects with written homework this evening: 3, at most 2." in page
    assert "Too many subjects</strong>" in page and "R-LOC-01" not in page


def test_editing_an_entry_previews_without_its_old_minutes(app, teacher, world):
    with session_scope(app) as s:
        mine = add_item(s, world, day=today(), minutes=50)
    page = meter(teacher, world, minutes=30, item_id=mine.id).get_data(as_text=True)
    assert "30 of 60 min" in page and 'data-state="near"' not in page


def test_a_multi_evening_entry_is_judged_on_its_busiest_evening(app, teacher, world):
    with session_scope(app) as s:
        add_item(s, world, subject=world.chinese, teacher=world.colleague, day=today() + timedelta(days=1), minutes=55)
    # 20 minutes over three evenings: 7 of them fall on the evening that already has 55.
    page = meter(teacher, world, minutes=20, due_date=(today() + timedelta(days=3)).isoformat()).get_data(as_text=True)
    assert 'data-state="over"' in page and "62 of 60 min" in page


def test_without_javascript_the_check_button_shows_the_whole_page_with_the_meter(teacher, world):
    response = teacher.post(f"/teacher/class/{world.class3.id}/meter", data=entry(world, minutes=20))
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" in page
    assert 'id="meter-preview"' in page and "20 of 60 min" in page
    assert 'value="练习册第3页"' not in page and "练习册第3页</textarea>" in page


def test_the_meter_of_a_class_the_teacher_does_not_teach_is_refused(teacher, world):
    assert meter(teacher, world, klass=world.other_class).status_code == 403


def friday() -> date:
    return today() + timedelta(days=(4 - today().weekday()) % 7)


def test_an_entry_due_after_the_weekend_says_its_minutes_are_spread_over_the_evenings(teacher, world):
    # The form's default due date on a Friday is Monday: 60 minutes are 20 on each of three evenings.
    monday = friday() + timedelta(days=3)
    page = meter(teacher, world, minutes=60, set_date=friday().isoformat(),
                 due_date=monday.isoformat()).get_data(as_text=True)
    assert "20 of 60 min" in page
    assert "Spread over 3 evenings (Fri–Sun), about 20 minutes each" in page


def test_the_spread_is_said_in_chinese_too(teacher, world):
    teacher.set_cookie("lang", "zh")
    monday = friday() + timedelta(days=3)
    page = meter(teacher, world, minutes=60, set_date=friday().isoformat(),
                 due_date=monday.isoformat()).get_data(as_text=True)
    assert "分摊到 3 个晚上（周五至周日），每晚约 20 分钟" in page


def test_an_entry_done_on_one_evening_says_nothing_about_spreading(teacher, world):
    page = meter(teacher, world, minutes=20).get_data(as_text=True)
    assert "Spread over" not in page
