"""The policy command with a policy file (#16): amend by default, --replace, effective_from in the file,
bounded and checked before any write, --history, and a stricter district default over an older override."""

import json
from datetime import date

from sqlmodel import func, select

from edulite.db import session_scope
from edulite.homework import loads
from edulite.models import AuditEntry, PolicyVersion
from tests.support.factories import add_item

SCHOOL = "测试小学"


def _cli(app, *args):
    return app.test_cli_runner().invoke(args=["edulite", *args])


def _file(tmp_path, name, data):
    path = tmp_path / name
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return str(path)


def _policy(app, world, day):
    with session_scope(app) as s:
        return loads.policy_in_force(s, school_id=world.school.id, day=day)


def _counts(app):
    with session_scope(app) as s:
        return (s.exec(select(func.count()).select_from(PolicyVersion)).one(),
                s.exec(select(func.count()).select_from(AuditEntry)).one())


def test_a_file_amends_the_policy_in_force_by_default_and_replaces_it_with_replace(any_app, any_world, tmp_path):
    first = _file(tmp_path, "a.json", {"caps_school_day": {"3-6": 50}, "over_cap_mode": "block"})
    second = _file(tmp_path, "b.json", {"caps_school_day": {"7-9": 70}})
    assert _cli(any_app, "policy", "--school", SCHOOL, "--load", first, "--from", "2026-11-16").exit_code == 0
    result = _cli(any_app, "policy", "--school", SCHOOL, "--load", second, "--from", "2026-11-17")
    assert result.exit_code == 0, result.output
    amended = _policy(any_app, any_world, date(2026, 11, 17))
    assert (amended.caps_school_day["3-6"], amended.caps_school_day["7-9"], amended.over_cap_mode) == (50, 70, "block")
    result = _cli(any_app, "policy", "--school", SCHOOL, "--load", second, "--from", "2026-11-18", "--replace")
    assert result.exit_code == 0 and "replaces" in result.output
    replaced = _policy(any_app, any_world, date(2026, 11, 18))
    caps = replaced.caps_school_day
    assert (caps["3-6"], caps["7-9"], replaced.over_cap_mode) == (60, 70, "warn")


def test_the_files_effective_from_is_honoured_and_must_agree_with_from(any_app, any_world, tmp_path):
    path = _file(tmp_path, "p.json", {"effective_from": "2026-11-18", "caps_school_day": {"3-6": 45}})
    result = _cli(any_app, "policy", "--school", SCHOOL, "--load", path, "--from", "2026-11-17")
    assert result.exit_code != 0 and "differ" in result.output
    assert _counts(any_app)[0] == 0
    assert _cli(any_app, "policy", "--school", SCHOOL, "--load", path).exit_code == 0
    assert _policy(any_app, any_world, date(2026, 11, 17)).caps_school_day["3-6"] == 60
    assert _policy(any_app, any_world, date(2026, 11, 18)).caps_school_day["3-6"] == 45


def test_a_far_future_effective_from_or_a_bad_key_is_refused_before_any_write(any_app, any_world, tmp_path):
    before = _counts(any_app)
    for data, named in (({"effective_from": "9999-12-20", "caps_school_day": {"3-6": 45}}, "effective_from"),
                        ({"caps_school_day": {"3-6": "45"}}, "caps_school_day.3-6"),
                        ({"subject_cap_defualt": 10}, "subject_cap_defualt")):
        result = _cli(any_app, "policy", "--school", SCHOOL, "--load", _file(tmp_path, "bad.json", data))
        assert result.exit_code != 0 and named in result.output, result.output
    assert _cli(any_app, "policy", "--school", SCHOOL, "--from", "9999-12-20").exit_code != 0
    assert _counts(any_app) == before


def test_a_default_subject_cap_from_a_file_flags_any_other_subject(any_app, any_world, tmp_path):
    path = _file(tmp_path, "p.json", {"subject_caps": {"数学": 30}, "subject_cap_default": 15})
    assert _cli(any_app, "policy", "--school", SCHOOL, "--load", path, "--from", "2026-11-16").exit_code == 0
    with session_scope(any_app) as s:
        add_item(s, any_world, day=date(2026, 11, 16), minutes=25)  # maths, under its own 30
        add_item(s, any_world, day=date(2026, 11, 16), minutes=20, subject=any_world.chinese,
                 teacher=any_world.colleague)
    result = _cli(any_app, "alerts", "--school", SCHOOL, "--from", "2026-11-16", "--to", "2026-11-16", "--json")
    local = [(r["subject"], str(r["figure"]), str(r["limit"])) for r in json.loads(result.stdout)
             if r["rule_id"] == "R-LOC-01"]
    assert local == [(any_world.chinese.name, "20", "15")]


def test_history_lists_district_and_school_versions_oldest_first(any_app, any_world, tmp_path):
    district = _file(tmp_path, "d.json", {"caps_school_day": {"7-9": 80}})
    school = _file(tmp_path, "s.json", {"caps_school_day": {"3-6": 50}})
    assert _cli(any_app, "policy", "--district", "测试区", "--load", district, "--from", "2026-09-01").exit_code == 0
    assert _cli(any_app, "policy", "--school", SCHOOL, "--load", school, "--from", "2026-10-01").exit_code == 0
    result = _cli(any_app, "policy", "--school", SCHOOL, "--history")
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert [(r["effective_from"], r["set_by"], r["of"], r["data"]) for r in rows] == [
        ("2026-09-01", "district", "测试区", {"caps_school_day": {"7-9": 80}}),
        ("2026-10-01", "school", SCHOOL, {"caps_school_day": {"3-6": 50}})]


def test_a_district_default_stricter_than_an_older_school_override_wins_and_the_school_is_told(
        any_app, any_world, tmp_path):
    school = _file(tmp_path, "s.json", {"caps_school_day": {"3-6": 50, "7-9": 70}})
    district = _file(tmp_path, "d.json", {"caps_school_day": {"3-6": 40}})
    assert _cli(any_app, "policy", "--school", SCHOOL, "--load", school, "--from", "2026-11-02").exit_code == 0
    result = _cli(any_app, "policy", "--district", "测试区", "--load", district, "--from", "2026-11-16")
    assert result.exit_code == 0, result.output
    policy = _policy(any_app, any_world, date(2026, 11, 16))  # raised PolicyLooser before #16
    assert (policy.caps_school_day["3-6"], policy.caps_school_day["7-9"]) == (40, 70)
    result = _cli(any_app, "policy", "--school", SCHOOL, "--from", "2026-11-16")
    assert result.exit_code == 0
    assert json.loads(result.stdout)["caps_school_day"]["3-6"] == 40
    assert "district's default is stricter" in result.stderr and "R-HW-02" in result.stderr
    result = _cli(any_app, "loads", "--school", SCHOOL, "--from", "2026-11-16", "--to", "2026-11-16", "--json")
    assert result.exit_code == 0 and {r["cap"] for r in json.loads(result.stdout) if r["grade"] == 3} == {40}


def test_policy_help_shows_an_example_file_and_where_the_format_is(any_app):
    result = _cli(any_app, "policy", "--help")
    assert result.exit_code == 0
    assert "docs/policy.schema.json" in result.output and '"subject_cap_default": 15' in result.output
    assert "--replace" in result.output and "--history" in result.output and "amends" in result.output


def test_policy_needs_a_school_or_a_district_with_a_file(any_app, any_world):
    result = _cli(any_app, "policy", "--district", "测试区")
    assert result.exit_code != 0 and "--district NAME with --load FILE" in result.output
