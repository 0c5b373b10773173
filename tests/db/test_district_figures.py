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
