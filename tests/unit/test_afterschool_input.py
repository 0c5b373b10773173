"""What a teacher types about a session, and a principal about a term's plan, is checked before any row."""

from datetime import date, time

import pytest

from edulite.afterschool.input import Invalid, PlanTexts, SessionTexts, parse_plan, parse_session
from edulite.core.calendar import DayKind, SchoolCalendar

MON = date(2026, 11, 16)
WED = date(2026, 11, 18)
HEADCOUNTS = {1: 40, 2: 35}
CALENDAR = SchoolCalendar({date(2026, 11, 17): DayKind.HOLIDAY})


def texts(**changes):
    values = {"start": "15:40", "end": "17:40", "activity": "reading", "pupils": {1: "30"}, "note": "",
              "day": MON.isoformat()}
    values.update(changes)
    return SessionTexts(**values)


def parse(**changes):
    return parse_session(texts(**changes), headcounts=HEADCOUNTS, calendar=CALENDAR, today=WED)


def codes(**changes):
    with pytest.raises(Invalid) as err:
        parse(**changes)
    return {field: code for field, (code, _params) in err.value.errors.items()}


def test_a_good_session_comes_back_as_plain_values_without_classes_that_had_no_pupils():
    got = parse(pupils={1: " 30 ", 2: ""}, note="  雨天改室内 ")
    assert (got.day, got.start, got.end, got.activity) == (MON, time(15, 40), time(17, 40), "reading")
    assert dict(got.pupils) == {1: 30}
    assert got.note == "雨天改室内"


def test_a_zero_is_kept_as_a_class_of_the_session_nobody_came_from_and_a_blank_class_is_left_out():
    assert dict(parse(pupils={1: "30", 2: "0"}).pupils) == {1: 30, 2: 0}


@pytest.mark.parametrize(("start", "end", "expected"), [
    ("17:40", "15:40", {"end": "end_before_start"}),
    ("17:40", "17:40", {"end": "end_before_start"}),
    ("11:59", "17:40", {"start": "time_outside"}),
    ("15:40", "21:01", {"end": "time_outside"}),
    ("3:40", "17:40", {"start": "time_invalid"}),
    ("", "abc", {"start": "time_invalid", "end": "time_invalid"}),
    ("15:40+08", "1740+0800", {"start": "time_invalid", "end": "time_invalid"}),
])
def test_times_must_be_afternoon_clock_times_with_the_end_after_the_start(start, end, expected):
    assert codes(start=start, end=end) == expected


def test_noon_and_nine_in_the_evening_are_the_outer_limits():
    got = parse(start="12:00", end="21:00")
    assert (got.start, got.end) == (time(12), time(21))


@pytest.mark.parametrize(("typed", "code"), [("41", "pupils_over"), ("-1", "pupils_negative"),
                                             ("2.5", "pupils_invalid"), ("三十", "pupils_invalid")])
def test_pupils_must_be_a_whole_number_no_larger_than_the_class(typed, code):
    assert codes(pupils={1: typed}) == {"pupils-1": code}


def test_a_whole_class_may_take_part():
    assert dict(parse(pupils={1: "40"}).pupils) == {1: 40}


def test_the_too_many_pupils_message_names_the_headcount():
    with pytest.raises(Invalid) as err:
        parse(pupils={2: "36"})
    assert err.value.errors["pupils-2"] == ("pupils_over", {"headcount": 35})


def test_a_class_of_another_school_is_ignored_and_a_session_needs_pupils_of_at_least_one_class():
    assert codes(pupils={99: "20"}) == {"classes": "no_pupils"}
    assert codes(pupils={1: "0"}) == {"classes": "no_pupils"}
    assert codes(pupils={1: "0", 2: "0"}) == {"classes": "no_pupils"}


