"""The family survey's indicators and R-SV rules as pure functions (#13): the floor (R-SV-00) at 4 and 5
answers, answers exactly at the cap, ratios over zero logged minutes, and properties: no answer counted
twice, order never matters."""

from __future__ import annotations

import dataclasses
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from edulite.core.policy import NATIONAL, PolicyLooser, tighten
from edulite.core.survey_rules import (
    BEDTIME_BANDS,
    Answer,
    Tally,
    bedtime_kept,
    class_week_alerts,
    evenings_over,
    figures,
    histogram_median,
    on_time,
    percentile,
    ranked,
    ratio,
    tally_figures,
    unique,
)

MON = date(2026, 11, 16)


def ans(n: int = 0, *, minutes: int = 40, evening: date = MON, cap: int = 60, logged: int = 40,
        bedtime: str = "21:00", asked: bool = False, phone: bool = False, finished: bool = True,
        class_id: int = 1, revision: int = 0) -> Answer:
    return Answer(class_id, evening, f"device-{n}", minutes, finished, bedtime, asked, phone, cap, "21:20", logged,
                  3, revision)


def test_four_answers_show_no_figure_and_five_do():
    four = figures([ans(n) for n in range(4)], floor=5)
    assert (four.answers, four.enough, four.on_time, four.median, four.ratio) == (4, False, None, None, None)
    five = figures([ans(n) for n in range(5)], floor=5)
    assert (five.answers, five.enough, five.on_time, five.median) == (5, True, 100.0, 40.0)


def test_a_stricter_floor_of_seven_hides_six_answers():
    assert not figures([ans(n) for n in range(6)], floor=7).enough


def test_exactly_at_the_cap_is_on_time_and_one_minute_over_is_not():
    at = figures([ans(n, minutes=60) for n in range(5)], floor=5)
    over = figures([ans(n, minutes=61) for n in range(5)], floor=5)
    assert (at.on_time, over.on_time) == (100.0, 0.0)


def test_grades_one_and_two_are_on_time_only_with_no_written_homework_at_home():
    f = figures([ans(n, minutes=m, cap=0) for n, m in enumerate((0, 0, 0, 10, 5))], floor=5)
    assert f.on_time == 60.0


def test_median_and_nearest_rank_90th_percentile_are_minutes_families_reported():
    f = figures([ans(n, minutes=m) for n, m in enumerate((10, 20, 30, 40, 50, 60, 70, 80, 90, 100))], floor=5)
    assert (f.median, f.p90) == (55.0, 90)
    assert percentile([5], 0.9) == 5


def test_the_ratio_needs_logged_minutes():
    assert ratio(40.0, 0.0) is None and ratio(None, 30.0) is None and ratio(42.0, 30.0) == 1.4
    f = figures([ans(n, minutes=30, logged=0) for n in range(5)], floor=5)
    assert (f.logged_median, f.ratio) == (0.0, None)


def test_shares_of_bedtime_checking_and_phones():
    group = [ans(0, bedtime="21:30", asked=True), ans(1, phone=True), ans(2, bedtime="later"), ans(3), ans(4)]
    f = figures(group, floor=5)
    assert (f.bedtime_kept, f.asked_to_check, f.phone_used) == (60.0, 20.0, 20.0)


@pytest.mark.parametrize(("band", "limit", "kept"), [
    ("21:00", "21:20", True), ("21:30", "21:20", False), ("22:00", "22:00", True), ("22:30", "22:00", False),
    ("later", "23:59", False), ("23:00", "00:30", True),
])
def test_bedtime_kept_is_in_bed_by_the_cut_off_of_r_hw_10(band, limit, kept):
    assert bedtime_kept(band, limit) is kept


def test_a_later_answer_from_the_same_device_replaces_the_earlier():
    f = figures([ans(n) for n in range(4)] + [ans(0, minutes=90, revision=1), ans(0, minutes=10)], floor=5)
    assert f.answers == 4 and not f.enough
    assert [a.minutes for a in unique([ans(0, minutes=10), ans(0, minutes=90, revision=1)])] == [90]


def week(minutes_by_evening: dict[int, int], *, logged: int = 40, n: int = 5, **kw) -> list[Answer]:
    return [ans(i, minutes=m, evening=MON + timedelta(days=d), logged=logged, **kw)
            for d, m in minutes_by_evening.items() for i in range(n)]


def rules_of(answers, policy=NATIONAL):
    return [(a.rule_id, a.figure, a.limit) for a in class_week_alerts(answers, class_id=1, week=MON, policy=policy)]


def test_r_sv_01_needs_two_evenings_over_the_cap_while_the_logged_load_stays_within():
    assert rules_of(week({0: 61})) == []
    assert rules_of(week({0: 61, 1: 61})) == [("R-SV-01", 2, 2)]
    assert rules_of(week({0: 60, 1: 60})) == []  # exactly at the cap is within it
    assert rules_of(week({0: 61, 1: 61}, logged=61)) == []  # the log already says over: R-HW-02's business


