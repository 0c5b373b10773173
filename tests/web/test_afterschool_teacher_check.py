"""Before saving, the teacher sees by the times what the rules will make of the day's service; after
saving a session that breaks them, the page says it was saved but raises an alert."""

from html import unescape

import pytest

from edulite.db import session_scope
from tests.support.afterschool import MON, WED, add_plan, add_session

EARLY = "The day's service ends at 17:15, before 17:30 (R-AS-02)."
SHORT = "The day's service lasts 95 min in all, less than 120 (R-AS-01)."
HINT = "The day's service should end between 17:30 and 18:00 and last at least 120 min in all."


@pytest.fixture(autouse=True)
def wednesday(app):
    app.config["TODAY"] = WED


@pytest.fixture
def teacher(signed_in):
    return signed_in("teacher", lang="en")


def _check(teacher, **params):
    response = teacher.get("/teacher/after-school/check", query_string=params)
    assert response.status_code == 200
    return unescape(response.get_data(as_text=True))


def test_a_planned_session_ending_early_is_flagged_by_its_times_before_it_is_saved(app, teacher, world):
    with session_scope(app) as s:
        planned = add_session(s, world.school.id, WED, end="17:15", activity="reading")
    page = unescape(teacher.get("/teacher/after-school").get_data(as_text=True))
    form = page[page.index(f'id="session-{planned.id}"'):]
    assert form.index('name="end"') < form.index(EARLY) < form.index("pupils-")
    assert SHORT in form and f'hx-get="/teacher/after-school/check?session={planned.id}"' in form


def test_the_new_form_prefilled_from_a_good_plan_shows_only_the_rule(app, teacher, world):
    with session_scope(app) as s:
        add_plan(s, world.school.id)
    page = unescape(teacher.get("/teacher/after-school").get_data(as_text=True))
    assert HINT in page and "R-AS-0" not in page


def test_the_check_judges_the_typed_times_with_the_days_other_sessions(app, teacher, world):
    with session_scope(app) as s:
        full = add_session(s, world.school.id, WED)  # 15:40–17:40
    # A second, shorter session beside the stored 15:40–17:40 one: the day's service is still fine.
    assert HINT in _check(teacher, day=WED.isoformat(), start="15:40", end="17:15", activity="reading")
    assert "R-AS-0" not in _check(teacher, day=WED.isoformat(), start="16:00", end="17:00", activity="reading")
    replacing = _check(teacher, session=full.id, start="15:40", end="17:15", activity="reading")
    assert EARLY in replacing and SHORT in replacing
    lesson = _check(teacher, day=WED.isoformat(), start="16:00", end="17:00", activity="new_lesson")
    assert "New lessons are not allowed in after-school service (R-AS-03)." in lesson
    assert _check(teacher, day=MON.isoformat(), start="15:40", end="17:15", activity="reading").count("R-AS-0") == 2


@pytest.mark.parametrize("params", [{"start": "junk", "end": "17:15"}, {"start": "17:40", "end": "15:40"},
                                    {"start": "15:40+08", "end": "17:15"}, {"activity": "lecture"},
                                    {"session": "99999999999999999999"}, {"day": "9999-99-99"}, {}])
def test_input_the_save_would_refuse_gets_the_rule_and_never_an_error(teacher, world, params):
    values = {"day": WED.isoformat(), "start": "15:40", "end": "17:40", "activity": "reading", **params}
    body = _check(teacher, **values)
    assert "R-AS-0" not in body and HINT in body


def test_another_schools_session_is_not_used_and_not_shown(app, teacher, world):
    with session_scope(app) as s:
        far = add_session(s, world.other_school.id, MON, end="17:15")
    body = _check(teacher, session=far.id, start="15:40", end="17:40", activity="reading")
    assert "R-AS-0" not in body and "17:15" not in body


def test_saving_a_session_that_ends_early_says_it_is_saved_but_raises_an_alert(app, client, auth, world):
    auth.login("teacher")
    response = client.post("/teacher/after-school", data={
        "day": WED.isoformat(), "activity": "reading", "start": "15:40", "end": "17:15",
        f"pupils-{world.class3.id}": "30"})
    page = unescape(client.get(response.location).get_data(as_text=True))
    assert "已保存，但将生成预警（见时间旁的提示）。" in page
    assert "当天服务 17:15 结束，早于 17:30（R-AS-02）。" in page and "已保存，校长现在就能看到。" not in page


def test_teachers_only(client, auth, world):
    auth.login("principal")
    assert client.get("/teacher/after-school/check").status_code == 403
