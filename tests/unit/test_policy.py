"""Policy as data: national defaults, JSON round trip and stricter-only overrides (一校一策)."""

import json
from datetime import date

import pytest

from edulite.core.calendar import DayKind
from edulite.core.policy import (
    NATIONAL,
    Policy,
    PolicyLooser,
    band_of,
    bedtime_for,
    cap_for,
    policy_from_dict,
    policy_to_dict,
    stage_of,
    tighten,
)


@pytest.mark.parametrize(("grade", "band"), [(1, "1-2"), (2, "1-2"), (3, "3-6"), (6, "3-6"),
                                             (7, "7-9"), (9, "7-9")])
def test_grades_fall_into_the_bands_of_r_hw_01_to_03(grade, band):
    assert band_of(grade) == band


@pytest.mark.parametrize("grade", [0, 10, -1, True, "3", 3.0, None])
def test_a_grade_outside_1_to_9_has_no_band(grade):
    with pytest.raises(ValueError, match="grade"):
        band_of(grade)


def test_grade_6_is_primary_and_grade_7_is_junior():
    assert (stage_of(1), stage_of(6), stage_of(7), stage_of(9)) == (
        "primary", "primary", "junior", "junior")


def test_national_caps_are_0_60_90_on_every_kind_of_day():
    """R-HW-01..03, and R-HW-04's common rule: no more per day off than per school day."""
    for kind in DayKind:
        assert [cap_for(NATIONAL, g, kind) for g in (2, 3, 6, 7, 9)] == [0, 60, 60, 90, 90]


def test_cap_for_reads_the_cap_of_the_kind_of_day():
    policy = Policy(caps_weekend={"1-2": 0, "3-6": 30, "7-9": 45},
                    caps_holiday={"1-2": 0, "3-6": 20, "7-9": 40})
    assert cap_for(policy, 4, DayKind.SCHOOL_DAY) == 60
    assert cap_for(policy, 4, DayKind.WEEKEND) == 30
    assert cap_for(policy, 8, "holiday") == 40


def test_national_bedtimes_and_class_sizes_follow_r_hw_10_and_r_cl_01():
    assert bedtime_for(NATIONAL, 6) == "21:20"
    assert bedtime_for(NATIONAL, 7) == "22:00"
    assert dict(NATIONAL.class_size_max) == {"primary": 45, "junior": 50}


def test_national_after_school_service_is_five_days_of_two_hours_ending_17_30_to_18_00():
    assert (NATIONAL.after_school_end_earliest, NATIONAL.after_school_end_latest) == (
        "17:30", "18:00")
    assert (NATIONAL.after_school_min_minutes, NATIONAL.after_school_days_per_week) == (120, 5)
    assert NATIONAL.over_cap_mode == "warn"


def test_national_banned_parent_words_include_the_r_hw_06_list():
    for word in ("家长签字", "家长检查", "家长批改", "家长批阅", "家长检查签字", "家长听写",
                 "家长默写", "家长打分", "请家长", "家长在群里打卡", "签名", "签字",
                 "parent signature", "parents check", "parent to check", "parents grade",
                 "signed by parent"):
        assert word in NATIONAL.parent_words


def test_the_national_policy_cannot_be_changed_in_place():
    with pytest.raises(TypeError):
        NATIONAL.caps_school_day["3-6"] = 90
    with pytest.raises(AttributeError):
        NATIONAL.over_cap_mode = "block"
    assert hash(NATIONAL) == hash(Policy())


def custom_policy():
    return Policy(caps_school_day={"1-2": 0, "3-6": 45, "7-9": 60},
                  subject_caps={"语文": 20, "数学": 20, "科学": 15},
                  max_subjects_per_day={"3-6": 3, "7-9": 4}, over_cap_mode="block",
                  after_school_end_latest="17:50", bedtime={"primary": "21:00", "junior": "21:45"},
                  parent_words=("家长签字",), effective_from=date(2026, 9, 1))


@pytest.mark.parametrize("policy", [NATIONAL, custom_policy()], ids=["national", "custom"])
def test_a_policy_survives_a_json_round_trip(policy):
    stored = json.dumps(policy_to_dict(policy), ensure_ascii=False)
    assert policy_from_dict(json.loads(stored)) == policy


def test_policy_to_dict_writes_plain_json_types_and_iso_dates():
    data = policy_to_dict(custom_policy())
    assert data["effective_from"] == "2026-09-01"
    assert type(data["caps_school_day"]) is dict
    assert data["parent_words"] == ["家长签字"]
    assert list(data) == list(Policy.__dataclass_fields__)


def test_keys_left_out_of_the_json_keep_the_base_values():
    policy = policy_from_dict({"over_cap_mode": "block"}, base=custom_policy())
    assert policy.over_cap_mode == "block"
    assert policy.subject_caps == {"语文": 20, "数学": 20, "科学": 15}


