"""Homework writes and their history, on SQLite and PostgreSQL: permission, revisions, audit, alerts."""

from datetime import date, timedelta

import pytest
from sqlmodel import func, select

from edulite.alerts import store as alerts_store
from edulite.core.scope import Scope
from edulite.db import session_scope
from edulite.homework import service as homework
from edulite.homework import summary
from edulite.homework.history import item_history
from edulite.homework.input import HomeworkInput, InvalidHomework
from edulite.models import Alert, AuditEntry, HomeworkItem, HomeworkRevision

DAY = date(2026, 11, 17)  # a Tuesday


def scope_of(user) -> Scope:
    return Scope(user.id, user.role, user.school_id, user.district_id, user.lead_grade)


def maths(world, **changes) -> HomeworkInput:
    fields = {"class_id": world.class3.id, "subject_id": world.maths.id, "description": "练习册第3页",
              "minutes": 20, "set_date": DAY}
    return HomeworkInput(**(fields | changes))


def count(s, model) -> int:
    return s.exec(select(func.count()).select_from(model)).one()


def test_logging_writes_the_item_its_revision_its_audit_entry_and_alerts_together(any_app, any_world):
    with session_scope(any_app) as s:
        homework.log_homework(s, scope=scope_of(any_world.colleague), today=DAY,
                              data=maths(any_world, subject_id=any_world.chinese.id, minutes=50))
        item = homework.log_homework(s, scope=scope_of(any_world.teacher), data=maths(any_world), today=DAY,
                                     confirm_over=True, reason="复习")
    with session_scope(any_app) as s:
        assert s.get(HomeworkItem, item.id).over_cap_reason == "复习"
        assert count(s, HomeworkRevision) == 2 and count(s, AuditEntry) == 3
        (alert,) = s.exec(select(Alert).where(Alert.rule_id == "R-HW-02")).all()
        assert (alert.figure, alert.limit, alert.day) == ("70", "60", DAY)
        # The third entry: the alert the second item raised, under the teacher whose entry raised it (#14).
        raised = s.exec(select(AuditEntry).where(AuditEntry.action == "alert_raised")).one()
        assert (raised.entity_id, raised.user_id) == (alert.id, any_world.teacher.id)


def test_a_teacher_of_another_subject_is_forbidden_and_nothing_is_written(any_app, any_world):
    with session_scope(any_app) as s:
        with pytest.raises(homework.Forbidden):
            homework.log_homework(s, scope=scope_of(any_world.teacher), today=DAY,
                                  data=maths(any_world, subject_id=any_world.english.id))
        with pytest.raises(homework.Forbidden):
            homework.log_homework(s, scope=scope_of(any_world.other_teacher), data=maths(any_world), today=DAY)
        with pytest.raises(homework.Forbidden):
            homework.log_homework(s, scope=scope_of(any_world.principal), data=maths(any_world), today=DAY)
    with session_scope(any_app) as s:
        assert count(s, HomeworkItem) == 0 and count(s, AuditEntry) == 0


def test_over_the_cap_without_confirmation_raises_and_writes_nothing(any_app, any_world):
    with session_scope(any_app) as s:
        with pytest.raises(InvalidHomework) as caught:
            homework.log_homework(s, scope=scope_of(any_world.teacher), data=maths(any_world, minutes=61), today=DAY)
        assert set(caught.value.problems) == {"confirm_over", "over_reason"}
    with session_scope(any_app) as s:
        assert count(s, HomeworkItem) == 0


def test_edit_and_withdraw_keep_every_version(any_app, any_world):
    teacher = scope_of(any_world.teacher)
    with session_scope(any_app) as s:
        item = homework.log_homework(s, scope=teacher, data=maths(any_world), today=DAY)
        homework.edit_homework(s, scope=teacher, item_id=item.id, data=maths(any_world, minutes=15), today=DAY)
        homework.withdraw_homework(s, scope=teacher, item_id=item.id, today=DAY)
    with session_scope(any_app) as s:
        history = item_history(s, item_id=item.id, scope=teacher)
    assert [(r.version, r.action) for r in history] == [(1, "create"), (2, "edit"), (3, "withdraw")]
    assert [(c.field, c.before, c.after) for c in history[1].changes] == [("minutes", 20, 15)]
    assert [(c.field, c.before, c.after) for c in history[2].changes] == [("withdrawn", False, True)]
    assert history[0].changed_by == "Teacher"


def test_an_entry_is_locked_after_its_day(any_app, any_world):
    teacher = scope_of(any_world.teacher)
    with session_scope(any_app) as s:
        item = homework.log_homework(s, scope=teacher, data=maths(any_world), today=DAY)
    later = DAY + timedelta(days=400)
    with session_scope(any_app) as s:
        with pytest.raises(InvalidHomework):
            homework.edit_homework(s, scope=teacher, item_id=item.id, data=maths(any_world, minutes=5), today=later)
        homework.mark_graded(s, scope=teacher, item_id=item.id)
    with session_scope(any_app) as s:
        assert s.get(HomeworkItem, item.id).graded and s.get(HomeworkItem, item.id).minutes == 20


