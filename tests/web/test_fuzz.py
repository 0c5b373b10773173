"""The fuzz suite (#17): at least 10,000 Hypothesis examples across forms and imports, zero server errors.

Split by cost so that CI stays within a few minutes on two cores: most examples go through the very
functions the forms and imports call (parse_homework, parse_session, parse_plan, the principal's WTForms,
read_sheet and typed_rows, the importers in a rolled-back transaction), where an example costs well under
a millisecond; a smaller share goes through HTTP with a signed-in client, where one costs tens. Each test
asserts that it ran its whole quota, and QUOTAS must add up to 10,000 (EDULITE_FUZZ_SCALE scales them for
a quicker local run; CI runs them whole). The shorter hostile-input tests in test_hostile_input.py come on top.
"""

from __future__ import annotations

import csv
import io
import os
from datetime import date

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from werkzeug.datastructures import MultiDict

from edulite.afterschool.input import Invalid, PlanTexts, SessionTexts, parse_plan, parse_session
from edulite.core.calendar import SchoolCalendar
from edulite.core.text import has_unsafe, strip_unsafe
from edulite.db import session_scope
from edulite.homework.input import InvalidHomework, parse_homework
from edulite.imports import load as importers
from edulite.imports.sheets import (
    HOMEWORK_CELLS,
    HOMEWORK_COLUMNS,
    ROSTER_CELLS,
    ROSTER_COLUMNS,
    SheetError,
    read_sheet,
    typed_rows,
)
from tests.support.factories import TEST_HASH_METHOD
from tests.web.test_hostile_input import PAYLOADS

QUOTAS = {"homework_form": 2000, "afterschool_forms": 1500, "principal_forms": 1200, "text_rule": 1000,
          "csv_import": 2000, "xlsx_import": 400, "importers": 300, "http_teacher": 800, "http_principal": 800}
SCALE = float(os.environ.get("EDULITE_FUZZ_SCALE", "1"))
HEALTH = [HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.filter_too_much,
          HealthCheck.data_too_large]
TODAY = date(2026, 11, 18)
TEXT = st.one_of(PAYLOADS, st.text(alphabet=st.characters(codec="utf-8"), max_size=40),
                 st.sampled_from(["2026-11-18", "15:40", "17:40", "25:99", "0", "240", "241", "-1", "1e3", "1" * 30,
                                  "written", "home", "reading", "true", "on", "是", "\x00", "\u202e", "\u200b"]))


def run(name: str, strategy, check) -> None:
    """Run check on QUOTAS[name] (scaled) examples and assert that all of them ran."""
    quota = max(1, int(QUOTAS[name] * SCALE))
    ran = 0

    @settings(max_examples=quota, deadline=None, suppress_health_check=HEALTH, database=None)
    @given(strategy)
    def examples(value):
        nonlocal ran
        ran += 1
        check(value)

    examples()
    assert ran >= quota, f"{name}: {ran} of {quota} examples ran"


def test_the_quotas_add_up_to_ten_thousand_examples():
    assert sum(QUOTAS.values()) >= 10_000


HOMEWORK_FIELDS = st.dictionaries(st.sampled_from(["subject_id", "description", "kind", "required", "location",
                                                   "minutes", "set_date", "due_date", "no_homework", "class_id"]),
                                  TEXT, max_size=10)


def test_the_homework_form_reads_any_input_as_an_entry_or_field_problems():
    def check(fields):
        try:
            data = parse_homework(fields, class_id=1)
        except InvalidHomework as err:
            assert err.problems
            return
        assert not has_unsafe(data.description) and 1 <= data.minutes <= 240 and not data.no_homework

    run("homework_form", HOMEWORK_FIELDS, check)


def test_the_after_school_forms_read_any_input_as_a_session_a_plan_or_problems():
    calendar = SchoolCalendar()

    def check(values):
        texts = SessionTexts(start=values[0], end=values[1], activity=values[2], note=values[3], day=values[4],
                             pupils={1: values[5], 2: values[6]})
        try:
            parse_session(texts, headcounts={1: 40, 2: 30}, calendar=calendar, today=TODAY)
        except Invalid:
            pass
        plan = PlanTexts(valid_from=values[4], valid_to=values[3], days={0: (values[0], values[1], [values[2]])})
        try:
            parse_plan(plan, other_terms=[])
        except Invalid:
            pass

    run("afterschool_forms", st.tuples(*[TEXT] * 7), check)


def test_the_principals_forms_validate_any_input_without_raising(app):
    from edulite.web.principal.forms import CalendarForm, ClassForm

    def check(values):
        with app.test_request_context("/", method="POST"):
            for form_class, names in ((ClassForm, ("name", "grade", "headcount")),
                                      (CalendarForm, ("first", "last", "kind", "note"))):
                form = form_class(formdata=MultiDict(dict(zip(names, values, strict=False))), meta={"csrf": False})
                form.validate()

    run("principal_forms", st.tuples(*[TEXT] * 4), check)


def test_the_text_rule_leaves_nothing_unsafe_and_is_stable():
    def check(text):
        once = strip_unsafe(text)
        assert not has_unsafe(once) and strip_unsafe(once) == once

    run("text_rule", st.text(max_size=200), check)


