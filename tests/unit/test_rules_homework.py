"""Homework rules: counting (POLICY "Counting, precisely"), caps R-HW-01..04, R-LOC-01,
wording R-HW-06/08, class size R-CL-01 and the budget meter's preview (R-HW-05)."""

from datetime import date, timedelta

import pytest

from edulite.core.calendar import DayKind, SchoolCalendar
from edulite.core.policy import NATIONAL, tighten
from edulite.core.rules import (
    Alert,
    DayLoad,
    Item,
    class_day_alerts,
    class_size_alert,
    counts_toward_cap,
    day_loads,
    evenings,
    item_counts,
    load_state,
    preview,
    spread,
    weekly_average,
    wording_alerts,
    wording_problems,
)

MON = date(2026, 11, 23)
FRI, SAT, SUN = MON + timedelta(days=4), MON + timedelta(days=5), MON + timedelta(days=6)
CAL = SchoolCalendar({date(2026, 10, 1): DayKind.HOLIDAY, date(2026, 10, 10): DayKind.SCHOOL_DAY})
DAYS_OFF = tighten(NATIONAL, {"caps_weekend": {"3-6": 30, "7-9": 45},
                              "caps_holiday": {"3-6": 20, "7-9": 40}})


def hw(minutes, *, subject="数学", kind="written", required=True, location="home", day=MON,
       due=None, id=None, class_id=1, description=""):
    return Item(id, class_id, subject, kind, required, location, minutes, day, due, description)


def load(items, grade, day=MON, policy=NATIONAL):
    (only,) = day_loads(items, class_id=1, grade=grade, calendar=CAL, policy=policy, start=day,
                        end=day + timedelta(days=1))
    return only


def rules(items, grade, day=MON, policy=NATIONAL):
    return [a.rule_id for a in class_day_alerts(load(items, grade, day, policy), grade=grade,
                                                policy=policy)]


@pytest.mark.parametrize(("bad", "field"), [({"kind": "essay"}, "kind"),
                                            ({"location": "bus"}, "location"),
                                            ({"minutes": -1}, "minutes")])
def test_an_item_with_an_unknown_kind_place_or_negative_minutes_is_refused(bad, field):
    with pytest.raises(ValueError, match=field):
        hw(**{"minutes": 10, **bad})


@pytest.mark.parametrize(("set_on", "due", "expected"), [
    (MON, None, [MON]), (MON, MON, [MON]), (MON, MON + timedelta(days=1), [MON]),
    (MON, MON + timedelta(days=3), [MON, MON + timedelta(days=1), MON + timedelta(days=2)]),
    (FRI, MON + timedelta(days=7), [FRI, SAT, SUN]),
])
def test_an_item_is_done_on_the_evenings_up_to_the_day_before_its_due_date(set_on, due, expected):
    assert evenings(hw(30, day=set_on, due=due)) == expected


def test_a_due_date_before_the_set_date_is_refused():
    with pytest.raises(ValueError, match="before"):
        evenings(hw(30, due=MON - timedelta(days=1)))


@pytest.mark.parametrize(("minutes", "shares"), [(90, [30, 30, 30]), (10, [4, 3, 3]),
                                                 (1, [1, 0, 0]), (0, [0, 0, 0])])
def test_a_multi_day_item_spreads_its_minutes_with_the_remainder_on_the_earliest_evenings(
        minutes, shares):
    assert list(spread(hw(minutes, due=MON + timedelta(days=3))).values()) == shares


@pytest.mark.parametrize(("changes", "counts"), [
    ({}, True), ({"required": False}, False), ({"location": "class"}, False),
    ({"location": "after_school"}, False), ({"kind": "oral"}, False), ({"kind": "reading"}, False),
    ({"kind": "exercise"}, False),
])
def test_only_required_written_homework_done_at_home_counts(changes, counts):
    """R-HW-08 (optional), R-HW-09 (in class / after school), R-HW-11 (written only)."""
    assert item_counts(hw(20, **changes)) is counts


@pytest.mark.parametrize(("grade", "minutes", "alerts"), [
    (3, 59, []), (3, 60, []), (3, 61, ["R-HW-02"]), (6, 61, ["R-HW-02"]), (7, 61, []),
    (7, 89, []), (7, 90, []), (7, 91, ["R-HW-03"]), (9, 91, ["R-HW-03"]),
    (2, 1, ["R-HW-01"]), (1, 0, []), (3, 1, []),
])
def test_a_school_day_is_over_only_past_its_bands_cap_and_the_alert_names_the_band_rule(
        grade, minutes, alerts):
    """R-HW-01 (grades 1–2: any minute), R-HW-02 (3–6: 60), R-HW-03 (7–9: 90)."""
    assert load([hw(minutes)], grade).over is bool(alerts)
    assert rules([hw(minutes)], grade) == alerts


