"""After-school alerts (R-AS-01..03) computed from stored sessions, on SQLite and PostgreSQL."""

import json
from datetime import timedelta

from sqlmodel import col, select

from edulite.afterschool import alerts as afterschool
from edulite.afterschool.input import SessionTexts
from edulite.afterschool.service import adjust_session
from edulite.alerts.recompute import recompute_all
from edulite.core.calendar import DayKind
from edulite.db import session_scope
from edulite.models import Alert
from edulite.school.settings import set_calendar_days, set_school_policy
from tests.support.afterschool import MON, WED, add_session

WEEK = [MON + timedelta(days=n) for n in range(5)]
NEXT_MON = MON + timedelta(days=7)


def _recompute(app, world, *, start=MON, end=NEXT_MON, today=NEXT_MON):
    with session_scope(app) as s:
        return afterschool.recompute(s, school_id=world.school.id, start=start, end=end, today=today)


def _current(app, school_id):
    with session_scope(app, write=False) as s:
        rows = s.exec(select(Alert).where(Alert.school_id == school_id, col(Alert.current).is_(True))
                      .order_by(Alert.day, Alert.rule_id)).all()
        return [(a.rule_id, a.day, a.figure, a.limit, a.detail) for a in rows]


def _week(app, world, days=WEEK, **kw):
    with session_scope(app) as s:
        return [add_session(s, world.school.id, d, pupils={world.class3.id: 30}, **kw) for d in days]


def test_a_late_short_new_lesson_breaks_three_rules_in_clock_times_only(any_app, any_world):
    _week(any_app, any_world, WEEK[1:])
    with session_scope(any_app) as s:
        add_session(s, any_world.school.id, MON, start="16:45", end="18:01", activity="new_lesson")
    result = _recompute(any_app, any_world)
    assert result.opened == 3
    assert _current(any_app, any_world.school.id) == [
        ("R-AS-01", MON, "76", "120", "16:45–18:01"),
        ("R-AS-02", MON, "18:01", "17:30–18:00", "16:45–18:01"),
        ("R-AS-03", MON, "16:45–18:01", None, "")]


def test_ends_at_17_30_and_18_00_and_two_full_hours_are_compliant(any_app, any_world):
    _week(any_app, any_world, WEEK[:2], start="15:30", end="17:30")
    _week(any_app, any_world, WEEK[2:], start="16:00", end="18:00")
    _recompute(any_app, any_world)
    assert _current(any_app, any_world.school.id) == []


def test_a_principals_acknowledgement_survives_and_the_alert_clears_once_the_teacher_fixes_the_time(any_app, any_world):
    (monday,) = _week(any_app, any_world, WEEK[:1], end="17:29")
    _recompute(any_app, any_world)
    with session_scope(any_app) as s:
        late = s.exec(select(Alert).where(Alert.rule_id == "R-AS-02", Alert.day == MON)).one()
        late.state, late.note = "acknowledged", "运动会彩排"
    _recompute(any_app, any_world)
    with session_scope(any_app, write=False) as s:
        same = s.exec(select(Alert).where(Alert.rule_id == "R-AS-02", Alert.day == MON)).one()
    assert (same.id, same.state, same.note, same.current) == (late.id, "acknowledged", "运动会彩排", True)
    with session_scope(any_app) as s:
        adjust_session(s, user_id=any_world.teacher.id, school_id=any_world.school.id, session_id=monday.id,
                       texts=SessionTexts("15:40", "17:40", "reading", {any_world.class3.id: "30"}), today=WED)
    assert ("R-AS-02", MON) not in [(r, d) for r, d, *_ in _current(any_app, any_world.school.id)]


def test_four_days_of_service_in_a_week_with_a_holiday_is_full_coverage_and_three_is_not(any_app, any_world):
    with session_scope(any_app) as s:
        set_calendar_days(s, school_id=any_world.school.id, days=[(WEEK[4], DayKind.HOLIDAY, "校庆")], user_id=None)
    _week(any_app, any_world, WEEK[:3])
    _recompute(any_app, any_world)
    assert _current(any_app, any_world.school.id) == [("R-AS-01", MON, "3", "4", WEEK[3].isoformat())]
    _week(any_app, any_world, WEEK[3:4])
    _recompute(any_app, any_world)
    assert _current(any_app, any_world.school.id) == []


