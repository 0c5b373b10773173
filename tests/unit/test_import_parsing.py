"""Reading import sheets: encodings, XLSX, headers in two languages, and each kind of cell."""

from __future__ import annotations

from datetime import date, datetime

import openpyxl
import pytest

from edulite.imports.sheets import (
    HOMEWORK_CELLS,
    HOMEWORK_COLUMNS,
    ROSTER_COLUMNS,
    SheetError,
    day,
    read_sheet,
    typed_rows,
    whole,
    yes_no,
)

ROSTER_EN = ["school", "class", "grade", "headcount", "subject", "teacher"]
ROSTER_ZH = ["学校", "班级", "年级", "人数", "学科", "教师"]
ROW = ["测试小学", "三年级(1)班", "3", "40", "数学", "王芳"]


def write_csv(path, rows, encoding="utf-8"):
    path.write_bytes("\r\n".join(",".join(r) for r in rows).encode(encoding) + b"\r\n")
    return path


def write_xlsx(path, rows):
    book = openpyxl.Workbook()
    for r in rows:
        book.active.append(r)
    book.save(path)
    return path


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030"])
def test_a_csv_roster_is_read_in_utf8_with_or_without_bom_and_in_gbk(tmp_path, encoding):
    path = write_csv(tmp_path / "r.csv", [ROSTER_ZH, ROW], encoding)
    sheet = read_sheet(path, ROSTER_COLUMNS)
    assert sheet.rows == [(2, dict(zip(ROSTER_EN, ROW, strict=True)))]


def test_excel_unicode_text_export_in_utf16_with_tabs_is_read(tmp_path):
    path = tmp_path / "r.txt"
    path.write_bytes("\r\n".join("\t".join(r) for r in [ROSTER_EN, ROW]).encode("utf-16"))
    assert read_sheet(path, ROSTER_COLUMNS).rows[0][1]["teacher"] == "王芳"


def test_mixed_headers_with_spaces_and_cells_with_spaces_are_stripped(tmp_path):
    header = [" School ", "班级", "Grade", " 人数", "SUBJECT", "教师 "]
    path = write_csv(tmp_path / "r.csv", [header, [" 测试小学 ", "三年级(1)班", " 3", "40 ", "数学", " 王芳"]])
    assert read_sheet(path, ROSTER_COLUMNS).rows[0][1] == dict(zip(ROSTER_EN, ROW, strict=True))


def test_an_xlsx_roster_keeps_excel_row_numbers_and_skips_empty_rows(tmp_path):
    path = write_xlsx(tmp_path / "r.xlsx", [ROSTER_ZH, [None] * 6, ["测试小学", "三年级(2)班", 3, 41, "数学", "王芳"],
                                            ["", " ", None, None, None, None], ROW])
    rows = read_sheet(path, ROSTER_COLUMNS).rows
    assert [n for n, _ in rows] == [3, 5]
    assert rows[0][1]["headcount"] == 41


def test_xlsx_date_cells_become_dates(tmp_path):
    header = ["学校", "班级", "学科", "教师", "布置日期", "截止日期", "预计分钟", "内容"]
    path = write_xlsx(tmp_path / "h.xlsx", [header, ["测试小学", "三年级(1)班", "数学", "王芳",
                                                     datetime(2024, 9, 2), date(2024, 9, 4), 20, "练习册"]])
    rows, errors = typed_rows(read_sheet(path, HOMEWORK_COLUMNS), HOMEWORK_CELLS, HOMEWORK_COLUMNS)
    assert errors == []
    assert rows[0][1]["set_date"] == date(2024, 9, 2) and rows[0][1]["due_date"] == date(2024, 9, 4)


def test_missing_and_unknown_columns_are_named(tmp_path):
    path = write_csv(tmp_path / "r.csv", [["学校", "班级", "年级", "人数", "学科", "老师"], ROW])
    with pytest.raises(SheetError) as err:
        read_sheet(path, ROSTER_COLUMNS)
    assert "missing required column(s): teacher (教师)" in str(err.value)
    assert "unknown column(s): 老师" in str(err.value)


def test_a_column_given_twice_is_refused(tmp_path):
    path = write_csv(tmp_path / "r.csv", [ROSTER_ZH + ["school"], ROW + ["x"]])
    with pytest.raises(SheetError, match=r"given twice: school \(学校\)"):
        read_sheet(path, ROSTER_COLUMNS)


