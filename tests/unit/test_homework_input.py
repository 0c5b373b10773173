"""Reading what a teacher typed: every field's problem at once, clean text, no-homework exceptions."""

from datetime import date

import pytest

from edulite.homework.input import HomeworkInput, InvalidHomework, clean_text, parse_homework

GOOD = {"subject_id": "2", "description": "练习册", "kind": "written", "required": "1", "location": "home",
        "minutes": "20", "set_date": "2026-11-17", "due_date": ""}


def problems(**changes) -> dict[str, list[str]]:
    with pytest.raises(InvalidHomework) as caught:
        parse_homework(GOOD | changes, class_id=1)
    return {name: [p.code for p in found] for name, found in caught.value.problems.items()}


def test_a_good_entry_is_read_with_its_types():
    data = parse_homework(GOOD, class_id=1)
    assert (data.class_id, data.subject_id, data.minutes, data.required) == (1, 2, 20, True)
    assert (data.set_date, data.due_date) == (date(2026, 11, 17), None)


def test_the_class_comes_from_the_address_never_from_the_form():
    assert parse_homework(GOOD | {"class_id": "99"}, class_id=1).class_id == 1


def test_every_problem_is_reported_at_once():
    found = problems(description="", minutes="0", kind="x", due_date="2026-11-01")
    assert found == {"description": ["description"], "minutes": ["minutes"], "kind": ["kind"],
                     "due_date": ["due_before_set"]}


def test_no_homework_allows_zero_minutes_and_no_description():
    data = HomeworkInput(no_homework=True, class_id=1, subject_id=2, minutes=0, set_date=date(2026, 11, 17))
    assert data.minutes == 0 and data.description == ""


def test_control_characters_and_bidi_overrides_are_removed_but_newlines_kept():
    assert clean_text(" a\x00b\r\nc\u202ed\t ") == "ab\ncd"


@pytest.mark.parametrize("typed", ["20261117", "2026-W47-2", "17/11/2026", "2100-01-01", "1999-12-31"])
def test_dates_are_read_by_the_one_iso_parser_and_anything_else_is_the_fields_problem(typed):
    assert problems(set_date=typed) == {"set_date": ["set_date"]}
    assert problems(due_date=typed) == {"due_date": ["due_date"]}


def test_a_no_homework_flag_smuggled_into_the_entry_form_does_not_skip_the_checks():
    # #17: no_homework=true made an empty description and 0 minutes pass as an ordinary entry.
    assert problems(no_homework="true", description="", minutes="0") == {
        "description": ["description"], "minutes": ["minutes"]}
    assert parse_homework(GOOD | {"no_homework": "true"}, class_id=1).no_homework is False
