"""The principal's after-school week read from stored sessions, on SQLite and PostgreSQL."""

from datetime import timedelta

from edulite.afterschool.input import SessionTexts
from edulite.afterschool.service import log_session
from edulite.afterschool.week import week_summary
from edulite.db import session_scope
from tests.support.afterschool import MON, add_session

TUE, FRI = MON + timedelta(days=1), MON + timedelta(days=4)


def _summary(app, world, today=FRI):
    with session_scope(app, write=False) as s:
        return week_summary(s, school_id=world.school.id, monday=MON, today=today)


def _rows(rows):
    return {r.label: (r.rate, r.pupils) for r in rows}


def test_a_day_with_only_one_classs_session_leaves_the_other_classes_shares_alone(any_app, any_world):
    """B3: Tuesday's one logged session (三年级 only) used to count 一年级 as 0 pupils that day."""
    w = any_world
    with session_scope(any_app) as s:
        add_session(s, w.school.id, MON, pupils={w.class1.id: 28, w.class3.id: 30})
        add_session(s, w.school.id, TUE, start="16:00", end="17:00", pupils={w.class3.id: 20})
    summary = _summary(any_app, w)
    assert summary.service_days == (MON, TUE)
    assert _rows(summary.classes) == {
        "一年级(1)班": (0.7, (28, None, None, None, None)),
        "三年级(1)班": (0.625, (30, 20, None, None, None)),  # 50 of 2 × 40
        "初一(1)班": (None, (None,) * 5)}


def test_a_grade_is_its_classes_pupils_over_their_places_on_their_logged_days(any_app, any_world):
    w = any_world
    with session_scope(any_app) as s:
        add_session(s, w.school.id, MON, pupils={w.class1.id: 20, w.class7.id: 48})
        add_session(s, w.school.id, TUE, pupils={w.class1.id: 40})
    grades = {r.grade: (r.rate, r.pupils, r.headcount) for r in _summary(any_app, w).grades}
    assert grades == {1: (0.75, (20, 40, None, None, None), 40), 3: (None, (None,) * 5, 40),
                      7: (1.0, (48, None, None, None, None), 48)}


def test_a_zero_a_teacher_logs_for_a_class_is_a_day_of_service_nobody_of_it_joined(any_app, any_world):
    w = any_world
    with session_scope(any_app) as s:
        add_session(s, w.school.id, MON, pupils={w.class1.id: 20})
        log_session(s, user_id=w.teacher.id, school_id=w.school.id, today=FRI, texts=SessionTexts(
            "15:40", "17:40", "reading", {w.class3.id: "30", w.class1.id: "0", w.class7.id: ""}, None,
            TUE.isoformat()))
    rows = _rows(_summary(any_app, w).classes)
    assert rows["一年级(1)班"] == (0.25, (20, 0, None, None, None))
    assert rows["初一(1)班"] == (None, (None,) * 5)
