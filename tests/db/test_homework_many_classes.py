"""One entry for several classes (#15) on SQLite and PostgreSQL: all written in one transaction, or none."""

from datetime import date

import pytest
from sqlmodel import func, select

from edulite.core.scope import Scope
from edulite.db import session_scope
from edulite.homework import service as homework
from edulite.homework.input import HomeworkInput, InvalidHomework
from edulite.models import Alert, AuditEntry, HomeworkItem, HomeworkRevision
from edulite.school.settings import set_school_policy

DAY = date(2026, 11, 17)  # a Tuesday


def teacher_scope(world) -> Scope:
    t = world.teacher
    return Scope(t.id, t.role, t.school_id, t.district_id, t.lead_grade)


def maths(world, **changes) -> HomeworkInput:
    fields = {"class_id": world.class3.id, "subject_id": world.maths.id, "description": "练习册第3页",
              "minutes": 70, "set_date": DAY}
    return HomeworkInput(**(fields | changes))


def counts(s) -> tuple[int, ...]:
    return tuple(s.exec(select(func.count()).select_from(m)).one() for m in (HomeworkItem, HomeworkRevision,
                                                                               AuditEntry))


def test_a_refused_class_leaves_every_class_unwritten_and_a_confirmed_save_writes_each_once(any_app, any_world):
    w = any_world
    with session_scope(any_app) as s:
        # 70 min is over grade 3's 60 (R-HW-02) and within grade 7's 90 (R-HW-03): only class3 asks.
        with pytest.raises(InvalidHomework) as refused:
            homework.log_homework_for_classes(s, scope=teacher_scope(w), data=maths(w), class_ids=[w.class7.id],
                                              today=DAY)
        assert set(refused.value.problems) == {"confirm_over", "over_reason"}
    with session_scope(any_app) as s:
        assert counts(s) == (0, 0, 0)
    with session_scope(any_app) as s:
        saved = homework.log_homework_for_classes(s, scope=teacher_scope(w), data=maths(w), class_ids=[w.class7.id],
                                                  today=DAY, confirmed={w.class3.id}, reason="复习")
        assert [i.class_id for i in saved] == [w.class3.id, w.class7.id]
    with session_scope(any_app) as s:
        # Audit: the two entries and the R-HW-02 alert of class3 raised (alerts are audited, #14).
        assert counts(s) == (2, 2, 3)
        assert s.exec(select(Alert.class_id).where(Alert.rule_id == "R-HW-02", Alert.current)).all() == [w.class3.id]
    with session_scope(any_app) as s:  # the retry after a lost answer
        homework.log_homework_for_classes(s, scope=teacher_scope(w), data=maths(w), class_ids=[w.class7.id],
                                          today=DAY, confirmed={w.class3.id}, reason="复习")
    with session_scope(any_app) as s:
        # Audit: the two entries and the R-HW-02 alert of class3 raised (alerts are audited, #14).
        assert counts(s) == (2, 2, 3)


def test_a_class_blocked_by_its_schools_block_mode_is_named_and_nothing_is_saved(any_app, any_world):
    w = any_world
    with session_scope(any_app) as s:
        set_school_policy(s, school_id=w.school.id, data={"over_cap_mode": "block"}, effective_from=date(2026, 9, 1),
                          user_id=w.principal.id, today=date(2026, 9, 1))
    with session_scope(any_app) as s:
        with pytest.raises(InvalidHomework) as refused:
            homework.log_homework_for_classes(s, scope=teacher_scope(w), data=maths(w, class_id=w.class7.id,
                                                                                    minutes=70),
                                              class_ids=[w.class3.id], today=DAY, confirmed={w.class3.id},
                                              reason="复习")
        assert refused.value.problems == {f"also_{w.class3.id}": [refused.value.problems[f"also_{w.class3.id}"][0]]}
        assert refused.value.problems[f"also_{w.class3.id}"][0].code == "blocked"
    with session_scope(any_app) as s:
        assert counts(s)[0] == 0