def _csv_bytes(rows, encoding: str) -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue().encode(encoding, errors="replace")


SHEET_BYTES = st.one_of(
    st.tuples(st.lists(st.lists(TEXT, min_size=1, max_size=12), min_size=1, max_size=6),
              st.sampled_from(["utf-8", "utf-8-sig", "gb18030", "utf-16", "big5"]),
              st.sampled_from([ROSTER_COLUMNS, HOMEWORK_COLUMNS]))
    .map(lambda t: (_csv_bytes([[c.field for c in t[2]], *t[0]], t[1]), t[2])),
    st.tuples(st.binary(max_size=400), st.sampled_from([ROSTER_COLUMNS, HOMEWORK_COLUMNS])),
)


def test_any_csv_bytes_are_read_as_rows_or_refused_in_one_line(tmp_path):
    path = tmp_path / "f.csv"

    def check(value):
        data, columns = value
        path.write_bytes(data)
        try:
            sheet = read_sheet(path, columns)
        except SheetError as err:
            assert "\n" not in str(err)
            return
        cells = ROSTER_CELLS if columns is ROSTER_COLUMNS else HOMEWORK_CELLS
        good, _errors = typed_rows(sheet, cells, columns)
        assert all(not has_unsafe(v) for _, row in good for v in row.values() if isinstance(v, str))

    run("csv_import", SHEET_BYTES, check)


def _xlsx(rows) -> bytes:
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


XLSX_CELL = st.one_of(TEXT.map(lambda t: strip_unsafe(t)), st.integers(-10**12, 10**12), st.floats(allow_nan=False),
                      st.dates(), st.booleans(), st.none())


def test_any_workbook_or_damaged_workbook_is_read_or_refused_in_one_line(tmp_path):
    path = tmp_path / "f.xlsx"
    base = _xlsx([[c.field for c in HOMEWORK_COLUMNS], ["a"] * 11])

    def check(value):
        rows, cut, noise = value
        data = _xlsx([[c.field for c in HOMEWORK_COLUMNS], *rows]) if rows else base
        if cut:  # damage the archive: truncate it, or overwrite bytes somewhere inside
            at = cut % len(data)
            data = data[:at] + noise + data[at + len(noise):]
        path.write_bytes(data)
        try:
            sheet = read_sheet(path, HOMEWORK_COLUMNS)
        except SheetError as err:
            assert "\n" not in str(err)
            return
        typed_rows(sheet, HOMEWORK_CELLS, HOMEWORK_COLUMNS)

    strategy = st.tuples(st.lists(st.lists(XLSX_CELL, max_size=12), max_size=4), st.integers(0, 10**6),
                         st.binary(max_size=16))
    run("xlsx_import", strategy, check)


def test_the_importers_take_any_rows_whole_or_not_at_all(app, world, tmp_path):
    path = tmp_path / "f.csv"

    def check(value):
        rows, roster = value
        columns = ROSTER_COLUMNS if roster else HOMEWORK_COLUMNS
        path.write_bytes(_csv_bytes([[c.field for c in columns], *rows], "utf-8"))
        try:
            sheet = read_sheet(path, columns)
        except SheetError:
            return
        with session_scope(app) as session:
            try:
                if roster:
                    importers.import_roster(session, sheet, district=None,
                                            hash_password=lambda p: f"{TEST_HASH_METHOD}$x${p[:0]}")
                else:
                    importers.import_homework(session, sheet)
            except importers.ImportRejected:
                pass
            finally:
                session.rollback()

    strategy = st.tuples(st.lists(st.lists(TEXT, min_size=6, max_size=11), min_size=1, max_size=3), st.booleans())
    run("importers", strategy, check)


FORM = st.dictionaries(st.sampled_from(["subject_id", "description", "kind", "required", "location", "minutes",
                                        "set_date", "due_date", "confirm_over", "over_reason", "no_homework", "day",
                                        "start", "end", "activity", "note", "pupils-1", "name", "grade", "headcount",
                                        "findings", "first", "last", "action", "next", "csrf_token"]),
                       TEXT, max_size=10)


def _post_many(app, client, paths, name):
    def check(value):
        fields, index = value
        path = paths[index % len(paths)]
        response = client.post(path, data=fields, headers={"HX-Request": "true"} if index % 2 else {})
        assert response.status_code < 500, (path, fields, response.status_code)

    run(name, st.tuples(FORM, st.integers(0, 1000)), check)


@pytest.mark.parametrize("role", ["teacher", "principal"])
def test_every_form_answers_any_post_without_a_server_error(app, world, signed_in, role):
    app.config["LOGIN_RATE_LIMIT"] = "100000 per minute"
    client = signed_in(role)
    if role == "teacher":
        paths = [f"/teacher/class/{world.class3.id}", f"/teacher/class/{world.class3.id}/meter",
                 f"/teacher/class/{world.class3.id}/no-homework", "/teacher/after-school", "/account/password"]
    else:
        paths = [f"/principal/settings/classes/{world.class3.id}", "/principal/settings/classes",
                 "/principal/settings/calendar", "/principal/settings", "/principal/records/2026-11-16",
                 "/principal/after-school/plan", "/principal/settings/assignments", "/account/password"]
    _post_many(app, client, paths, f"http_{role}")
