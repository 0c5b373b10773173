"""District supervisors compare their schools, read-only, and drill down only into their own."""

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
