"""Exports: the same numbers as `flask edulite loads`, CSV with a BOM, Excel with three sheets, scope."""

import csv
import io
import json
from datetime import date, timedelta

import pytest
from openpyxl import load_workbook

from edulite.alerts import store as alerts
from edulite.db import session_scope
from tests.support.factories import add_item

MON = date(2026, 11, 16)
RANGE = "from=2026-11-13&to=2026-11-22"


@pytest.fixture
def loaded(app, world):
    with session_scope(app) as s:
        add_item(s, world, day=MON, minutes=65)
        add_item(s, world, day=MON, minutes=20, subject=world.chinese, teacher=world.colleague, kind="oral")
        add_item(s, world, day=date(2026, 11, 13), minutes=50, due=date(2026, 11, 18))  # spreads into the range
        add_item(s, world, klass=world.class7, day=MON + timedelta(days=2), minutes=95)
        add_item(s, world, klass=world.class1, subject=world.chinese, day=MON, minutes=10)
        alerts.recompute(s, school_id=world.school.id, start=MON, end=MON + timedelta(days=7))


@pytest.fixture
def principal(signed_in):
    return signed_in("principal")


def _cli_loads(runner) -> dict:
    result = runner.invoke(args=["edulite", "loads", "--school", "测试小学", "--from", "2026-11-13", "--to",
                                 "2026-11-22", "--json"])
    assert result.exit_code == 0, result.output
    return {(r["class"], r["date"]): (r["counted_minutes"], r["cap"]) for r in json.loads(result.output)}


def test_the_csv_loads_equal_the_loads_command_for_the_same_range(principal, runner, loaded):
    response = principal.get(f"/principal/exports/file?{RANGE}&format=csv&table=loads")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.data.startswith("\ufeff".encode())
    rows = list(csv.DictReader(io.StringIO(response.data.decode("utf-8-sig"))))
    exported = {(r["班级"], r["日期"]): (int(r["计入时长（分钟）"]), int(r["上限"])) for r in rows}
    assert exported == _cli_loads(runner)
    assert exported["三年级(1)班", "2026-11-16"] == (75, 60) and len(exported) == 3 * 10


def test_the_excel_loads_sheet_equals_the_loads_command_and_items_and_alerts_have_their_sheets(
        principal, runner, loaded):
    principal.set_cookie("lang", "en")
    response = principal.get(f"/principal/exports/file?{RANGE}&format=xlsx")
    assert "attachment" in response.headers["Content-Disposition"]
    book = load_workbook(io.BytesIO(response.data), read_only=True)
    assert book.sheetnames == ["Loads", "Items", "Alerts", "Family survey"]
    header, *rows = list(book["Loads"].values)
    col = {name: i for i, name in enumerate(header)}
    exported = {(r[col["Class"]], r[col["Date"]].date().isoformat()): (r[col["Counted minutes"]], r[col["Cap"]])
                for r in rows}
    assert exported == _cli_loads(runner)
    items = list(book["Items"].values)
    assert len(items) == 1 + 5 and items[0][:3] == ("Class", "Grade", "Subject")
    alert_rules = {r[0] for r in list(book["Alerts"].values)[1:]}
    assert {"R-HW-02", "R-HW-03", "R-HW-01"} <= alert_rules


def test_column_names_follow_the_interface_language(principal, loaded):
    chinese = principal.get(f"/principal/exports/file?{RANGE}&format=csv&table=items").data.decode("utf-8-sig")
    assert chinese.splitlines()[0].startswith("班级,年级,学科,教师")
    assert ",书面," in chinese
    principal.set_cookie("lang", "en")
    english = principal.get(f"/principal/exports/file?{RANGE}&format=csv&table=items").data.decode("utf-8-sig")
    assert english.splitlines()[0].startswith("Class,Grade,Subject,Teacher")


def test_one_class_can_be_exported_alone_but_another_schools_class_is_not_found(principal, world, loaded):
    one = principal.get(f"/principal/exports/file?{RANGE}&format=csv&class_id={world.class3.id}")
    assert len(one.data.decode("utf-8-sig").splitlines()) == 1 + 10
    assert principal.get(f"/principal/exports/file?{RANGE}&class_id={world.other_class.id}").status_code == 404


def test_another_principal_exports_only_their_own_school(client, auth, world, loaded):
    auth.login("other_principal")
    body = client.get(f"/principal/exports/file?{RANGE}&format=csv&table=items").data.decode("utf-8-sig")
    assert len(body.splitlines()) == 1


@pytest.mark.parametrize(("query", "field"), [
    ("from=2026-11-22&to=2026-11-13", "to"), ("from=soon&to=2026-11-13", "from"),
    ("from=2024-01-01&to=2026-01-01", "to"),
])
def test_a_bad_range_is_answered_with_the_form_and_a_message_next_to_the_field(principal, world, query, field):
    response = principal.get(f"/principal/exports/file?{query}&format=csv")
    assert response.status_code == 422
    assert f'id="x-{field}-error"' in response.get_data(as_text=True)


def test_the_export_form_offers_the_schools_classes(principal, world):
    page = principal.get("/principal/exports").get_data(as_text=True)
    assert f'value="{world.class3.id}"' in page and f'value="{world.other_class.id}"' not in page
