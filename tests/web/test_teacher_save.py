"""Saving homework: htmx and plain posts, confirmation over the cap, block mode, no homework, copy, retry."""

from datetime import timedelta

import pytest

from edulite.db import session_scope
from edulite.school.settings import set_school_policy
from tests.support.factories import add_item
from tests.support.teacher import HX, alerts, audit_actions, entry, items, revisions, today


@pytest.fixture
def teacher(signed_in):
    return signed_in("teacher", lang="en")


def post(client, world, klass=None, headers=None, **changes):
    return client.post(f"/teacher/class/{(klass or world.class3).id}", data=entry(world, **changes),
                       headers=headers or {})


def test_a_plain_form_post_saves_and_redirects_with_303(app, teacher, world):
    response = post(teacher, world)
    assert response.status_code == 303
    assert response.location == f"/teacher/class/{world.class3.id}?day={today().isoformat()}"
    (item,) = items(app)
    assert (item.description, item.minutes, item.teacher_id, item.version) == ("练习册第3页", 20, world.teacher.id, 1)
    assert "Saved." in teacher.get(response.location).get_data(as_text=True)


def test_an_htmx_save_returns_a_fresh_form_and_announces_homework_logged(app, teacher, world):
    response = post(teacher, world, headers=HX)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    # After the swap: announced before it, the old form's meter would ask for the budget once more.
    assert response.headers["HX-Trigger-After-Swap"] == "homework-logged" and "HX-Trigger" not in response.headers
    assert page.lstrip().startswith('<form id="entry-form"') and "<html" not in page
    assert "data-saved" in page and "练习册第3页</textarea>" not in page
    assert len(items(app)) == 1


def test_saving_writes_a_revision_and_an_audit_entry(app, teacher, world):
    post(teacher, world)
    (item,) = items(app)
    (rev,) = revisions(app, item.id)
    assert (rev.action, rev.version, rev.changed_by) == ("create", 1, world.teacher.id)
    assert '"minutes": 20' in rev.snapshot
    assert "homework_create" in audit_actions(app)


def test_over_the_cap_without_confirmation_is_refused_with_422_and_nothing_saved(app, teacher, world):
    with session_scope(app) as s:
        add_item(s, world, subject=world.chinese, teacher=world.colleague, day=today(), minutes=50)
    response = post(teacher, world, headers=HX, minutes=30)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "tick the box and give a reason to save it anyway" in page
    assert "练习册第3页</textarea>" in page and 'value="30"' in page
    assert len(items(app)) == 1


def test_confirmation_without_a_reason_is_not_enough(app, teacher, world):
    with session_scope(app) as s:
        add_item(s, world, subject=world.chinese, teacher=world.colleague, day=today(), minutes=50)
    response = post(teacher, world, minutes=30, confirm_over="1", over_reason="  ")
    assert response.status_code == 422
    assert "Give a reason (at most 300 characters)." in response.get_data(as_text=True)
    assert len(items(app)) == 1


def test_over_the_cap_with_confirmation_and_reason_saves_and_raises_the_alert(app, teacher, world):
    with session_scope(app) as s:
        add_item(s, world, subject=world.chinese, teacher=world.colleague, day=today(), minutes=50)
    response = post(teacher, world, minutes=30, confirm_over="1", over_reason="单元复习")
    assert response.status_code == 303
    saved = items(app)[-1]
    assert (saved.minutes, saved.over_cap_reason) == (30, "单元复习")
    (alert,) = alerts(app, "R-HW-02")
    assert (alert.class_id, alert.day, alert.figure, alert.limit) == (world.class3.id, today(), "80", "60")


def test_a_school_in_block_mode_refuses_to_save_over_the_cap_even_when_confirmed(app, teacher, world):
    with session_scope(app) as s:
        set_school_policy(s, school_id=world.school.id, data={"over_cap_mode": "block"},
                          effective_from=today() - timedelta(days=30), user_id=None)
        add_item(s, world, subject=world.chinese, teacher=world.colleague, day=today(), minutes=50)
    response = post(teacher, world, minutes=30, confirm_over="1", over_reason="单元复习")
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Your school does not allow saving homework over the limit." in page
    assert len(items(app)) == 1 and alerts(app, "R-HW-02") == []
    assert post(teacher, world, minutes=10).status_code == 303


