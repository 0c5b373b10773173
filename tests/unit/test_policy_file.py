"""The policy as data (#16): the file's schema naming the key, the default subject cap, amending,
and a district default made stricter after a school's override (the stricter one wins)."""

import json
from datetime import date

import pytest

from edulite.core.policy import NATIONAL, PolicyLooser, amend, overlay, subject_cap, tighten
from edulite.core.rules import DayLoad, class_day_alerts
from edulite.school import policy_file

MON = date(2026, 11, 23)


@pytest.mark.parametrize(("document", "named"), [
    ({"caps_schoolday": {}}, "caps_schoolday: unknown key"),
    ({"caps_school_day": {"3-5": 40}}, "caps_school_day.3-5: unknown key"),
    ({"caps_school_day": {"3-6": "45"}}, "caps_school_day.3-6: '45' is not of type 'integer'"),
    ({"subject_caps": {"语文": -1}}, "subject_caps.语文:"),
    ({"subject_cap_default": 2000}, "subject_cap_default:"),
    ({"bedtime": {"primary": "9pm"}}, "bedtime.primary:"),
    ({"over_cap_mode": "stop"}, "over_cap_mode:"),
    ({"parent_words": "家长陪读"}, "parent_words:"),
    ({"effective_from": "9999-12-20"}, "effective_from:"),
    ({"effective_from": "2026-02-30"}, "effective_from:"),
    ({"after_school_end_earliest": "18:30"}, "after_school_end_earliest:"),
    ({"punitive_patterns": ["(unclosed"]}, "punitive_patterns:"),
    ([1, 2], "(the file)"),
])
def test_a_bad_policy_document_is_refused_naming_the_key(document, named):
    with pytest.raises(policy_file.PolicyFileError, match=named.replace("(", r"\(").replace(")", r"\)")):
        policy_file.check(document)


def test_a_good_document_gives_its_keys_and_its_first_day_apart():
    checked = policy_file.check({"effective_from": "2026-09-01", "caps_school_day": {"3-6": 45}})
    assert checked.data == {"caps_school_day": {"3-6": 45}} and checked.effective_from == date(2026, 9, 1)


def test_the_schemas_example_is_a_valid_policy_file():
    schema = json.loads(policy_file.SCHEMA_PATH.read_text(encoding="utf-8"))
    for example in schema["examples"]:
        policy_file.check(example)


def test_a_file_that_is_not_json_says_where(tmp_path):
    path = tmp_path / "p.json"
    path.write_text('{"caps_school_day": {"3-6": 45,}}', encoding="utf-8")
    with pytest.raises(policy_file.PolicyFileError, match="not JSON: .* line 1"):
        policy_file.read(path)


def test_the_default_subject_cap_applies_to_every_subject_not_named():
    policy = tighten(NATIONAL, {"subject_caps": {"语文": 20}, "subject_cap_default": 15})
    assert (subject_cap(policy, "语文"), subject_cap(policy, "科学"), subject_cap(NATIONAL, "科学")) == (20, 15, None)
    load = DayLoad(1, MON, "school_day", 38, 60, False, by_subject={"语文": 20, "科学": 18})
    alerts = class_day_alerts(load, grade=4, policy=policy)
    assert [(a.rule_id, a.subject, a.figure, a.limit) for a in alerts] == [("R-LOC-01", "科学", 18, 15)]


def test_a_default_subject_cap_may_only_be_tightened():
    district = tighten(NATIONAL, {"subject_cap_default": 20})
    assert tighten(district, {"subject_cap_default": 15}).subject_cap_default == 15
    for looser in ({"subject_cap_default": 25}, {"subject_cap_default": None}, {"subject_caps": {"语文": 30}}):
        with pytest.raises(PolicyLooser) as err:
            tighten(district, looser)
        assert err.value.problems[0][1] == "R-LOC-01"


def test_amending_merges_maps_adds_words_and_replaces_values():
    current = {"caps_school_day": {"3-6": 50}, "parent_words": ["家长陪读"], "over_cap_mode": "block"}
    change = {"caps_school_day": {"7-9": 70}, "parent_words": ["家长陪读", "家长听背"], "bedtime": {"junior": "21:30"}}
    assert amend(current, change) == {
        "caps_school_day": {"3-6": 50, "7-9": 70}, "parent_words": ["家长陪读", "家长听背"],
        "over_cap_mode": "block", "bedtime": {"junior": "21:30"}}


def test_a_stricter_district_default_wins_over_an_older_looser_school_value_and_says_so():
    district = tighten(NATIONAL, {"caps_school_day": {"3-6": 40}, "after_school_end_latest": "17:45"})
    school_override = {"caps_school_day": {"3-6": 50, "7-9": 70}, "after_school_end_latest": "17:50",
                       "bedtime": {"primary": "21:00"}}
    with pytest.raises(PolicyLooser):
        tighten(district, school_override)  # what policy_in_force raised before #16
    policy, kept = overlay(district, school_override)
    assert policy.caps_school_day == {"1-2": 0, "3-6": 40, "7-9": 70}  # the district's 40, the school's 70
    assert policy.after_school_end_latest == "17:45" and policy.bedtime["primary"] == "21:00"
    assert any("caps_school_day.3-6 50" in k and "R-HW-02" in k for k in kept)
    assert any("after_school_end_latest" in k for k in kept)
    assert overlay(NATIONAL, school_override)[1] == []


def test_the_week_average_so_far_counts_the_school_days_before_today():
    from datetime import timedelta

    from edulite.core.rules import week_average_so_far

    week = [DayLoad(1, MON + timedelta(days=n), "weekend" if n > 4 else "school_day", m, 60, False)
            for n, m in enumerate((60, 30, 90, 0, 0, 50, 0))]
    assert week_average_so_far(week, MON + timedelta(days=2)) == (45.0, 2)
    assert week_average_so_far(week, MON + timedelta(days=7)) == (36.0, 5)  # the weekend's 50 is not averaged
    assert week_average_so_far(week, MON) == (None, 0)


def test_a_school_end_window_that_no_longer_fits_the_districts_falls_back_to_the_district():
    district = tighten(NATIONAL, {"after_school_end_latest": "17:40"})
    policy, kept = overlay(district, {"after_school_end_earliest": "17:50"})  # earlier than 17:50 would be looser
    assert (policy.after_school_end_earliest, policy.after_school_end_latest) == ("17:30", "17:40")
    assert kept
