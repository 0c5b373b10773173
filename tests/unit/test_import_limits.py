"""Imports are bounded and strict before any parsing (#17): size, zip bombs, rows, columns, lying
dimensions, DTDs, encodings, NUL bytes and dates beyond any calendar each give one clear line."""

from __future__ import annotations

import io
import re
import zipfile

import openpyxl
import pytest

from edulite.imports.sheets import HOMEWORK_CELLS, HOMEWORK_COLUMNS, ROSTER_COLUMNS, Limits, SheetError, read_sheet
from edulite.imports.sheets import typed_rows as typed

HEADER = ["school", "class", "grade", "headcount", "subject", "teacher"]


def workbook(rows: int = 5, extra_columns: int = 0) -> bytes:
    book = openpyxl.Workbook()
    book.active.append(HEADER + [None] * extra_columns)
    for i in range(rows):
        book.active.append(["测试小学", f"三年级({i + 1})班", 3, 40, "数学", "王芳"] + ["x"] * extra_columns)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def rewrite(data: bytes, change, *, add: dict[str, bytes] | None = None) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            body = zin.read(info)
            zout.writestr(info, change(body) if info.filename == "xl/worksheets/sheet1.xml" else body)
        for name, body in (add or {}).items():
            zout.writestr(name, body)
    return out.getvalue()


def refused(tmp_path, data: bytes, limits: Limits | None = None, name: str = "f.xlsx") -> str:
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(SheetError) as caught:
        read_sheet(path, ROSTER_COLUMNS, limits)
    message = str(caught.value)
    assert "\n" not in message and "Traceback" not in message
    return message