def test_a_partial_band_map_changes_only_the_bands_it_names():
    policy = policy_from_dict({"caps_school_day": {"3-6": 45}, "bedtime": {"junior": "21:30"}})
    assert policy.caps_school_day == {"1-2": 0, "3-6": 45, "7-9": 90}
    assert policy.bedtime == {"primary": "21:20", "junior": "21:30"}


def test_a_one_digit_hour_is_stored_as_hh_mm():
    assert policy_from_dict({"after_school_end_earliest": "7:30"}).after_school_end_earliest == (
        "07:30")


@pytest.mark.parametrize(("data", "key"), [
    ({"caps_weeknd": {}}, "caps_weeknd"),
    ({"caps_school_day": {"3-6": -1}}, "caps_school_day.3-6"),
    ({"caps_school_day": {"3-6": "60"}}, "caps_school_day.3-6"),
    ({"caps_school_day": {"3-6": True}}, "caps_school_day.3-6"),
    ({"caps_school_day": {"3-6": 59.5}}, "caps_school_day.3-6"),
    ({"caps_holiday": {"3-5": 10}}, "caps_holiday"),
    ({"caps_weekend": [60]}, "caps_weekend"),
    ({"subject_caps": {"语文": -5}}, "subject_caps.语文"),
    ({"subject_caps": {"": 5}}, "subject_caps"),
    ({"max_subjects_per_day": {"4-6": 3}}, "max_subjects_per_day"),
    ({"over_cap_mode": "stop"}, "over_cap_mode"),
    ({"after_school_end_earliest": "17.30"}, "after_school_end_earliest"),
    ({"after_school_end_latest": "24:00"}, "after_school_end_latest"),
    ({"after_school_end_latest": "17:50\n"}, "after_school_end_latest"),
    ({"after_school_end_earliest": "18:30"}, "after_school_end_earliest"),
    ({"after_school_min_minutes": -1}, "after_school_min_minutes"),
    ({"after_school_days_per_week": 8}, "after_school_days_per_week"),
    ({"bedtime": {"primary": "9pm"}}, "bedtime.primary"),
    ({"bedtime": {"senior": "23:00"}}, "bedtime"),
    ({"class_size_max": {"junior": 0}}, "class_size_max.junior"),
    ({"parent_words": "签字"}, "parent_words"),
    ({"parent_words": ["签字", ""]}, "parent_words"),
    ({"punitive_patterns": ["罚抄("]}, "punitive_patterns"),
    ({"effective_from": "2026-13-01"}, "effective_from"),
    ({"effective_from": 20260901}, "effective_from"),
])
def test_bad_json_is_refused_with_a_message_naming_the_key(data, key):
    with pytest.raises(ValueError) as raised:
        policy_from_dict(data)
    assert key in str(raised.value)


def test_a_policy_that_is_not_a_mapping_is_refused():
    with pytest.raises(ValueError, match="mapping"):
        policy_from_dict(["caps_school_day"])


def district():
    return tighten(NATIONAL, {"subject_caps": {"语文": 20, "数学": 20},
                              "max_subjects_per_day": {"3-6": 3, "7-9": 4},
                              "over_cap_mode": "block"})


@pytest.mark.parametrize(("override", "key", "rule"), [
    ({"caps_school_day": {"1-2": 10}}, "caps_school_day", "R-HW-01"),
    ({"caps_school_day": {"3-6": 61}}, "caps_school_day", "R-HW-02"),
    ({"caps_school_day": {"7-9": 91}}, "caps_school_day", "R-HW-03"),
    ({"caps_weekend": {"3-6": 61}}, "caps_weekend", "R-HW-04"),
    ({"caps_holiday": {"7-9": 120}}, "caps_holiday", "R-HW-04"),
    ({"subject_caps": {"语文": 25}}, "subject_caps", "R-LOC-01"),
    ({"subject_caps": {"语文": None}}, "subject_caps", "R-LOC-01"),
    ({"max_subjects_per_day": {"3-6": 4}}, "max_subjects_per_day", "R-LOC-01"),
    ({"max_subjects_per_day": {"7-9": None}}, "max_subjects_per_day", "R-LOC-01"),
    ({"over_cap_mode": "warn"}, "over_cap_mode", "R-HW-05"),
    ({"after_school_end_earliest": "17:29"}, "after_school_end_earliest", "R-AS-02"),
    ({"after_school_end_latest": "18:01"}, "after_school_end_latest", "R-AS-02"),
    ({"after_school_min_minutes": 119}, "after_school_min_minutes", "R-AS-01"),
    ({"after_school_days_per_week": 4}, "after_school_days_per_week", "R-AS-01"),
    ({"bedtime": {"primary": "21:21"}}, "bedtime", "R-HW-10"),
    ({"bedtime": {"junior": "00:30"}}, "bedtime", "R-HW-10"),
    ({"class_size_max": {"primary": 46}}, "class_size_max", "R-CL-01"),
    ({"class_size_max": {"junior": 51}}, "class_size_max", "R-CL-01"),
])
def test_each_looser_override_is_refused_naming_its_field_and_rule(override, key, rule):
    with pytest.raises(PolicyLooser) as raised:
        tighten(district(), override)
    assert raised.value.problems == [(key, rule)]
    assert rule in str(raised.value)


