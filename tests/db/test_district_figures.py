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


def test_sessions_in_window_follow_each_schools_own_policy(any_app):
    with session_scope(any_app) as s:
        world = make_world(s)
        # The school's own window is narrower (17:40–17:50) than the district's (17:30–18:00).
        s.add(PolicyVersion(district_id=world.district.id, school_id=world.school.id, effective_from=MONDAY,
                            data=json.dumps({"after_school_end_earliest": "17:40",
                                             "after_school_end_latest": "17:50"})))
        for school in (world.school, world.other_school):
            for day, finish in ((MONDAY, time(17, 35)), (MONDAY, time(17, 45)), (MONDAY + timedelta(days=1),
                                                                                   time(18, 30)),
                                (MONDAY + timedelta(days=5), time(17, 45))):  # a Saturday
                s.add(AfterSchoolSession(school_id=school.id, day=day, start=time(16, 30), end=finish,
                                         activity="作业辅导"))
    with session_scope(any_app) as s:
        weeks = {w.school_id: w for w in district.school_weeks(
            s, district_id=world.district.id, start=MONDAY, end=MONDAY + timedelta(days=7),
            today=MONDAY + timedelta(days=7))}
    own, other = weeks[world.school.id], weeks[world.other_school.id]
    assert (own.sessions, own.sessions_in_window) == (4, 2)  # 17:45 twice; 17:35 is before its window
    assert (other.sessions, other.sessions_in_window) == (4, 3)  # 17:35 and 17:45 twice
    assert own.days_with_service == other.days_with_service == 2  # Monday and Tuesday, not the Saturday