def test_no_homework_is_one_tap_and_published_as_an_item_with_no_minutes(app, teacher, world):
    response = teacher.post(f"/teacher/class/{world.class3.id}/no-homework",
                            data={"subject_id": world.maths.id, "day": today().isoformat(), "back": "today"})
    assert response.status_code == 303 and response.location.startswith("/teacher/?day=")
    (item,) = items(app)
    assert (item.no_homework, item.minutes, item.required) == (True, 0, False)
    assert "No homework" in teacher.get("/teacher/").get_data(as_text=True)


def test_no_homework_twice_is_saved_once_and_htmx_gets_204_and_the_event(app, teacher, world):
    url = f"/teacher/class/{world.class3.id}/no-homework"
    data = {"subject_id": world.maths.id, "set_date": today().isoformat()}
    first = teacher.post(url, data=data, headers=HX)
    # Nothing is swapped on a 204, so htmx would never fire an After-Swap trigger: this one fires at once.
    assert first.status_code == 204 and first.headers["HX-Trigger"] == "homework-logged"
    teacher.post(url, data=data, headers=HX)
    assert len(items(app)) == 1


def test_no_homework_is_refused_when_homework_is_already_logged_for_that_subject(app, teacher, world):
    post(teacher, world)
    response = teacher.post(f"/teacher/class/{world.class3.id}/no-homework",
                            data={"subject_id": world.maths.id, "day": today().isoformat()}, headers=HX)
    assert response.status_code == 422
    assert "already logged homework for this subject" in response.get_data(as_text=True)
    assert len(items(app)) == 1


def test_logging_homework_after_no_homework_withdraws_the_no_homework_note(app, teacher, world):
    teacher.post(f"/teacher/class/{world.class3.id}/no-homework",
                 data={"subject_id": world.maths.id, "day": today().isoformat()})
    post(teacher, world)
    marker, item = items(app)
    assert marker.no_homework and marker.withdrawn and not item.withdrawn
    assert [r.action for r in revisions(app, marker.id)] == ["create", "withdraw"]


def test_a_retried_save_whose_answer_was_lost_does_not_log_the_entry_twice(app, teacher, world):
    assert post(teacher, world, headers=HX).status_code == 200
    assert post(teacher, world, headers=HX).status_code == 200
    assert len(items(app)) == 1


def test_a_retried_save_near_the_cap_is_not_counted_twice_and_asks_for_no_confirmation(app, teacher, world):
    # 35 min in grade 3 (cap 60): counting the saved entry again would make 70 and ask for a reason.
    first = post(teacher, world, minutes=35)
    again = post(teacher, world, minutes=35)
    assert (first.status_code, again.status_code) == (303, 303)
    assert again.location == first.location
    (item,) = items(app)
    assert (item.minutes, item.over_cap_reason) == (35, None)
    assert audit_actions(app).count("homework_create") == 1


def test_copy_prefills_the_form_from_an_earlier_entry_with_todays_dates(app, teacher, world):
    with session_scope(app) as s:
        old = add_item(s, world, day=today() - timedelta(days=2), minutes=25, description="口算练习第5组",
                       location="after_school")
    page = teacher.get(f"/teacher/class/{world.class3.id}?copy={old.id}", headers=HX).get_data(as_text=True)
    assert page.lstrip().startswith('<form id="entry-form"')
    assert "口算练习第5组</textarea>" in page and 'value="25"' in page
    assert 'name="location" value="after_school" checked' in page
    assert f'name="set_date" type="date" value="{today().isoformat()}"' in page


def test_the_class_page_lists_earlier_entries_to_copy_including_a_parallel_class(app, teacher, world):
    with session_scope(app) as s:
        add_item(s, world, klass=world.class7, day=today(), minutes=15, description="初一的练习")
        add_item(s, world, day=today() - timedelta(days=1), minutes=15, description="昨天的练习")
    page = teacher.get(f"/teacher/class/{world.class3.id}").get_data(as_text=True)
    assert "Copy an earlier entry" in page and "初一的练习" in page and "昨天的练习" in page


def test_the_due_date_defaults_to_the_next_school_day(teacher, world):
    friday = today() + timedelta(days=(4 - today().weekday()) % 7)
    page = teacher.get(f"/teacher/class/{world.class3.id}?day={friday.isoformat()}").get_data(as_text=True)
    monday = friday + timedelta(days=3)
    assert f'name="due_date" type="date" value="{monday.isoformat()}"' in page
