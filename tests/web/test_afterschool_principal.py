"""The principal's after-school week (compliance, participation, chart) and the term plan editor."""

import json
import re
from datetime import date, time

import pytest
from sqlmodel import select
from werkzeug.datastructures import MultiDict

from edulite.db import session_scope
from edulite.models import AfterSchoolPlan, AfterSchoolSession, AuditEntry
from tests.support.afterschool import MON, WED, add_plan, add_session


@pytest.fixture(autouse=True)
def wednesday(app):
    app.config["TODAY"] = WED


@pytest.fixture
def principal(signed_in):
    return signed_in("principal", lang="en")


def _chart(page, canvas):
    assert f'<canvas data-chart="{canvas}"' in page
    match = re.search(rf'<script type="application/json" id="{canvas}">(.*?)</script>', page, re.S)
    return json.loads(match.group(1))


def test_the_week_shows_each_days_sessions_with_their_compliance(app, principal, world):
    with session_scope(app) as s:
        add_session(s, world.school.id, MON, end="18:20", teacher_id=world.teacher.id, pupils={world.class3.id: 30})
        add_session(s, world.school.id, WED, start="16:00", end="17:30", activity="new_lesson")
    page = principal.get("/principal/after-school?week=2026-11-18").get_data(as_text=True)
    assert "Week of 2026-11-16" in page
    assert "15:40–18:20" in page and "R-AS-02 · End time outside the window: 18:20" in page
    assert "R-AS-01 · Too short: 90 min" in page and "R-AS-03 · New lesson" in page
    assert "R-AS-01 · No service" in page  # Tuesday is over and had none
    assert "Still to come" in page and "Service on 2 of 5 school days" in page
    assert "Planned, not logged" in page and "Teacher" in page


def test_a_day_is_judged_on_its_whole_service_and_each_session_only_for_new_lessons(app, principal, world):
    with session_scope(app) as s:
        add_session(s, world.school.id, MON, start="15:40", end="17:40")
        add_session(s, world.school.id, MON, start="16:00", end="17:00", activity="new_lesson")
    page = principal.get("/principal/after-school?week=2026-11-16").get_data(as_text=True)
    monday = re.search(r'id="as-day-2026-11-16">(.*?)</li>', page, re.S).group(1)
    assert re.search(r"Service of the day <strong>15:40–17:40</strong>\s*<span class=\"badge state-ok\">OK", monday)
    assert "R-AS-01" not in monday and "R-AS-02" not in monday
    assert monday.count("R-AS-03 · New lesson") == 1


def test_participation_is_shown_per_class_and_grade_in_a_chart_config_and_the_same_numbers_in_a_table(
        app, principal, world):
    with session_scope(app) as s:
        add_session(s, world.school.id, MON, pupils={world.class3.id: 30, world.class1.id: 10})
        add_session(s, world.school.id, MON, pupils={world.class3.id: 12})
        add_session(s, world.school.id, date(2026, 11, 17), pupils={world.class3.id: 20})
    page = principal.get("/principal/after-school?week=2026-11-16").get_data(as_text=True)
    by_class = _chart(page, "as-chart-classes")
    assert by_class["data"]["labels"] == ["一年级(1)班", "三年级(1)班", "初一(1)班"]
    # 一年级 is judged on Monday only (10/40): Tuesday's session was 三年级's alone; 初一 logged nothing.
    assert by_class["data"]["datasets"][0]["data"] == [25, 62, None]  # 10/40, (30+20)/80, none
    assert _chart(page, "as-chart-grades")["data"]["labels"] == ["Grade 1", "Grade 3", "Grade 7"]
    row = re.search(r"<th scope=\"row\">三年级\(1\)班</th>(.*?)</tr>", page, re.S).group(1)
    assert re.findall(r">([^<>]+)</td>", row) == ["62%", "30", "20", "–", "–", "–", "40"]
    assert "counted for each class only on the days its pupils were logged" in page
    assert "js/charts.js" in page and "chart.js-4.5.1" in page


def test_week_navigation_over_htmx_returns_only_the_week_fragment(app, principal, world):
    response = principal.get("/principal/after-school?week=2026-11-09", headers={"HX-Request": "true"})
    body = response.get_data(as_text=True)
    assert body.lstrip().startswith('<div id="after-school-week">') and "<html" not in body
    assert "Week of 2026-11-09" in body and "No pupils logged this week yet." in body
    assert "HX-Request" in response.headers["Vary"]


@pytest.mark.parametrize("week", ["junk", "9999-12-31", "0001-01-03"])
def test_a_bad_or_far_off_week_falls_back_to_this_week(principal, world, week):
    assert "Week of 2026-11-16" in principal.get(f"/principal/after-school?week={week}").get_data(as_text=True)
    response = principal.post("/principal/after-school/generate", data={"week": week})
    assert response.location == "/principal/after-school?week=2026-11-16&generated=0"


