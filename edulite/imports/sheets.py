"""Reading the import sheets as schools keep them (XLSX, or CSV in UTF-8, UTF-8 with BOM, GBK) into typed rows."""

from __future__ import annotations

import csv
import io
import re
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from edulite.core.calendar import is_supported

EMPTY = (None, "")
XLSX_MAGIC = b"PK\x03\x04"
XLS_MAGIC = b"\xd0\xcf\x11\xe0"
# Excel counts days from 1899-12-30 (it believes 1900 was a leap year); plausible school dates only.
EXCEL_EPOCH = date(1899, 12, 30)
DATE_RE = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?")
WHOLE_RE = re.compile(r"[+-]?\d+")


class SheetError(Exception):
    """The file as a whole cannot be imported (unreadable, empty, wrong columns)."""


@dataclass(frozen=True)
class Column:
    field: str
    chinese: str
    required: bool = True

    @property
    def label(self) -> str:
        return f"{self.field} ({self.chinese})"


@dataclass(frozen=True)
class Sheet:
    # (row number as Excel shows it, header row being 1; {field: stripped cell value})
    rows: list[tuple[int, dict[str, Any]]]


def read_sheet(path: str | Path, columns: list[Column]) -> Sheet:
    data = Path(path).read_bytes()
    if data.startswith(XLS_MAGIC):
        raise SheetError("Old .xls workbooks are not supported: save the file as .xlsx or CSV.")
    records = _xlsx_records(data) if data.startswith(XLSX_MAGIC) else _csv_records(data)
    numbered = [(n, [_clean(v) for v in rec]) for n, rec in enumerate(records, 1)]
    numbered = [(n, rec) for n, rec in numbered if any(v not in EMPTY for v in rec)]
    if not numbered:
        raise SheetError("The file is empty: expected a header row and at least one data row.")
    (_, header), body = numbered[0], numbered[1:]
    positions = _match_header(header, body, columns)
    if not body:
        raise SheetError("The file has a header row but no data rows.")
    rows = [(n, {f: (rec[i] if i < len(rec) else None) for f, i in positions.items()}) for n, rec in body]
    return Sheet(rows)


def _xlsx_records(data: bytes) -> list[tuple]:
    import openpyxl

    with warnings.catch_warnings():
        # Workbooks saved by WPS or old Excel versions trigger harmless style warnings.
        warnings.simplefilter("ignore")
        try:
            book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except Exception as err:
            raise SheetError(f"Cannot read the workbook: {err}") from err
        try:
            return list(book.worksheets[0].iter_rows(values_only=True))
        finally:
            book.close()


def _csv_records(data: bytes) -> list[list[str]]:
    text = _decode(data)
    first_line = text.split("\n", 1)[0]
    delimiter = "\t" if "\t" in first_line and "," not in first_line else ","
    try:
        return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error as err:
        raise SheetError(f"Cannot read the CSV file: {err}") from err


