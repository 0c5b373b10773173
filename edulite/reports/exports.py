"""A school's loads, items and alerts over a date range as rows, and those rows as CSV or Excel bytes.

Load rows are built exactly as `flask edulite loads` builds them (edulite.homework.loads.class_loads), so an
export and the command agree to the minute. Column labels come from the caller (the interface language).

Moments (changed, raised, cleared) are in the school's time, as the pages show them; the caller names the
zone in the column header (ZONED_COLUMNS). A spread item carries its total and its per-evening share (#14).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from edulite.core import rules
from edulite.core.share import per_evening
from edulite.homework import budget, counting, loads
from edulite.models import Alert, HomeworkItem, SchoolClass, Subject, User

LOAD_COLUMNS = ("class", "grade", "date", "day_kind", "counted_minutes", "cap", "over", *rules.KINDS)
ITEM_COLUMNS = ("class", "grade", "subject", "teacher", "set_date", "due_date", "description", "kind", "required",
                "location", "minutes", "counts_toward_cap", "no_homework", "graded", "withdrawn", "updated_at",
                "evenings", "minutes_per_evening", "over_cap_reason", "created_at")
ALERT_COLUMNS = ("rule_id", "class", "date", "figure", "limit", "subject", "detail", "state", "current", "note",
                 "raised_at", "acted_by", "acted_at", "cleared_at", "cleared_by", "cleared_cause")
# Columns holding a moment in the school's time zone: their header names the zone.
ZONED_COLUMNS = ("updated_at", "created_at", "raised_at", "acted_at", "cleared_at")
MAX_DAYS = 400


def load_rows(session: Session, *, school_id: int, start: date, end: date,
              class_ids: list[int] | None = None) -> list[dict]:
    """One row per class and date in [start, end): counted minutes, cap, over, and minutes by type."""
    return [{"class": cl.klass.name, "grade": cl.klass.grade, "date": d.date, "day_kind": d.day_kind.value,
             "counted_minutes": d.counted, "cap": d.cap, "over": d.over, **dict(d.by_kind)}
            for cl in loads.class_loads(session, school_id=school_id, start=start, end=end, class_ids=class_ids)
            for d in cl.days]


def item_rows(session: Session, *, school_id: int, start: date, end: date,
              class_ids: list[int] | None = None) -> list[dict]:
    """Every item set in [start, end), withdrawn ones included and marked."""
    query = (select(HomeworkItem, SchoolClass.name, SchoolClass.grade, Subject.name, User.display_name)
             .join(SchoolClass, SchoolClass.id == HomeworkItem.class_id)
             .join(Subject, Subject.id == HomeworkItem.subject_id).join(User, User.id == HomeworkItem.teacher_id)
             .where(SchoolClass.school_id == school_id, HomeworkItem.set_date >= start, HomeworkItem.set_date < end)
             .order_by(HomeworkItem.set_date, SchoolClass.grade, SchoolClass.name, Subject.name, HomeworkItem.id))
    if class_ids is not None:
        query = query.where(col(HomeworkItem.class_id).in_(class_ids))
    zone = budget.school_zone(session, school_id=school_id)
    return [{"class": name, "grade": grade, "subject": subject, "teacher": teacher, "set_date": i.set_date,
             "due_date": i.due_date, "description": i.description, "kind": i.kind, "required": i.required,
             "location": i.location, "minutes": i.minutes,
             "counts_toward_cap": counting.counts(i),
             "no_homework": i.no_homework, "graded": i.graded, "withdrawn": i.withdrawn,
             "updated_at": _local(i.updated_at, zone), "created_at": _local(i.created_at, zone),
             "evenings": len(rules.evening_dates(i.set_date, i.due_date)),
             "minutes_per_evening": per_evening(i.minutes, i.set_date, i.due_date),
             "over_cap_reason": i.over_cap_reason}
            for i, name, grade, subject, teacher in session.exec(query).all()]


def _local(moment: datetime | None, zone) -> datetime | None:
    """A stored UTC moment in the school's zone (SQLite hands it back without its zone)."""
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(zone)