def test_the_principal_creates_the_weeks_sessions_from_the_plan(app, principal, world):
    with session_scope(app) as s:
        add_plan(s, world.school.id)
        add_session(s, world.school.id, MON)
    response = principal.post("/principal/after-school/generate", data={"week": "2026-11-18"})
    assert response.status_code == 303
    assert response.location == "/principal/after-school?week=2026-11-16&generated=4"
    assert "4 sessions created from the plan." in principal.get(response.location).get_data(as_text=True)
    with session_scope(app, write=False) as s:
        assert len(s.exec(select(AfterSchoolSession)).all()) == 5


def test_principals_see_only_their_own_school(app, client, auth, world):
    with session_scope(app) as s:
        add_session(s, world.school.id, MON, start="14:14", end="17:40")
    auth.login("other_principal")
    assert "14:14" not in client.get("/principal/after-school?week=2026-11-16").get_data(as_text=True)
    client.post("/principal/after-school/generate", data={"week": "2026-11-16"})
    with session_scope(app, write=False) as s:
        assert {r.school_id for r in s.exec(select(AfterSchoolSession)).all()} == {world.school.id}


@pytest.mark.parametrize("path", ["/principal/after-school", "/principal/after-school/plan"])
def test_teachers_cannot_open_the_principal_pages(client, auth, world, path):
    auth.login("teacher")
    assert client.get(path).status_code == 403
    assert client.post(path if path.endswith("plan") else path + "/generate", data={}).status_code == 403


def _plan_form(**changes):
    data = {"valid_from": "2026-09-01", "valid_to": "2027-01-31"}
    for w in range(5):
        data |= {f"{w}-start": "15:40", f"{w}-end": "17:40"}
    data.update(changes)
    return MultiDict(list(data.items()) + [(f"{w}-activities", a) for w in range(5) for a in ("reading", "sports")])


def test_a_new_school_gets_a_blank_plan_for_the_current_term(principal, world):
    page = principal.get("/principal/after-school/plan").get_data(as_text=True)
    assert 'value="2026-09-01"' in page and 'value="2027-01-31"' in page
    assert 'name="replacing"' not in page


def test_the_principal_saves_a_term_plan_and_sees_what_the_rules_say_of_it(app, principal, world):
    response = principal.post("/principal/after-school/plan", data=_plan_form(**{"4-end": "17:15", "4-start": "15:30"}))
    assert response.status_code == 303
    assert response.location == "/principal/after-school/plan?term=2026-09-01&saved=1"
    with session_scope(app, write=False) as s:
        rows = s.exec(select(AfterSchoolPlan).order_by(AfterSchoolPlan.weekday)).all()
        assert s.exec(select(AuditEntry.action).where(AuditEntry.entity == "after_school_plan")).all() == [
            "after_school_plan_set"]
    assert [(r.weekday, r.end, r.activities) for r in rows][4] == (4, time(17, 15), "reading,sports")
    page = principal.get(response.location).get_data(as_text=True)
    assert "Plan saved." in page and "End time outside the window: 17:15" in page
    assert 'name="replacing" value="2026-09-01"' in page


def test_editing_a_term_replaces_its_days_and_a_second_term_may_not_overlap_it(app, principal, world):
    with session_scope(app) as s:
        add_plan(s, world.school.id)
    edited = _plan_form(replacing="2026-09-01", **{"2-start": "", "2-end": ""})
    assert principal.post("/principal/after-school/plan", data=edited).status_code == 303
    with session_scope(app, write=False) as s:
        assert [r.weekday for r in s.exec(select(AfterSchoolPlan).order_by(AfterSchoolPlan.weekday))] == [0, 1, 3, 4]
    clash = principal.post("/principal/after-school/plan", data=_plan_form(valid_from="2027-01-01",
                                                                         valid_to="2027-07-15"))
    assert clash.status_code == 422
    assert "This term overlaps the term 2026-09-01 – 2027-01-31." in clash.get_data(as_text=True)


@pytest.mark.parametrize(("changes", "field", "message"), [
    ({"valid_to": "2026-08-01"}, "valid_to", "The term must end after it starts."),
    ({"1-end": "15:00"}, "1-end", "The end must be after the start."),
    ({"3-start": "07:30"}, "3-start", "Enter a time between 12:00 and 21:00."),
    ({"0-end": ""}, "0-end", "Enter a time as HH:MM."),
])
def test_a_bad_plan_gets_a_message_next_to_the_field_and_saves_nothing(app, principal, world, changes, field,
                                                                       message):
    response = principal.post("/principal/after-school/plan", data=_plan_form(**changes))
    assert response.status_code == 422
    assert f'id="plan-{field}-error">{message}' in response.get_data(as_text=True)
    with session_scope(app, write=False) as s:
        assert s.exec(select(AfterSchoolPlan)).all() == []


def test_a_plan_may_not_offer_new_lessons(app, principal, world):
    response = principal.post("/principal/after-school/plan", data=_plan_form() | {"2-activities": "new_lesson"})
    assert response.status_code == 422
    assert "New lessons are not allowed in after-school service (R-AS-03)." in response.get_data(as_text=True)