@pytest.mark.parametrize(("day", "code"), [
    ("2026-11-21", "not_school_day"),  # Saturday
    ("2026-11-17", "not_school_day"),  # holiday in the school calendar
    ("2026-11-19", "day_future"),
    ("16/11/2026", "date_invalid"),
])
def test_a_session_is_logged_on_a_school_day_that_has_come(day, code):
    assert codes(day=day) == {"day": code}


def test_an_adjusted_session_keeps_its_own_day_whatever_the_form_says():
    got = parse_session(texts(day="nonsense"), headcounts=HEADCOUNTS, calendar=CALENDAR, today=WED,
                        fixed_day=WED)
    assert got.day == WED


def test_an_unknown_activity_and_a_long_note_are_refused_with_everything_else_at_once():
    assert codes(activity="lecture", note="x" * 301, end="12:30", pupils={1: "99"}) == {
        "activity": "activity_invalid", "note": "note_long", "end": "end_before_start", "pupils-1": "pupils_over"}


def test_a_new_lesson_can_be_logged_so_that_it_is_flagged():
    assert parse(activity="new_lesson").activity == "new_lesson"


def plan(days=None, valid_from="2026-09-01", valid_to="2027-01-31", other_terms=()):
    days = {0: ("15:40", "17:40", ["reading", "sports"])} if days is None else days
    return parse_plan(PlanTexts(valid_from, valid_to, days), other_terms=list(other_terms))


def plan_codes(**kwargs):
    with pytest.raises(Invalid) as err:
        plan(**kwargs)
    return {field: code for field, (code, _params) in err.value.errors.items()}


def test_a_plan_keeps_the_days_with_times_in_the_order_activities_are_listed():
    got = plan({0: ("15:40", "17:40", ["sports", "reading"]), 1: ("", "", []), 4: ("15:30", "17:30", ["arts"])})
    assert (got.valid_from, got.valid_to) == (date(2026, 9, 1), date(2027, 1, 31))
    assert sorted(got.days) == [0, 4]
    assert got.days[0].activities == ("reading", "sports")
    assert got.days[4].start == time(15, 30)


@pytest.mark.parametrize(("days", "expected"), [
    ({0: ("15:40", "", ["reading"])}, {"0-end": "time_invalid"}),
    ({2: ("17:40", "15:40", ["reading"])}, {"2-end": "end_before_start"}),
    ({3: ("15:40", "17:40", [])}, {"3-activities": "activities_missing"}),
    ({3: ("15:40", "17:40", ["reading", "new_lesson"])}, {"3-activities": "plan_new_lesson"}),
    ({1: ("08:00", "17:40", ["reading"])}, {"1-start": "time_outside"}),
    ({}, {"days": "plan_empty"}),
])
def test_each_planned_day_needs_both_times_in_order_and_allowed_activities(days, expected):
    assert plan_codes(days=days) == expected


def test_a_term_must_end_after_it_starts_and_not_overlap_another_term():
    assert plan_codes(valid_from="2027-01-31", valid_to="2026-09-01") == {"valid_to": "term_reversed"}
    summer = (date(2026, 2, 1), date(2026, 9, 1))
    with pytest.raises(Invalid) as err:
        plan(other_terms=[summer])
    assert err.value.errors == {"valid_from": ("term_overlaps", {"start": "2026-02-01", "end": "2026-09-01"})}
    assert plan(other_terms=[(date(2026, 2, 1), date(2026, 8, 31))]).valid_from == date(2026, 9, 1)


@pytest.mark.parametrize("typed", ["٣", "9" * 5000, "1e3", "0x10"])
def test_digits_int_cannot_read_are_a_field_problem_not_an_exception(typed):
    # Found by the fuzz suite (#17): isdigit() accepted these, then int() raised (a 500 on the form).
    assert codes(pupils={1: typed}) == {"pupils-1": "pupils_invalid"}


def test_full_width_pupil_counts_from_chinese_input_methods_are_read():
    assert dict(parse(pupils={1: "３０"}).pupils) == {1: 30}
