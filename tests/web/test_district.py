"""District supervisors compare their schools, read-only, and drill down only into their own."""

import re
from datetime import date

from edulite.db import session_scope
from tests.support.factories import add_item

WEEK = "2026-11-16"


def test_the_overview_counts_over_cap_class_days_per_school(client, auth, world, app):
    with session_scope(app) as s:
        add_item(s, world, day=date(2026, 11, 17), minutes=75)
    auth.login("supervisor")
    page = client.get(f"/district/?week={WEEK}").get_data(as_text=True)
    assert "测试小学" in page and "另一小学" in page and "邻区中学" not in page
    assert "1 / 15 (7%)" in page  # 3 classes x 5 school days, one over
    # Each school's name opens its own drill-down for the week shown (the links are built from one url_for).
    links = {name: (int(sid), week) for sid, week, name in
             re.findall(r'<a href="/district/school/(\d+)\?week=([\d-]+)">([^<]+)</a>', page)}
    assert links == {"测试小学": (world.school.id, WEEK), "另一小学": (world.other_school.id, WEEK)}


def test_a_supervisor_drills_down_into_a_school_of_the_district(client, auth, world, app):
    with session_scope(app) as s:
        add_item(s, world, day=date(2026, 11, 17), minutes=75)
    auth.login("supervisor")
    page = client.get(f"/district/school/{world.school.id}?week={WEEK}").get_data(as_text=True)
    assert "三年级(1)班" in page and '75<span class="cap">/60</span>' in page


def test_another_districts_school_is_not_found(client, auth, world):
    auth.login("supervisor")
    assert client.get(f"/district/school/{world.far_school.id}").status_code == 404


def test_a_bad_week_parameter_falls_back_to_this_week(client, auth, world):
    auth.login("supervisor")
    assert client.get("/district/?week=2026-02-31").status_code == 200


def test_this_weeks_figures_count_only_the_days_so_far_and_match_the_principals(client, auth, world, app):
    from edulite.web.clock import local_today

    with app.test_request_context():
        today = local_today()
    auth.login("supervisor")
    page = client.get("/district/").get_data(as_text=True)
    school_days_so_far = sum(1 for n in range(today.weekday()) if n < 5)
    assert f"0 / {3 * school_days_so_far}" in page  # three classes, only the finished school days


def test_the_survey_rows_are_the_shown_schools_and_the_district_row_counts_every_school(client, auth, world, app):
    """The overview pages its schools (#12): the survey table shows the district's figure over all answers
    and a row for each school of the page, in the page's order."""
    from edulite.models import School, SurveyAnswer
    from edulite.web import district as view

    with session_scope(app) as s:
        for n in range(view.PAGE_SIZE):  # the two schools of the world and 50 more: two pages by name
            s.add(School(name=f"加{n:02d}校", district_id=world.district.id))
        for n in range(5):  # five answers of the world's school, the district's floor: figures shown
            s.add(SurveyAnswer(class_id=world.class3.id, school_id=world.school.id, evening=date(2026, 11, 17),
                               device=f"d{n}", minutes=40 + n, finished=True, bedtime="21:00",
                               asked_to_check=False, phone_used=False))
    auth.login("supervisor")
    first = client.get(f"/district/?week={WEEK}").get_data(as_text=True)
    second = client.get(f"/district/?week={WEEK}&page=2").get_data(as_text=True)
    survey = [page[page.index('id="survey-district"'):] for page in (first, second)]
    ids = [re.findall(r'id="survey-school-(\d+)"', part) for part in survey]
    assert len(ids[0]) == view.PAGE_SIZE and len(ids[1]) == 2 and not set(ids[0]) & set(ids[1])
    assert str(world.school.id) in ids[1]  # 测试小学 sorts after the 加 schools
    for part in survey:  # the district's row counts the answers whichever page shows their school
        district_row = part[part.index('class="total"'):part.index("</tr>", part.index('class="total"'))]
        assert ">5<" in district_row and ">42<" in district_row  # five answers, median 42 minutes


def test_the_drill_down_is_cached_per_its_schools_version_not_the_districts(client, auth, world, app):
    """In the evening the district's version moves with every school's save; a school's drill-down is
    recomputed only when that school writes (#12)."""
    from sqlalchemy import event

    from edulite.db import get_db

    seen: list[str] = []
    engines = {get_db(app).engine(write=False), get_db(app).engine(write=True)}
    for engine in engines:
        event.listen(engine, "before_cursor_execute", lambda *a: seen.append(a[2]))
    auth.login("supervisor")
    path = f"/district/school/{world.school.id}?week={WEEK}"
    client.get(path)
    seen.clear()
    client.get(path)
    hit = len(seen)
    assert hit <= 4  # the account and the school with its version (SQLite: each after a BEGIN)
    with session_scope(app) as s:  # another school of the district writes: the district's version moves
        add_item(s, world, klass=world.other_class, day=date(2026, 11, 17), minutes=30)
    seen.clear()
    assert client.get(path).status_code == 200
    assert len(seen) == hit  # still the cached page: the account, the school with its version
    with session_scope(app) as s:  # the school itself writes
        add_item(s, world, day=date(2026, 11, 17), minutes=75)
    seen.clear()
    page = client.get(path).get_data(as_text=True)
    assert len(seen) > hit and '75<span class="cap">/60</span>' in page
