"""After-school sessions from the database, judged by the engine (R-AS-01..03) into stored alerts.

Recomputation works on whole weeks: the coverage alert (R-AS-01) of a week is dated its Monday, so
a narrower range would compute an alert that the stored query does not select, or the reverse.
"""

from __future__ import annotations

from datetime import date, timedelta

from sqlmodel import Session, col, select

from edulite.alerts.store import RecomputeResult, sync
from edulite.core import rule_ids, rules
from edulite.core.afterschool_rules import ACTIVITIES, new_lesson_alerts, service_day_alerts, week_coverage_alerts
from edulite.core.afterschool_rules import Session as EngineSession
from edulite.core.calendar import week_start
from edulite.homework import loads
from edulite.homework.loads import school_today
from edulite.models import AfterSchoolSession, Alert, SessionClass, utcnow


def whole_weeks(start: date, end: date) -> tuple[date, date]:
    """Widen [start, end) to the Mondays around it."""
    first = week_start(start)
    last = week_start(max(start, end - timedelta(days=1)))
    return first, last + timedelta(days=7)


def engine_sessions(session: Session, *, school_id: int, start: date, end: date) -> list[EngineSession]:
    """The school's sessions of [start, end) with their participants, as the engine's Sessions."""
    rows = session.exec(
        select(AfterSchoolSession).where(AfterSchoolSession.school_id == school_id,
                                         AfterSchoolSession.day >= start, AfterSchoolSession.day < end)
        .order_by(AfterSchoolSession.day, AfterSchoolSession.start, AfterSchoolSession.id)).all()
    participants: dict[int, dict[int, int]] = {}
    if rows:
        for sid, cid, pupils in session.exec(
                select(SessionClass.session_id, SessionClass.class_id, SessionClass.pupils)
                .where(col(SessionClass.session_id).in_([r.id for r in rows]))).all():
            participants.setdefault(sid, {})[cid] = pupils
    return [EngineSession(r.id, school_id, r.day, r.start, r.end, r.activity, participants.get(r.id, {}))
            for r in rows]


def engine_alerts(session: Session, *, school_id: int, start: date, end: date,
                  today: date | None) -> list[rules.Alert]:
    """Every after-school alert of the whole weeks around [start, end); days after today are still to come."""
    first, stop = whole_weeks(start, end)
    sessions = engine_sessions(session, school_id=school_id, start=first, end=stop)
    calendar = loads.school_calendar(session, school_id=school_id)
    found: list[rules.Alert] = []
    for a, b, policy in loads.policy_periods(session, school_id=school_id, start=first, end=stop):
        during = [s for s in sessions if a <= s.date < b]
        found += service_day_alerts(during, policy) + [alert for s in during for alert in new_lesson_alerts(s)]
    monday = first
    while monday < stop:
        policy = loads.policy_in_force(session, school_id=school_id, day=monday)
        found += week_coverage_alerts(sessions, school_id=school_id, calendar=calendar, policy=policy,
                                      week_start=monday, today=today)
        monday += timedelta(days=7)
    return rules.sort_alerts(found)


def recompute(session: Session, *, school_id: int, start: date, end: date,
              today: date | None = None, actor_id: int | None = None, cause: str = "after_school") -> RecomputeResult:
    """Recompute R-AS-01..03 for the weeks around [start, end) in the caller's transaction.

    today defaults to the school's date; a day counts as missing service only once it is over,
    because a teacher logs the afternoon's session at its end.
    """
    today = today or school_today(session, school_id=school_id)
    first, stop = whole_weeks(start, end)
    found = engine_alerts(session, school_id=school_id, start=first, end=stop, today=today - timedelta(days=1))
    query = select(Alert).where(Alert.school_id == school_id, col(Alert.rule_id).in_(rule_ids.AFTER_SCHOOL_RULES),
                                Alert.day >= first, Alert.day < stop)
    result = sync(session, school_id=school_id, found=found, stored_query=query, actor_id=actor_id, cause=cause)
    session.flush()
    rows = session.exec(query).all()
    _carry_over_actions(rows)
    _trim_activity_codes(rows)
    return result


def _trim_activity_codes(rows: list[Alert]) -> None:
    """Drop the English activity code that older alerts ended their detail with ("15:40–18:15 clubs").

    Stored text is shown as is by the inbox, the CSV export and the digest, whatever the reader's
    language, so it holds clock times and numbers only; the activity, in words, is on the linked
    after-school week. Current alerts are rewritten by sync; this trims the ones no longer found.
    """
    for row in rows:
        times, _space, code = row.detail.rpartition(" ")
        if times and code in ACTIVITIES:
            row.figure = times if row.figure == code else row.figure
            row.detail = "" if row.rule_id == "R-AS-03" else times


def _carry_over_actions(rows: list[Alert]) -> None:
    """Give a new day-service alert the principal's action on the same breach under its old key.

    R-AS-01/02 used to be judged per session (key ...|session=ID). Those alerts are no longer found
    and go stale; where one of them was acknowledged or resolved and the day's new alert reports the
    same figure and limit (a day with one session: the same breach), the new alert keeps that action
    instead of asking again. A stale alert with other figures (a parallel session judged alone, the
    wrong alerts this replaced) passes nothing on.
    """
    acted = {(r.rule_id, r.day, r.figure, r.limit): r for r in rows
             if not r.current and r.state != "open" and "|session=" in r.key
             and r.rule_id in rule_ids.AFTER_SCHOOL_DAY_RULES}
    for row in rows:
        old = acted.get((row.rule_id, row.day, row.figure, row.limit))
        if old is not None and row.current and row.state == "open" and row.acted_at is None:
            row.state, row.note, row.acted_by, row.acted_at = old.state, old.note, old.acted_by, old.acted_at
            row.updated_at = utcnow()
