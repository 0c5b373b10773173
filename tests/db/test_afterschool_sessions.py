"""Sessions generated from the plan, logged and adjusted, and read back per class, on both databases."""

import json
from datetime import date, time, timedelta

import pytest
from sqlmodel import select

from edulite.afterschool import service as svc
from edulite.afterschool.input import SessionTexts
from edulite.afterschool.queries import ClassSession, class_day_figures, class_week_sessions
from edulite.core.calendar import DayKind
from edulite.db import session_scope
from edulite.models import AfterSchoolSession, Alert, AuditEntry, SessionClass
from edulite.school.settings import set_calendar_days
from tests.support.afterschool import MON, WED, add_plan, add_session

NEXT_MON = MON + timedelta(days=7)
SAT = MON + timedelta(days=5)


def _sessions(app, school_id):
    with session_scope(app, write=False) as s:
        rows = s.exec(select(AfterSchoolSession).where(AfterSchoolSession.school_id == school_id)
                      .order_by(AfterSchoolSession.day)).all()
        return [(r.day, r.start, r.end, r.activity, r.teacher_id) for r in rows]


def _generate(app, world, start=MON, end=NEXT_MON, today=WED):
    with session_scope(app) as s:
        return svc.generate_sessions(s, school_id=world.school.id, start=start, end=end, today=today)


def test_sessions_are_generated_from_the_plan_for_school_days_without_one(any_app, any_world):
    with session_scope(any_app) as s:
        add_plan(s, any_world.school.id, activities="reading,sports")
        add_session(s, any_world.school.id, WED, start="15:00", end="17:30", activity="arts")
        set_calendar_days(s, school_id=any_world.school.id, days=[(MON + timedelta(days=4), DayKind.HOLIDAY, None),
                                                                     (SAT, DayKind.SCHOOL_DAY, "调休")], user_id=None)
    created = _generate(any_app, any_world)
    assert created == [MON, MON + timedelta(days=1), MON + timedelta(days=3), SAT]
    got = _sessions(any_app, any_world.school.id)
    assert got[0] == (MON, time(15, 40), time(17, 40), "reading", None)
    assert [d for d, *_ in got] == [MON, MON + timedelta(days=1), WED, MON + timedelta(days=3), SAT]
    assert _generate(any_app, any_world) == []


def test_each_term_has_its_own_timetable_and_days_outside_every_term_get_nothing(any_app, any_world):
    winter = date(2026, 11, 18)
    with session_scope(any_app) as s:
        add_plan(s, any_world.school.id, valid_from=date(2026, 9, 1), valid_to=winter - timedelta(days=1),
                 start="16:00", end="18:00")
        add_plan(s, any_world.school.id, valid_from=winter, valid_to=date(2026, 11, 19), start="15:30", end="17:30")
    _generate(any_app, any_world)
    thu = WED + timedelta(days=1)
    assert [(d, start) for d, start, *_ in _sessions(any_app, any_world.school.id)] == [
        (MON, time(16)), (MON + timedelta(days=1), time(16)), (WED, time(15, 30)), (thu, time(15, 30))]


def test_generating_is_audited_and_judged_at_once(any_app, any_world):
    with session_scope(any_app) as s:
        add_plan(s, any_world.school.id, end="17:15", start="15:00")
    _generate(any_app, any_world, today=NEXT_MON)
    with session_scope(any_app, write=False) as s:
        audit = s.exec(select(AuditEntry).where(AuditEntry.action == "after_school_generated")).one()
        late = s.exec(select(Alert).where(Alert.rule_id == "R-AS-02")).all()
    assert len(json.loads(audit.after)["days"]) == 5
    assert len(late) == 5


def test_the_generate_sessions_command_reports_the_days_it_created(any_app, any_world):
    with session_scope(any_app) as s:
        add_plan(s, any_world.school.id, weekdays=[0, 2])
    result = any_app.test_cli_runner().invoke(args=["edulite", "generate-sessions", "--school", "测试小学",
                                                    "--from", "2026-11-16", "--to", "2026-11-22"])
    assert result.exit_code == 0, result.output
    assert "Created 2 session(s) from the plan: 2026-11-16, 2026-11-18" in result.output
    bad = any_app.test_cli_runner().invoke(args=["edulite", "generate-sessions", "--school", "无此校",
                                                 "--from", "2026-11-16", "--to", "2026-11-22"])
    assert bad.exit_code != 0 and "no school named" in bad.output