def test_r_sv_01_ignores_an_evening_under_the_floor():
    assert rules_of(week({0: 61}) + week({1: 61}, n=4)) == []
    assert evenings_over(week({0: 61, 1: 61}), floor=5) == [MON, MON + timedelta(days=1)]


def test_r_sv_02_above_five_percent_of_a_class_week():
    twenty = [ans(n, evening=MON + timedelta(days=n % 5), asked=n == 0) for n in range(20)]
    assert rules_of(twenty) == []  # 1 of 20 is exactly 5 %: not above
    assert rules_of(twenty[:19]) == [("R-SV-02", 5.3, 5)]


def test_r_sv_03_below_the_bedtime_share():
    ten = [ans(n, evening=MON + timedelta(days=n % 5), bedtime="21:30" if n == 0 else "21:00") for n in range(10)]
    assert rules_of(ten) == []  # 90 % kept: at the threshold
    assert rules_of([*ten[:9], ans(9, evening=MON, bedtime="later")][1:]) == [("R-SV-03", 88.9, 90)]


def test_no_rule_fires_under_the_floor_and_a_stricter_floor_is_the_only_change_allowed():
    assert rules_of([ans(n, asked=True, bedtime="later") for n in range(4)]) == []
    stricter = tighten(NATIONAL, {"survey_min_answers": 10, "survey_check_share_max": 2,
                                  "survey_bedtime_kept_min": 95, "survey_over_evenings": 1})
    assert rules_of([ans(n, asked=True) for n in range(9)], stricter) == []
    for key, value in (("survey_min_answers", 4), ("survey_check_share_max", 6), ("survey_bedtime_kept_min", 80),
                       ("survey_over_evenings", 3)):
        with pytest.raises(PolicyLooser):
            tighten(NATIONAL, {key: value})


answer_lists = st.lists(st.builds(
    ans, st.integers(0, 6), minutes=st.integers(0, 360), evening=st.sampled_from([MON + timedelta(days=d)
                                                                                  for d in range(7)]),
    cap=st.sampled_from([0, 60, 90]), logged=st.integers(0, 120),
    bedtime=st.sampled_from(["20:00", "21:00", "21:30", "22:00", "later"]), asked=st.booleans(),
    phone=st.booleans(), class_id=st.sampled_from([1, 2]), revision=st.integers(0, 2)), max_size=40)


@given(answer_lists, st.randoms())
def test_order_never_matters(answers, rng):
    shuffled = list(answers)
    rng.shuffle(shuffled)
    assert figures(shuffled, floor=5) == figures(answers, floor=5)
    assert rules_of(shuffled) == rules_of(answers)


@given(answer_lists)
def test_no_answer_is_counted_twice(answers):
    once = figures(answers, floor=1)
    assert figures(answers + answers, floor=1) == once
    assert once.answers == len({a.key for a in answers})


@given(answer_lists)
def test_a_policy_dataclass_change_of_the_floor_only_hides_figures(answers):
    high = figures(answers, floor=dataclasses.replace(NATIONAL, survey_min_answers=30).survey_min_answers)
    low = figures(answers, floor=5)
    assert high == low or (not high.enough and high.answers == low.answers)


def tally_of(answers: list[Answer]) -> Tally:
    """Count what tally_figures needs, as the district's SQL statement does (edulite.survey.district)."""
    minutes: dict[int, int] = {}
    logged: dict[int, int] = {}
    for a in answers:
        minutes[a.minutes] = minutes.get(a.minutes, 0) + 1
        logged[a.logged] = logged.get(a.logged, 0) + 1
    return Tally(len(answers), sum(on_time(a) for a in answers),
                 sum(bedtime_kept(a.bedtime, a.bedtime_limit) for a in answers), sum(a.finished for a in answers),
                 sum(a.asked_to_check for a in answers), sum(a.phone_used for a in answers), minutes, logged)


@given(st.lists(st.tuples(st.integers(0, 360), st.integers(0, 150), st.sampled_from(BEDTIME_BANDS),
                          st.booleans(), st.booleans(), st.booleans(), st.integers(0, 120)), max_size=60),
       st.integers(1, 8))
def test_figures_from_counts_equal_figures_of_the_answers(values, floor):
    # Medians of an odd and an even number, the nearest-rank 90th percentile, the floor (R-SV-00), ratios.
    answers = [Answer(1, MON, f"d{i}", m, fin, band, asked, phone, cap, "21:20", lg, 3)
               for i, (m, lg, band, fin, asked, phone, cap) in enumerate(values)]
    assert tally_figures(tally_of(answers), floor=floor) == figures(answers, floor=floor)


def test_ranked_and_histogram_median():
    assert [ranked({3: 2, 1: 1}, i) for i in range(3)] == [1, 3, 3]
    assert histogram_median({1: 1, 4: 1}, 2) == 2.5 and histogram_median({7: 3}, 3) == 7.0
    with pytest.raises(IndexError):
        ranked({1: 1}, 1)
