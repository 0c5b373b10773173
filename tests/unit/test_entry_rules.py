"""When a homework entry may still be changed, and how far its due date may reach (core/entry.py)."""

from datetime import date, timedelta

import pytest

from edulite.core.entry import MAX_SPREAD_DAYS, editable
from edulite.homework.input import InvalidHomework, parse_homework

MONDAY = date(2025, 3, 3)


@pytest.mark.parametrize(("set_date", "logged_on", "today", "expected"), [
    (MONDAY, MONDAY, MONDAY, True),                       # set and logged today
    (date(2025, 3, 5), MONDAY, date(2025, 3, 4), True),   # prepared ahead: open until its day
    (date(2025, 3, 5), MONDAY, date(2025, 3, 5), True),
    (MONDAY, MONDAY, date(2025, 3, 4), False),            # its evening has passed
    (date(2025, 2, 28), MONDAY, MONDAY, True),            # caught up on last week's today: fix it today
    (date(2025, 2, 28), MONDAY, date(2025, 3, 4), False),
])
def test_an_entry_can_be_changed_until_its_set_date_passes_or_on_the_day_it_was_logged(
        set_date, logged_on, today, expected):
    assert editable(set_date=set_date, logged_on=logged_on, today=today) is expected


def test_a_withdrawn_entry_can_never_be_changed():
    assert not editable(set_date=MONDAY, logged_on=MONDAY, today=MONDAY, withdrawn=True)


def _form(due: date) -> dict[str, str]:
    return {"subject_id": "1", "description": "p. 12", "minutes": "20", "set_date": MONDAY.isoformat(),
            "due_date": due.isoformat()}


def test_the_form_accepts_a_due_date_exactly_the_longest_spread_away():
    data = parse_homework(_form(MONDAY + timedelta(days=MAX_SPREAD_DAYS)), class_id=1)
    assert (data.due_date - data.set_date).days == MAX_SPREAD_DAYS


def test_the_form_refuses_a_due_date_one_day_beyond_the_longest_spread():
    with pytest.raises(InvalidHomework) as caught:
        parse_homework(_form(MONDAY + timedelta(days=MAX_SPREAD_DAYS + 1)), class_id=1)
    assert [p.code for p in caught.value.problems["due_date"]] == ["due_too_far"]
