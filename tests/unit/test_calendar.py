"""The school calendar decides which cap applies to a day (R-HW-04) and which days need
after-school service (R-AS-01)."""

import copy
import json
import pickle
from datetime import date, datetime, timedelta

import pytest

from edulite.afterschool.input import day_or
from edulite.core.calendar import (
    DayKind,
    FrozenDict,
    SchoolCalendar,
    parse_day_kind,
    parse_iso_day,
    week_start,
)
from edulite.imports.sheets import day as sheet_day
from edulite.reports.publication import week_of

MON = date(2026, 11, 23)
SAT = date(2026, 11, 28)
SUN = date(2026, 11, 29)
NATIONAL_DAY = date(2026, 10, 1)  # a Thursday
MAKEUP_SATURDAY = date(2026, 10, 10)


def golden_week_calendar():
    holidays = {NATIONAL_DAY + timedelta(days=n): DayKind.HOLIDAY for n in range(7)}
    return SchoolCalendar({**holidays, MAKEUP_SATURDAY: DayKind.SCHOOL_DAY})


def test_weekdays_are_school_days_and_saturday_and_sunday_are_weekend_by_default():
    cal = SchoolCalendar()
    assert [cal.kind(MON + timedelta(days=n)) for n in range(7)] == [DayKind.SCHOOL_DAY] * 5 + [
        DayKind.WEEKEND] * 2


def test_a_holiday_override_turns_a_weekday_into_a_holiday():
    cal = golden_week_calendar()
    assert cal.kind(NATIONAL_DAY) is DayKind.HOLIDAY
    assert not cal.is_school_day(NATIONAL_DAY)


def test_a_makeup_saturday_is_a_school_day_so_it_takes_the_school_day_cap():
    """调休: R-HW-04's weekend cap does not apply to a make-up working Saturday."""
    cal = golden_week_calendar()
    assert MAKEUP_SATURDAY.weekday() == 5
    assert cal.kind(MAKEUP_SATURDAY) is DayKind.SCHOOL_DAY
    assert cal.is_school_day(MAKEUP_SATURDAY)


def test_overrides_given_as_chinese_or_english_words_are_read_as_day_kinds():
    cal = SchoolCalendar({NATIONAL_DAY: "节假日", MAKEUP_SATURDAY: "school_day"})
    assert cal.kind(NATIONAL_DAY) is DayKind.HOLIDAY
    assert cal.kind(MAKEUP_SATURDAY) is DayKind.SCHOOL_DAY


def test_an_override_keyed_by_something_other_than_a_date_is_refused():
    with pytest.raises(ValueError, match="date"):
        SchoolCalendar({"2026-10-01": DayKind.HOLIDAY})


def test_the_calendar_keeps_its_own_copy_of_the_overrides():
    overrides = {NATIONAL_DAY: DayKind.HOLIDAY}
    cal = SchoolCalendar(overrides)
    overrides[MON] = DayKind.HOLIDAY
    assert cal.is_school_day(MON)
    with pytest.raises(TypeError):
        cal.overrides[MON] = DayKind.HOLIDAY


def test_school_days_cover_the_half_open_range_and_skip_weekends():
    cal = SchoolCalendar()
    assert cal.school_days(MON, MON + timedelta(days=7)) == [MON + timedelta(days=n)
                                                             for n in range(5)]
    assert cal.school_days(MON, MON) == []
    assert cal.school_days(MON, MON + timedelta(days=1)) == [MON]


def test_school_days_of_golden_week_are_the_two_days_before_and_the_makeup_saturday():
    cal = golden_week_calendar()
    days = cal.school_days(date(2026, 9, 28), date(2026, 10, 12))
    assert days == [date(2026, 9, 28), date(2026, 9, 29), date(2026, 9, 30), date(2026, 10, 8),
                    date(2026, 10, 9), MAKEUP_SATURDAY]


def test_days_lists_every_date_of_the_range_with_its_kind():
    cal = golden_week_calendar()
    assert cal.days(date(2026, 9, 30), date(2026, 10, 2)) == [
        (date(2026, 9, 30), DayKind.SCHOOL_DAY), (NATIONAL_DAY, DayKind.HOLIDAY)]


def test_next_school_day_after_friday_is_monday():
    assert SchoolCalendar().next_school_day(MON + timedelta(days=4)) == MON + timedelta(days=7)