def test_a_grade_1_day_of_written_homework_at_home_alerts_with_the_minutes_against_zero():
    (alert,) = class_day_alerts(load([hw(10)], 1), grade=1, policy=NATIONAL)
    assert (alert.rule_id, alert.figure, alert.limit, alert.day, alert.class_id) == (
        "R-HW-01", 10, 0, MON, 1)


def test_grades_1_and_2_may_do_written_practice_in_class_and_after_school():
    items = [hw(15, location="class"), hw(20, location="after_school"), hw(10, kind="reading")]
    assert (load(items, 2).counted, rules(items, 2)) == (0, [])


@pytest.mark.parametrize(("day", "kind"), [(SAT, "weekend"), (date(2026, 10, 1), "holiday")])
def test_weekend_and_holiday_caps_apply_on_days_off_under_r_hw_04(day, kind):
    cap = 30 if kind == "weekend" else 20
    assert load([], 4, day, DAYS_OFF).cap == cap
    assert rules([hw(cap, day=day)], 4, day, DAYS_OFF) == []
    assert rules([hw(cap + 1, day=day)], 4, day, DAYS_OFF) == ["R-HW-04"]
    assert rules([hw(cap + 1, day=day)], 4, day, NATIONAL) == []


def test_a_grade_2_weekend_day_breaks_both_r_hw_01_and_the_weekend_cap():
    assert rules([hw(5, day=SUN)], 2, SUN) == ["R-HW-01", "R-HW-04"]


def test_a_makeup_saturday_that_is_a_school_day_uses_the_school_day_cap():
    makeup = date(2026, 10, 10)
    day = load([hw(45, day=makeup)], 4, makeup, DAYS_OFF)
    assert (day.day_kind, day.cap, day.over) == (DayKind.SCHOOL_DAY, 60, False)
    assert rules([hw(61, day=makeup)], 4, makeup, DAYS_OFF) == ["R-HW-02"]


def test_a_multi_day_item_adds_to_each_evenings_load():
    items = [hw(90, due=MON + timedelta(days=3)), hw(40, day=MON + timedelta(days=1))]
    loads = day_loads(items, class_id=1, grade=5, calendar=CAL, policy=NATIONAL, start=MON,
                      end=MON + timedelta(days=7))
    assert [d.counted for d in loads] == [30, 70, 30, 0, 0, 0, 0]
    assert [d.over for d in loads] == [False, True, False, False, False, False, False]


def test_day_loads_keep_all_minutes_by_kind_and_only_counted_minutes_by_subject():
    items = [hw(20, subject="语文"), hw(15, subject="英语", kind="oral"),
             hw(10, subject="数学", required=False), hw(25, subject="数学"),
             hw(30, subject="体育", kind="exercise"), hw(5, subject="语文", location="class"),
             hw(99, class_id=2)]
    day = load(items, 4)
    assert day.counted == 45
    assert dict(day.by_kind) == {"written": 60, "oral": 15, "reading": 0, "practical": 0,
                                 "exercise": 30, "arts": 0}
    assert dict(day.by_subject) == {"数学": 25, "语文": 20}
    assert day.written_subjects == ("数学", "语文")


def test_a_day_load_built_by_a_caller_from_plain_data_is_frozen_and_hashable():
    built = DayLoad(1, MON, "school_day", 30, 60, False, {"written": 30}, {"语文": 30}, ["语文"])
    assert (built.day_kind, built.written_subjects, hash(built) == hash(built)) == (
        DayKind.SCHOOL_DAY, ("语文",), True)


def test_day_loads_return_every_date_of_the_range_including_days_off():
    loads = day_loads([], class_id=1, grade=4, calendar=CAL, policy=NATIONAL, start=MON,
                      end=MON + timedelta(days=7))
    assert [d.date for d in loads] == [MON + timedelta(days=n) for n in range(7)]
    assert [d.day_kind for d in loads][-2:] == [DayKind.WEEKEND, DayKind.WEEKEND]


