"""R-AS-01 length and R-AS-02 end time judge each day's service as a whole, stored one alert per
school-day; alerts stored per session before that go stale, keeping a principal's action where it
was the same breach. On SQLite and PostgreSQL."""

from datetime import datetime, timedelta

from sqlmodel import col, select

from edulite.afterschool import alerts as afterschool
from edulite.db import session_scope
from edulite.models import Alert, utcnow
from tests.support.afterschool import MON, add_session

WEEK = [MON + timedelta(days=n) for n in range(5)]
NEXT_MON = MON + timedelta(days=7)


def _recompute(app, world):
    with session_scope(app) as s:
        return afterschool.recompute(s, school_id=world.school.id, start=MON, end=NEXT_MON, today=NEXT_MON)


def _alerts(app, world, **where):
    with session_scope(app, write=False) as s:
        rows = s.exec(select(Alert).where(Alert.school_id == world.school.id, col(Alert.rule_id) != "R-AS-03",
                                          *[getattr(Alert, k) == v for k, v in where.items()])
                      .order_by(Alert.day, Alert.rule_id, Alert.id)).all()
        return [(a.rule_id, a.day, a.figure, a.detail, a.current, a.state, a.note) for a in rows]


def _full_week(app, world, **kw):
    with session_scope(app) as s:
        return [add_session(s, world.school.id, d, pupils={world.class3.id: 30}, **kw) for d in WEEK]


def test_a_short_reading_group_beside_a_full_session_raises_nothing(any_app, any_world):
    """The reviewer's case: 16:00–17:00 alongside 15:40–17:40 used to read "60 / 120" and "17:00"."""
    _full_week(any_app, any_world)
    with session_scope(any_app) as s:
        add_session(s, any_world.school.id, MON, start="16:00", end="17:00", pupils={any_world.class1.id: 12})
    _recompute(any_app, any_world)
    assert _alerts(any_app, any_world) == []


def test_two_sessions_of_a_day_that_end_early_raise_one_alert_per_rule_for_the_day(any_app, any_world):
    with session_scope(any_app) as s:
        for day in WEEK:
            for start in ("15:20", "15:40") if day == WEEK[2] else ("15:40",):
                add_session(s, any_world.school.id, day, start=start, end="17:10" if day == WEEK[2] else "17:40")
    result = _recompute(any_app, any_world)
    assert result.opened == 2
    assert _alerts(any_app, any_world) == [
        ("R-AS-01", WEEK[2], "110", "15:20–17:10", True, "open", None),
        ("R-AS-02", WEEK[2], "17:10", "15:20–17:10", True, "open", None)]


def _stored_per_session(app, world, session_id, *, rule, figure, limit, state="open", note=None):
    """An alert as the per-session rules stored it before (key ...|session=ID)."""
    with session_scope(app) as s:
        s.add(Alert(school_id=world.school.id, key=f"{rule}|school||{MON.isoformat()}|session={session_id}",
                    rule_id=rule, day=MON, figure=figure, limit=limit, detail="15:40–17:15 clubs", state=state,
                    note=note, acted_by=world.principal.id if note else None,
                    acted_at=datetime(2026, 11, 17, 1, 0, tzinfo=utcnow().tzinfo) if note else None))


def test_stale_per_session_alerts_stop_being_current_and_an_acknowledged_same_breach_keeps_its_note(
        any_app, any_world):
    monday, *_ = _full_week(any_app, any_world, end="17:15")
    _stored_per_session(any_app, any_world, monday.id, rule="R-AS-02", figure="17:15", limit="17:30–18:00",
                        state="acknowledged", note="运动会彩排")
    _stored_per_session(any_app, any_world, monday.id, rule="R-AS-01", figure="95", limit="120")
    _recompute(any_app, any_world)
    monday_alerts = _alerts(any_app, any_world, day=MON)
    # The stale ones also lose the English activity code their detail ended with.
    assert ("R-AS-02", MON, "17:15", "15:40–17:15", False, "acknowledged", "运动会彩排") in monday_alerts
    assert ("R-AS-01", MON, "95", "15:40–17:15", False, "open", None) in monday_alerts
    assert ("R-AS-02", MON, "17:15", "15:40–17:15", True, "acknowledged", "运动会彩排") in monday_alerts
    assert ("R-AS-01", MON, "95", "15:40–17:15", True, "open", None) in monday_alerts
    with session_scope(any_app, write=False) as s:
        carried = s.exec(select(Alert).where(Alert.rule_id == "R-AS-02", Alert.day == MON,
                                             col(Alert.current).is_(True))).one()
        assert carried.key.endswith("|service") and carried.acted_by == any_world.principal.id


def test_a_wrong_per_session_alert_passes_nothing_on(any_app, any_world):
    """A per-session "60 / 120" for a group beside a full session: stale, and the day has no alert."""
    _full_week(any_app, any_world)
    with session_scope(any_app) as s:
        group = add_session(s, any_world.school.id, MON, start="16:00", end="17:00")
    _stored_per_session(any_app, any_world, group.id, rule="R-AS-01", figure="60", limit="120",
                        state="resolved", note="读书小组")
    result = _recompute(any_app, any_world)
    assert (result.opened, result.cleared) == (0, 1)
    assert [(r, current, state) for r, _d, _f, _x, current, state, _n in _alerts(any_app, any_world)] == [
        ("R-AS-01", False, "resolved")]
