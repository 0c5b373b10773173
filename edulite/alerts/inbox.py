"""Reads behind the alerts inbox and the class-day page; every one is scoped by the caller's school."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import func, or_
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from edulite.models import ALERT_STATES, Alert, SchoolClass, User

PAGE_SIZE = 50


@dataclass(frozen=True)
class AlertFilters:
    state: str = "open"
    rule: str | None = None
    grade: int | None = None
    class_id: int | None = None
    week: date | None = None  # Monday; undated alerts (class size) show in every week

    def query_args(self, **changes) -> dict:
        values = {"state": self.state, "rule": self.rule, "grade": self.grade, "class_id": self.class_id,
                  "week": self.week.isoformat() if self.week else None, **changes}
        return {k: v for k, v in values.items() if v not in (None, "")}


@dataclass(frozen=True)
class AlertRow:
    id: int
    rule_id: str
    class_id: int | None
    class_name: str | None
    grade: int | None
    day: date | None
    figure: str
    limit: str | None
    detail: str
    subject: str | None
    state: str
    current: bool
    note: str | None
    acted_by: str | None
    acted_at: datetime | None


_Actor = aliased(User)
_COLUMNS = (Alert.id, Alert.rule_id, Alert.class_id, SchoolClass.name, SchoolClass.grade, Alert.day, Alert.figure,
            Alert.limit, Alert.detail, Alert.subject, Alert.state, Alert.current, Alert.note, _Actor.display_name,
            Alert.acted_at)


def _joined(query, school_id: int):
    return (query.outerjoin(SchoolClass, SchoolClass.id == Alert.class_id)
            .outerjoin(_Actor, _Actor.id == Alert.acted_by).where(Alert.school_id == school_id))


def _filtered(query, f: AlertFilters):
    if f.rule:
        query = query.where(Alert.rule_id == f.rule)
    if f.grade:
        query = query.where(SchoolClass.grade == f.grade)
    if f.class_id:
        query = query.where(Alert.class_id == f.class_id)
    if f.week:
        query = query.where(or_(col(Alert.day).is_(None),
                                (Alert.day >= f.week) & (Alert.day < f.week + timedelta(days=7))))
    # An open alert the engine no longer finds needs nothing from anyone; handled ones stay on record.
    return query.where(or_(Alert.state != "open", col(Alert.current).is_(True)))


def alert_page(session: Session, *, school_id: int, filters: AlertFilters, page: int = 1) -> list[AlertRow]:
    """One page of the school's alerts in one state, newest day first, class-size alerts on top."""
    query = _filtered(_joined(select(*_COLUMNS), school_id), filters).where(Alert.state == filters.state)
    query = query.order_by(col(Alert.day).is_(None).desc(), col(Alert.day).desc(), Alert.rule_id, SchoolClass.name,
                           Alert.id).offset((max(page, 1) - 1) * PAGE_SIZE).limit(PAGE_SIZE)
    return [AlertRow(*row) for row in session.exec(query).all()]


def state_counts(session: Session, *, school_id: int, filters: AlertFilters) -> dict[str, int]:
    """How many alerts each tab holds under the same filters."""
    query = _filtered(_joined(select(Alert.state, func.count()), school_id), filters).group_by(Alert.state)
    counts = dict.fromkeys(ALERT_STATES, 0)
    counts.update(dict(session.exec(query).all()))
    return counts


def alert_row(session: Session, *, school_id: int, alert_id: int) -> AlertRow | None:
    row = session.exec(_joined(select(*_COLUMNS), school_id).where(Alert.id == alert_id)).first()
    return AlertRow(*row) if row else None


def class_day_alerts(session: Session, *, school_id: int, class_id: int, day: date) -> list[AlertRow]:
    query = _joined(select(*_COLUMNS), school_id).where(
        Alert.class_id == class_id, or_(Alert.day == day, col(Alert.day).is_(None))).order_by(Alert.rule_id, Alert.id)
    return [AlertRow(*row) for row in session.exec(query).all()]