def test_every_loosening_of_an_override_is_reported_at_once():
    with pytest.raises(PolicyLooser) as raised:
        tighten(NATIONAL, {"caps_school_day": {"3-6": 70, "7-9": 100}, "caps_weekend": {
            "3-6": 70, "7-9": 100}, "after_school_min_minutes": 60})
    assert raised.value.problems == [("caps_school_day", "R-HW-02"), (
        "caps_school_day", "R-HW-03"), ("caps_weekend", "R-HW-04"), (
        "after_school_min_minutes", "R-AS-01")]


def test_a_policy_looser_is_a_value_error_so_forms_catch_one_type():
    assert issubclass(PolicyLooser, ValueError)


def test_stricter_values_in_every_field_are_accepted():
    school = tighten(district(), {
        "caps_school_day": {"3-6": 45, "7-9": 60}, "caps_weekend": {"3-6": 30},
        "caps_holiday": {"7-9": 45}, "subject_caps": {"语文": 15, "英语": 15},
        "max_subjects_per_day": {"3-6": 2}, "after_school_end_earliest": "17:40",
        "after_school_end_latest": "17:50", "after_school_min_minutes": 130,
        "after_school_days_per_week": 5, "bedtime": {"primary": "21:00", "junior": "21:30"},
        "class_size_max": {"primary": 40, "junior": 45}, "over_cap_mode": "block",
        "effective_from": "2026-09-01"})
    assert school.caps_school_day == {"1-2": 0, "3-6": 45, "7-9": 60}
    assert school.caps_weekend == {"1-2": 0, "3-6": 30, "7-9": 90}
    assert school.subject_caps == {"语文": 15, "数学": 20, "英语": 15}
    assert school.max_subjects_per_day == {"3-6": 2, "7-9": 4}
    assert (school.after_school_end_earliest, school.after_school_end_latest) == (
        "17:40", "17:50")
    assert school.bedtime == {"primary": "21:00", "junior": "21:30"}
    assert school.effective_from == date(2026, 9, 1)


def test_an_override_repeating_the_base_values_is_accepted_unchanged():
    assert tighten(NATIONAL, policy_to_dict(NATIONAL)) == NATIONAL
    assert tighten(NATIONAL, {}) == NATIONAL


def test_override_word_lists_are_added_to_the_base_lists_never_replacing_them():
    """R-HW-06 and R-HW-08: a school can ban more wording, never less."""
    school = tighten(NATIONAL, {"parent_words": ["家长陪读", "签字"],
                                "punitive_patterns": [r"背诵\s*十遍"]})
    assert school.parent_words == (*NATIONAL.parent_words, "家长陪读")
    assert school.punitive_patterns == (*NATIONAL.punitive_patterns, r"背诵\s*十遍")
    assert tighten(school, {"parent_words": []}).parent_words == school.parent_words


def test_a_school_cannot_relax_its_districts_stricter_cap_even_within_the_national_one():
    district_45 = tighten(NATIONAL, {"caps_school_day": {"3-6": 45}})
    with pytest.raises(PolicyLooser) as raised:
        tighten(district_45, {"caps_school_day": {"3-6": 50}})
    assert raised.value.problems == [("caps_school_day", "R-HW-02")]


def test_a_district_default_is_checked_against_national_by_tightening_with_the_policy():
    assert tighten(NATIONAL, Policy(caps_school_day={"1-2": 0, "3-6": 45, "7-9": 60})).caps_school_day[
        "3-6"] == 45
    with pytest.raises(PolicyLooser) as raised:
        tighten(NATIONAL, Policy(after_school_end_latest="18:30", class_size_max={
            "primary": 50, "junior": 55}))
    assert raised.value.problems == [("class_size_max", "R-CL-01"),
                                     ("after_school_end_latest", "R-AS-02")]


@pytest.mark.parametrize(("override", "key"), [
    ({"caps_school_dayz": {}}, "caps_school_dayz"),
    ({"caps_school_day": {"3-6": -10}}, "caps_school_day.3-6"),
    ({"subject_caps": ["语文"]}, "subject_caps"),
    ({"parent_words": "签字"}, "parent_words"),
    ({"bedtime": {"primary": "21h"}}, "bedtime.primary"),
])
def test_a_malformed_override_is_a_plain_value_error_naming_the_key(override, key):
    with pytest.raises(ValueError) as raised:
        tighten(NATIONAL, override)
    assert not isinstance(raised.value, PolicyLooser)
    assert key in str(raised.value)
