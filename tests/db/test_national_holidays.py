"""The national calendar (#14): statutory holidays and 调休 working days from the `holidays` library are the
default of every school's calendar, a school's own days win, and loads, alerts and page versions follow."""

from datetime import date

from sqlmodel import select

from edulite.core.calendar import DayKind
from edulite.db import session_scope
from edulite.homework import loads
from edulite.models import ClassDayLoad
from edulite.school import holidays, versions
from edulite.school.settings import set_calendar_days
from tests.support.factories import add_item

NEW_YEAR_2026 = date(2026, 1, 1)  # a Thursday
WORKING_SUNDAY = date(2026, 1, 4)  # 调休: a Sunday worked for the 元旦 bridge day


def test_the_library_knows_2026_with_its_adjusted_working_days_and_2027_holidays_without_them_yet():
    days = {d: (k, n) for d, k, n in holidays.national_days(2026)}
    assert days[NEW_YEAR_2026] == (DayKind.HOLIDAY, "元旦")
    assert days[WORKING_SUNDAY][0] is DayKind.SCHOOL_DAY and days[date(2026, 10, 1)][0] is DayKind.HOLIDAY
    later = {d: k for d, k, _n in holidays.national_days(2027)}
    assert later[date(2027, 1, 1)] is DayKind.HOLIDAY and later[date(2027, 2, 6)] is DayKind.HOLIDAY
    # holidays 0.109 has no 调休 working days for 2027 yet (not published when it was released).
    assert DayKind.SCHOOL_DAY not in later.values()


def test_national_days_are_every_schools_default_a_schools_own_day_wins_and_loads_follow(any_app, any_world):
    with session_scope(any_app) as s:
        add_item(s, any_world, day=NEW_YEAR_2026, minutes=30)
        before = versions.of_school(s, any_world.school.id)
        assert s.exec(select(ClassDayLoad.day_kind).where(ClassDayLoad.day == NEW_YEAR_2026)).one() == "school_day"
    with session_scope(any_app) as s:
        reports = holidays.update(s, years=[2026, 2027])
    assert [(r.year, r.provisional) for r in reports] == [(2026, False), (2027, True)]
    with session_scope(any_app) as s:
        calendar = loads.school_calendar(s, school_id=any_world.school.id)
        assert calendar.kind(NEW_YEAR_2026) is DayKind.HOLIDAY and calendar.is_school_day(WORKING_SUNDAY)
        assert s.exec(select(ClassDayLoad.day_kind).where(ClassDayLoad.day == NEW_YEAR_2026)).one() == "holiday"
        assert versions.of_school(s, any_world.school.id) > before
        assert versions.of_school(s, any_world.other_school.id) > 0
    with session_scope(any_app) as s:
        set_calendar_days(s, school_id=any_world.school.id, user_id=None,
                          days=[(WORKING_SUNDAY, DayKind.WEEKEND, "本校不调休")])
    with session_scope(any_app) as s:
        assert loads.school_calendar(s, school_id=any_world.school.id).kind(WORKING_SUNDAY) is DayKind.WEEKEND
        assert loads.school_calendar(s, school_id=any_world.other_school.id).is_school_day(WORKING_SUNDAY)
        sources = {d.day: d for d in holidays.calendar_sources(s, school_id=any_world.school.id,
                                                               since=date(2026, 1, 1), limit=5)}
    assert (sources[NEW_YEAR_2026].source, sources[NEW_YEAR_2026].note) == ("national", "元旦")
    assert (sources[WORKING_SUNDAY].source, sources[WORKING_SUNDAY].national) == ("school", "调休上班")


def test_the_update_command_reports_each_year_and_says_when_a_year_is_provisional(runner, world):
    result = runner.invoke(args=["edulite", "update-holidays", "--year", "2026", "--year", "2027"])
    assert result.exit_code == 0, result.output
    assert "2026: 22 holiday(s), 6 adjusted working day(s)." in result.output
    assert "2027: 19 holiday(s), 0 adjusted working day(s) (provisional" in result.output