def test_a_dimension_that_lies_does_not_hide_rows(tmp_path):
    lying = rewrite(workbook(5), lambda x: re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="A1:K2"', x))
    (tmp_path / "lie.xlsx").write_bytes(lying)
    assert len(read_sheet(tmp_path / "lie.xlsx", ROSTER_COLUMNS).rows) == 5


def test_a_file_over_the_size_limit_is_refused_before_reading(tmp_path):
    assert "IMPORT_MAX_BYTES" in refused(tmp_path, workbook(5), Limits(max_bytes=1000))


def test_a_zip_bomb_is_refused_by_its_unpacked_size(tmp_path):
    bomb = rewrite(workbook(1), lambda x: x, add={"xl/media/padding.xml": b"<a>" + b" " * 3_000_000 + b"</a>"})
    assert len(bomb) < 100_000
    assert "IMPORT_MAX_UNPACKED_BYTES" in refused(tmp_path, bomb, Limits(max_unpacked_bytes=2_000_000))


def test_too_many_rows_or_columns_are_refused_in_xlsx_and_csv(tmp_path):
    assert "IMPORT_MAX_ROWS" in refused(tmp_path, workbook(30), Limits(max_rows=20))
    assert "IMPORT_MAX_COLUMNS" in refused(tmp_path, workbook(2, extra_columns=20), Limits(max_columns=10))
    lines = "\n".join([",".join(HEADER)] + [",".join(["测试小学", "c", "3", "40", "数学", "王芳"])] * 30)
    assert "IMPORT_MAX_ROWS" in refused(tmp_path, lines.encode(), Limits(max_rows=20), name="r.csv")
    wide = ",".join(HEADER + ["x"] * 60)
    assert "IMPORT_MAX_COLUMNS" in refused(tmp_path, wide.encode(), name="w.csv")


def test_the_default_limits_are_the_configured_ones():
    from edulite.config import Config

    assert Limits() == Limits.from_config(vars(Config))


BILLION_LAUGHS = (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
                  + b"".join(b'<!ENTITY lol%d "%s">' % (i, (b"&lol%d;" % (i - 1) if i > 1 else b"&lol;") * 10)
                             for i in range(1, 10)) + b"]>")
EXTERNAL = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'


@pytest.mark.parametrize("prolog", [BILLION_LAUGHS, EXTERNAL], ids=["billion-laughs", "external-entity"])
def test_a_workbook_with_a_dtd_is_refused_in_one_line(tmp_path, prolog):
    hostile = rewrite(workbook(2), lambda x: prolog + re.sub(rb"^<\?xml[^>]*\?>", b"", x).replace(
        b"<t>\xe7\x8e\x8b\xe8\x8a\xb3</t>", b"<t>&lol9;</t>"))
    assert "DTD" in refused(tmp_path, hostile)


def test_a_big5_file_is_refused_not_decoded_as_gb18030(tmp_path):
    rows = [",".join(HEADER), "陽光實驗學校,三年級(1)班,3,40,數學,陳老師", "陽光實驗學校,三年級(2)班,3,41,國語,黃老師"]
    assert "Big5" in refused(tmp_path, "\r\n".join(rows).encode("big5"), name="big5.csv")


def test_gbk_files_of_ordinary_school_text_are_still_read(tmp_path):
    rows = [",".join(HEADER), "阳光实验学校,三年级(1)班,3,40,数学,陈丽华", "青松小学,一年级(2)班,1,38,语文,王芳"]
    (tmp_path / "gbk.csv").write_bytes("\r\n".join(rows).encode("gbk"))
    schools = [r["school"] for _, r in read_sheet(tmp_path / "gbk.csv", ROSTER_COLUMNS).rows]
    assert schools == ["阳光实验学校", "青松小学"]


def test_nul_bytes_in_a_csv_and_broken_utf16_are_refused_in_one_line(tmp_path):
    assert "NUL" in refused(tmp_path, b"school,class\r\n\x00\x00,x\r\n", name="nul.csv")
    assert "UTF-16" in refused(tmp_path, b"\xff\xfe" + b"\x00\xd8" * 4, name="u16.csv")


def test_a_date_cell_beyond_any_calendar_is_one_line_not_a_traceback(tmp_path):
    def far_date(xml: bytes) -> bytes:
        # The grade cell of row 2 becomes a date-formatted serial far beyond the year 9999.
        return re.sub(rb'<c r="C2"[^>]*>.*?</c>', b'<c r="C2" s="1"><v>99999999999</v></c>', xml)

    book = rewrite(workbook(1), far_date)
    book = _with_date_style(book)
    path = tmp_path / "far.xlsx"
    path.write_bytes(book)
    try:
        sheet = read_sheet(path, ROSTER_COLUMNS)
    except SheetError as err:
        assert "\n" not in str(err)
        return
    # Read as a number: the row is then refused by the cell rules, with its row number.
    assert sheet.rows


def _with_date_style(data: bytes) -> bytes:
    styles = (b'<?xml version="1.0"?><styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
              b'<numFmts count="0"/><fonts count="1"><font/></fonts><fills count="1"><fill/></fills>'
              b'<borders count="1"><border/></borders><cellStyleXfs count="1"><xf/></cellStyleXfs>'
              b'<cellXfs count="2"><xf numFmtId="0"/><xf numFmtId="14" applyNumberFormat="1"/></cellXfs>'
              b"</styleSheet>")
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as zin, zipfile.ZipFile(out, "w") as zout:
        for info in zin.infolist():
            zout.writestr(info, styles if info.filename == "xl/styles.xml" else zin.read(info))
    return out.getvalue()


def test_control_and_invisible_characters_in_cells_are_stripped_like_in_forms(tmp_path):
    rows = [",".join(HEADER), "测试\u200b小学,三年级(1)班\u202e,3,40,数学,王\x07芳"]
    (tmp_path / "c.csv").write_text("\r\n".join(rows), encoding="utf-8")
    (_, row), = read_sheet(tmp_path / "c.csv", ROSTER_COLUMNS).rows
    assert (row["school"], row["class"], row["teacher"]) == ("测试小学", "三年级(1)班", "王芳")


def test_import_dates_outside_the_supported_years_are_row_errors(tmp_path):
    header = [c.field for c in HOMEWORK_COLUMNS]
    row = ["测试小学", "三年级(1)班", "数学", "王芳", "9999-12-20", "", "", "", "", "20", "练习册"]
    (tmp_path / "h.csv").write_text(",".join(header) + "\r\n" + ",".join(row), encoding="utf-8")
    good, errors = typed(read_sheet(tmp_path / "h.csv", HOMEWORK_COLUMNS), HOMEWORK_CELLS, HOMEWORK_COLUMNS)
    assert not good and "must be a date" in errors[0].message


def test_the_import_command_reports_a_hostile_workbook_in_one_line_and_imports_nothing(tmp_path):
    from edulite import create_app
    from tests.conftest import base_config

    app = create_app(base_config(DATABASE_URL=f"sqlite:///{tmp_path}/none.sqlite", IMPORT_MAX_UNPACKED_BYTES=2_000_000))
    bomb = rewrite(workbook(1), lambda x: x, add={"xl/media/padding.xml": b"<a>" + b" " * 3_000_000 + b"</a>"})
    (tmp_path / "bomb.xlsx").write_bytes(bomb)
    result = app.test_cli_runner().invoke(args=["edulite", "import-roster", str(tmp_path / "bomb.xlsx")])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "IMPORT_MAX_UNPACKED_BYTES" in result.output and "Nothing was imported." in result.output
