"""A teacher logs after-school sessions from a phone: prefilled from the plan, checked, scoped."""

from datetime import date

import pytest
from sqlmodel import select

from edulite.db import session_scope
from edulite.models import AfterSchoolSession, Alert, AuditEntry, SessionClass
from tests.support.afterschool import MON, WED, add_plan, add_session


@pytest.fixture(autouse=True)
def wednesday(app):
    """The school's today is the Wednesday of the test week."""
    app.config["TODAY"] = WED


@pytest.fixture
def teacher(signed_in):
    return signed_in("teacher", lang="en")


def _form(world, **changes):
    data = {"day": WED.isoformat(), "activity": "reading", "start": "15:40", "end": "17:40",
            f"pupils-{world.class3.id}": "30"}
    data.update(changes)
    return data


def _rows(app):
    with session_scope(app, write=False) as s:
        return s.exec(select(AfterSchoolSession)).all()


def test_the_page_offers_todays_planned_session_prefilled_with_the_teachers_classes_first(app, client, auth, world):
    auth.login("colleague")  # teaches 三年级(1)班 only
    client.set_cookie("lang", "en")
    with session_scope(app) as s:
        add_plan(s, world.school.id, start="15:50", end="17:50", activities="sports,reading")
        add_session(s, world.school.id, WED, start="15:50", end="17:50", activity="sports")
    page = client.get("/teacher/after-school").get_data(as_text=True)
    assert "15:50–17:50" in page and "Planned" in page
    assert 'value="17:50"' in page and 'value="sports" checked' in page
    assert page.index("三年级(1)班") < page.index("Other classes (2)") < page.index("一年级(1)班")
    assert "New lesson (not allowed)" in page


def test_without_a_session_the_new_form_is_prefilled_from_the_plan(app, teacher, world):
    with session_scope(app) as s:
        add_plan(s, world.school.id, start="15:30", end="17:35", activities="arts,clubs")
    page = teacher.get("/teacher/after-school").get_data(as_text=True)
    assert "Prefilled from the school plan." in page
    assert 'value="15:30"' in page and 'value="17:35"' in page and 'value="arts" checked' in page


def test_logging_a_session_saves_it_audits_it_and_judges_it(app, teacher, world):
    response = teacher.post("/teacher/after-school", data=_form(world, end="18:05"))
    assert response.status_code == 303
    assert response.location.startswith("/teacher/after-school?day=2026-11-18&saved=")
    (row,) = _rows(app)
    assert (row.day, row.activity, row.teacher_id, row.end.isoformat()) == (WED, "reading", world.teacher.id,
                                                                              "18:05:00")
    with session_scope(app, write=False) as s:
        assert s.exec(select(SessionClass.pupils)).all() == [30]
        assert s.exec(select(AuditEntry.action).where(AuditEntry.entity == "after_school_session")).all() == [
            "after_school_logged"]
        # Monday and Tuesday had no service: even with Wednesday to Friday the week cannot reach five days.
        assert sorted(s.exec(select(Alert.rule_id, Alert.figure)).all()) == [("R-AS-01", "0"), ("R-AS-02", "18:05")]
    assert "Saved, but it raises an alert" in teacher.get(response.location).get_data(as_text=True)


def test_adjusting_over_htmx_returns_the_day_fragment_with_an_event(app, teacher, world):
    with session_scope(app) as s:
        row = add_session(s, world.school.id, WED)
    response = teacher.post(f"/teacher/after-school/{row.id}", headers={"HX-Request": "true"},
                            data=_form(world, end="17:55", activity="sports"))
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert response.headers["HX-Trigger"] == "after-school-logged"
    assert body.lstrip().startswith('<div id="after-school-day">') and "Saved." in body and "<html" not in body
    assert _rows(app)[0].activity == "sports"


