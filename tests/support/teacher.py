"""Helpers for the teacher page tests: today's date as the school sees it, a valid entry, stored rows."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import select

from edulite.db import session_scope
from edulite.models import Alert, AuditEntry, HomeworkItem, HomeworkRevision

HX = {"HX-Request": "true"}


def today() -> date:
    return datetime.now(ZoneInfo("Asia/Shanghai")).date()


def entry(world, **changes) -> dict:
    """A valid form post for maths in class3 today; keyword arguments replace fields."""
    data = {"subject_id": str(world.maths.id), "description": "练习册第3页", "kind": "written", "required": "1",
            "location": "home", "minutes": "20", "set_date": today().isoformat(),
            "due_date": (today() + timedelta(days=1)).isoformat()}
    data.update({k: str(v) for k, v in changes.items()})
    return data


def items(app) -> list[HomeworkItem]:
    with session_scope(app) as s:
        return list(s.exec(select(HomeworkItem).order_by(HomeworkItem.id)).all())


def revisions(app, item_id: int) -> list[HomeworkRevision]:
    with session_scope(app) as s:
        return list(s.exec(select(HomeworkRevision).where(HomeworkRevision.item_id == item_id)
                           .order_by(HomeworkRevision.version)).all())


def alerts(app, rule_id: str) -> list[Alert]:
    with session_scope(app) as s:
        return list(s.exec(select(Alert).where(Alert.rule_id == rule_id, Alert.current)).all())


def audit_actions(app) -> list[str]:
    with session_scope(app) as s:
        return list(s.exec(select(AuditEntry.action).order_by(AuditEntry.id)).all())
