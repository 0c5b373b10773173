"""Bad input: a message next to the field in the teacher's language, 422, the typing kept, nothing saved."""

import re
from datetime import timedelta

import pytest

from tests.support.teacher import HX, entry, items, today


@pytest.fixture
def teacher(signed_in):
    return signed_in("teacher", lang="en")


def error_of(page: str, field: str) -> str:
    found = re.search(rf'<p class="error" id="{field}-error">([^<]*)</p>', page)
    return found.group(1) if found else ""


def post(client, world, **changes):
    return client.post(f"/teacher/class/{world.class3.id}", data=entry(world, **changes), headers=HX)


@pytest.mark.parametrize(("changes", "field", "message"), [
    ({"minutes": ""}, "minutes", "Minutes must be a whole number from 1 to 240."),
    ({"minutes": "0"}, "minutes", "Minutes must be a whole number from 1 to 240."),
    ({"minutes": "241"}, "minutes", "Minutes must be a whole number from 1 to 240."),
    ({"minutes": "1.5"}, "minutes", "Minutes must be a whole number from 1 to 240."),
    ({"minutes": "twenty"}, "minutes", "Minutes must be a whole number from 1 to 240."),
    ({"description": "   "}, "description", "Describe the homework in a few words."),
    ({"description": "题" * 501}, "description", "The description can be at most 500 characters."),
    ({"kind": "singing"}, "kind", "Choose a type."),
    ({"location": "beach"}, "location", "Choose where it is to be done."),
    ({"required": "maybe"}, "required", "Choose required or optional."),
    ({"subject_id": "maths"}, "subject_id", "Choose one of the subjects you teach in this class."),
    ({"set_date": "24/11"}, "set_date", "Enter the date it is set, as year-month-day."),
    ({"due_date": "tomorrow"}, "due_date", "Enter the due date as year-month-day, or leave it empty."),
])
def test_each_bad_field_gets_its_own_message_and_nothing_is_saved(app, teacher, world, changes, field, message):
    response = post(teacher, world, **changes)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert error_of(page, field) == message
    assert page.lstrip().startswith('<form id="entry-form"')
    assert items(app) == []


def test_a_set_date_more_than_a_week_away_is_refused(app, teacher, world):
    page = post(teacher, world, set_date=(today() - timedelta(days=8)).isoformat(), due_date="").get_data(as_text=True)
    assert error_of(page, "set_date") == "The set date must be within 7 days of today."
    assert items(app) == []


def test_a_set_date_a_week_ago_is_still_accepted(app, teacher, world):
    assert post(teacher, world, set_date=(today() - timedelta(days=7)).isoformat(), due_date="").status_code == 200
    assert len(items(app)) == 1


def test_a_due_date_before_the_set_date_is_refused(app, teacher, world):
    page = post(teacher, world, due_date=(today() - timedelta(days=1)).isoformat()).get_data(as_text=True)
    assert error_of(page, "due_date") == "The due date cannot be before the set date."
    assert items(app) == []


def test_a_due_date_more_than_31_days_after_the_set_date_is_refused(app, teacher, world):
    page = post(teacher, world, due_date=(today() + timedelta(days=32)).isoformat()).get_data(as_text=True)
    assert error_of(page, "due_date") == "The due date can be at most 31 days after the set date."


def test_a_reason_longer_than_300_characters_is_refused(app, teacher, world):
    page = post(teacher, world, minutes=70, confirm_over="1", over_reason="因" * 301).get_data(as_text=True)
    assert error_of(page, "over_reason") == "Give a reason (at most 300 characters)."
    assert items(app) == []


def test_several_bad_fields_are_all_reported_at_once_and_the_typing_is_kept(app, teacher, world):
    page = post(teacher, world, description="", minutes="abc", due_date="x").get_data(as_text=True)
    assert error_of(page, "description") and error_of(page, "minutes") and error_of(page, "due_date")
    assert 'value="abc"' in page
    assert 'aria-invalid="true" aria-describedby="minutes-error"' in page


def test_messages_are_in_chinese_by_default(app, client, auth, world):
    auth.login("teacher")
    page = post(client, world, minutes="0").get_data(as_text=True)
    assert error_of(page, "minutes") == "时长须为 1 到 240 之间的整数（分钟）。"


def test_a_plain_post_with_an_error_gets_the_whole_page_with_422(app, teacher, world):
    response = teacher.post(f"/teacher/class/{world.class3.id}", data=entry(world, minutes="0"))
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and "<html" in page
    assert error_of(page, "minutes")


def test_control_characters_are_stripped_and_full_width_digits_accepted(app, teacher, world):
    assert post(teacher, world, description="练习\x00册\u202e第3页\x07", minutes="１５").status_code == 200
    (item,) = items(app)
    assert (item.description, item.minutes) == ("练习册第3页", 15)


def test_garbage_never_shows_a_stack_trace(app, teacher, world):
    response = teacher.post(f"/teacher/class/{world.class3.id}",
                            data={"minutes": "9" * 400, "set_date": "9999-99-99", "subject_id": "-1"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Traceback" not in page and items(app) == []


def test_a_smuggled_no_homework_flag_does_not_skip_the_description_and_minutes_checks(app, teacher, world):
    # #17: the entry form's own fields never include no_homework; a hand-made request added it.
    response = post(teacher, world, no_homework="true", description="", minutes="0")
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert error_of(page, "description") and error_of(page, "minutes")
    assert items(app) == []
