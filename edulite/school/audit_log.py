"""The school's audit trail as the principal reads it: who changed what, when, from what to what."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, select

from edulite.homework.history import TRACKED, Change
from edulite.models import AuditEntry, User

PAGE_SIZE = 50


@dataclass(frozen=True)
class AuditRow:
    at: datetime
    who: str | None
    action: str
    entity: str
    entity_id: int | None
    changes: tuple[Change, ...]


def _shown(value):
    """Scalars stay as stored, so that the page words them like the entry history (kinds, yes/no);
    nested values (a calendar, a policy) are shown as their JSON text."""
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return value


def changes(before: str | None, after: str | None) -> tuple[Change, ...]:
    """Top-level fields that differ; a creation lists every field, a removal its old values (after None)."""
    old, new = json.loads(before) if before else None, json.loads(after) if after else None
    if not isinstance(old, dict | None) or not isinstance(new, dict | None):
        return (Change("", _shown(old), _shown(new)),)
    old, new = old or {}, new or {}
    # A snapshot that names a thing (subject) also keeps its id (subject_id): the reader needs the name.
    keys = [k for k in set(old) | set(new) if not (k.endswith("_id") and k[:-3] in old | new)]
    keys.sort(key=lambda k: (TRACKED.index(k) if k in TRACKED else len(TRACKED), k))
    return tuple(Change(k, _shown(old.get(k)), _shown(new.get(k))) for k in keys if old.get(k) != new.get(k))


def school_audit(session: Session, *, school_id: int, entity: str | None = None,
                 page: int = 1) -> tuple[list[AuditRow], bool]:
    """One page of the school's trail, newest first, and whether an older page exists."""
    query = (select(AuditEntry, User.display_name).outerjoin(User, User.id == AuditEntry.user_id)
             .where(AuditEntry.school_id == school_id))
    if entity:
        query = query.where(AuditEntry.entity == entity)
    rows = session.exec(query.order_by(col(AuditEntry.at).desc(), col(AuditEntry.id).desc())
                        .offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE + 1)).all()
    out = [AuditRow(e.at, who, e.action, e.entity, e.entity_id, changes(e.before, e.after))
           for e, who in rows[:PAGE_SIZE]]
    return out, len(rows) > PAGE_SIZE


def entities(session: Session, *, school_id: int) -> list[str]:
    return sorted(session.exec(select(AuditEntry.entity).where(AuditEntry.school_id == school_id).distinct()).all())
