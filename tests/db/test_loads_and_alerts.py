"""Loads and alerts from the database equal the engine's, on SQLite and PostgreSQL."""

import json
from datetime import date

from sqlmodel import select

from edulite.alerts import store as alerts
from edulite.db import session_scope
from edulite.homework import loads
from edulite.models import Alert
from tests.support.factories import add_item

MON = date(2026, 11, 16)


def _loads(app, world, start=MON, days=7):
    with session_scope(app, write=False) as s:
        end = date.fromordinal(start.toordinal() + days)
        out = loads.class_loads(s, school_id=world.school.id, start=start, end=end, class_ids=[world.class3.id])
    return {d.date: d for d in out[0].days}


def test_only_required_written_home_minutes_count_toward_the_cap(any_app, any_world):
    with session_scope(any_app) as s:
        add_item(s, any_world, day=MON, minutes=30)
        add_item(s, any_world, day=MON, minutes=25, subject=any_world.chinese, teacher=any_world.colleague)
        add_item(s, any_world, day=MON, minutes=20, kind="oral")
        add_item(s, any_world, day=MON, minutes=20, required=False)
        add_item(s, any_world, day=MON, minutes=20, location="class")
    monday = _loads(any_app, any_world)[MON]
    assert (monday.counted, monday.cap, monday.over) == (55, 60, False)
    assert monday.by_kind["oral"] == 20 and monday.by_kind["written"] == 95
    assert dict(monday.by_subject) == {"数学": 30, "语文": 25}


def test_a_multi_evening_item_spreads_from_the_database_without_losing_a_minute(any_app, any_world):
    with session_scope(any_app) as s:
        add_item(s, any_world, day=MON, minutes=100, due=date(2026, 11, 19))  # Mon, Tue, Wed evenings
    week = _loads(any_app, any_world)
    assert [week[date(2026, 11, d)].counted for d in (16, 17, 18, 19)] == [34, 33, 33, 0]


def test_an_item_set_before_the_range_still_counts_on_its_evenings_inside_it(any_app, any_world):
    with session_scope(any_app) as s:
        add_item(s, any_world, day=date(2026, 11, 13), minutes=40, due=date(2026, 11, 18))  # Fri..Tue
    week = _loads(any_app, any_world)
    assert week[MON].counted == 8 and week[date(2026, 11, 17)].counted == 8


def test_withdrawn_items_do_not_count(any_app, any_world):
    with session_scope(any_app) as s:
        item = add_item(s, any_world, day=MON, minutes=70)
        item.withdrawn = True
        s.add(item)
    assert _loads(any_app, any_world)[MON].counted == 0


def _recompute(app, world):
    with session_scope(app) as s:
        alerts.recompute(s, school_id=world.school.id, start=MON, end=date(2026, 11, 23))


def _stored(app, world, rule="R-HW-02"):
    with session_scope(app, write=False) as s:
        return s.exec(select(Alert).where(Alert.school_id == world.school.id, Alert.rule_id == rule)).all()


def test_an_acknowledged_alert_keeps_its_state_and_note_and_reopens_when_the_day_gets_worse(any_app, any_world):
    with session_scope(any_app) as s:
        add_item(s, any_world, day=MON, minutes=65)
    _recompute(any_app, any_world)
    (alert,) = _stored(any_app, any_world)
    assert (alert.figure, alert.limit, alert.state) == ("65", "60", "open")
    with session_scope(any_app) as s:
        row = s.get(Alert, alert.id)
        row.state, row.note = "acknowledged", "期中复习周"
    _recompute(any_app, any_world)
    (same,) = _stored(any_app, any_world)
    assert (same.id, same.state, same.note) == (alert.id, "acknowledged", "期中复习周")
    with session_scope(any_app) as s:
        add_item(s, any_world, day=MON, minutes=10, subject=any_world.chinese, teacher=any_world.colleague)
    _recompute(any_app, any_world)
    (worse,) = _stored(any_app, any_world)
    assert (worse.id, worse.figure, worse.state, worse.note) == (alert.id, "75", "open", "期中复习周")


def test_an_alert_that_no_longer_applies_is_kept_but_marked_not_current(any_app, any_world):
    with session_scope(any_app) as s:
        item = add_item(s, any_world, day=MON, minutes=65)
    _recompute(any_app, any_world)
    with session_scope(any_app) as s:
        row = s.get(type(item), item.id)
        row.minutes = 40
        s.add(row)
    _recompute(any_app, any_world)
    (alert,) = _stored(any_app, any_world)
    assert alert.current is False


def test_the_loads_command_prints_the_same_json_on_both_databases(any_app, any_world):
    with session_scope(any_app) as s:
        add_item(s, any_world, day=MON, minutes=61)
        add_item(s, any_world, day=MON, minutes=15, kind="reading")
    result = any_app.test_cli_runner().invoke(args=["edulite", "loads", "--school", "测试小学", "--from",
                                                    "2026-11-16", "--to", "2026-11-16", "--json"])
    assert result.exit_code == 0, result.output
    rows = {r["class"]: r for r in json.loads(result.output)}
    assert rows["三年级(1)班"] == {
        "class": "三年级(1)班", "grade": 3, "date": "2026-11-16", "day_kind": "school_day", "counted_minutes": 61,
        "cap": 60, "over": True, "counted_by_subject": {"数学": 61}, "week_average": 12.2, "week_average_days": 5,
        "minutes_by_type": {"written": 61, "oral": 0, "reading": 15, "practical": 0, "exercise": 0, "arts": 0},
        "after_school_minutes": 0, "after_school_pupils": 0}
    assert rows["初一(1)班"]["cap"] == 90 and rows["一年级(1)班"]["cap"] == 0


def test_the_alerts_command_names_rule_class_date_figure_and_limit(any_app, any_world):
    with session_scope(any_app) as s:
        add_item(s, any_world, day=MON, minutes=61, description="请家长检查签字")
        add_item(s, any_world, klass=any_world.class1, subject=any_world.chinese, day=MON, minutes=5)
    result = any_app.test_cli_runner().invoke(args=["edulite", "alerts", "--school", "测试小学", "--from",
                                                    "2026-11-16", "--to", "2026-11-22", "--json"])
    assert result.exit_code == 0, result.output
    got = {(r["rule_id"], r["class"], r["date"], r["figure"], r["limit"]) for r in json.loads(result.output)}
    assert got == {("R-HW-02", "三年级(1)班", "2026-11-16", "61", "60"),
                   ("R-HW-06", "三年级(1)班", "2026-11-16", "请家长检查签字", None),
                   ("R-HW-01", "一年级(1)班", "2026-11-16", "5", "0"),
                   ("R-AS-01", None, "2026-11-16", "0", "5")}  # no after-school service logged that week