@pytest.mark.parametrize(("who", "sees"), [
    ("teacher", True), ("colleague", True), ("principal", True), ("supervisor", True),
    ("other_teacher", False), ("other_principal", False), ("other_supervisor", False), ("admin", False),
])
def test_item_history_is_visible_only_within_scope(any_app, any_world, who, sees):
    with session_scope(any_app) as s:
        item = homework.log_homework(s, scope=scope_of(any_world.teacher), data=maths(any_world), today=DAY)
    with session_scope(any_app) as s:
        history = item_history(s, item_id=item.id, scope=scope_of(any_world.users[who]))
    assert bool(history) is sees


def test_a_grade_leader_sees_the_history_of_their_grade(any_app, any_world):
    with session_scope(any_app) as s:
        item = homework.log_homework(s, scope=scope_of(any_world.teacher), data=maths(any_world), today=DAY)
    leader = scope_of(any_world.other_teacher)
    same_school_leader = Scope(leader.user_id, "teacher", any_world.school.id, None, lead_grade=3)
    with session_scope(any_app) as s:
        assert item_history(s, item_id=item.id, scope=same_school_leader)
        assert not item_history(s, item_id=item.id, scope=Scope(leader.user_id, "teacher", any_world.school.id,
                                                                 None, lead_grade=7))


def _nothing_left_to_judge(app, school_id) -> None:
    """A full recomputation of the school's homework alerts finds nothing to change: the save's own,
    limited to the rules its entry can change (#12), left every stored alert as the full one would."""
    with session_scope(app) as s:
        result = alerts_store.recompute(s, school_id=school_id, start=DAY - timedelta(days=7),
                                        end=DAY + timedelta(days=14))
        assert result == alerts_store.RecomputeResult(0, 0, 0, 0)
        assert summary.verify(s) == []  # the class-evening rows the saves wrote over (#12) too
        s.rollback()


def test_a_saves_alerts_live_as_a_full_recomputation_would_have_them(any_app, any_world):
    teacher, colleague = scope_of(any_world.teacher), scope_of(any_world.colleague)
    school_id = any_world.school.id
    with session_scope(any_app) as s:
        homework.log_homework(s, scope=colleague, today=DAY, confirm_over=True, reason="家校共育", data=maths(
            any_world, subject_id=any_world.chinese.id, minutes=50, description="请家长检查签字"))
    _nothing_left_to_judge(any_app, school_id)
    with session_scope(any_app) as s:  # over the cap: raised
        first = homework.log_homework(s, scope=teacher, data=maths(any_world), today=DAY, confirm_over=True,
                                      reason="复习")
        alert = s.exec(select(Alert).where(Alert.rule_id == "R-HW-02")).one()
        alert.state = "acknowledged"
        s.add(alert)
    _nothing_left_to_judge(any_app, school_id)
    with session_scope(any_app) as s:  # worse: reopened, with the new figure
        homework.log_homework(s, scope=teacher, today=DAY, confirm_over=True, reason="复习", data=maths(
            any_world, minutes=5, description="口算", due_date=DAY + timedelta(days=3)))
        alert = s.exec(select(Alert).where(Alert.rule_id == "R-HW-02")).one()
        assert (alert.state, alert.figure, alert.current) == ("open", "72", True)
    _nothing_left_to_judge(any_app, school_id)
    with session_scope(any_app) as s:  # under the cap again: cleared (the ORM path of a withdrawal)
        homework.withdraw_homework(s, scope=teacher, item_id=first.id, today=DAY)
    with session_scope(any_app) as s:  # over again by a new entry: raised again, the same alert
        homework.log_homework(s, scope=teacher, data=maths(any_world, description="练习册第4页"), today=DAY,
                              confirm_over=True, reason="复习")
        again = s.exec(select(Alert).where(Alert.rule_id == "R-HW-02")).one()
        assert (again.id, again.current, again.cleared_cause) == (alert.id, True, "homework")
        life = s.exec(select(AuditEntry.action, AuditEntry.user_id).where(
            AuditEntry.entity == "alert", AuditEntry.entity_id == alert.id).order_by(AuditEntry.id)).all()
        assert life == [("alert_raised", any_world.teacher.id), ("alert_cleared", any_world.teacher.id),
                        ("alert_raised_again", any_world.teacher.id)]
        wording = s.exec(select(Alert).where(Alert.rule_id == "R-HW-06")).one()
        assert wording.current and wording.class_id == any_world.class3.id
    _nothing_left_to_judge(any_app, school_id)


def test_the_same_entry_is_one_retried_save_for_ten_minutes_and_a_new_entry_after(any_app, any_world):
    # The retry check judges the rows the save read once (#12): the stored time is compared in UTC on
    # both databases (SQLite hands it back without its zone).
    teacher = scope_of(any_world.teacher)
    with session_scope(any_app) as s:
        first = homework.log_homework(s, scope=teacher, data=maths(any_world), today=DAY)
    with session_scope(any_app) as s:
        again = homework.log_homework(s, scope=teacher, data=maths(any_world), today=DAY)
        assert again.id == first.id and count(s, HomeworkItem) == 1
        stored = s.get(HomeworkItem, first.id)
        stored.created_at = stored.created_at - timedelta(minutes=11)
        s.add(stored)
    with session_scope(any_app) as s:
        later = homework.log_homework(s, scope=teacher, data=maths(any_world), today=DAY)
        assert later.id != first.id and count(s, HomeworkItem) == 2
