"""R-SV-01..03 as stored alerts, judged per class and week from the answers (#13).

Merged with alerts.store.sync like every other rule, so that a principal's acknowledgement survives a
new answer, and an alert that no longer holds is kept for the record.
"""

from __future__ import annotations

from datetime import date, timedelta

from sqlmodel import Session, col, select

from edulite.alerts.store import RecomputeResult, sync
from edulite.core import rule_ids
from edulite.core.calendar import week_start
from edulite.core.survey_rules import Answer, class_week_alerts
from edulite.homework import loads
from edulite.models import Alert
from edulite.survey import reads


def recompute(session: Session, *, school_id: int, start: date, end: date,
              class_ids: list[int] | None = None) -> RecomputeResult:
    """Judge every whole week touching [start, end) again, in the caller's transaction."""
    first = week_start(start)
    last = week_start(end - timedelta(days=1)) + timedelta(days=7)
    found_answers, _loads = reads.answers(session, school_id=school_id, start=first, end=last,
                                               class_ids=class_ids)
    groups: dict[tuple[int, date], list[Answer]] = {}
    for a in found_answers:
        groups.setdefault((a.class_id, week_start(a.evening)), []).append(a)
    found = []
    for (class_id, week), group in sorted(groups.items()):
        policy = loads.policy_in_force(session, school_id=school_id, day=week)
        found += class_week_alerts(group, class_id=class_id, week=week, policy=policy)
    query = select(Alert).where(Alert.school_id == school_id, col(Alert.rule_id).in_(rule_ids.SURVEY_RULES),
                                col(Alert.day) >= first, col(Alert.day) < last)
    if class_ids is not None:
        query = query.where(col(Alert.class_id).in_(class_ids))
    return sync(session, school_id=school_id, found=found, stored_query=query)