def test_next_school_day_is_strictly_after_the_given_day():
    assert SchoolCalendar().next_school_day(MON) == MON + timedelta(days=1)


def test_next_school_day_skips_a_holiday_week():
    assert golden_week_calendar().next_school_day(date(2026, 9, 30)) == date(2026, 10, 8)


def test_next_school_day_gives_up_after_a_year_without_school_days():
    start = date(2026, 1, 1)
    no_school = SchoolCalendar({start + timedelta(days=n): DayKind.HOLIDAY for n in range(400)})
    assert no_school.next_school_day(start) == start + timedelta(days=1)


def test_a_week_starts_on_monday_and_runs_to_the_next_monday_half_open():
    assert week_start(SUN) == MON
    assert week_start(MON) == MON


@pytest.mark.parametrize(("text", "kind"), [
    ("school_day", DayKind.SCHOOL_DAY), (" School-Day ", DayKind.SCHOOL_DAY),
    ("school day", DayKind.SCHOOL_DAY), ("上课日", DayKind.SCHOOL_DAY),
    ("工作日", DayKind.SCHOOL_DAY), ("调休", DayKind.SCHOOL_DAY),
    ("weekend", DayKind.WEEKEND), ("周末", DayKind.WEEKEND), ("HOLIDAY", DayKind.HOLIDAY),
    ("节假日", DayKind.HOLIDAY), ("假日", DayKind.HOLIDAY), ("放假", DayKind.HOLIDAY),
    (DayKind.WEEKEND, DayKind.WEEKEND),
])
def test_day_kinds_are_read_in_english_and_chinese(text, kind):
    assert parse_day_kind(text) is kind


@pytest.mark.parametrize("text", ["", "sunday", "上课", "school", None, 3])
def test_an_unknown_day_kind_is_refused_with_the_accepted_words_in_the_message(text):
    with pytest.raises(ValueError, match="school_day, weekend or holiday"):
        parse_day_kind(text)


def test_day_kinds_compare_equal_to_their_stored_strings():
    assert DayKind.HOLIDAY == "holiday"
    assert DayKind("weekend") is DayKind.WEEKEND


def test_a_frozen_dict_refuses_changes_but_serialises_hashes_pickles_and_copies():
    frozen = FrozenDict({"3-6": 60})
    for change in (lambda: frozen.__setitem__("3-6", 90), lambda: frozen.update(a=1),
                   lambda: frozen.pop("3-6"), frozen.clear, lambda: frozen.setdefault("x", 1)):
        with pytest.raises(TypeError):
            change()
    assert json.dumps(frozen) == '{"3-6": 60}'
    assert hash(frozen) == hash(FrozenDict({"3-6": 60}))
    assert pickle.loads(pickle.dumps(frozen)) == frozen
    assert copy.deepcopy(frozen) == {"3-6": 60}
    assert type(pickle.loads(pickle.dumps(frozen))) is FrozenDict


def test_calendars_with_the_same_overrides_are_equal_and_hashable():
    assert golden_week_calendar() == golden_week_calendar()
    assert hash(golden_week_calendar()) == hash(golden_week_calendar())


@pytest.mark.parametrize(("text", "expected"), [
    ("2026-11-23", date(2026, 11, 23)), (" 2026-11-23\n", date(2026, 11, 23)),
    ("2000-01-01", date(2000, 1, 1)), ("2099-12-31", date(2099, 12, 31)), (date(2026, 11, 23), date(2026, 11, 23)),
    ("1999-12-31", None), ("2100-01-01", None), ("9999-12-31", None), ("0001-01-01", None), (date(2100, 1, 1), None),
    ("2026-02-30", None), ("23/11/2026", None), ("20261123", None), ("2026-W48-1", None),
    ("", None), (None, None), (20261123, None),
    (datetime(2026, 11, 23, 8, 0), None),
])
def test_one_parser_reads_an_iso_day_within_the_supported_years(text, expected):
    assert parse_iso_day(text) == expected


@pytest.mark.parametrize("far", ["1999-12-31", "2100-01-01", "0001-01-01", "9999-12-31"])
def test_every_reader_of_a_typed_date_refuses_the_same_years(far):
    today = date(2026, 11, 25)
    assert day_or(far, today) == today and week_of(far, today) == date(2026, 11, 23)
    with pytest.raises(ValueError, match="must be a date"):
        sheet_day(far)