def _decode(data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")  # Excel's "Unicode text" export
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise SheetError("Cannot read the file: it is neither an .xlsx workbook nor CSV in UTF-8 or GBK.")


def _clean(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


def _header_key(value: Any) -> str:
    return re.sub(r"[\s\-]+", "_", str(value).strip().casefold()) if value not in EMPTY else ""


def _match_header(header: list, body: list, columns: list[Column]) -> dict[str, int]:
    names = {c.field: c for c in columns} | {c.chinese: c for c in columns}
    names = {_header_key(k): c for k, c in names.items()}
    positions: dict[str, int] = {}
    unknown, repeated = [], []
    for i, cell in enumerate(header):
        key = _header_key(cell)
        if not key:
            if any(i < len(rec) and rec[i] not in EMPTY for _, rec in body):
                unknown.append(f"(no header, column {i + 1})")
            continue
        column = names.get(key)
        if column is None:
            unknown.append(str(cell))
        elif column.field in positions:
            repeated.append(column.label)
        else:
            positions[column.field] = i
    missing = [c.label for c in columns if c.required and c.field not in positions]
    problems = []
    if missing:
        problems.append("missing required column(s): " + ", ".join(missing))
    if unknown:
        problems.append("unknown column(s): " + ", ".join(unknown))
    if repeated:
        problems.append("column(s) given twice: " + ", ".join(repeated))
    if problems:
        expected = ", ".join(c.label + ("" if c.required else " [optional]") for c in columns)
        raise SheetError("Wrong columns: " + "; ".join(problems) + f". Expected: {expected}.")
    return positions


def text(max_length: int) -> Callable[[Any], str]:
    def parse(value: Any) -> str:
        if value in EMPTY:
            raise ValueError("is empty")
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        value = str(value).strip()
        if len(value) > max_length:
            raise ValueError(f"is longer than {max_length} characters")
        return value

    return parse


def whole(low: int, high: int) -> Callable[[Any], int]:
    def parse(value: Any) -> int:
        number = None
        if isinstance(value, int) and not isinstance(value, bool):
            number = value
        elif isinstance(value, float) and value.is_integer():
            number = int(value)
        elif isinstance(value, str) and WHOLE_RE.fullmatch(value):
            number = int(value)
        if number is None or not low <= number <= high:
            raise ValueError(f"must be a whole number from {low} to {high}, got {_shown(value)}")
        return number

    return parse


def _read_day(value: Any) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool) and 0 < value < 10**6:
        return EXCEL_EPOCH + timedelta(days=int(value))  # an unformatted Excel date serial
    match = DATE_RE.fullmatch(value) if isinstance(value, str) else None
    if match:
        try:
            return date(*(int(g) for g in match.groups()))
        except ValueError:
            return None
    return None


def day(value: Any) -> date:
    """A date in any format schools use, within the years every page supports (calendar.is_supported)."""
    found = _read_day(value)
    if found is not None and is_supported(found):
        return found
    raise ValueError(f"must be a date like 2024-09-02, 2024/9/2 or 2024年9月2日, got {_shown(value)}")


def choice(options: dict[str, Any], shown: str) -> Callable[[Any], Any]:
    folded = {k.casefold(): v for k, v in options.items()}

    def parse(value: Any) -> Any:
        key = str(value).strip().casefold() if value not in EMPTY else ""
        if isinstance(value, bool) or key not in folded:
            raise ValueError(f"must be one of {shown}, got {_shown(value)}")
        return folded[key]

    return parse


def yes_no(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float) and value in (0, 1):
        return bool(value)
    return YES_NO(value)


YES_NO = choice({**dict.fromkeys(("yes", "y", "true", "1", "是", "必做"), True),
                 **dict.fromkeys(("no", "n", "false", "0", "否", "选做"), False)}, "yes/no (是/否)")


def optional(parse: Callable[[Any], Any], default: Any) -> Callable[[Any], Any]:
    return lambda value: default if value in EMPTY else parse(value)


def _shown(value: Any) -> str:
    return "nothing" if value in EMPTY else repr(value if isinstance(value, str) else str(value))


KIND_NAMES = {"written": "书面", "oral": "口头", "reading": "阅读", "practical": "实践", "exercise": "体育",
              "arts": "艺术"}
LOCATION_NAMES = {"class": "课内", "after_school": "课后服务", "home": "家庭"}


def _named(names: dict[str, str], **extra: str) -> Callable[[Any], str]:
    options = {k: k for k in names} | {v: k for k, v in names.items()} | extra
    return choice(options, "/".join(f"{k} ({v})" for k, v in names.items()))


ROSTER_COLUMNS = [Column("school", "学校"), Column("class", "班级"), Column("grade", "年级"),
                  Column("headcount", "人数"), Column("subject", "学科"), Column("teacher", "教师")]
ROSTER_CELLS: dict[str, Callable[[Any], Any]] = {
    "school": text(100), "class": text(50), "grade": whole(1, 9), "headcount": whole(1, 80),
    "subject": text(30), "teacher": text(64),
}
HOMEWORK_COLUMNS = [
    Column("school", "学校"), Column("class", "班级"), Column("subject", "学科"), Column("teacher", "教师"),
    Column("set_date", "布置日期"), Column("due_date", "截止日期", required=False),
    Column("type", "类型", required=False), Column("required", "必做", required=False),
    Column("location", "完成地点", required=False), Column("minutes", "预计分钟"), Column("description", "内容"),
]
HOMEWORK_CELLS: dict[str, Callable[[Any], Any]] = {
    "school": text(100), "class": text(50), "subject": text(30), "teacher": text(64), "set_date": day,
    "due_date": optional(day, None), "type": optional(_named(KIND_NAMES), "written"),
    "required": optional(yes_no, True),
    "location": optional(_named(LOCATION_NAMES, **{"after-school": "after_school", "课后": "after_school"}), "home"),
    "minutes": whole(0, 240), "description": text(500),
}


@dataclass(frozen=True)
class RowError:
    row: int
    message: str


def typed_rows(sheet: Sheet, cells: dict[str, Callable[[Any], Any]],
               columns: list[Column]) -> tuple[list[tuple[int, dict[str, Any]]], list[RowError]]:
    """Convert every cell; a row with bad cells is reported once, naming each of them."""
    labels = {c.field: c.label for c in columns}
    good, errors = [], []
    for number, raw in sheet.rows:
        values, problems = {}, []
        for name, parse in cells.items():
            try:
                values[name] = parse(raw.get(name))
            except ValueError as err:
                problems.append(f"{labels[name]} {err}")
        if problems:
            errors.append(RowError(number, "; ".join(problems)))
        else:
            good.append((number, values))
    return good, errors
