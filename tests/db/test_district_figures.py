"""The district's after-school figures per school, counted in SQL (ISSUE #12): each school's own window
(R-AS-02) when it has a policy of its own, the district's otherwise; days with service are school days."""

from __future__ import annotations

import json
from datetime import date, time, timedelta

from edulite.db import session_scope
from edulite.models import AfterSchoolSession, PolicyVersion
from edulite.reports import district
from tests.support.factories import make_world

MONDAY = date(2026, 11, 16)


def test_days_in_window_follow_each_schools_own_policy(any_app):
    with session_scope(any_app) as s:
        world = make_world(s)
        # The school's own window is narrower (17:40–17:50) than the district's (17:30–18:00).
        s.add(PolicyVersion(district_id=world.district.id, school_id=world.school.id, effective_from=MONDAY,
                            data=json.dumps({"after_school_end_earliest": "17:40",
                                             "after_school_end_latest": "17:50"})))
        for school in (world.school, world.other_school):
            for day, finish in ((MONDAY, time(17, 35)), (MONDAY + timedelta(days=1), time(17, 20)),
                                (MONDAY + timedelta(days=1), time(17, 45)),  # the day's service ends at 17:45
                                (MONDAY + timedelta(days=2), time(18, 30)),
                                (MONDAY + timedelta(days=5), time(17, 45))):  # a Saturday
                s.add(AfterSchoolSession(school_id=school.id, day=day, start=time(16, 30), end=finish,
                                         activity="作业辅导"))
    with session_scope(any_app) as s:
        weeks = {w.school_id: w for w in district.school_weeks(
            s, district_id=world.district.id, start=MONDAY, end=MONDAY + timedelta(days=7),
            today=MONDAY + timedelta(days=7))}
    own, other = weeks[world.school.id], weeks[world.other_school.id]
    assert own.sessions == other.sessions == 5
    assert own.days_with_service == other.days_with_service == 3  # Monday to Wednesday, not the Saturday
    assert own.days_in_window == 1  # Tuesday (17:45); Monday's 17:35 is before its own window
    assert other.days_in_window == 2  # Monday (17:35) and Tuesday (17:45) in the district's window


def test_a_page_of_schools_is_the_same_slice_of_the_whole_sort_with_the_total(any_app):
    """Sorting and paging happen in SQL (#12): each page is the slice of the full order, worst first or by
    name, and a page past the end shows the last one."""
    from edulite.models import HomeworkItem, School, SchoolClass

    with session_scope(any_app) as s:
        world = make_world(s)
        for n in range(7):
            school = School(name=f"分页{n:02d}小学", district_id=world.district.id)
            s.add(school)
            s.flush()
            for c in range(1 + n % 3):
                klass = SchoolClass(school_id=school.id, grade=5, name=f"五年级({c + 1})班", headcount=40)
                s.add(klass)
                s.flush()
                # Over the cap (60 for grade 5) on n % 4 of the five school days: different shares.
                for d in range(n % 4 if c == 0 else 0):
                    s.add(HomeworkItem(class_id=klass.id, subject_id=world.maths.id, teacher_id=world.teacher.id,
                                       set_date=MONDAY + timedelta(days=d), minutes=90))
    week = {"start": MONDAY, "end": MONDAY + timedelta(days=7), "today": MONDAY + timedelta(days=7)}
    with session_scope(any_app) as s:
        for sort in district.SORTS:
            everything = district.school_weeks(s, district_id=world.district.id, sort=sort, **week)
            assert len(everything) == 9  # two schools of the world and seven more
            if sort == "worst":
                shares = [(-(r.over_share or 0), -r.over_days) for r in everything]
                assert shares == sorted(shares) and everything[0].over_days > 0
            pages = [district.district_page(s, district_id=world.district.id, sort=sort, page=n, page_size=4,
                                            **week) for n in (1, 2, 3)]
            assert [p.total for p in pages] == [9, 9, 9] and [p.pages for p in pages] == [3, 3, 3]
            assert [r for p in pages for r in p.rows] == everything
            past = district.district_page(s, district_id=world.district.id, sort=sort, page=7, page_size=4, **week)
            assert (past.page, past.rows) == (3, pages[2].rows)


def test_a_window_the_school_set_itself_counts_on_the_overview(any_app):
    """A school's own policy names no district (school.settings.set_school_policy); the overview read only
    versions naming the district and judged such a school by the district's window."""
    from edulite.school.settings import set_school_policy

    with session_scope(any_app) as s:
        world = make_world(s)
        set_school_policy(s, school_id=world.school.id, data={"after_school_end_earliest": "17:40",
                                                              "after_school_end_latest": "17:50"},
                          effective_from=MONDAY - timedelta(days=7), user_id=None, today=MONDAY)
    with session_scope(any_app) as s:
        for school in (world.school, world.other_school):
            s.add(AfterSchoolSession(school_id=school.id, day=MONDAY, start=time(16, 30), end=time(17, 35),
                                     activity="作业辅导"))
    with session_scope(any_app) as s:
        weeks = {w.school_id: w for w in district.school_weeks(
            s, district_id=world.district.id, start=MONDAY, end=MONDAY + timedelta(days=7),
            today=MONDAY + timedelta(days=7))}
    assert weeks[world.school.id].days_in_window == 0  # 17:35 is before its own window
    assert weeks[world.other_school.id].days_in_window == 1


def test_on_the_weeks_monday_nothing_is_judged_yet_but_todays_logged_evenings(any_app):
    """No school day is over yet (an empty list of days in SQL) and today counts once logged."""
    from edulite.models import HomeworkItem

    with session_scope(any_app) as s:
        world = make_world(s)
        s.add(HomeworkItem(class_id=world.class3.id, subject_id=world.maths.id, teacher_id=world.teacher.id,
                           set_date=MONDAY, minutes=90))
        s.add(AfterSchoolSession(school_id=world.school.id, day=MONDAY, start=time(16, 30), end=time(17, 45),
                                 activity="作业辅导"))
    with session_scope(any_app) as s:
        found = district.district_page(s, district_id=world.district.id, start=MONDAY,
                                       end=MONDAY + timedelta(days=7), today=MONDAY, page=1, page_size=50)
    mine = next(r for r in found.rows if r.school_id == world.school.id)
    assert (mine.school_days, mine.class_days, mine.over_days) == (0, 1, 1)  # today's one logged class, over
    assert (mine.sessions, mine.days_with_service, mine.days_in_window) == (1, 0, 0)  # today is not over yet
