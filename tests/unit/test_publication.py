"""The parent page's pure parts: which week a link shows and which sentence describes a day."""

from datetime import date

import pytest

from edulite.core.calendar import today_in
from edulite.reports.publication import verdict, week_of

MON, WED = date(2026, 11, 16), date(2026, 11, 18)


@pytest.mark.parametrize(("text", "monday"), [
    ("2026-11-22", MON), ("2026-11-09", date(2026, 11, 9)), (None, MON), ("", MON), ("not a date", MON),
    ("9999-12-31", MON), ("0001-01-01", MON),
])
def test_a_week_is_named_by_any_of_its_days_and_nonsense_means_this_week(text, monday):
    assert week_of(text, WED) == monday


@pytest.mark.parametrize(("grade", "counted", "cap", "items", "school", "day", "expected"), [
    (3, 45, 60, True, True, MON, "below"),
    (3, 60, 60, True, True, MON, "at"),
    (3, 61, 60, True, True, MON, "over"),
    (3, 0, 60, True, True, MON, "nothing_counted"),
    (3, 0, 60, False, True, MON, "none"),
    (3, 0, 60, False, True, WED, "not_yet"),
    (3, 0, 60, False, False, WED, "day_off"),
    (2, 0, 0, True, True, MON, "grade12_none"),
    (1, 10, 0, True, True, MON, "grade12_over"),
    (1, 10, 0, False, True, MON, "grade12_over"),  # an item set earlier, done over several evenings
    (2, 0, 0, False, True, WED, "not_yet"),
])
def test_each_day_gets_the_sentence_that_fits(grade, counted, cap, items, school, day, expected):
    assert verdict(grade=grade, counted=counted, cap=cap, has_items=items, school_day=school, day=day,
                   today=WED) == expected


def test_an_unknown_school_time_zone_falls_back_to_china_time():
    assert today_in("Not/AZone") == today_in("Asia/Shanghai")
