"""A school's policy: national floor, district default, stricter-only override, versioned by date."""

import json
from datetime import date

from edulite.db import session_scope
from edulite.homework import loads
from tests.support.factories import add_item


def _cli(app, *args):
    return app.test_cli_runner().invoke(args=["edulite", *args])


def test_the_policy_command_prints_the_national_defaults_as_json(any_app, any_world):
    result = _cli(any_app, "policy", "--school", "测试小学", "--from", "2026-11-16")
    assert result.exit_code == 0, result.output
    policy = json.loads(result.output)
    assert policy["caps_school_day"] == {"1-2": 0, "3-6": 60, "7-9": 90}
    assert policy["after_school_end_earliest"] == "17:30" and policy["after_school_end_latest"] == "18:00"


def test_a_stricter_school_policy_is_stored_and_judges_days_from_its_start(any_app, any_world, tmp_path):
    path = tmp_path / "strict.json"
    path.write_text(json.dumps({"caps_school_day": {"1-2": 0, "3-6": 45, "7-9": 60}}), encoding="utf-8")
    assert _cli(any_app, "policy", "--school", "测试小学", "--load", str(path), "--from", "2026-11-18").exit_code == 0
    with session_scope(any_app) as s:
        for day in (16, 18):
            add_item(s, any_world, day=date(2026, 11, day), minutes=50)
        week = loads.class_loads(s, school_id=any_world.school.id, start=date(2026, 11, 16),
                                 end=date(2026, 11, 23), class_ids=[any_world.class3.id])[0]
    by_day = {d.date.day: d for d in week.days}
    assert (by_day[16].cap, by_day[16].over) == (60, False)  # judged by the policy of that day
    assert (by_day[18].cap, by_day[18].over) == (45, True)


def test_a_looser_school_policy_is_refused_naming_the_rule_and_nothing_changes(any_app, any_world, tmp_path):
    path = tmp_path / "loose.json"
    path.write_text(json.dumps({"caps_school_day": {"1-2": 0, "3-6": 75, "7-9": 90}}), encoding="utf-8")
    result = _cli(any_app, "policy", "--school", "测试小学", "--load", str(path))
    assert result.exit_code != 0
    assert "R-HW-02" in result.output
    with session_scope(any_app) as s:
        policy = loads.policy_in_force(s, school_id=any_world.school.id, day=date(2030, 1, 1))
    assert policy.caps_school_day["3-6"] == 60


def test_a_policy_file_with_an_unknown_key_is_refused(any_app, any_world, tmp_path):
    path = tmp_path / "typo.json"
    path.write_text(json.dumps({"caps_schoolday": {}}), encoding="utf-8")
    result = _cli(any_app, "policy", "--school", "测试小学", "--load", str(path))
    assert result.exit_code != 0 and "caps_schoolday" in result.output
