"""The principal's week: navigation, fragment or page, heat map and chart configs, scope, statement count."""

import json
import re
from datetime import date, timedelta

import pytest
from sqlalchemy import event

from edulite.db import get_db, session_scope
from edulite.models import HomeworkItem, HomeworkRevision, SchoolClass
from tests.support.factories import add_item

MON = date(2026, 11, 16)


@pytest.fixture
def principal(signed_in):
    return signed_in("principal")


def _chart(html: str, chart_id: str) -> dict:
    match = re.search(rf'<script type="application/json" id="{chart_id}">(.*?)</script>', html, re.S)
    return json.loads(match.group(1))


def test_any_day_of_a_week_opens_that_week_with_links_to_the_weeks_before_and_after(principal):
    page = principal.get("/principal/?week=2026-11-18").get_data(as_text=True)
    assert 'value="2026-11-16"' in page
    assert 'href="/principal/?week=2026-11-09"' in page and 'href="/principal/?week=2026-11-23"' in page
    assert 'hx-get="/principal/?week=2026-11-09"' in page and 'hx-push-url="true"' in page


def test_an_htmx_request_gets_the_week_fragment_and_a_normal_request_the_whole_page(principal):
    whole = principal.get("/principal/?week=2026-11-16")
    part = principal.get("/principal/?week=2026-11-16", headers={"HX-Request": "true"})
    assert "<html" in whole.get_data(as_text=True) and "chart.umd.min.js" in whole.get_data(as_text=True)
    body = part.get_data(as_text=True)
    assert "<html" not in body and body.lstrip().startswith('<section id="week"')
    assert "HX-Request" in part.headers["Vary"]
    boosted = principal.get("/principal/?week=2026-11-16", headers={"HX-Request": "true", "HX-Boosted": "true"})
    assert "<html" in boosted.get_data(as_text=True)


def test_a_malformed_week_is_answered_with_a_message_next_to_the_picker_and_422(principal):
    response = principal.get("/principal/?week=16-11-2026")
    assert response.status_code == 422
    assert 'id="week-error"' in response.get_data(as_text=True)


def test_the_heat_map_shows_number_cap_and_marker_and_links_each_cell_to_its_class_day(principal, app, world):
    with session_scope(app) as s:
        add_item(s, world, day=MON, minutes=65)
        add_item(s, world, day=MON, minutes=10, subject=world.chinese, teacher=world.colleague)
    page = principal.get("/principal/?week=2026-11-16").get_data(as_text=True)
    cell = re.search(rf'<td class="heat-cell heat-over"><a href="/principal/classes/{world.class3.id}/2026-11-16">'
                     r'(.*?)</a></td>', page, re.S)
    assert cell and cell.group(1).startswith('75<span class="cap">/60</span>') and "▲" in cell.group(1)
    assert "style=" not in page


def test_each_class_gets_a_stacked_chart_by_subject_with_the_cap_line_and_the_same_numbers_in_a_table(
        principal, app, world):
    with session_scope(app) as s:
        add_item(s, world, day=MON, minutes=30)
        add_item(s, world, day=MON + timedelta(days=1), minutes=25, subject=world.chinese, teacher=world.colleague)
    page = principal.get("/principal/?week=2026-11-16").get_data(as_text=True)
    config = _chart(page, f"chart-class-{world.class3.id}")
    bars = {d["label"]: d["data"] for d in config["data"]["datasets"] if d["type"] == "bar"}
    (cap,) = [d for d in config["data"]["datasets"] if d["type"] == "line"]
    assert bars == {"数学": [30, 0, 0, 0, 0, 0, 0], "语文": [0, 25, 0, 0, 0, 0, 0]}
    assert cap["data"] == [60] * 7 and cap["stack"] != "load" and config["options"]["scales"]["y"]["stacked"]
    card = page[page.index(f'id="class-{world.class3.id}"'):]
    assert re.search(r"<th scope=\"row\">数学</th><td class=\"num\">30</td>", card)
    assert f'data-chart="chart-class-{world.class3.id}"' in card


def test_the_trend_chart_has_one_line_per_grade_and_one_per_distinct_cap(principal, app, world):
    with session_scope(app) as s:
        add_item(s, world, day=MON, minutes=30)
    config = _chart(principal.get("/principal/?week=2026-11-16").get_data(as_text=True), "chart-trend")
    labels = [d["label"] for d in config["data"]["datasets"]]
    assert labels[:3] == ["一年级", "三年级", "初一"] and len(labels) == 6


def test_the_page_reads_without_javascript(principal, app, world):
    principal.set_cookie("lang", "en")
    with session_scope(app) as s:
        add_item(s, world, day=MON, minutes=30)
    page = principal.get("/principal/?week=2026-11-16").get_data(as_text=True)
    assert "<table class=\"heat\">" in page and "Weekly average" in page and "Days logged" in page
    # The heat map, a table for the class with counted homework, the trend; a note for the two without.
    assert page.count("<table") >= 1 + 1 + 1
    assert page.count("No homework counted toward the cap this week.") == 2


def test_a_principal_sees_only_their_own_schools_classes(client, auth, world):
    auth.login("other_principal")
    page = client.get("/principal/?week=2026-11-16").get_data(as_text=True)
    assert "初一(1)班" not in page and "另一小学" in page
    assert client.get(f"/principal/classes/{world.class3.id}/2026-11-16").status_code == 404


def test_the_class_day_page_shows_the_items_their_history_and_the_days_sessions(principal, app, world):
    with session_scope(app) as s:
        item = add_item(s, world, day=MON, minutes=40, description="练习册第5页")
        s.add(HomeworkRevision(item_id=item.id, version=1, action="create", changed_by=world.teacher.id,
                               snapshot=json.dumps({"minutes": 30, "description": "练习册第5页"})))
        s.add(HomeworkRevision(item_id=item.id, version=2, action="edit", changed_by=world.teacher.id,
                               snapshot=json.dumps({"minutes": 40})))
    principal.set_cookie("lang", "en")
    page = principal.get(f"/principal/classes/{world.class3.id}/2026-11-16").get_data(as_text=True)
    assert "练习册第5页" in page and "40 / 60" in page
    assert "Logged" in page and "Changed" in page and "<del>30</del> → <ins>40</ins>" in page
    assert "minutes: 30" not in page
    assert principal.get(f"/principal/classes/{world.class3.id}/not-a-day").status_code == 404


def _selects(app, client, url) -> int:
    seen = []
    engine = get_db(app).engine(write=False)

    def count(_conn, _cursor, statement, *_args):
        seen.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        assert client.get(url).status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return len(seen)


def test_the_dashboard_runs_as_many_statements_for_thirty_classes_as_for_three(principal, app, world):
    with session_scope(app) as s:
        add_item(s, world, day=MON, minutes=20)
    few = _selects(app, principal, "/principal/?week=2026-11-16")
    with session_scope(app) as s:
        for n in range(27):
            klass = SchoolClass(school_id=world.school.id, grade=3 + n % 7, name=f"班{n}", headcount=40)
            s.add(klass)
            s.flush()
            s.add_all(HomeworkItem(class_id=klass.id, subject_id=world.maths.id, teacher_id=world.teacher.id,
                                   set_date=MON + timedelta(days=d), minutes=20) for d in range(5))
    assert _selects(app, principal, "/principal/?week=2026-11-16") == few
