"""A teacher's real day on a phone (#15): the outcome beside Save, edit conflicts by version, grade 1–2
defaults and R-HW-01, the meter's words, the summary line, withdrawn entries and "no homework"."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from tests.support.teacher import HX, entry, items, today


@pytest.fixture
def teacher(signed_in):
    return signed_in("teacher", lang="en")


def actions_box(page: str) -> str:
    found = re.search(r'<div class="save-row">.*?</div>', page, re.S)
    assert found, "no save row"
    return found.group(0)


def test_the_outcome_of_a_save_is_shown_beside_the_save_button(app, teacher, world):
    saved = teacher.post(f"/teacher/class/{world.class3.id}", data=entry(world), headers=HX).get_data(as_text=True)
    assert "saved-note" in actions_box(saved) and "Saved." in actions_box(saved)
    refused = teacher.post(f"/teacher/class/{world.class3.id}", data=entry(world, minutes="abc"), headers=HX)
    assert refused.status_code == 422
    box = actions_box(refused.get_data(as_text=True))
    assert "Not saved" in box and 'class="form-status' in box


def test_a_save_from_an_older_edit_form_is_refused_with_the_current_values_and_a_choice(app, teacher, world):
    teacher.post(f"/teacher/class/{world.class3.id}", data=entry(world, minutes=10))
    (item,) = items(app)
    first = teacher.get(f"/teacher/item/{item.id}/edit").get_data(as_text=True)
    second = first  # two open forms, both on version 1
    assert 'name="version" value="1"' in first
    assert teacher.post(f"/teacher/item/{item.id}/edit", data=entry(world, minutes=15, version=1)).status_code == 303
    stale = teacher.post(f"/teacher/item/{item.id}/edit", data=entry(world, minutes=10, version=1), headers=HX)
    page = stale.get_data(as_text=True)
    assert second and stale.status_code == 422
    assert "changed since you opened it" in page and "15 min" in page and 'id="entry-conflict"' in page
    assert items(app)[0].minutes == 15  # the old form did not revert 15 to 10
    # The choice: saving again now carries the current version and overwrites on purpose.
    assert 'name="version" value="2"' in page
    assert teacher.post(f"/teacher/item/{item.id}/edit", data=entry(world, minutes=10, version=2)).status_code == 303
    assert items(app)[0].minutes == 10


def test_a_grade_1_form_starts_in_class_and_a_grade_3_form_at_home(teacher, world):
    grade1 = teacher.get(f"/teacher/class/{world.class1.id}").get_data(as_text=True)
    assert re.search(r'name="location" value="class" checked', grade1)
    assert not re.search(r'name="location" value="home" checked', grade1)
    grade3 = teacher.get(f"/teacher/class/{world.class3.id}").get_data(as_text=True)
    assert re.search(r'name="location" value="home" checked', grade3)


def test_written_homework_at_home_in_grade_1_cannot_be_saved_with_a_reason_in_warn_mode(app, teacher, world):
    data = entry(world, subject_id=world.chinese.id, minutes=10, confirm_over=1, over_reason="家长要求")
    response = teacher.post(f"/teacher/class/{world.class1.id}", data=data, headers=HX)
    assert response.status_code == 422
    assert "This is a ban, not a cap" in response.get_data(as_text=True)
    assert items(app) == []
    meter = teacher.get(f"/teacher/class/{world.class1.id}/meter", query_string=data).get_data(as_text=True)
    assert "Not allowed in grades 1–2" in meter and "needs-confirm" not in meter


def test_a_withdrawn_entry_stays_struck_through_and_can_be_restored_with_its_history(app, teacher, world):
    teacher.post(f"/teacher/class/{world.class3.id}", data=entry(world, description="口算练习"))
    (item,) = items(app)
    assert teacher.post(f"/teacher/item/{item.id}/withdraw").status_code == 303
    day = teacher.get(f"/teacher/class/{world.class3.id}/day").get_data(as_text=True)
    assert 'class="entry mine withdrawn"' in day and "口算练习" in day and "Restore" in day
    assert "0 of 60 min" in day  # withdrawn: it counts no more
    assert "口算练习" in teacher.get("/teacher/").get_data(as_text=True)
    assert teacher.post(f"/teacher/item/{item.id}/restore").status_code == 303
    (item,) = items(app)
    assert (item.withdrawn, item.version) == (False, 3)
    history = teacher.get(f"/teacher/item/{item.id}").get_data(as_text=True)
    assert "Withdrawn" in history and "Restored" in history
    assert "20 of 60 min" in teacher.get(f"/teacher/class/{world.class3.id}/day").get_data(as_text=True)


def test_a_colleagues_withdrawn_entry_is_not_shown_and_cannot_be_restored(app, signed_in, teacher, world):
    colleague = signed_in("colleague", lang="en")
    colleague.post(f"/teacher/class/{world.class3.id}",
                   data=entry(world, subject_id=world.chinese.id, description="背诵课文"))
    (item,) = items(app)
    colleague.post(f"/teacher/item/{item.id}/withdraw")
    assert "背诵课文" not in teacher.get(f"/teacher/class/{world.class3.id}/day").get_data(as_text=True)
    assert teacher.post(f"/teacher/item/{item.id}/restore").status_code == 403
    assert items(app)[0].withdrawn


def test_no_homework_shows_no_kind_or_place_and_a_later_day_is_not_called_today(app, teacher, world):
    teacher.post(f"/teacher/class/{world.class3.id}/no-homework",
                 data={"subject_id": world.maths.id, "day": today().isoformat()})
    day = teacher.get(f"/teacher/class/{world.class3.id}/day", headers=HX).get_data(as_text=True)
    assert day.lstrip().startswith('<section id="class-day"')
    assert "No homework" in day and "at home" not in day and "Optional" not in day
    later = (today() + timedelta(days=1)).isoformat()
    form = teacher.get(f"/teacher/class/{world.class3.id}?day={later}").get_data(as_text=True)
    assert "No homework today for this subject" not in form and "No homework on " in form
