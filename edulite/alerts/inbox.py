"""Reads behind the alerts inbox and the class-day page; every one is scoped by the caller's school."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import func, or_
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from edulite.models import Alert, SchoolClass, User

PAGE_SIZE = 50
# The inbox's tabs: the three states of alerts still found, "cleared" for those an edit made go away
# (unless resolved, which stays the record of what was done), and "all" (#14).
TABS = ("open", "acknowledged", "resolved", "cleared", "all")


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
    cleared_at: datetime | None = None
    cleared_by: str | None = None
    cleared_cause: str | None = None
    raised_at: datetime | None = None

    @property
    def tab(self) -> str:
        """The inbox tab the alert is listed under (TABS)."""
        return "cleared" if not self.current and self.state != "resolved" else self.state

    @property
    def raised_again(self) -> bool:
        """Found again after an edit had cleared it."""
        return self.current and self.cleared_at is not None


_Actor = aliased(User)
_Clearer = aliased(User)
_COLUMNS = (Alert.id, Alert.rule_id, Alert.class_id, SchoolClass.name, SchoolClass.grade, Alert.day, Alert.figure,
            Alert.limit, Alert.detail, Alert.subject, Alert.state, Alert.current, Alert.note, _Actor.display_name,
            Alert.acted_at, Alert.cleared_at, _Clearer.display_name, Alert.cleared_cause, Alert.created_at)


def _joined(query, school_id: int):
    return (query.outerjoin(SchoolClass, SchoolClass.id == Alert.class_id)
            .outerjoin(_Actor, _Actor.id == Alert.acted_by).outerjoin(_Clearer, _Clearer.id == Alert.cleared_by)
            .where(Alert.school_id == school_id))


def _in_tab(query, tab: str):
    if tab == "all":
        return query
    if tab == "cleared":
        return query.where(col(Alert.current).is_(False), Alert.state != "resolved")
    if tab == "resolved":
        return query.where(Alert.state == "resolved")
    return query.where(Alert.state == tab, col(Alert.current).is_(True))


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
    return query


def alert_page(session: Session, *, school_id: int, filters: AlertFilters, page: int = 1) -> list[AlertRow]:
    """One page of the school's alerts in one tab, newest day first, class-size alerts on top."""
    query = _in_tab(_filtered(_joined(select(*_COLUMNS), school_id), filters), filters.state)
    query = query.order_by(col(Alert.day).is_(None).desc(), col(Alert.day).desc(), Alert.rule_id, SchoolClass.name,
                           Alert.id).offset((max(page, 1) - 1) * PAGE_SIZE).limit(PAGE_SIZE)
    return [AlertRow(*row) for row in session.exec(query).all()]


def state_counts(session: Session, *, school_id: int, filters: AlertFilters) -> dict[str, int]:
    """How many alerts each tab holds under the same filters."""
    query = _filtered(_joined(select(Alert.state, Alert.current, func.count()), school_id), filters).group_by(
        Alert.state, Alert.current)
    counts = dict.fromkeys(TABS, 0)
    for state, current, n in session.exec(query).all():
        tab = "cleared" if not current and state != "resolved" else state
        counts[tab] += n
        counts["all"] += n
    return counts


def alert_row(session: Session, *, school_id: int, alert_id: int) -> AlertRow | None:
    row = session.exec(_joined(select(*_COLUMNS), school_id).where(Alert.id == alert_id)).first()
    return AlertRow(*row) if row else None


def class_day_alerts(session: Session, *, school_id: int, class_id: int, day: date) -> list[AlertRow]:
    query = _joined(select(*_COLUMNS), school_id).where(
        Alert.class_id == class_id, or_(Alert.day == day, col(Alert.day).is_(None))).order_by(Alert.rule_id, Alert.id)
    return [AlertRow(*row) for row in session.exec(query).all()]
