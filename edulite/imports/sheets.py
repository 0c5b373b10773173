"""Reading the import sheets as schools keep them (XLSX, or CSV in UTF-8, UTF-8 with BOM, GBK) into typed rows.

Every import (rosters, homework, calendars, after-school plans) reads through read_sheet, so its limits are
everyone's (#17): the file's size, its unpacked XML, its rows and columns are checked before any parsing;
a workbook's <dimension> is not trusted; DTDs (billion laughs, external entities) are refused; CSV
encodings are detected strictly; each problem is one line that says what to do.
"""

from __future__ import annotations

import csv
import io
import re
import warnings
import zipfile
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import IO, Any

from edulite.core.calendar import is_supported
from edulite.core.text import strip_unsafe

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


@dataclass(frozen=True)
class Limits:
    """What an import may hold; the defaults are Config's IMPORT_* settings."""

    max_bytes: int = 10 * 1024 * 1024
    max_unpacked_bytes: int = 100 * 1024 * 1024
    max_rows: int = 50_000
    max_columns: int = 50

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> Limits:
        return cls(max_bytes=int(config.get("IMPORT_MAX_BYTES", cls.max_bytes)),
                   max_unpacked_bytes=int(config.get("IMPORT_MAX_UNPACKED_BYTES", cls.max_unpacked_bytes)),
                   max_rows=int(config.get("IMPORT_MAX_ROWS", cls.max_rows)),
                   max_columns=int(config.get("IMPORT_MAX_COLUMNS", cls.max_columns)))


def _mb(size: int) -> str:
    return f"{size / 1024 / 1024:.0f} MB" if size >= 1024 * 1024 else f"{size:,} bytes"


def read_sheet(path: str | Path, columns: list[Column], limits: Limits | None = None) -> Sheet:
    limits = limits or Limits()
    size = Path(path).stat().st_size
    if size > limits.max_bytes:
        raise SheetError(f"The file is {_mb(size)}, more than the {_mb(limits.max_bytes)} an import may be "
                         "(IMPORT_MAX_BYTES): split it into several files.")
    data = Path(path).read_bytes()
    if data.startswith(XLS_MAGIC):
        raise SheetError("Old .xls workbooks are not supported: save the file as .xlsx or CSV.")
    records = _xlsx_records(data, limits) if data.startswith(XLSX_MAGIC) else _csv_records(data, limits)
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


# A row element and its number; a cell reference's column letters.
_ROW_TAG = re.compile(rb"<(?:\w+:)?row\b([^>]*)>")
_ROW_NUMBER = re.compile(rb'\br="(\d+)"')
_CELL_COLUMN = re.compile(rb'<(?:\w+:)?c\b[^>]*?\br="([A-Z]{1,3})\d+"')
_DTD = re.compile(rb"<!(?:DOCTYPE|ENTITY)", re.IGNORECASE)
_CHUNK = 1024 * 1024
_OVERLAP = 256


def _column_number(letters: bytes) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + letter - 64
    return number


def _chunks(member: IO[bytes]) -> Iterator[bytes]:
    """The member's bytes in pieces that overlap by one tag's length, so no match is cut in two."""
    tail = b""
    while piece := member.read(_CHUNK):
        yield tail + piece
        tail = piece[-_OVERLAP:]


def _check_package(book: zipfile.ZipFile, sheet_path: str, limits: Limits) -> int:
    """Refuse zip bombs, DTDs and oversized sheets before openpyxl parses anything; return the sheet's rows.

    The unpacked sizes are those the archive declares: zipfile never inflates a member beyond its declared
    size (it stops and fails the CRC check), so they bound the work that follows.
    """
    unpacked = sum(info.file_size for info in book.infolist())
    if unpacked > limits.max_unpacked_bytes:
        raise SheetError(f"The workbook unpacks to {_mb(unpacked)} of XML, more than the "
                         f"{_mb(limits.max_unpacked_bytes)} allowed (IMPORT_MAX_UNPACKED_BYTES): it is not an "
                         "ordinary sheet; save it again from Excel or WPS, or split it.")
    rows = columns = 0
    for info in book.infolist():
        if not info.filename.endswith((".xml", ".rels")):
            continue
        is_sheet = info.filename == sheet_path
        with book.open(info) as member:
            for n, chunk in enumerate(_chunks(member)):
                if _DTD.search(chunk):
                    raise SheetError("The workbook declares a DTD or entities (<!DOCTYPE/<!ENTITY>), which Excel "
                                     "never writes: it is refused as unsafe. Save it again from Excel or WPS.")
                if not is_sheet:
                    continue
                # Each chunk but the first repeats the previous one's last bytes: a tag ending there was counted.
                for tag in _ROW_TAG.finditer(chunk):
                    if n and tag.end() <= _OVERLAP:
                        continue
                    number = _ROW_NUMBER.search(tag.group(1))
                    rows = max(rows + 1 if number is None else int(number.group(1)), rows)
                for letters in _CELL_COLUMN.findall(chunk):
                    columns = max(columns, _column_number(letters))
                if rows > limits.max_rows + 1:
                    raise SheetError(f"The sheet has more than {limits.max_rows:,} data rows (IMPORT_MAX_ROWS): "
                                     "split it into several files.")
                if columns > limits.max_columns:
                    raise SheetError(f"The sheet uses column {columns}, more than the {limits.max_columns} "
                                     "allowed (IMPORT_MAX_COLUMNS): delete the unused columns.")
    return rows


