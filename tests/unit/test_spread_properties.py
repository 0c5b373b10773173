"""Properties of counting (POLICY "Counting, precisely"): spreading never loses or invents a
minute, and the order in which items arrive never changes a load or an alert."""

from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from edulite.core.calendar import DayKind, SchoolCalendar
from edulite.core.policy import NATIONAL, tighten
from edulite.core.rules import (
    KINDS,
    LOCATIONS,
    Item,
    day_loads,
    evenings,
    item_counts,
    preview,
    spread,
    weekly_average,
)

MON = date(2026, 11, 23)
START, END = MON - timedelta(days=7), MON + timedelta(days=21)
CALENDAR = SchoolCalendar({MON + timedelta(days=3): DayKind.HOLIDAY,
                           MON + timedelta(days=12): DayKind.SCHOOL_DAY})
LOCAL = tighten(NATIONAL, {"subject_caps": {"语文": 20, "数学": 20},
                           "max_subjects_per_day": {"3-6": 2, "7-9": 3}})
DESCRIPTIONS = ["", "完成练习册", "家长签字", "生字抄写10遍", "阅读课文", "请家长检查签字"]


@st.composite
def items(draw, class_ids=(1,)):
    set_date = draw(st.dates(min_value=MON - timedelta(days=7), max_value=MON + timedelta(days=13)))
    due = draw(st.none() | st.integers(0, 12).map(lambda n: set_date + timedelta(days=n)))
    return Item(
        id=draw(st.none() | st.integers(1, 50)), class_id=draw(st.sampled_from(class_ids)),
        subject=draw(st.sampled_from(["语文", "数学", "英语", "科学", "道法"])),
        kind=draw(st.sampled_from(KINDS)), required=draw(st.booleans()),
        location=draw(st.sampled_from(LOCATIONS)), minutes=draw(st.integers(0, 240)),
        set_date=set_date, due_date=due, description=draw(st.sampled_from(DESCRIPTIONS)))


def loads_of(batch, grade, policy=LOCAL):
    return day_loads(batch, class_id=1, grade=grade, calendar=CALENDAR, policy=policy,
                     start=START, end=END)


@given(items())
def test_spread_never_loses_or_invents_a_minute(item):
    shares = spread(item)
    assert sum(shares.values()) == item.minutes
    assert all(share >= 0 for share in shares.values())
    assert max(shares.values()) - min(shares.values()) <= 1


@given(items())
def test_spread_covers_exactly_the_evenings_and_puts_the_remainder_first(item):
    shares = spread(item)
    assert list(shares) == evenings(item)
    values = list(shares.values())
    assert values == sorted(values, reverse=True)


@given(items())
def test_evenings_run_from_the_set_date_to_before_the_due_date(item):
    days = evenings(item)
    assert days[0] == item.set_date
    assert days == sorted(set(days))
    if item.due_date is not None and item.due_date > item.set_date + timedelta(days=1):
        assert days[-1] == item.due_date - timedelta(days=1)
    else:
        assert days == [item.set_date]


@given(st.lists(items(class_ids=(1, 2)), max_size=12), st.integers(1, 9))
def test_the_counted_load_over_a_range_is_the_counted_minutes_of_the_classs_items(batch, grade):
    inside = [i for i in batch if i.class_id == 1 and item_counts(i)]
    expected = sum(m for i in inside for d, m in spread(i).items() if START <= d < END)
    assert sum(day.counted for day in loads_of(batch, grade)) == expected


@given(st.lists(items(), max_size=12), st.integers(1, 9))
def test_a_day_is_over_exactly_when_its_counted_load_exceeds_its_cap(batch, grade):
    for day in loads_of(batch, grade):
        assert day.over == (day.counted > day.cap)
        assert day.counted == sum(day.by_subject.values()) <= day.by_kind["written"]
        assert day.written_subjects == tuple(sorted(day.by_subject))


@given(st.data(), st.lists(items(class_ids=(1, 2)), max_size=12), st.integers(1, 9))
def test_reordering_items_never_changes_day_loads(data, batch, grade):
    shuffled = data.draw(st.permutations(batch))
    assert loads_of(shuffled, grade) == loads_of(batch, grade)


@settings(max_examples=60)
@given(st.data(), st.lists(items(), max_size=8), items(), st.integers(1, 9))
def test_reordering_items_never_changes_the_budget_meter(data, batch, candidate, grade):
    shuffled = data.draw(st.permutations(batch))
    meter = {"grade": grade, "calendar": CALENDAR, "policy": LOCAL}
    assert preview(shuffled, candidate, **meter) == preview(batch, candidate, **meter)


@given(st.lists(items(), max_size=12), st.integers(1, 9))
def test_the_weekly_average_lies_between_the_lightest_and_heaviest_school_day(batch, grade):
    school = [day for day in loads_of(batch, grade) if day.day_kind is DayKind.SCHOOL_DAY]
    average = weekly_average(school)
    assert min(d.counted for d in school) <= average <= max(d.counted for d in school)
