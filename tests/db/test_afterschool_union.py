"""One definition of a day's after-school service (#16): the union of its sessions, in the alerts, the
loads command's minutes and the district's end-time compliance, which counts school-days, not sessions."""

import json
from datetime import date, time, timedelta

from sqlmodel import col, select

from edulite.afterschool.queries import class_day_figures
from edulite.alerts.recompute import recompute_all
from edulite.core.afterschool_rules import ends_in_window, merge_spans, service_minutes
from edulite.core.policy import NATIONAL
from edulite.db import session_scope
from edulite.models import Alert
from edulite.reports.district import school_weeks
from tests.support.afterschool import MON, add_session

NEXT_MON = MON + timedelta(days=7)


def test_service_minutes_are_the_union_of_the_sessions_not_first_start_to_last_end():
    times = [(time(15, 30), time(16, 0)), (time(17, 0), time(17, 45)), (time(15, 40), time(15, 50))]
    assert merge_spans(times) == ((time(15, 30), time(16, 0)), (time(17, 0), time(17, 45)))
    assert service_minutes(times) == 75  # first start to last end would be 135
    assert ends_in_window(time(17, 45), NATIONAL) and not ends_in_window(time(18, 5), NATIONAL)


def test_the_loads_command_reports_a_classs_after_school_minutes_as_the_union(any_app, any_world):
    w = any_world
    with session_scope(any_app) as s:
        add_session(s, w.school.id, MON, start="15:30", end="16:00", pupils={w.class3.id: 30})
        add_session(s, w.school.id, MON, start="17:00", end="17:45", pupils={w.class3.id: 25})
        add_session(s, w.school.id, MON, start="15:30", end="17:45", pupils={w.class1.id: 10})  # not class3's
    with session_scope(any_app, write=False) as s:
        figures = class_day_figures(s, school_id=w.school.id, start=MON, end=NEXT_MON)
    assert figures[(w.class3.id, MON)] == (75, 30) and figures[(w.class1.id, MON)] == (135, 10)
    result = any_app.test_cli_runner().invoke(args=["edulite", "loads", "--school", "测试小学", "--from",
                                                    MON.isoformat(), "--to", MON.isoformat(), "--json"])
    rows = {r["class"]: r for r in json.loads(result.stdout)}
    assert rows["三年级(1)班"]["after_school_minutes"] == 75


def test_district_end_time_compliance_counts_school_days_by_their_last_session(any_app, any_world):
    w = any_world
    with session_scope(any_app) as s:
        # Monday: a 16:30 club beside a session to 17:40 — the day's service ends 17:40, in the window.
        add_session(s, w.school.id, MON, start="15:40", end="16:30")
        add_session(s, w.school.id, MON, start="15:40", end="17:40")
        # Tuesday: one session ends 17:40, a later one 18:20 — the day ends 18:20, outside.
        add_session(s, w.school.id, MON + timedelta(days=1), start="15:40", end="17:40")
        add_session(s, w.school.id, MON + timedelta(days=1), start="17:40", end="18:20")
    with session_scope(any_app, write=False) as s:
        weeks = school_weeks(s, district_id=w.district.id, start=MON, end=NEXT_MON, today=NEXT_MON)
    (mine,) = [r for r in weeks if r.school_id == w.school.id]
    assert (mine.days_in_window, mine.days_with_service, mine.sessions) == (1, 2, 4)
    with session_scope(any_app) as s:
        recompute_all(s, school_id=w.school.id, start=MON, end=NEXT_MON, today=NEXT_MON)
        s.flush()
        late = s.exec(select(Alert.day).where(Alert.school_id == w.school.id, Alert.rule_id == "R-AS-02",
                                              col(Alert.current).is_(True))).all()
    assert late == [date(2026, 11, 17)]  # the alerts agree: Tuesday only
