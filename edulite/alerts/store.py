"""Stored alerts: recomputed from the engine whenever homework or sessions change.

A principal's acknowledgement or resolution (and note) survives recomputation; an alert whose day
got worse reopens; an alert the engine no longer finds is kept for the record with current=False,
with who cleared it, when and why (cleared_*), and is raised again (open) if the breach comes back.
Each step of that life (raised, cleared, raised again) goes into the audit trail (#14).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import and_, bindparam, insert, update
from sqlmodel import Session, col, or_, select

from edulite.core import rule_ids, rules
from edulite.homework import loads
from edulite.models import Alert, HomeworkItem, SchoolClass, utcnow
from edulite.prepared import Prepared
from edulite.school.audit import audit, entry_values

# Why recomputation stopped finding a breach: the write that ran it. "recomputed" is a command run
# by an operator (flask edulite recompute-alerts) or the demo; the labels are in edulite/web/labels.py.
CLEAR_CAUSES = ("homework", "import", "calendar", "policy", "class", "after_school", "recomputed")


@dataclass(frozen=True)
class RecomputeResult:
    opened: int
    reopened: int
    updated: int
    cleared: int


def _number(value) -> float | None:
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def _worse(old: str, new) -> bool:
    before, after = _number(old), _number(new)
    return before is not None and after is not None and after > before


def wording_items(session: Session, *, school_id: int, start: date, end: date,
                  class_ids: list[int] | None = None) -> list[rules.Item]:
    """Live items set in [start, end) with their text, for the wording rules (R-HW-06, R-HW-08)."""
    query = (select(HomeworkItem.id, HomeworkItem.class_id, HomeworkItem.set_date, HomeworkItem.description,
                    HomeworkItem.kind, HomeworkItem.location)
             .join(SchoolClass, SchoolClass.id == HomeworkItem.class_id)
             .where(SchoolClass.school_id == school_id, HomeworkItem.set_date >= start, HomeworkItem.set_date < end,
                    col(HomeworkItem.withdrawn).is_(False), HomeworkItem.description != ""))
    if class_ids is not None:
        query = query.where(col(HomeworkItem.class_id).in_(class_ids))
    return [rules.Item(iid, cid, "", kind, True, loc, 0, day, description=text)
            for iid, cid, day, text, kind, loc in session.exec(query).all()]


def engine_alerts(session: Session, *, school_id: int, start: date, end: date,
                  class_ids: list[int] | None = None) -> list[rules.Alert]:
    """Every homework and class-size alert of the school's classes over [start, end)."""
    found: list[rules.Alert] = []
    periods = loads.policy_periods(session, school_id=school_id, start=start, end=end)
    for a, b, policy in periods:
        for cl in loads.class_loads(session, school_id=school_id, start=a, end=b, class_ids=class_ids):
            for day in cl.days:
                found += rules.class_day_alerts(day, grade=cl.klass.grade, policy=policy)
        found += [alert for item in wording_items(session, school_id=school_id, start=a, end=b, class_ids=class_ids)
                  for alert in rules.wording_alerts(item, policy)]
    latest = periods[-1][2] if periods else loads.policy_in_force(session, school_id=school_id, day=start)
    for klass in loads.classes(session, school_id=school_id, class_ids=class_ids):
        size = rules.class_size_alert(class_id=klass.class_id, grade=klass.grade, headcount=klass.headcount,
                                      policy=latest)
        found += [size] if size else []
    return rules.sort_alerts(found)


def _life(alert: Alert) -> dict:
    return {"rule_id": alert.rule_id, "class_id": alert.class_id,
            "day": alert.day.isoformat() if alert.day else None, "figure": alert.figure, "limit": alert.limit,
            "state": alert.state, "current": alert.current}