def test_the_weekly_average_divides_school_day_load_by_school_days_only():
    items = [hw(50), hw(60, day=MON + timedelta(days=1)), hw(70, day=SAT)]
    loads = day_loads(items, class_id=1, grade=4, calendar=CAL, policy=NATIONAL, start=MON,
                      end=MON + timedelta(days=7))
    assert weekly_average(loads) == 22.0
    assert weekly_average(loads[5:]) is None


def test_the_weekly_average_rounds_halves_up_like_a_hand_calculation():
    loads = day_loads([hw(1)], class_id=1, grade=4, calendar=CAL, policy=NATIONAL, start=MON,
                      end=MON + timedelta(days=4))
    assert weekly_average(loads) == 0.3  # 1 / 4 = 0.25


def test_a_subject_over_its_local_cap_alerts_under_r_loc_01_with_the_subject():
    policy = tighten(NATIONAL, {"subject_caps": {"语文": 20}})
    assert rules([hw(20, subject="语文")], 4, policy=policy) == []
    (alert,) = class_day_alerts(load([hw(21, subject="语文")], 4, policy=policy), grade=4,
                                policy=policy)
    assert (alert.rule_id, alert.subject, alert.figure, alert.limit) == ("R-LOC-01", "语文", 21, 20)


def test_more_subjects_than_allowed_in_a_day_alerts_under_r_loc_01_listing_them():
    policy = tighten(NATIONAL, {"max_subjects_per_day": {"3-6": 3, "7-9": 4}})
    four = [hw(10, subject=s) for s in ("语文", "数学", "英语", "科学")]
    assert rules(four[:3], 4, policy=policy) == []
    assert rules(four, 7, policy=policy) == []
    (alert,) = class_day_alerts(load(four, 4, policy=policy), grade=4, policy=policy)
    assert (alert.rule_id, alert.figure, alert.limit, alert.subject) == ("R-LOC-01", 4, 3, None)
    assert alert.detail == "数学、科学、英语、语文"


def test_an_alert_key_is_stable_and_names_subject_item_and_session_when_present():
    assert Alert("R-HW-02", "class", 12, MON, 61, 60).key == "R-HW-02|class|12|2026-11-23"
    assert Alert("R-LOC-01", "class", 12, MON, 21, 20, subject="语文").key.endswith(
        "|subject=语文")
    assert Alert("R-HW-06", "class", 12, MON, "签字", None, item_id=7).key.endswith("|item=7")
    assert Alert("R-AS-02", "school", None, MON, "18:10", "x", session_id=3).key == (
        "R-AS-02|school||2026-11-23|session=3")
    assert Alert("R-CL-01", "class", 12, None, 46, 45).key == "R-CL-01|class|12|"


@pytest.mark.parametrize(("text", "rule", "matched"), [
    ("完成练习册第5页，家长签字", "R-HW-06", "家长签字"),
    ("请家长检查签字", "R-HW-06", "请家长检查签字"),
    ("听写生字，家长批改后拍照上传", "R-HW-06", "家长批改"),
    ("每天在群里打卡，家长在群里打卡", "R-HW-06", "家长在群里打卡"),
    ("试卷签名后带回", "R-HW-06", "签名"),
    ("Worksheet p.3, Parent Signature required", "R-HW-06", "Parent Signature"),
    ("Spelling list, signed by parent", "R-HW-06", "signed by parent"),
    ("生字抄写10遍", "R-HW-08", "抄写10遍"),
    ("课文抄五遍", "R-HW-08", "抄五遍"),
    ("错题罚抄", "R-HW-08", "罚抄"),
    ("抄写课文三遍", "R-HW-08", "抄写课文三遍"),
    ("每个生字写 20 遍", "R-HW-08", "写 20 遍"),
    ("Copy each new word 10 times", "R-HW-08", "Copy each new word 10 times"),
])
def test_banned_wording_is_found_with_its_rule_and_the_matched_text(text, rule, matched):
    """R-HW-06 work for parents and R-HW-08 punitive or repetitive copying."""
    assert (rule, matched) in wording_problems(text, NATIONAL)


@pytest.mark.parametrize("text", [
    "阅读课文", "朗读课文三遍", "用签字笔书写作文", "订正错题后再写一遍", "抄写一遍生字表",
    "和家长分享今天的故事", "家长会通知带回", "Read chapter 3 twice", "Write one sentence",
])
def test_ordinary_homework_wording_is_not_flagged(text):
    assert wording_problems(text, NATIONAL) == []


