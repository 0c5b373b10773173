"""A teacher logs only for the classes AND subjects assigned to them, in their own school."""

import pytest

from edulite.db import session_scope
from tests.support.factories import add_item
from tests.support.teacher import HX, entry, items, today


@pytest.fixture
def teacher(signed_in):
    return signed_in("teacher", lang="en")


def test_a_class_the_teacher_does_not_teach_is_refused_with_403_and_nothing_saved(app, teacher, world):
    # class1 is the teacher's for Chinese only; class3 is theirs for maths only.
    response = teacher.post(f"/teacher/class/{world.class1.id}", data=entry(world), headers=HX)
    assert response.status_code == 403
    assert items(app) == []


def test_a_subject_the_teacher_does_not_teach_in_that_class_is_refused(app, teacher, world):
    response = teacher.post(f"/teacher/class/{world.class3.id}", data=entry(world, subject_id=world.chinese.id))
    assert response.status_code == 403
    assert items(app) == []


def test_another_schools_class_is_refused(app, teacher, world):
    response = teacher.post(f"/teacher/class/{world.other_class.id}", data=entry(world))
    assert response.status_code == 403
    assert items(app) == []
    assert teacher.get(f"/teacher/class/{world.other_class.id}").status_code == 403


def test_the_other_schools_maths_teacher_cannot_log_in_our_class(app, signed_in, world):
    client = signed_in("other_teacher", lang="en")
    assert client.post(f"/teacher/class/{world.class3.id}", data=entry(world)).status_code == 403
    assert items(app) == []


def test_no_homework_for_a_subject_not_taught_is_refused(app, teacher, world):
    response = teacher.post(f"/teacher/class/{world.class3.id}/no-homework",
                            data={"subject_id": world.english.id, "day": today().isoformat()})
    assert response.status_code == 403
    assert items(app) == []


def test_a_colleagues_entry_cannot_be_edited_withdrawn_or_marked_graded(app, teacher, world):
    with session_scope(app) as s:
        theirs = add_item(s, world, subject=world.chinese, teacher=world.colleague, day=today(), minutes=20)
    base = f"/teacher/item/{theirs.id}"
    assert teacher.post(base + "/edit", data=entry(world, subject_id=world.chinese.id)).status_code == 403
    assert teacher.post(base + "/withdraw").status_code == 403
    assert teacher.post(base + "/graded").status_code == 403
    assert teacher.get(base + "/edit").status_code == 403
    (item,) = items(app)
    assert (item.minutes, item.withdrawn, item.graded, item.version) == (20, False, False, 1)


def test_a_colleagues_entry_in_a_shared_class_can_be_looked_at_but_not_changed(app, teacher, world):
    with session_scope(app) as s:
        theirs = add_item(s, world, subject=world.chinese, teacher=world.colleague, day=today(), minutes=20)
    page = teacher.get(f"/teacher/item/{theirs.id}").get_data(as_text=True)
    assert "Entry history" in page and f"/teacher/item/{theirs.id}/edit" not in page


def test_an_entry_of_another_school_cannot_be_looked_at(app, signed_in, world):
    with session_scope(app) as s:
        theirs = add_item(s, world, klass=world.other_class, teacher=world.other_teacher, day=today(), minutes=20)
    client = signed_in("teacher", lang="en")
    assert client.get(f"/teacher/item/{theirs.id}").status_code == 403
    copied = client.get(f"/teacher/class/{world.class3.id}?copy={theirs.id}", headers=HX)
    assert copied.status_code == 200 and "></textarea>" in copied.get_data(as_text=True)


def test_moving_an_entry_to_a_subject_not_taught_is_refused(app, teacher, world):
    with session_scope(app) as s:
        mine = add_item(s, world, day=today(), minutes=20)
    response = teacher.post(f"/teacher/item/{mine.id}/edit", data=entry(world, subject_id=world.english.id))
    assert response.status_code == 403
    assert items(app)[0].subject_id == world.maths.id


@pytest.mark.parametrize("username", ["principal", "supervisor", "admin"])
def test_other_roles_cannot_log_homework(app, signed_in, world, username):
    client = signed_in(username, lang="en")
    assert client.post(f"/teacher/class/{world.class3.id}", data=entry(world)).status_code == 403
    assert client.get("/teacher/").status_code == 403
    assert items(app) == []


def test_signed_out_visitors_are_sent_to_sign_in(app, client, world):
    response = client.post(f"/teacher/class/{world.class3.id}", data=entry(world))
    assert response.status_code == 302 and response.location.startswith("/login")
    assert items(app) == []


def test_with_csrf_on_a_save_needs_the_token_that_htmx_sends_as_a_header(sqlite_url):
    import re

    from edulite import create_app
    from edulite.db import get_db
    from tests.conftest import base_config
    from tests.support.factories import PASSWORD, make_world

    app = create_app(base_config(DATABASE_URL=sqlite_url, WTF_CSRF_ENABLED=True))
    with session_scope(app) as s:
        world = make_world(s)
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    client.post("/login", data={"username": "teacher", "password": PASSWORD, "csrf_token": token})
    token = re.search(r'"X-CSRFToken": "([^"]+)"', client.get("/teacher/").get_data(as_text=True)).group(1)
    url = f"/teacher/class/{world.class3.id}"
    assert client.post(url, data=entry(world), headers=HX).status_code == 400
    assert items(app) == []
    assert client.post(url, data=entry(world), headers={**HX, "X-CSRFToken": token}).status_code == 200
    assert len(items(app)) == 1
    get_db(app).dispose()