def sync(session: Session, *, school_id: int, found: list[rules.Alert], stored_query,
         actor_id: int | None = None, cause: str = "recomputed") -> RecomputeResult:
    """Merge freshly computed alerts into the stored ones selected by stored_query (same scope).

    actor_id and cause say whose write ran the recomputation and what it was: a cleared alert keeps
    them, and the audit trail records each alert raised, cleared and raised again under them.
    """
    stored = {a.key: a for a in session.exec(stored_query).all()}
    opened = reopened = updated = cleared = 0
    now = utcnow()
    raised: list[Alert] = []
    again: list[tuple[dict, Alert]] = []
    for alert in found:
        row = stored.pop(alert.key, None)
        if row is None:
            row = Alert(school_id=school_id, class_id=alert.class_id, key=alert.key, rule_id=alert.rule_id,
                        day=alert.day, figure=str(alert.figure),
                        limit=None if alert.limit is None else str(alert.limit),
                        detail=alert.detail[:500], item_id=alert.item_id, subject=alert.subject)
            session.add(row)
            raised.append(row)
            opened += 1
            continue
        before = _life(row) if not row.current else None
        if row.state != "open" and (_worse(row.figure, alert.figure) or not row.current):
            row.state, reopened = "open", reopened + 1
        elif row.figure != str(alert.figure) or not row.current:
            updated += 1
        row.figure, row.current, row.updated_at = str(alert.figure), True, now
        row.limit = None if alert.limit is None else str(alert.limit)
        row.detail = alert.detail[:500]
        session.add(row)
        if before is not None:
            again.append((before, row))
    for row in stored.values():
        if row.current:
            before = _life(row)
            row.current, row.updated_at = False, now
            row.cleared_at, row.cleared_by, row.cleared_cause = now, actor_id, cause
            session.add(row)
            audit(session, user_id=actor_id, school_id=school_id, action="alert_cleared", entity="alert",
                  entity_id=row.id, before=before, after={**_life(row), "cause": cause})
            cleared += 1
    if raised:
        session.flush()  # the new alerts' ids, for their audit entries
    for row in raised:
        audit(session, user_id=actor_id, school_id=school_id, action="alert_raised", entity="alert",
              entity_id=row.id, after={**_life(row), "cause": cause})
    for before, row in again:
        audit(session, user_id=actor_id, school_id=school_id, action="alert_raised_again", entity="alert",
              entity_id=row.id, before=before, after={**_life(row), "cause": cause})
    return RecomputeResult(opened, reopened, updated, cleared)


def recompute(session: Session, *, school_id: int, start: date, end: date,
              class_ids: list[int] | None = None, actor_id: int | None = None,
              cause: str = "recomputed") -> RecomputeResult:
    """Recompute the homework alerts of [start, end) in the caller's transaction (the caller commits)."""
    found = engine_alerts(session, school_id=school_id, start=start, end=end, class_ids=class_ids)
    query = select(Alert).where(Alert.school_id == school_id, col(Alert.rule_id).in_(rule_ids.HOMEWORK_RULES),
                                or_(col(Alert.day).is_(None), (Alert.day >= start) & (Alert.day < end)))
    if class_ids is not None:
        query = query.where(col(Alert.class_id).in_(class_ids))
    return sync(session, school_id=school_id, found=found, stored_query=query, actor_id=actor_id, cause=cause)


# --- One class's evenings after a teacher's save (#12) ---------------------------------------------------
# A new entry changes only the cap rules of its class on its evenings (R-HW-01..04, R-LOC-01: they follow
# the class-evening loads) and the wording rules of its own text (R-HW-06, -08, -12). The other stored
# alerts of the class (other entries' wording, the class size R-CL-01) cannot change by it and are left
# alone. Core statements built once here (SQLAlchemy caches their compiled form): the ORM's unit of work
# cost more than the judging itself.
ALERTS = Alert.__table__  # type: ignore[attr-defined]
_STORED_KEYS = ("id", "key", "rule_id", "class_id", "day", "figure", "limit", "state", "current")


# The class's stored alerts a save can change: cap rules on its evenings, and those of its entry. Run
# through the driver (edulite.prepared): every save asks it.
_STORED = Prepared(select(*[ALERTS.c[k] for k in _STORED_KEYS])
                   .where(ALERTS.c.school_id == bindparam("school_id"), ALERTS.c.class_id == bindparam("class_id"),
                          or_(and_(ALERTS.c.rule_id.in_(rule_ids.CAP_RULES), ALERTS.c.day >= bindparam("start"),
                                   ALERTS.c.day < bindparam("end")), ALERTS.c.item_id == bindparam("item_id")))
                   .order_by(ALERTS.c.id))
_RAISE = insert(ALERTS).returning(ALERTS.c.id)
_SEEN = (update(ALERTS).where(ALERTS.c.id == bindparam("row_id"))
         .values(state=bindparam("new_state"), figure=bindparam("new_figure"), current=True,
                 updated_at=bindparam("now"), limit=bindparam("new_limit"), detail=bindparam("new_detail")))
_CLEAR = (update(ALERTS).where(ALERTS.c.id == bindparam("row_id"))
          .values(current=False, updated_at=bindparam("now"), cleared_at=bindparam("now"),
                  cleared_by=bindparam("actor"), cleared_cause=bindparam("cause")))