def test_adjusting_a_planned_session_replaces_its_classes_and_keeps_the_before_and_after(any_app, any_world):
    w = any_world
    with session_scope(any_app) as s:
        row = add_session(s, w.school.id, MON, pupils={w.class1.id: 20, w.class7.id: 10})
    with session_scope(any_app) as s:
        svc.adjust_session(s, user_id=w.teacher.id, school_id=w.school.id, session_id=row.id, today=WED,
                           texts=SessionTexts("15:40", "17:50", "sports", {w.class3.id: "25", w.class1.id: "18"}))
    with session_scope(any_app, write=False) as s:
        classes = dict(s.exec(select(SessionClass.class_id, SessionClass.pupils)
                              .where(SessionClass.session_id == row.id)).all())
        entry = s.exec(select(AuditEntry).where(AuditEntry.action == "after_school_adjusted")).one()
        stored = s.get(AfterSchoolSession, row.id)
    assert classes == {w.class3.id: 25, w.class1.id: 18}
    assert (stored.end, stored.activity, stored.teacher_id) == (time(17, 50), "sports", w.teacher.id)
    assert json.loads(entry.before)["pupils"] == {str(w.class1.id): 20, str(w.class7.id): 10}
    assert json.loads(entry.after)["end"] == "17:50"


def test_a_colleagues_session_and_another_schools_session_cannot_be_adjusted(any_app, any_world):
    w = any_world
    with session_scope(any_app) as s:
        theirs = add_session(s, w.school.id, MON, teacher_id=w.colleague.id, pupils={w.class3.id: 5})
        elsewhere = add_session(s, w.other_school.id, MON)
    texts = SessionTexts("15:40", "17:40", "reading", {w.class3.id: "9"})
    with session_scope(any_app) as s, pytest.raises(svc.NotYours):
        svc.adjust_session(s, user_id=w.teacher.id, school_id=w.school.id, session_id=theirs.id, texts=texts,
                           today=WED)
    with session_scope(any_app) as s, pytest.raises(svc.NotFound):
        svc.adjust_session(s, user_id=w.teacher.id, school_id=w.school.id, session_id=elsewhere.id, texts=texts,
                           today=WED)


def test_a_classs_week_lists_its_logged_sessions_and_the_schools_planned_ones(any_app, any_world):
    w = any_world
    with session_scope(any_app) as s:
        add_session(s, w.school.id, MON, pupils={w.class3.id: 30, w.class1.id: 12}, activity="sports")
        add_session(s, w.school.id, MON + timedelta(days=1), pupils={w.class1.id: 20})  # not class3's
        add_session(s, w.school.id, WED + timedelta(days=1), activity="supervised_homework")  # planned
        add_session(s, w.other_school.id, MON, pupils={w.other_class.id: 30})
        add_session(s, w.school.id, NEXT_MON)
    with session_scope(any_app, write=False) as s:
        got = class_week_sessions(s, class_id=w.class3.id, start=MON, end=NEXT_MON)
        assert class_week_sessions(s, class_id=999_999, start=MON, end=NEXT_MON) == []
    assert got == [ClassSession(MON, time(15, 40), time(17, 40), "sports", 30, False),
                   ClassSession(WED + timedelta(days=1), time(15, 40), time(17, 40), "supervised_homework", 0, True)]


def test_class_day_figures_span_first_start_to_last_end_and_take_the_largest_group(any_app, any_world):
    w = any_world
    with session_scope(any_app) as s:
        add_session(s, w.school.id, MON, start="15:30", end="16:30", pupils={w.class3.id: 30})
        add_session(s, w.school.id, MON, start="16:30", end="17:45", pupils={w.class3.id: 22, w.class1.id: 0})
    with session_scope(any_app, write=False) as s:
        assert class_day_figures(s, school_id=w.school.id, start=MON, end=NEXT_MON) == {(w.class3.id, MON): (135, 30)}
    result = any_app.test_cli_runner().invoke(args=["edulite", "loads", "--school", "测试小学", "--from",
                                                    "2026-11-16", "--to", "2026-11-17", "--json"])
    rows = {(r["class"], r["date"]): r for r in json.loads(result.output)}
    assert (rows["三年级(1)班", "2026-11-16"]["after_school_minutes"],
            rows["三年级(1)班", "2026-11-16"]["after_school_pupils"]) == (135, 30)
    assert (rows["一年级(1)班", "2026-11-16"]["after_school_minutes"],
            rows["三年级(1)班", "2026-11-17"]["after_school_pupils"]) == (0, 0)