def test_an_unnamed_column_is_ignored_only_when_it_is_empty(tmp_path):
    assert read_sheet(write_csv(tmp_path / "a.csv", [ROSTER_ZH + [""], ROW + [""]]), ROSTER_COLUMNS).rows
    with pytest.raises(SheetError, match="no header, column 7"):
        read_sheet(write_csv(tmp_path / "b.csv", [ROSTER_ZH + [""], ROW + ["x"]]), ROSTER_COLUMNS)


@pytest.mark.parametrize("content", [b"", b"\r\n,,,\r\n", "学校,班级,年级,人数,学科,教师\r\n".encode()])
def test_an_empty_file_or_a_header_alone_is_refused(tmp_path, content):
    path = tmp_path / "r.csv"
    path.write_bytes(content)
    with pytest.raises(SheetError, match="empty|no data rows"):
        read_sheet(path, ROSTER_COLUMNS)


def test_an_old_xls_workbook_and_undecodable_bytes_are_refused(tmp_path):
    (tmp_path / "a.xls").write_bytes(b"\xd0\xcf\x11\xe0" + b"\0" * 100)
    with pytest.raises(SheetError, match=r"\.xls"):
        read_sheet(tmp_path / "a.xls", ROSTER_COLUMNS)
    (tmp_path / "b.csv").write_bytes(b"\x81\x20\xff\xfe\x00" * 10)
    with pytest.raises(SheetError, match="UTF-8 or GBK"):
        read_sheet(tmp_path / "b.csv", ROSTER_COLUMNS)


@pytest.mark.parametrize("value, expected", [("30", 30), (30, 30), (30.0, 30), ("0", 0), ("240", 240)])
def test_whole_numbers_in_range_are_accepted(value, expected):
    assert whole(0, 240)(value) == expected


@pytest.mark.parametrize("value", ["-5", -5, "241", "abc", "12.5", 12.5, "", None, True, "三十"])
def test_minutes_outside_0_to_240_or_not_whole_are_refused(value):
    with pytest.raises(ValueError, match="whole number from 0 to 240"):
        whole(0, 240)(value)


@pytest.mark.parametrize("value", ["2024-09-02", "2024/9/2", "2024/09/02", "2024年9月2日", "2024.9.2",
                                   "2024-09-02 00:00:00", datetime(2024, 9, 2, 0, 0), date(2024, 9, 2), 45537])
def test_dates_are_read_in_every_format_schools_use(value):
    assert day(value) == date(2024, 9, 2)


@pytest.mark.parametrize("value", ["2024-02-30", "9/2/2024", "明天", "", None, "2024-13-01", 12])
def test_bad_dates_are_refused(value):
    with pytest.raises(ValueError, match="must be a date"):
        day(value)


@pytest.mark.parametrize("value, expected", [("是", True), ("否", False), ("YES", True), ("n", False),
                                             ("true", True), ("0", False), (1, True), (False, False),
                                             ("必做", True), ("选做", False)])
def test_required_accepts_chinese_and_english_yes_and_no(value, expected):
    assert yes_no(value) is expected


def homework(**cells):
    base = dict(school="测试小学", **{"class": "三年级(1)班"}, subject="数学", teacher="王芳",
                set_date="2024-09-02", minutes="20", description="练习册")
    return base | cells


def typed(*rows):
    from edulite.imports.sheets import Sheet

    return typed_rows(Sheet(list(enumerate(rows, 2))), HOMEWORK_CELLS, HOMEWORK_COLUMNS)


def test_chinese_type_and_location_values_and_defaults_are_understood():
    (_, a), (_, b) = typed(homework(type="口头", location="课后服务", required="否"), homework())[0]
    assert (a["type"], a["location"], a["required"], a["due_date"]) == ("oral", "after_school", False, None)
    assert (b["type"], b["location"], b["required"]) == ("written", "home", True)


def test_a_row_with_several_bad_cells_names_each_of_them():
    rows, errors = typed(homework(), homework(type="抄写", location="school", set_date="x", minutes="12.5"))
    assert len(rows) == 1 and [e.row for e in errors] == [3]
    message = errors[0].message
    for part in ("set_date (布置日期)", "type (类型)", "location (完成地点)", "minutes (预计分钟)"):
        assert part in message


def test_the_importers_import_neither_flask_nor_click():
    import ast
    from pathlib import Path

    for name in ("imports/load.py", "imports/sheets.py"):
        tree = ast.parse((Path(__file__).parents[2] / "edulite" / name).read_text(encoding="utf-8"))
        modules = {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
        modules |= {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
        assert not {m.split(".")[0] for m in modules if m} & {"flask", "click"}, name