def test_an_item_gets_one_alert_per_wording_rule_on_its_set_date():
    item = hw(10, id=8, day=SUN, description="生字罚抄十遍，请家长签字。家长打分")
    alerts = wording_alerts(item, NATIONAL)
    assert [(a.rule_id, a.figure, a.item_id, a.day, a.limit) for a in alerts] == [
        ("R-HW-06", "请家长签字、家长打分", 8, SUN, None), ("R-HW-08", "罚抄十遍", 8, SUN, None)]


def test_a_school_can_ban_more_wording_than_the_national_list():
    school = tighten(NATIONAL, {"parent_words": ["家长陪读"], "punitive_patterns": ["背诵十遍"]})
    assert wording_problems("请家长陪读，背诵十遍", school) == [
        ("R-HW-06", "请家长陪读"), ("R-HW-08", "背诵十遍")]


@pytest.mark.parametrize(("grade", "headcount", "limit"), [(6, 46, 45), (7, 51, 50)])
def test_a_class_larger_than_its_stage_allows_is_flagged_under_r_cl_01(grade, headcount, limit):
    assert class_size_alert(class_id=1, grade=grade, headcount=headcount - 1,
                            policy=NATIONAL) is None
    alert = class_size_alert(class_id=1, grade=grade, headcount=headcount, policy=NATIONAL)
    assert (alert.rule_id, alert.figure, alert.limit, alert.day) == ("R-CL-01", headcount, limit,
                                                                     None)


@pytest.mark.parametrize(("existing", "minutes", "state"), [
    (0, 48, "ok"), (0, 49, "near"), (30, 30, "near"), (30, 31, "over")])
def test_the_budget_meter_is_ok_to_80_percent_near_to_the_cap_and_over_beyond(
        existing, minutes, state):
    """R-HW-05: every teacher sees the shared budget before saving."""
    result = preview([hw(existing, subject="语文")], hw(minutes), grade=4, calendar=CAL,
                     policy=NATIONAL)
    assert (result.day, result.before.counted, result.after.counted, result.state) == (
        MON, existing, existing + minutes, state)


def test_the_meter_for_grade_1_is_ok_in_class_and_over_for_any_minute_at_home():
    meter = {loc: preview([], hw(1, location=loc), grade=1, calendar=CAL, policy=NATIONAL)
             for loc in ("class", "home")}
    assert (meter["class"].state, meter["home"].state) == ("ok", "over")
    assert [a.rule_id for a in meter["home"].alerts] == ["R-HW-01"]


def test_editing_an_item_replaces_it_in_the_meter_rather_than_adding_to_it():
    result = preview([hw(50, id=3), hw(5, id=4)], hw(40, id=3), grade=4, calendar=CAL,
                     policy=NATIONAL, replacing_id=3)
    assert (result.before.counted, result.after.counted, result.state) == (55, 45, "ok")


def test_the_meter_reports_only_new_alerts_and_wording_makes_it_over():
    already_over = preview([hw(70, subject="语文")], hw(0, description="家长签字"), grade=4,
                           calendar=CAL, policy=NATIONAL)
    assert [a.rule_id for a in already_over.alerts] == ["R-HW-06"]
    assert already_over.state == "over"


def test_the_meter_judges_every_evening_of_a_multi_day_item_and_shows_the_worst():
    busy_wednesday = [hw(50, day=MON + timedelta(days=2))]
    result = preview(busy_wednesday, hw(30, due=MON + timedelta(days=3)), grade=4, calendar=CAL,
                     policy=NATIONAL)
    assert (result.day, result.after.counted, result.state) == (MON + timedelta(days=2), 60,
                                                                "near")
    assert [a.rule_id for a in result.alerts] == []


@pytest.mark.parametrize(("counted", "cap", "state"), [
    (47, 60, "ok"), (48, 60, "ok"), (49, 60, "near"), (60, 60, "near"), (61, 60, "over"),
    (72, 90, "ok"), (73, 90, "near"), (0, 0, "ok"), (1, 0, "over")])
def test_a_load_is_ok_up_to_four_fifths_of_its_cap_near_above_and_over_past_the_cap(counted, cap, state):
    assert load_state(counted, cap) == state


@pytest.mark.parametrize("changes", [{"withdrawn": True}, {"no_homework": True}])
def test_a_withdrawn_entry_or_a_no_homework_marker_never_counts(changes):
    assert counts_toward_cap(kind="written", required=True, location="home") is True
    assert counts_toward_cap(kind="written", required=True, location="home", **changes) is False