def alert_rows(session: Session, *, school_id: int, start: date, end: date,
               class_ids: list[int] | None = None) -> list[dict]:
    """Alerts dated in [start, end) plus the undated ones (class size), in any state."""
    actor, clearer = aliased(User), aliased(User)
    query = (select(Alert, SchoolClass.name, actor.display_name, clearer.display_name)
             .outerjoin(SchoolClass, SchoolClass.id == Alert.class_id)
             .outerjoin(actor, actor.id == Alert.acted_by).outerjoin(clearer, clearer.id == Alert.cleared_by)
             .where(Alert.school_id == school_id,
                    (col(Alert.day).is_(None)) | ((Alert.day >= start) & (Alert.day < end)))
             .order_by(Alert.day, Alert.rule_id, SchoolClass.name, Alert.id))
    if class_ids is not None:
        query = query.where(col(Alert.class_id).in_(class_ids))
    zone = budget.school_zone(session, school_id=school_id)
    return [{"rule_id": a.rule_id, "class": name, "date": a.day, "figure": a.figure, "limit": a.limit,
             "subject": a.subject, "detail": a.detail, "state": a.state, "current": a.current, "note": a.note,
             "raised_at": _local(a.created_at, zone), "acted_by": acted_by, "acted_at": _local(a.acted_at, zone),
             "cleared_at": _local(a.cleared_at, zone), "cleared_by": cleared_by,
             "cleared_cause": a.cleared_cause if a.cleared_at else None}
            for a, name, acted_by, cleared_by in session.exec(query).all()]


# OWASP "CSV injection": a cell starting with one of these is a formula to Excel, LibreOffice and WPS.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_text(value: str, *, for_csv: bool) -> str:
    """The one way a text cell is written (#17): no control characters, and in CSV no formula.

    Characters XML 1.0 forbids (NUL, other C0 controls) are dropped: openpyxl refuses them, and a stored
    one made the whole export a 500. In CSV a leading = + - @ tab or CR gets a leading apostrophe, which
    spreadsheet programs show as text; XLSX cells are typed as text instead, so they keep their value.
    """
    value = ILLEGAL_CHARACTERS_RE.sub("", value)
    if for_csv and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _cell(value):
    if isinstance(value, str):
        return safe_text(value, for_csv=False)
    if isinstance(value, datetime):
        # Excel has no time zones: write the UTC time without one (the column label says UTC).
        return value.replace(tzinfo=None)
    return value


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, (date, datetime)):
        return _cell(value).isoformat(sep=" ") if isinstance(value, datetime) else value.isoformat()
    if isinstance(value, str):
        return safe_text(value, for_csv=True)
    return str(value)  # numbers as they are: -3 stays a number


def to_csv(columns: Sequence[str], labels: Mapping[str, str], rows: list[dict]) -> bytes:
    """CSV with a UTF-8 byte-order mark: without it Excel on Windows reads Chinese as mojibake."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([labels.get(c, c) for c in columns])
    for row in rows:
        writer.writerow([_text(row.get(c)) for c in columns])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _xlsx_cell(sheet, value):
    """Text always as a text cell: openpyxl would store "=HYPERLINK(…)" as a live formula."""
    value = _cell(value)
    if not isinstance(value, str):
        return value
    cell = WriteOnlyCell(sheet, value=value)
    cell.data_type = "s"
    return cell


def to_xlsx(sheets: Sequence[tuple[str, Sequence[str], Mapping[str, str], list[dict]]]) -> bytes:
    """One worksheet per (title, columns, labels, rows), with typed cells (numbers, dates, booleans)."""
    book = Workbook(write_only=True)
    for title, columns, labels, rows in sheets:
        sheet = book.create_sheet(title=title[:31])
        sheet.append([_xlsx_cell(sheet, labels.get(c, c)) for c in columns])
        for row in rows:
            sheet.append([_xlsx_cell(sheet, row.get(c)) for c in columns])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
