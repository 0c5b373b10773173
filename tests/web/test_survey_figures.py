"""The survey's figures where the school reads them (#13): the principal's week, the export, the CLI and the
teacher's class page agree, and none of them shows a figure resting on fewer answers than the floor."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import date, timedelta

import pytest
from openpyxl import load_workbook
from sqlmodel import select

from edulite.db import session_scope
from edulite.models import SurveyAnswer, SurveyClosure
from edulite.survey import answers, links
from edulite.survey.input import AnswerInput
from tests.support.factories import add_item
from tests.support.survey import TOKEN, add_survey_link

MON = date(2026, 11, 16)
TODAY = date(2026, 11, 19)
SUN = MON + timedelta(days=6)


def answer_class3(app, count: int, minutes: int = 70, evening: date = MON, asked: int = 0):
    with session_scope(app) as s:
        klass = links.class_for_token(s, TOKEN)
        for n in range(count):
            answers.save(s, klass=klass, device=f"d{n}-{evening}", answer=AnswerInput(
                evening, minutes, True, "21:00", n < asked, False))


@pytest.fixture
def surveyed(app, world):
    app.config["TODAY"] = TODAY
    add_survey_link(app, world.class3)
    with session_scope(app) as s:
        add_item(s, world, day=MON, minutes=50)
        add_item(s, world, day=MON + timedelta(days=1), minutes=50)
    return app


def section(client) -> str:
    page = client.get(f"/principal/?week={MON}").get_data(as_text=True)
    start = page.index('id="survey-week"')
    return page[start:page.index("</section>", start)]


def class_row(html: str, class_id: int) -> str:
    return re.search(rf'<tr id="survey-class-{class_id}">(.*?)</tr>', html, re.S).group(1)


def cli(app, *extra) -> dict:
    result = app.test_cli_runner().invoke(args=["edulite", "survey", "--school", "测试小学", "--from", str(MON),
                                                "--to", str(SUN), "--json", *extra])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def csv_rows(client) -> list[list[str]]:
    body = client.get(f"/principal/exports/file?from={MON}&to={SUN}&format=csv&table=survey").data
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


def test_four_answers_show_only_their_count_on_the_page_in_the_export_and_the_cli(surveyed, world, signed_in):
    answer_class3(surveyed, 4, minutes=73)
    client = signed_in("principal", lang="en")
    html = section(client)
    row = class_row(html, world.class3.id)
    assert ">4<" in row and "too few answers" in row and "73" not in html
    assert "chart-survey" not in html
    figures = [r for r in csv_rows(client) if "73" in r or "73.0" in r]
    assert figures == []
    book = load_workbook(io.BytesIO(client.get(f"/principal/exports/file?from={MON}&to={SUN}&format=xlsx").data))
    assert not any(cell in (73, 73.0) for r in book["Family survey"].iter_rows(values_only=True) for cell in r)
    out = cli(surveyed)
    (c3,) = [r for r in out["rows"] if r["class"] == "三年级(1)班"]
    assert c3["answers"] == 4 and c3["too_few_answers"] and c3["median_minutes"] is None
    assert "73" not in json.dumps(out, ensure_ascii=False)


def test_five_answers_show_the_same_figures_on_the_page_in_the_export_and_the_cli(surveyed, world, signed_in):
    answer_class3(surveyed, 5, minutes=73, asked=1)
    client = signed_in("principal", lang="en")
    row = class_row(section(client), world.class3.id)
    assert [re.sub(r"<.*?>", "", c).strip() for c in re.findall(r'<td class="num">(.*?)</td>', row)] == [
        "5", "0.0%", "73", "73", "100.0%", "20.0%", "0.0%", "50", "1.5×"]
    out = cli(surveyed)
    (c3,) = [r for r in out["rows"] if r["class"] == "三年级(1)班"]
    assert (c3["on_time_percent"], c3["median_minutes"], c3["p90_minutes"], c3["asked_to_check_percent"],
            c3["logged_median_minutes"], c3["reported_to_logged"]) == (0.0, 73.0, 73, 20.0, 50.0, 1.46)
    assert out["min_answers"] == 5
    header, *rows = csv_rows(client)
    exported = dict(zip(header, next(r for r in rows if "三年级(1)班" in r), strict=True))
    assert (exported["Median minutes"], exported["Reported ÷ logged"], exported["Answers"]) == ("73.0", "1.46", "5")


def test_a_stricter_floor_hides_what_five_answers_would_show(surveyed, world, signed_in):
    from edulite.school.settings import set_school_policy
    with session_scope(surveyed) as s:
        set_school_policy(s, school_id=world.school.id, data={"survey_min_answers": 6},
                          effective_from=MON - timedelta(days=7), user_id=None, today=TODAY)
    answer_class3(surveyed, 5)
    assert "too few answers" in class_row(section(signed_in("principal", lang="en")), world.class3.id)
    assert cli(surveyed)["min_answers"] == 6


def test_r_sv_01_shows_on_the_week_page_and_the_chart_draws_the_class(surveyed, world, signed_in):
    answer_class3(surveyed, 5, minutes=75)
    answer_class3(surveyed, 5, minutes=75, evening=MON + timedelta(days=1))
    html = section(signed_in("principal", lang="en"))
    assert "R-SV-01" in html
    config = json.loads(re.search(r'<script type="application/json" id="chart-survey">(.*?)</script>', html,
                                  re.S).group(1))
    grade3 = next(d for d in config["data"]["datasets"] if d["label"] == "Grade 3")
    assert grade3["data"] == [{"x": 50.0, "y": 75.0}]
    assert any(d["label"].startswith("Cap") and d["data"][0]["y"] == 60 for d in config["data"]["datasets"])


def test_the_teacher_reads_the_ratio_beside_the_meter_only_with_enough_answers(surveyed, world, signed_in):
    teacher = signed_in("teacher", lang="en")
    answer_class3(surveyed, 4, minutes=70)
    assert 'id="survey-note"' not in teacher.get(f"/teacher/class/{world.class3.id}").get_data(as_text=True)
    answer_class3(surveyed, 1, minutes=70, evening=MON + timedelta(days=1))
    page = teacher.get(f"/teacher/class/{world.class3.id}").get_data(as_text=True)
    assert "report about 1.4× the logged minutes over the last 4 weeks (5 answers)" in page


def test_parents_never_see_the_figures(surveyed, world, client):
    answer_class3(surveyed, 5, minutes=73)
    for path in (f"/c/{world.link.token}", f"/s/{TOKEN}"):
        page = client.get(path).get_data(as_text=True)
        assert "73" not in page and "×" not in page


def test_the_principal_closes_and_reopens_a_class_and_the_school(surveyed, world, signed_in):
    principal = signed_in("principal", lang="en")
    c3 = world.class3.id
    assert principal.post(f"/principal/settings/survey/{c3}/state", data={"closed": "1"}).status_code == 303
    with session_scope(surveyed) as s:
        assert s.exec(select(SurveyClosure.scope)).all() == [f"class:{c3}"]
    assert 'id="survey-closed"' in surveyed.test_client().get(f"/s/{TOKEN}").get_data(as_text=True)
    principal.post(f"/principal/settings/survey/{c3}/state", data={"closed": "0"})
    principal.post("/principal/settings/survey/state", data={"closed": "1"})
    with session_scope(surveyed) as s:
        assert s.exec(select(SurveyClosure.scope)).all() == ["school"]
    page = principal.get("/principal/settings/links").get_data(as_text=True)
    assert "Reopen the whole school" in page and "/principal/settings/survey/" in page
    principal.post("/principal/settings/survey/state", data={"closed": "0"})
    with session_scope(surveyed) as s:
        assert s.exec(select(SurveyClosure)).all() == []


def test_the_principal_cannot_touch_another_schools_class(surveyed, world, signed_in):
    principal = signed_in("principal")
    other = world.other_class.id
    assert principal.post(f"/principal/settings/survey/{other}/state", data={"closed": "1"}).status_code == 404
    assert principal.post(f"/principal/settings/survey/{other}/link").status_code == 404
    assert principal.get(f"/principal/settings/survey/{other}/qr.svg").status_code == 404


def test_a_new_survey_link_shows_with_its_qr_code_and_the_old_one_dies(surveyed, world, signed_in):
    principal = signed_in("principal")
    url = f"/principal/settings/survey/{world.class3.id}/link"
    # A live link's QR codes are printed (#14): the first tap asks and changes nothing.
    asked = principal.post(url)
    assert asked.status_code == 200 and 'id="confirm-survey-rotate"' in asked.get_data(as_text=True)
    assert surveyed.test_client().get(f"/s/{TOKEN}").status_code == 200
    done = principal.post(url, data={"confirm": "1"})
    assert done.status_code == 303
    page = principal.get("/principal/settings/links").get_data(as_text=True)
    assert "新的问卷链接已生成" in page or "New survey link issued" in page
    token = re.search(r"/s/([A-Za-z0-9_-]{32})", page).group(1)
    assert token != TOKEN
    qr = principal.get(f"/principal/settings/survey/{world.class3.id}/qr.svg")
    assert qr.status_code == 200 and qr.mimetype == "image/svg+xml"
    client = surveyed.test_client()
    assert client.get(f"/s/{TOKEN}").status_code == 404 and client.get(f"/s/{token}").status_code == 200


def test_answers_stay_in_the_database(surveyed):
    answer_class3(surveyed, 5)
    with session_scope(surveyed) as s:
        assert len(s.exec(select(SurveyAnswer)).all()) == 5


def test_the_survey_table_names_grades_as_class_names_do(surveyed, world, signed_in):
    """#14: 三年级 and 初一, as in 三年级(1)班 and 初一(1)班, never "3年级" or "7年级"."""
    answer_class3(surveyed, 5, minutes=40)
    html = section(signed_in("principal"))
    assert '<th scope="row">三年级</th>' in html
    assert not re.search(r">\d年级<", html)