def _life_of(row: Mapping[str, Any]) -> dict:
    day = row["day"]
    return {"rule_id": row["rule_id"], "class_id": row["class_id"], "day": day.isoformat() if day else None,
            "figure": row["figure"], "limit": row["limit"], "state": row["state"], "current": row["current"]}


def recompute_evenings(session: Session, *, school_id: int, class_id: int, grade: int, active: bool,
                       rows: Mapping[date, Any], start: date, end: date, item: rules.Item,
                       actor_id: int | None, cause: str) -> tuple[RecomputeResult, list[dict]]:
    """The alerts one save can change: its class's cap rules on [start, end) and the wording of its item.

    rows are the class's summary rows of those evenings just written (edulite.homework.summary.refresh;
    an evening without a row has nothing set), so the loads are not read back. The stored alerts'
    life is kept as sync keeps it (ADR 0012): opened, updated, reopened, cleared, raised again. Returns
    what changed and the audit rows of each step, for the caller to insert with its own.
    """
    info = loads.ClassInfo(class_id, "", grade, 0)
    calendar = loads.school_calendar(session, school_id=school_id)
    found: list[rules.Alert] = []
    for a, b, policy in loads.policy_periods(session, school_id=school_id, start=start, end=end):
        if active:  # a closed class has no class-evening alerts (loads.classes lists active ones)
            for n in range((b - a).days):
                day = a + timedelta(days=n)
                found += rules.class_day_alerts(loads.day_load(rows.get(day), info, day, calendar, policy),
                                                grade=grade, policy=policy)
        if a <= item.set_date < b and item.description:
            found += rules.wording_alerts(item, policy)
    # The session's connection, not the session: a Core statement skips the ORM's per-call work (#12).
    conn = session.connection()
    found_rows = _STORED.rows(conn, {"school_id": school_id, "class_id": class_id, "start": start, "end": end,
                                     "item_id": item.id})
    stored = {r["key"]: r for r in (dict(zip(_STORED_KEYS, row, strict=True)) for row in found_rows)}
    now = utcnow()
    trail: list[dict] = []
    seen: list[dict] = []
    again: list[tuple[dict, dict]] = []
    raised: list[dict] = []
    opened = reopened = updated = cleared = 0
    for alert in rules.sort_alerts(found):
        figure, limit = str(alert.figure), None if alert.limit is None else str(alert.limit)
        row = stored.pop(alert.key, None)
        if row is None:
            raised.append({"school_id": school_id, "class_id": alert.class_id, "key": alert.key,
                           "rule_id": alert.rule_id, "day": alert.day, "figure": figure, "limit": limit,
                           "detail": alert.detail[:500], "item_id": alert.item_id, "subject": alert.subject,
                           "state": "open", "current": True, "created_at": now, "updated_at": now})
            opened += 1
            continue
        state = row["state"]
        if state != "open" and (_worse(row["figure"], alert.figure) or not row["current"]):
            state, reopened = "open", reopened + 1
        elif row["figure"] != figure or not row["current"]:
            updated += 1
        seen.append({"row_id": row["id"], "new_state": state, "new_figure": figure, "now": now,
                     "new_limit": limit, "new_detail": alert.detail[:500]})
        if not row["current"]:
            again.append((_life_of(row), {**row, "state": state, "figure": figure, "limit": limit,
                                          "current": True}))
    gone = [row for row in stored.values() if row["current"]]
    if seen:
        conn.execute(_SEEN, seen)
    if gone:
        conn.execute(_CLEAR, [{"row_id": row["id"], "now": now, "actor": actor_id, "cause": cause}
                                 for row in gone])
    for row in gone:
        trail.append(entry_values(user_id=actor_id, school_id=school_id, action="alert_cleared", entity="alert",
                                  entity_id=row["id"], before=_life_of(row),
                                  after={**_life_of({**row, "current": False}), "cause": cause}))
        cleared += 1
    for values in raised:
        new_id = conn.execute(_RAISE, values).scalar_one()
        trail.append(entry_values(user_id=actor_id, school_id=school_id, action="alert_raised", entity="alert",
                                  entity_id=new_id, after={**_life_of(values), "cause": cause}))
    for before, row in again:
        trail.append(entry_values(user_id=actor_id, school_id=school_id, action="alert_raised_again",
                                  entity="alert", entity_id=row["id"], before=before,
                                  after={**_life_of(row), "cause": cause}))
    return RecomputeResult(opened, reopened, updated, cleared), trail
