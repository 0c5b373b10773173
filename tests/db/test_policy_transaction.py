"""A change of policy or calendar and the alerts it implies are one transaction (SQLite and PostgreSQL).

The alerts are judged again before the single commit, so a failed recompute leaves no policy version,
calendar day or audit row behind, and a stored change never waits for the next homework write to show.
"""

from datetime import date

import pytest
from sqlalchemy import event
from sqlmodel import col, select

from edulite.core.calendar import DayKind
from edulite.db import session_scope
from edulite.models import Alert, AuditEntry, CalendarDay, PolicyVersion
from edulite.school.settings import set_calendar_days, set_district_policy, set_school_policy
from tests.support.factories import add_item

DAY = date(2026, 11, 18)
STRICT = {"caps_school_day": {"1-2": 0, "3-6": 45, "7-9": 60}}


class RecomputeFailed(RuntimeError):
    pass


@pytest.fixture
def failing_recompute(monkeypatch):
    """Fail half-way: the homework alerts are recomputed, the after-school ones raise."""
    def fail(*_args, **_kwargs):
        raise RecomputeFailed

    monkeypatch.setattr("edulite.afterschool.alerts.recompute", fail)


def _left_behind(app, world):
    with session_scope(app) as s:
        versions = s.exec(select(PolicyVersion)).all()
        days = s.exec(select(CalendarDay).where(CalendarDay.school_id == world.school.id)).all()
        audits = s.exec(select(AuditEntry.action)).all()
        # Homework alerts only: the test school logs no after-school service, which R-AS-01 reports.
        alerts = s.exec(select(Alert).where(Alert.school_id == world.school.id,
                                            col(Alert.rule_id).startswith("R-HW"))).all()
    return versions, days, audits, alerts


def _commits(session) -> list[int]:
    count = [0]
    event.listen(session, "after_commit", lambda _s: count.__setitem__(0, count[0] + 1))
    return count


@pytest.mark.parametrize("change", [
    lambda s, w: set_school_policy(s, school_id=w.school.id, data=STRICT, effective_from=DAY, user_id=None,
                                   today=DAY),
    lambda s, w: set_district_policy(s, district_id=w.school.district_id, data=STRICT, effective_from=DAY,
                                     user_id=None),
    lambda s, w: set_calendar_days(s, school_id=w.school.id, days=[(DAY, DayKind.HOLIDAY, "校庆")], user_id=None),
], ids=["school policy", "district policy", "calendar"])
def test_a_failed_recompute_leaves_neither_the_change_nor_its_audit_row(any_app, any_world, failing_recompute,
                                                                       change):
    with session_scope(any_app) as s:
        add_item(s, any_world, day=DAY, minutes=50)
    with pytest.raises(RecomputeFailed), session_scope(any_app) as s:
        change(s, any_world)
    assert _left_behind(any_app, any_world) == ([], [], [], [])


def test_a_stricter_school_policy_and_its_alerts_are_stored_in_one_commit(any_app, any_world):
    with session_scope(any_app) as s:
        add_item(s, any_world, day=DAY, minutes=50)
    with session_scope(any_app) as s:
        commits = _commits(s)
        set_school_policy(s, school_id=any_world.school.id, data=STRICT, effective_from=DAY, user_id=None,
                          today=DAY)
        assert commits == [1]
    versions, _days, audits, alerts = _left_behind(any_app, any_world)
    # The alerts the policy raised are audited in the same commit (#14).
    assert len(versions) == 1 and audits[0] == "policy_set" and set(audits[1:]) == {"alert_raised"}
    assert [(a.rule_id, a.day, a.figure, a.limit) for a in alerts] == [("R-HW-02", DAY, "50", "45")]


def test_a_stricter_district_policy_judges_its_schools_alerts_again_in_the_same_commit(any_app, any_world):
    with session_scope(any_app) as s:
        add_item(s, any_world, day=DAY, minutes=50)
    with session_scope(any_app) as s:
        commits = _commits(s)
        set_district_policy(s, district_id=any_world.school.district_id, data=STRICT, effective_from=DAY,
                            user_id=None)
        assert commits == [1]
    with session_scope(any_app) as s:
        found = s.exec(select(Alert.rule_id, Alert.day).where(col(Alert.current).is_(True),
                                                              col(Alert.rule_id).startswith("R-HW"))).all()
    assert found == [("R-HW-02", DAY)]