def test_four_of_five_plain_school_days_is_short_by_the_missing_day(any_app, any_world):
    _week(any_app, any_world, WEEK[:4])
    _recompute(any_app, any_world)
    assert _current(any_app, any_world.school.id) == [("R-AS-01", MON, "4", "5", WEEK[4].isoformat())]


def test_a_week_in_progress_is_flagged_only_once_the_days_left_cannot_make_it_up(any_app, any_world):
    _week(any_app, any_world, WEEK[:2])
    _recompute(any_app, any_world, today=WED)  # Wednesday's service is still to come
    assert _current(any_app, any_world.school.id) == []
    with session_scope(any_app) as s:
        afterschool.recompute(s, school_id=any_world.school.id, start=MON, end=NEXT_MON, today=WEEK[3])
    assert _current(any_app, any_world.school.id) == [("R-AS-01", MON, "2", "5", WED.isoformat())]


def test_a_range_inside_a_week_recomputes_the_whole_week_so_the_monday_alert_is_kept_in_step(any_app, any_world):
    _week(any_app, any_world, WEEK[:3])
    _recompute(any_app, any_world, start=WED, end=WED + timedelta(days=1))
    again = _recompute(any_app, any_world, start=WEEK[4], end=NEXT_MON)
    assert (again.opened, again.cleared) == (0, 0)
    assert _current(any_app, any_world.school.id) == [("R-AS-01", MON, "3", "5", "2026-11-19, 2026-11-20")]


def test_a_stricter_school_window_is_used_and_another_schools_alerts_are_left_alone(any_app, any_world):
    with session_scope(any_app) as s:
        # From the week under test, on its Monday: setting a policy judges its weeks from then on, and
        # from September every week before this one would be missing its (unlogged) service.
        set_school_policy(s, school_id=any_world.school.id, data={"after_school_end_latest": "17:50"},
                          effective_from=MON, user_id=None, today=MON)
        add_session(s, any_world.other_school.id, MON, end="18:30")
    with session_scope(any_app) as s:
        afterschool.recompute(s, school_id=any_world.other_school.id, start=MON, end=NEXT_MON, today=MON)
    _week(any_app, any_world, end="17:51")
    _recompute(any_app, any_world)
    assert {(r, f, lim) for r, _d, f, lim, _x in _current(any_app, any_world.school.id)} == {
        ("R-AS-02", "17:51", "17:30–17:50")}
    assert [r for r, *_ in _current(any_app, any_world.other_school.id)] == ["R-AS-02"]


def test_recompute_all_adds_after_school_alerts_to_the_homework_ones(any_app, any_world):
    _week(any_app, any_world, WEEK[:4], activity="new_lesson")
    with session_scope(any_app) as s:
        result = recompute_all(s, school_id=any_world.school.id, start=MON, end=NEXT_MON)
    assert result.opened == 5  # four new lessons and the missing Friday
    assert {r for r, *_ in _current(any_app, any_world.school.id)} == {"R-AS-01", "R-AS-03"}


def test_the_alerts_command_lists_after_school_breaches(any_app, any_world):
    _week(any_app, any_world, WEEK[:4], end="18:10")
    result = any_app.test_cli_runner().invoke(args=["edulite", "alerts", "--school", "测试小学", "--from",
                                                    "2026-11-16", "--to", "2026-11-22", "--json"])
    assert result.exit_code == 0, result.output
    rows = [(r["rule_id"], r["scope"], r["date"], r["figure"], r["limit"]) for r in json.loads(result.output)]
    assert ("R-AS-01", "school", "2026-11-16", "4", "5") in rows
    assert ("R-AS-02", "school", "2026-11-19", "18:10", "17:30–18:00") in rows
    assert len([r for r in rows if r[0] == "R-AS-02"]) == 4


def test_marking_a_day_a_holiday_clears_the_missing_day_at_once(any_app, any_world):
    _week(any_app, any_world, WEEK[:4])
    _recompute(any_app, any_world)
    assert [r for r, *_ in _current(any_app, any_world.school.id)] == ["R-AS-01"]
    with session_scope(any_app) as s:
        set_calendar_days(s, school_id=any_world.school.id, days=[(WEEK[4], DayKind.HOLIDAY, "校庆")], user_id=None)
    assert _current(any_app, any_world.school.id) == []
