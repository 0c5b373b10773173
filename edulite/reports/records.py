"""The weekly homework inspection record (作业检查记录): findings, a snapshot of the week's figures, sign-off.

A signed record is final: it can be read and printed, never changed, so the figures it carries are
the ones the principal saw when signing, even if homework is edited afterwards. Late entries are still
allowed (homework really was set), so the record compares its frozen class-days with today's and shows
each change (class, day, before -> after); the principal signs an addendum for them, which becomes the
new point of comparison (#14). Signing waits until the week's last school day is over, unless the
principal ticks "sign early" (ADR 0012).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import func
from sqlmodel import Session, col, select

from edulite.models import Alert, InspectionRecord, RecordAddendum, User, utcnow
from edulite.reports.week import WeekView
from edulite.school.audit import audit

FINDINGS_MAX = 10_000


class RecordSigned(Exception):
    """The week's record is already signed off and can no longer be changed."""


class RecordInvalid(ValueError):
    """.code: findings_required, findings_too_long, week_not_started, week_not_over, not_signed,
    no_changes, addendum_required or addendum_too_long."""

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
    """Per rule, the alerts raised for [start, end) (class-size alerts have no date) by where they stand.

    An alert an edit cleared still counts as raised (#14): "cleared" unless it was resolved first.
    """
    query = (select(Alert.rule_id, Alert.state, Alert.current, func.count())
             .where(Alert.school_id == school_id,
                    (col(Alert.day).is_(None)) | ((Alert.day >= start) & (Alert.day < end)))
             .group_by(Alert.rule_id, Alert.state, Alert.current))
    counts: dict[str, dict[str, int]] = {}
    for rule, state, current, n in session.exec(query).all():
        row = counts.setdefault(rule, {"open": 0, "acknowledged": 0, "resolved": 0, "cleared": 0, "raised": 0})
        row["cleared" if not current and state != "resolved" else state] += n
        row["raised"] += n
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
        # Counted minutes of every class-day: what "changed after signing" compares (#14).
        "days": {cw.klass.name: {cell.date.isoformat(): cell.counted for cell in cw.cells} for cw in view.classes},
    }


def last_school_day(calendar, week: date) -> date | None:
    """The week's last school day (None in a week without one)."""
    days = calendar.school_days(week, week + timedelta(days=7))
    return days[-1] if days else None


def changes(frozen: dict, live: dict) -> list[dict]:
    """Class-days whose counted minutes differ between a frozen snapshot and now, in class and day order.

    A snapshot signed before class-days were kept (no "days") has nothing to compare with.
    """
    if "days" not in frozen:
        return []
    before, after = frozen["days"], live.get("days", {})
    found = []
    for name in sorted(set(before) | set(after)):
        old, new = before.get(name, {}), after.get(name, {})
        for day in sorted(set(old) | set(new)):
            if old.get(day, 0) != new.get(day, 0):
                found.append({"class": name, "day": day, "before": old.get(day, 0), "after": new.get(day, 0)})
    return found


@dataclass(frozen=True)
class AddendumRow:
    id: int
    note: str
    changes: list[dict]
    signed_by: str
    signed_at: datetime


def addenda(session: Session, *, record_id: int) -> list[AddendumRow]:
    """The record's addenda, oldest first."""
    query = (select(RecordAddendum, User.display_name).join(User, User.id == RecordAddendum.signed_by)
             .where(RecordAddendum.record_id == record_id).order_by(RecordAddendum.signed_at, RecordAddendum.id))
    return [AddendumRow(a.id, a.note, json.loads(a.changes), who, a.signed_at) for a, who in session.exec(query).all()]


def baseline(session: Session, record: InspectionRecord) -> dict:
    """What today's figures are compared with: the latest addendum's, else the signed snapshot."""
    latest = session.exec(select(RecordAddendum.figures).where(RecordAddendum.record_id == record.id)
                          .order_by(col(RecordAddendum.signed_at).desc(), col(RecordAddendum.id).desc())).first()
    return json.loads(latest if latest is not None else record.figures)


def sign_addendum(session: Session, *, school_id: int, user_id: int, week: date, note: str,
                  figures: dict) -> RecordAddendum:
    """Sign the changes made since the record (or its last addendum) was signed; commits."""
    record = record_for_week(session, school_id=school_id, week=week)
    if record is None or record.signed_at is None:
        raise RecordInvalid("not_signed")
    text = note.strip()
    if not text:
        raise RecordInvalid("addendum_required")
    if len(text) > FINDINGS_MAX:
        raise RecordInvalid("addendum_too_long")
    found = changes(baseline(session, record), figures)
    if not found:
        raise RecordInvalid("no_changes")
    row = RecordAddendum(record_id=record.id, school_id=school_id, note=text, signed_by=user_id,
                         figures=json.dumps(figures, ensure_ascii=False, sort_keys=True),
                         changes=json.dumps(found, ensure_ascii=False), signed_at=utcnow())
    session.add(row)
    session.flush()
    audit(session, user_id=user_id, school_id=school_id, action="record_addendum_signed", entity="inspection_record",
          entity_id=record.id, after={"week_start": week.isoformat(), "note": text, "changes": found})
    session.commit()
    return row


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
                figures: dict, sign: bool, last_day: date | None = None, early: bool = False) -> InspectionRecord:
    """Save the findings as a draft, or sign the week off with a snapshot of figures; commits.

    last_day: the week's last school day; signing before it is over needs early=True ("sign early").
    """
    text = findings.strip()
    if len(text) > FINDINGS_MAX:
        raise RecordInvalid("findings_too_long")
    if sign and not text:
        raise RecordInvalid("findings_required")
    if sign and week > today:
        raise RecordInvalid("week_not_started")
    if sign and not early and last_day is not None and today <= last_day:
        raise RecordInvalid("week_not_over")
    record = record_for_week(session, school_id=school_id, week=week)
    if record is not None and record.signed_at is not None:
        raise RecordSigned(week)
    record = record or InspectionRecord(school_id=school_id, week_start=week)
    before = {"findings": record.findings} if record.id else None
    record.findings = text
    if sign:
        record.figures = json.dumps(figures, ensure_ascii=False, sort_keys=True)
        record.signed_by, record.signed_at = user_id, utcnow()
        record.signed_early = last_day is not None and today <= last_day
    session.add(record)
    session.flush()
    audit(session, user_id=user_id, school_id=school_id, action="record_signed" if sign else "record_saved",
          entity="inspection_record", entity_id=record.id, before=before,
          after={"week_start": week.isoformat(), "findings": text,
                 **({"figures": figures, "signed_early": record.signed_early} if sign else {})})
    session.commit()
    return record
