"""Edits and withdrawals keep history; entries change only on the day they are set; graded marks."""

from datetime import UTC, datetime, timedelta

import pytest

from edulite.db import session_scope
from edulite.models import HomeworkItem
from tests.support.factories import add_item
from tests.support.teacher import HX, alerts, audit_actions, entry, items, revisions, today


@pytest.fixture
def teacher(signed_in):
    return signed_in("teacher", lang="en")


def log(client, world, **changes) -> HomeworkItem:
    client.post(f"/teacher/class/{world.class3.id}", data=entry(world, **changes))
    return items(client.application)[-1]


def test_an_edit_adds_a_revision_and_the_old_values_stay_visible(app, teacher, world):
    item = log(teacher, world, minutes=20, description="练习册第3页")
    response = teacher.post(f"/teacher/item/{item.id}/edit", data=entry(world, minutes=15, description="练习册第4页"))
    assert response.status_code == 303
    (now,) = items(app)
    assert (now.minutes, now.description, now.version) == (15, "练习册第4页", 2)
    assert [r.action for r in revisions(app, item.id)] == ["create", "edit"]
    page = teacher.get(f"/teacher/item/{item.id}").get_data(as_text=True)
    assert "<del>20</del> → <ins>15</ins>" in page
    assert "<del>练习册第3页</del> → <ins>练习册第4页</ins>" in page
    assert "homework_edit" in audit_actions(app)


def test_an_htmx_edit_returns_a_fresh_form_and_moves_the_address_back_to_the_class(app, teacher, world):
    item = log(teacher, world)
    response = teacher.post(f"/teacher/item/{item.id}/edit", data=entry(world, minutes=12), headers=HX)
    assert response.status_code == 200 and response.headers["HX-Trigger-After-Swap"] == "homework-logged"
    assert "HX-Trigger" not in response.headers
    assert response.headers["HX-Replace-Url"] == f"/teacher/class/{world.class3.id}?day={today().isoformat()}"


def test_the_edit_form_is_filled_with_the_entry(app, teacher, world):
    item = log(teacher, world, minutes=17, description="口算")
    page = teacher.get(f"/teacher/item/{item.id}/edit", headers=HX).get_data(as_text=True)
    assert 'value="17"' in page and "口算</textarea>" in page
    assert f'action="/teacher/item/{item.id}/edit"' in page and f'name="item_id" value="{item.id}"' in page


def test_an_edit_that_changes_nothing_adds_no_revision(app, teacher, world):
    item = log(teacher, world)
    teacher.post(f"/teacher/item/{item.id}/edit", data=entry(world))
    assert len(revisions(app, item.id)) == 1


def test_an_edit_over_the_cap_needs_confirmation_too(app, teacher, world):
    item = log(teacher, world, minutes=20)
    with session_scope(app) as s:
        add_item(s, world, subject=world.chinese, teacher=world.colleague, day=today(), minutes=40)
    assert teacher.post(f"/teacher/item/{item.id}/edit", data=entry(world, minutes=30)).status_code == 422
    assert items(app)[0].minutes == 20
    confirmed = entry(world, minutes=30, confirm_over="1", over_reason="期末复习")
    assert teacher.post(f"/teacher/item/{item.id}/edit", data=confirmed).status_code == 303
    assert alerts(app, "R-HW-02")[0].figure == "70"


def test_withdrawing_keeps_the_entry_in_history_and_clears_its_alert(app, teacher, world):
    with session_scope(app) as s:
        add_item(s, world, subject=world.chinese, teacher=world.colleague, day=today(), minutes=50)
    item = log(teacher, world, minutes=20, confirm_over="1", over_reason="复习")
    assert len(alerts(app, "R-HW-02")) == 1
    response = teacher.post(f"/teacher/item/{item.id}/withdraw", headers=HX)
    assert response.status_code == 204 and response.headers["HX-Trigger"] == "homework-logged"
    assert items(app)[-1].withdrawn and items(app)[-1].version == 2
    assert [r.action for r in revisions(app, item.id)] == ["create", "withdraw"]
    assert alerts(app, "R-HW-02") == []
    page = teacher.get(f"/teacher/item/{item.id}").get_data(as_text=True)
    assert "Withdrawn" in page and "练习册第3页" in page


def test_an_entry_from_an_earlier_day_can_be_viewed_but_not_changed(app, teacher, world):
    with session_scope(app) as s:
        old = add_item(s, world, day=today() - timedelta(days=1), minutes=20)
        row = s.get(HomeworkItem, old.id)
        row.created_at = datetime.now(UTC) - timedelta(days=1)
    response = teacher.post(f"/teacher/item/{old.id}/edit", data=entry(world, minutes=10,
                            set_date=(today() - timedelta(days=1)).isoformat(), due_date=""))
    assert response.status_code == 422
    assert "entries can be edited on the day they are set" in response.get_data(as_text=True)
    withdraw = teacher.post(f"/teacher/item/{old.id}/withdraw")
    assert withdraw.status_code == 303
    assert not items(app)[0].withdrawn and items(app)[0].minutes == 20
    assert f"/teacher/item/{old.id}/edit" not in teacher.get(
        f"/teacher/class/{world.class3.id}?day={(today() - timedelta(days=1)).isoformat()}").get_data(as_text=True)


def test_marking_graded_adds_a_revision_and_can_be_taken_back(app, teacher, world):
    item = log(teacher, world)
    assert teacher.post(f"/teacher/item/{item.id}/graded", data={"graded": "1"}).status_code == 303
    assert items(app)[0].graded
    teacher.post(f"/teacher/item/{item.id}/graded", data={"graded": "0"}, headers=HX)
    assert not items(app)[0].graded
    assert [r.action for r in revisions(app, item.id)] == ["create", "graded", "ungraded"]


def test_an_older_entry_can_still_be_marked_graded(app, teacher, world):
    with session_scope(app) as s:
        old = add_item(s, world, day=today() - timedelta(days=3), minutes=20)
    assert teacher.post(f"/teacher/item/{old.id}/graded").status_code == 303
    assert items(app)[0].graded


def test_the_class_page_shows_every_subjects_entries_by_whom_and_for_what(app, teacher, world):
    with session_scope(app) as s:
        add_item(s, world, subject=world.chinese, teacher=world.colleague, day=today(), minutes=25,
                 description="阅读理解一篇")
    log(teacher, world, minutes=20)
    page = teacher.get(f"/teacher/class/{world.class3.id}").get_data(as_text=True)
    assert "阅读理解一篇" in page and "Colleague" in page and "练习册第3页" in page
    assert "45 of 60 min" in page and "15 min left" in page


def test_the_new_entry_form_keeps_its_draft_per_teacher_class_and_day_and_an_edit_form_keeps_none(app, teacher, world):
    page = teacher.get(f"/teacher/class/{world.class3.id}").get_data(as_text=True)
    assert f'data-draft="{world.teacher.id}:{world.class3.id}:{today().isoformat()}"' in page
    item = log(teacher, world)
    # An edit's values must never come back later as a new entry's draft.
    assert "data-draft" not in teacher.get(f"/teacher/item/{item.id}/edit", headers=HX).get_data(as_text=True)
