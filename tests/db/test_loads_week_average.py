"""loads --from/--to (#16): a range cut mid-week shows the whole week's average, as the principal's week
does (POLICY "weekly average"), with the number of school days it averages."""

import json
from datetime import date

from edulite.db import session_scope
from edulite.reports import week as dashboard
from tests.support.factories import add_item


def _loads(app, start, end):
    result = app.test_cli_runner().invoke(args=["edulite", "loads", "--school", "测试小学", "--from", start,
                                                "--to", end, "--json"])
    assert result.exit_code == 0, result.output
    return [r for r in json.loads(result.stdout) if r["class"] == "三年级(1)班"]


def test_a_range_cut_mid_week_gives_the_whole_weeks_average_not_the_ranges(any_app, any_world):
    with session_scope(any_app) as s:
        add_item(s, any_world, day=date(2026, 11, 16), minutes=60)  # Monday
        add_item(s, any_world, day=date(2026, 11, 20), minutes=40)  # Friday
    rows = _loads(any_app, "2026-11-19", "2026-11-22")  # Thursday to Sunday
    assert [r["date"] for r in rows] == ["2026-11-19", "2026-11-20", "2026-11-21", "2026-11-22"]
    assert {(r["week_average"], r["week_average_days"]) for r in rows} == {(20.0, 5)}  # (60 + 40) / 5
    assert {r["week_average"] for r in _loads(any_app, "2026-11-16", "2026-11-16")} == {20.0}


def test_a_week_in_progress_averages_its_school_days_before_today_as_the_principals_week(any_app, any_world):
    any_app.config["TODAY"] = "2026-11-18"  # a Wednesday: Monday and Tuesday are done
    with session_scope(any_app) as s:
        add_item(s, any_world, day=date(2026, 11, 16), minutes=60)
        add_item(s, any_world, day=date(2026, 11, 17), minutes=30)
        add_item(s, any_world, day=date(2026, 11, 18), minutes=90)  # today: still being logged
    rows = _loads(any_app, "2026-11-17", "2026-11-18")
    assert {(r["week_average"], r["week_average_days"]) for r in rows} == {(45.0, 2)}
    with session_scope(any_app, write=False) as s:
        view = dashboard.week_view(s, school_id=any_world.school.id, start=date(2026, 11, 16),
                                   today=date(2026, 11, 18), class_ids=[any_world.class3.id])
    (class_week,) = [cw for cw in view.classes if cw.klass.class_id == any_world.class3.id]
    assert class_week.weekly_average == 45.0
