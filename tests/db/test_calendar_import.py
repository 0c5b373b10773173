"""A school's calendar from a spreadsheet: holidays and 调休 days change which cap applies."""

import json
from datetime import date

from sqlmodel import select

from edulite.db import session_scope
from edulite.models import CalendarDay
from tests.support.factories import add_item


def _import(app, path):
    return app.test_cli_runner().invoke(args=["edulite", "import-calendar", str(path), "--school", "测试小学"])


def test_a_chinese_calendar_sheet_sets_a_holiday_and_a_make_up_saturday(any_app, any_world, tmp_path):
    sheet = tmp_path / "cal.csv"
    sheet.write_text("日期,类型,备注\n2026-10-01,节假日,国庆\n2026-10-10,上课日,调休\n", encoding="utf-8-sig")
    result = _import(any_app, sheet)
    assert result.exit_code == 0, result.output
    with session_scope(any_app) as s:
        add_item(s, any_world, day=date(2026, 10, 10), minutes=61)
    loads = any_app.test_cli_runner().invoke(args=["edulite", "loads", "--school", "测试小学", "--from",
                                                   "2026-10-01", "--to", "2026-10-10", "--json"])
    rows = {(r["class"], r["date"]): r for r in json.loads(loads.output)}
    assert rows["三年级(1)班", "2026-10-01"]["day_kind"] == "holiday"
    saturday = rows["三年级(1)班", "2026-10-10"]
    assert (saturday["day_kind"], saturday["cap"], saturday["over"]) == ("school_day", 60, True)


def test_a_calendar_sheet_with_a_bad_row_changes_nothing_and_names_the_row(any_app, any_world, tmp_path):
    sheet = tmp_path / "cal.csv"
    sheet.write_text("date,kind\n2026-10-01,holiday\n2026-13-01,holiday\n2026-10-02,party\n2026-10-01,weekend\n",
                     encoding="utf-8")
    result = _import(any_app, sheet)
    assert result.exit_code == 1
    for row in ("row 3", "row 4", "row 5"):
        assert row in result.output
    with session_scope(any_app) as s:
        assert s.exec(select(CalendarDay)).all() == []