def _xlsx_records(data: bytes, limits: Limits) -> list[tuple]:
    import openpyxl

    with warnings.catch_warnings():
        # Workbooks saved by WPS or old Excel versions trigger harmless style warnings.
        warnings.simplefilter("ignore")
        try:
            book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except Exception as err:
            raise SheetError(f"Cannot read the workbook: {_one_line(err)}") from err
        try:
            sheet = book.worksheets[0]
            with zipfile.ZipFile(io.BytesIO(data)) as package:
                expected = _check_package(package, sheet._worksheet_path, limits)
            # read-only mode stops at the <dimension> the file declares ("A1:K2" hid 4 of 5 rows): read all.
            sheet.reset_dimensions()
            records = list(sheet.iter_rows(values_only=True))
        except SheetError:
            raise
        except Exception as err:  # a date cell beyond year 9999, a broken cell: one line, not a traceback
            raise SheetError(f"Cannot read the workbook: {_one_line(err)}") from err
        finally:
            book.close()
    if len(records) != expected:
        raise SheetError(f"The workbook holds {expected} rows but only {len(records)} could be read: "
                         "nothing was imported. Save it again from Excel or WPS.")
    return records


def _one_line(err: BaseException) -> str:
    text = " ".join(str(err).split()) or type(err).__name__
    return text[:200]


def _csv_records(data: bytes, limits: Limits) -> list[list[str]]:
    text = _decode(data)
    if text.count("\n") > limits.max_rows + 1:
        raise SheetError(f"The file has more than {limits.max_rows:,} data rows (IMPORT_MAX_ROWS): "
                         "split it into several files.")
    first_line = text.split("\n", 1)[0]
    delimiter = "\t" if "\t" in first_line and "," not in first_line else ","
    records: list[list[str]] = []
    try:
        for record in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter):
            if len(record) > limits.max_columns:
                raise SheetError(f"Row {len(records) + 1} has {len(record)} columns, more than the "
                                 f"{limits.max_columns} allowed (IMPORT_MAX_COLUMNS).")
            records.append(record)
    except csv.Error as err:
        raise SheetError(f"Cannot read the CSV file: {_one_line(err)}") from err
    return records


ENCODINGS_HINT = "save it as .xlsx, or as CSV in UTF-8 (Excel: 'CSV UTF-8'; WPS: UTF-8)"


def _decode(data: bytes) -> str:
    """UTF-8 (with or without BOM), GB18030/GBK, or UTF-16 with its BOM; anything else is refused.

    GB18030 decodes almost any bytes, so a Big5 (traditional Chinese) file became 锭龟喷厩 and created a
    school of that name. Text that only GBK's extension area explains (where Big5's characters land) is
    refused instead of guessed at; the header row must still match, which catches the rest.
    """
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        # Excel's "Unicode text" export; valid UTF-16 only, and no control characters but tab and newline.
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError:
            raise SheetError(f"The file starts like UTF-16 but is not valid UTF-16: {ENCODINGS_HINT}.") from None
        if "\x00" in text or any(ord(c) < 32 and c not in "\t\r\n" for c in text[:4096]):
            raise SheetError(f"The file does not read as UTF-16 text: {ENCODINGS_HINT}.")
        return text
    if b"\x00" in data:
        raise SheetError("The file contains NUL bytes, so it is not CSV text in UTF-8 or GBK (is it a "
                         f"UTF-16 file without its byte-order mark, or not a sheet at all?): {ENCODINGS_HINT}.")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError:
        raise SheetError(f"Cannot read the file: it is neither an .xlsx workbook nor CSV in UTF-8 or GBK; "
                         f"{ENCODINGS_HINT}.") from None
    if _looks_like_big5(data):
        raise SheetError("The file seems to be in Big5 (traditional Chinese), which Edulite does not read: "
                         f"{ENCODINGS_HINT}.")
    return text


def _looks_like_big5(data: bytes) -> bool:
    """True when many two-byte characters fall outside GB2312 the way Big5 text does.

    Simplified-Chinese text in GBK uses GB2312's characters almost only (second byte 0xA1-0xFE). Big5 puts
    about 40 % of its characters on second bytes 0x40-0x7E, which only GBK's rare extension area has.
    """
    double = outside = 0
    i = 0
    while i < len(data) - 1:
        if data[i] < 0x80:
            i += 1
            continue
        double += 1
        outside += data[i + 1] < 0xA1
        i += 2
    return double >= 4 and outside / double > 0.2


def _clean(value: Any) -> Any:
    # The one text rule (core/text.py), as for every web form: no NUL, controls, bidi or zero-width signs.
    return strip_unsafe(value).strip() if isinstance(value, str) else value


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
