"""After-school service (课后服务): each day's service ends in the window (R-AS-02) and lasts 2 hours
(R-AS-01, with the week's coverage), no session is a new lesson (R-AS-03)."""

from datetime import date, time, timedelta

import pytest

from edulite.core.afterschool_rules import (
    ACTIVITIES,
    Session,
    day_preview,
    new_lesson_alerts,
    service_day_alerts,
    service_spans,
    week_coverage_alerts,
)
from edulite.core.calendar import DayKind, SchoolCalendar
from edulite.core.policy import NATIONAL, tighten

MON = date(2026, 11, 23)
WEEK = [MON + timedelta(days=n) for n in range(5)]
PLAIN = SchoolCalendar()


def session(end="17:45", *, start=None, day=MON, activity="supervised_homework", school_id=1,
            id=None, participants=None):
    end_time = time.fromisoformat(end)
    start_time = time.fromisoformat(start) if start else time(end_time.hour - 2, end_time.minute)
    return Session(id, school_id, day, start_time, end_time, activity, participants or {})


def rule_ids(sessions, policy=NATIONAL):
    return [a.rule_id for a in service_day_alerts(sessions, policy)]


def coverage(sessions, *, calendar=PLAIN, today=None, policy=NATIONAL):
    return week_coverage_alerts(sessions, school_id=1, calendar=calendar, policy=policy,
                                week_start=MON, today=today)


@pytest.mark.parametrize(("end", "flagged"), [("17:29", True), ("17:30", False),
                                              ("18:00", False), ("18:01", True)])
def test_service_must_end_between_17_30_and_18_00(end, flagged):
    """R-AS-02."""
    assert rule_ids([session(end)]) == (["R-AS-02"] if flagged else [])


def test_a_late_end_alert_shows_the_end_time_against_the_window_and_the_days_service_times():
    (alert,) = service_day_alerts([session("18:10", id=5)], NATIONAL)
    assert (alert.figure, alert.limit, alert.scope, alert.class_id, alert.day, alert.session_id, alert.detail) == (
        "18:10", "17:30–18:00", "school", None, MON, None, "16:10–18:10")


def test_a_school_window_narrower_than_the_national_one_is_used():
    policy = tighten(NATIONAL, {"after_school_end_latest": "17:50"})
    assert rule_ids([session("17:51")], policy) == ["R-AS-02"]
    assert rule_ids([session("17:50")], policy) == []


@pytest.mark.parametrize(("start", "flagged"), [("15:46", True), ("15:45", False),
                                                ("15:00", False)])
def test_the_service_must_last_at_least_two_hours(start, flagged):
    """R-AS-01: 1 h 59 is short, 2 h is enough."""
    alerts = [a for a in service_day_alerts([session("17:45", start=start)], NATIONAL)
              if a.rule_id == "R-AS-01"]
    assert [(a.figure, a.limit) for a in alerts] == ([(119, 120)] if flagged else [])


def test_seconds_short_of_two_hours_are_still_short():
    short = Session(None, 1, MON, time(15, 45, 1), time(17, 45), "reading")
    assert rule_ids([short]) == ["R-AS-01"]


def test_a_short_group_beside_a_full_session_breaks_nothing():
    """A 16:00–17:00 reading group beside a 15:40–17:40 session: the day's service is 15:40–17:40."""
    day = [session("17:40", start="15:40", id=1), session("17:00", start="16:00", activity="reading", id=2)]
    assert service_day_alerts(day, NATIONAL) == []


def test_sessions_one_after_another_add_up_to_the_days_service():
    day = [session("16:40", start="15:40"), session("17:40", start="16:40")]
    assert service_spans(day) == ((time(15, 40), time(17, 40)),)
    assert service_day_alerts(day, NATIONAL) == []


@pytest.mark.parametrize(("second", "minutes"), [(("16:41", "17:40"), 119), (("16:40", "17:40"), 120)])
def test_a_gap_in_which_no_session_runs_is_not_service(second, minutes):
    """The union of the sessions, not first start to last end: 1 h 59 with a one-minute gap is short."""
    day = [session("16:40", start="15:40"), session(second[1], start=second[0])]
    assert [(a.figure, a.detail) for a in service_day_alerts(day, NATIONAL)] == (
        [(119, "15:40–16:40, 16:41–17:40")] if minutes < 120 else [])


@pytest.mark.parametrize(("last_end", "flagged"), [("17:29", True), ("17:30", False), ("18:00", False),
                                                   ("18:01", True)])
def test_the_day_ends_when_its_last_session_ends(last_end, flagged):
    day = [session("17:00", start="15:00"), session(last_end, start="16:30")]
    assert [a.figure for a in service_day_alerts(day, NATIONAL)] == ([last_end] if flagged else [])


def test_each_day_and_each_school_is_judged_on_its_own_with_one_key_per_school_day():
    days = [session("17:15", day=MON, id=1), session("17:15", day=MON, id=2, start="15:10"),
            session("17:15", day=WEEK[1], id=3), session("17:45", day=MON, school_id=2, id=4)]
    alerts = service_day_alerts(days, NATIONAL)
    assert [(a.day, a.rule_id, a.figure) for a in alerts] == [(MON, "R-AS-02", "17:15"),
                                                             (WEEK[1], "R-AS-02", "17:15")]
    assert [a.key for a in alerts] == ["R-AS-02|school||2026-11-23|service", "R-AS-02|school||2026-11-24|service"]


def test_a_short_day_on_a_monday_and_the_weeks_coverage_have_different_keys():
    (short,) = service_day_alerts([session("17:45", start="16:45")], NATIONAL)
    (week,) = coverage([session("17:45", start="16:45")])
    assert (short.rule_id, short.day) == (week.rule_id, week.day) == ("R-AS-01", MON)
    assert short.key != week.key


def test_a_new_lesson_during_service_is_flagged_per_session_and_other_activities_are_not():
    """R-AS-03; the figure is the session's times, the same in every language."""
    (alert,) = new_lesson_alerts(session(activity="new_lesson", id=7))
    assert (alert.rule_id, alert.figure, alert.limit, alert.session_id, alert.detail) == (
        "R-AS-03", "15:45–17:45", None, 7, "")
    assert "new_lesson" not in alert.key
    for activity in ACTIVITIES:
        if activity != "new_lesson":
            assert new_lesson_alerts(session(activity=activity)) == []


def test_a_preview_judges_the_day_with_the_session_as_typed_in_place_of_the_stored_one():
    stored = [session("17:40", start="15:40", id=1), session("17:00", start="16:00", id=2)]
    earlier = session("17:10", start="15:40", id=1)
    assert [a.rule_id for a in day_preview(stored, earlier, NATIONAL)] == ["R-AS-02", "R-AS-01"]
    extra = session("17:00", start="16:00", activity="new_lesson")
    assert [a.rule_id for a in day_preview(stored, extra, NATIONAL)] == ["R-AS-03"]
    other_day = session("17:10", start="15:40", day=WEEK[1])
    assert [a.rule_id for a in day_preview(stored, other_day, NATIONAL)] == ["R-AS-02", "R-AS-01"]


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
    holidays = SchoolCalendar(dict.fromkeys(WEEK, DayKind.HOLIDAY))
    assert coverage([], calendar=holidays) == []