@pytest.mark.parametrize(("changes", "field", "message"), [
    ({"end": "15:00"}, "end", "The end must be after the start."),
    ({"start": "08:30"}, "start", "Enter a time between 12:00 and 21:00."),
    ({"end": "21:30"}, "end", "Enter a time between 12:00 and 21:00."),
    ({"pupils-CLASS": "41"}, "pupils-CLASS", "This class has only 40 pupils."),
    ({"pupils-CLASS": "-2"}, "pupils-CLASS", "The number of pupils cannot be negative."),
    ({"day": "2026-11-21"}, "day", "2026-11-21 is not a school day."),
    ({"day": "2026-11-19"}, "day", "This day has not come yet"),
    ({"pupils-CLASS": ""}, "classes", "Enter the pupils of at least one class."),
])
def test_bad_input_gets_a_message_next_to_the_field_and_saves_nothing(app, teacher, world, changes, field, message):
    cid = str(world.class3.id)
    data = _form(world, **{k.replace("CLASS", cid): v for k, v in changes.items()})
    response = teacher.post("/teacher/after-school", data=data)
    body = response.get_data(as_text=True)
    assert response.status_code == 422
    error_id = f'snew-{field.replace("CLASS", cid)}-error'
    assert f'id="{error_id}">{message}' in body
    assert f'aria-describedby="{error_id}"' in body or field == "classes"
    assert _rows(app) == []


def test_messages_are_in_chinese_by_default(app, client, auth, world):
    auth.login("teacher")
    response = client.post("/teacher/after-school", data=_form(world, end="15:00"))
    assert response.status_code == 422
    assert "结束时间必须晚于开始时间" in response.get_data(as_text=True)


def test_a_bad_adjustment_keeps_what_was_typed_and_leaves_the_session_as_it_was(app, teacher, world):
    with session_scope(app) as s:
        row = add_session(s, world.school.id, WED, pupils={world.class3.id: 12})
    response = teacher.post(f"/teacher/after-school/{row.id}",
                            data=_form(world, **{f"pupils-{world.class3.id}": "400", "end": "17:10"}))
    body = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'value="400"' in body and f'id="s{row.id}-pupils-{world.class3.id}-error"' in body
    with session_scope(app, write=False) as s:
        assert s.exec(select(SessionClass.pupils)).all() == [12]
        assert s.get(AfterSchoolSession, row.id).end.isoformat() == "17:40:00"


def test_another_schools_session_does_not_exist_for_the_teacher(app, teacher, world):
    with session_scope(app) as s:
        theirs = add_session(s, world.other_school.id, WED)
    assert teacher.post(f"/teacher/after-school/{theirs.id}", data=_form(world)).status_code == 404
    assert teacher.post("/teacher/after-school/999999", data=_form(world)).status_code == 404


def test_a_session_a_colleague_logged_is_shown_but_not_editable(app, teacher, world):
    with session_scope(app) as s:
        theirs = add_session(s, world.school.id, WED, teacher_id=world.colleague.id, pupils={world.class3.id: 9})
    page = teacher.get("/teacher/after-school").get_data(as_text=True)
    assert "Logged by Colleague" in page and f'action="/teacher/after-school/{theirs.id}"' not in page
    assert teacher.post(f"/teacher/after-school/{theirs.id}", data=_form(world)).status_code == 403


def test_the_page_shows_only_the_teachers_own_school_and_other_days_on_request(app, teacher, world):
    with session_scope(app) as s:
        add_session(s, world.other_school.id, WED, start="13:13", end="17:40")
        add_session(s, world.school.id, MON, start="14:14", end="17:40")
    today = teacher.get("/teacher/after-school").get_data(as_text=True)
    monday = teacher.get("/teacher/after-school?day=2026-11-16").get_data(as_text=True)
    assert "13:13" not in today and "14:14" not in today
    assert "14:14–17:40" in monday
    assert "Not a school day" in teacher.get("/teacher/after-school?day=2026-11-21").get_data(as_text=True)
    assert "has not come yet" in teacher.get("/teacher/after-school?day=2026-11-20").get_data(as_text=True)


def test_only_teachers_log_sessions(client, auth, world):
    auth.login("principal")
    assert client.get("/teacher/after-school").status_code == 403
    assert client.post("/teacher/after-school", data={}).status_code == 403
    client.post("/logout")
    assert client.get("/teacher/after-school").status_code == 302


def test_a_missed_day_can_be_logged_later(app, teacher, world):
    response = teacher.post("/teacher/after-school", data=_form(world, day="2026-11-16"))
    assert response.status_code == 303
    assert [r.day for r in _rows(app)] == [date(2026, 11, 16)]


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01", "2026-02-30"])
def test_far_off_or_impossible_dates_are_refused_without_an_error_page(app, teacher, world, day):
    assert "2026-11-18" in teacher.get(f"/teacher/after-school?day={day}").get_data(as_text=True)
    response = teacher.post("/teacher/after-school", data=_form(world, day=day))
    assert response.status_code == 422
    assert 'id="snew-day-error">Enter a date as YYYY-MM-DD.' in response.get_data(as_text=True)
