"""After-school service (课后服务): end window R-AS-02, length and coverage R-AS-01, no new
lessons R-AS-03."""

from datetime import date, time, timedelta

import pytest

from edulite.calendar import DayKind, SchoolCalendar
from edulite.policy import NATIONAL, tighten
from edulite.rules_afterschool import (
    ACTIVITIES,
    Session,
    session_alerts,
    week_coverage_alerts,
)

MON = date(2026, 11, 23)
WEEK = [MON + timedelta(days=n) for n in range(5)]
PLAIN = SchoolCalendar()


def session(end="17:45", *, start=None, day=MON, activity="supervised_homework", school_id=1,
            id=None, participants=None):
    end_time = time.fromisoformat(end)
    start_time = time.fromisoformat(start) if start else time(end_time.hour - 2, end_time.minute)
    return Session(id, school_id, day, start_time, end_time, activity, participants or {})


def rule_ids(s, policy=NATIONAL):
    return [a.rule_id for a in session_alerts(s, policy)]


def coverage(sessions, *, calendar=PLAIN, today=None, policy=NATIONAL):
    return week_coverage_alerts(sessions, school_id=1, calendar=calendar, policy=policy,
                                week_start=MON, today=today)


@pytest.mark.parametrize(("end", "flagged"), [("17:29", True), ("17:30", False),
                                              ("18:00", False), ("18:01", True)])
def test_service_must_end_between_17_30_and_18_00(end, flagged):
    """R-AS-02."""
    assert rule_ids(session(end)) == (["R-AS-02"] if flagged else [])


def test_a_late_end_alert_shows_the_end_time_against_the_window():
    (alert,) = session_alerts(session("18:10", id=5), NATIONAL)
    assert (alert.figure, alert.limit, alert.scope, alert.class_id, alert.day, alert.session_id) == (
        "18:10", "17:30–18:00", "school", None, MON, 5)


def test_a_school_window_narrower_than_the_national_one_is_used():
    policy = tighten(NATIONAL, {"after_school_end_latest": "17:50"})
    assert rule_ids(session("17:51"), policy) == ["R-AS-02"]
    assert rule_ids(session("17:50"), policy) == []


@pytest.mark.parametrize(("start", "flagged"), [("15:46", True), ("15:45", False),
                                                ("15:00", False)])
def test_a_session_must_last_at_least_two_hours(start, flagged):
    """R-AS-01: 1 h 59 is short, 2 h is enough."""
    alerts = [a for a in session_alerts(session("17:45", start=start), NATIONAL)
              if a.rule_id == "R-AS-01"]
    assert [(a.figure, a.limit) for a in alerts] == ([(119, 120)] if flagged else [])


def test_seconds_short_of_two_hours_are_still_short():
    short = Session(None, 1, MON, time(15, 45, 1), time(17, 45), "reading")
    assert rule_ids(short) == ["R-AS-01"]


def test_a_new_lesson_during_service_is_flagged_and_other_activities_are_not():
    """R-AS-03."""
    assert rule_ids(session(activity="new_lesson")) == ["R-AS-03"]
    for activity in ACTIVITIES:
        if activity != "new_lesson":
            assert rule_ids(session(activity=activity)) == []


def test_one_session_can_break_all_three_rules():
    bad = session("18:30", start="17:00", activity="new_lesson", id=2)
    alerts = session_alerts(bad, NATIONAL)
    assert [a.rule_id for a in alerts] == ["R-AS-02", "R-AS-01", "R-AS-03"]
    assert len({a.key for a in alerts}) == 3


@pytest.mark.parametrize(("bad", "message"), [
    ({"activity": "lecture"}, "activity"), ({"start": "18:00", "end": "17:00"}, "end"),
    ({"participants": {1: -3}}, "participants"),
])
def test_a_session_with_an_unknown_activity_reversed_times_or_negative_pupils_is_refused(
        bad, message):
    with pytest.raises(ValueError, match=message):
        session(**bad)


def test_a_week_with_service_on_all_five_school_days_is_covered():
    assert coverage([session(day=d) for d in WEEK]) == []


def test_a_week_with_service_on_four_of_five_school_days_is_short():
    """R-AS-01 "5+2": all five school days."""
    (alert,) = coverage([session(day=d) for d in WEEK[:4]])
    assert (alert.rule_id, alert.figure, alert.limit, alert.day, alert.scope) == (
        "R-AS-01", 4, 5, MON, "school")
    assert alert.detail == WEEK[4].isoformat()


def test_a_holiday_is_not_a_missing_day_of_service():
    holiday_friday = SchoolCalendar({WEEK[4]: DayKind.HOLIDAY})
    assert coverage([session(day=d) for d in WEEK[:4]], calendar=holiday_friday) == []
    (alert,) = coverage([session(day=d) for d in WEEK[:3]], calendar=holiday_friday)
    assert (alert.figure, alert.limit) == (3, 4)


def test_a_makeup_saturday_does_not_raise_the_weekly_requirement_above_five():
    makeup = SchoolCalendar({MON + timedelta(days=5): DayKind.SCHOOL_DAY})
    assert coverage([session(day=d) for d in WEEK], calendar=makeup) == []


def test_weekend_sessions_and_other_schools_sessions_do_not_cover_a_school_day():
    sessions = [session(day=d) for d in WEEK[:4]]
    sessions += [session(day=MON + timedelta(days=5)), session(day=WEEK[4], school_id=2)]
    assert [a.figure for a in coverage(sessions)] == [4]


def test_a_week_in_progress_is_not_short_while_the_remaining_days_can_make_it_up():
    wednesday = WEEK[2]
    assert coverage([session(day=d) for d in WEEK[:3]], today=wednesday) == []
    assert coverage([], today=MON - timedelta(days=1)) == []
    (alert,) = coverage([session(day=WEEK[0]), session(day=WEEK[2])], today=wednesday)
    assert (alert.figure, alert.limit, alert.detail) == (2, 5, WEEK[1].isoformat())


def test_week_start_may_be_any_day_of_the_week():
    alerts = week_coverage_alerts([], school_id=1, calendar=SchoolCalendar(), policy=NATIONAL,
                                  week_start=WEEK[3])
    assert [(a.day, a.figure) for a in alerts] == [(MON, 0)]


def test_a_week_without_school_days_needs_no_service():
    holidays = SchoolCalendar({d: DayKind.HOLIDAY for d in WEEK})
    assert coverage([], calendar=holidays) == []

