"""The weekly homework inspection record (作业检查记录): findings, a snapshot of the week's figures, sign-off.

A signed record is final: it can be read and printed, never changed, so the figures it carries are
the ones the principal saw when signing, even if homework is edited afterwards.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import func
from sqlmodel import Session, col, select

from edulite.models import Alert, InspectionRecord, User, utcnow
from edulite.reports.week import WeekView
from edulite.school.audit import audit

FINDINGS_MAX = 10_000


class RecordSigned(Exception):
    """The week's record is already signed off and can no longer be changed."""


class RecordInvalid(ValueError):
    """.code: findings_required, findings_too_long or week_not_started."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


@dataclass(frozen=True)
class RecordSummary:
    week_start: date
    signed: bool
    signed_by: str | None
    signed_at: datetime | None
    findings: str


def alert_counts(session: Session, *, school_id: int, start: date, end: date) -> dict[str, dict[str, int]]:
    """Per rule and state, the current alerts dated in [start, end) (class-size alerts have no date)."""
    query = (select(Alert.rule_id, Alert.state, func.count())
             .where(Alert.school_id == school_id, col(Alert.current).is_(True),
                    (col(Alert.day).is_(None)) | ((Alert.day >= start) & (Alert.day < end)))
             .group_by(Alert.rule_id, Alert.state))
    counts: dict[str, dict[str, int]] = {}
    for rule, state, n in session.exec(query).all():
        counts.setdefault(rule, {"open": 0, "acknowledged": 0, "resolved": 0})[state] = n
    return dict(sorted(counts.items()))


def week_figures(view: WeekView, alerts: dict[str, dict[str, int]]) -> dict:
    """The week's figures as plain JSON data: what the record shows and what sign-off freezes."""
    classes = [{"class": cw.klass.name, "grade": cw.klass.grade, "headcount": cw.klass.headcount,
                "weekly_average": cw.weekly_average, "cap": cw.school_cap, "over_days": cw.over_days,
                "school_days": cw.elapsed_days, "logged_days": cw.logged_days,
                "written_items": cw.written_items, "graded_items": cw.graded_items}
               for cw in view.classes]
    return {
        "week_start": view.start.isoformat(), "week_end": (view.start + timedelta(days=6)).isoformat(),
        "classes": classes,
        "alerts": [{"rule_id": rule, **states} for rule, states in alerts.items()],
        "totals": {key: sum(c[key] for c in classes) for key in
                   ("over_days", "school_days", "logged_days", "written_items", "graded_items")},
    }


def record_for_week(session: Session, *, school_id: int, week: date) -> InspectionRecord | None:
    return session.exec(select(InspectionRecord).where(InspectionRecord.school_id == school_id,
                                                       InspectionRecord.week_start == week)).first()


def record_with_signer(session: Session, *, school_id: int, week: date) -> tuple[InspectionRecord | None, str | None]:
    query = (select(InspectionRecord, User.display_name).outerjoin(User, User.id == InspectionRecord.signed_by)
             .where(InspectionRecord.school_id == school_id, InspectionRecord.week_start == week))
    row = session.exec(query).first()
    return (row[0], row[1]) if row else (None, None)


def records(session: Session, *, school_id: int) -> list[RecordSummary]:
    """Every record of the school, drafts and signed, newest week first."""
    query = (select(InspectionRecord, User.display_name).outerjoin(User, User.id == InspectionRecord.signed_by)
             .where(InspectionRecord.school_id == school_id).order_by(col(InspectionRecord.week_start).desc()))
    return [RecordSummary(r.week_start, r.signed_at is not None, who, r.signed_at, r.findings)
            for r, who in session.exec(query).all()]


def save_record(session: Session, *, school_id: int, user_id: int, week: date, today: date, findings: str,
                figures: dict, sign: bool) -> InspectionRecord:
    """Save the findings as a draft, or sign the week off with a snapshot of figures; commits."""
    text = findings.strip()
    if len(text) > FINDINGS_MAX:
        raise RecordInvalid("findings_too_long")
    if sign and not text:
        raise RecordInvalid("findings_required")
    if sign and week > today:
        raise RecordInvalid("week_not_started")
    record = record_for_week(session, school_id=school_id, week=week)
    if record is not None and record.signed_at is not None:
        raise RecordSigned(week)
    record = record or InspectionRecord(school_id=school_id, week_start=week)
    before = {"findings": record.findings} if record.id else None
    record.findings = text
    if sign:
        record.figures = json.dumps(figures, ensure_ascii=False, sort_keys=True)
        record.signed_by, record.signed_at = user_id, utcnow()
    session.add(record)
    session.flush()
    audit(session, user_id=user_id, school_id=school_id, action="record_signed" if sign else "record_saved",
          entity="inspection_record", entity_id=record.id, before=before,
          after={"week_start": week.isoformat(), "findings": text, **({"figures": figures} if sign else {})})
    session.commit()
    return record
