"""Hostile and random input never causes a 500, is never shown unescaped and never half-writes.

Property-based (Hypothesis): huge, negative, non-numeric, very long, control characters, Unicode,
HTML and script payloads, thrown at the sign-in form and the importers.
"""

from __future__ import annotations

import csv
import io

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func
from sqlmodel import SQLModel, select

from edulite.auth import login_throttle
from edulite.db import session_scope

PAYLOADS = st.one_of(
    st.text(max_size=300),
    st.sampled_from(["<script>alert(1)</script>", "\"><img src=x onerror=alert(1)>", "'; DROP TABLE user; --",
                     "-1", "-999999999999", "1e309", "NaN", "٣", "１２", "\x00\x01\x1b[31m", "\u202e", "💥" * 50,
                     "9" * 400, "", " ", "0x10", "12.5", "２０２６－１１－１６"]),
)
FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def _counts(app) -> dict[str, int]:
    with session_scope(app, write=False) as s:
        return {t.name: s.execute(select(func.count()).select_from(t)).scalar_one()
                for t in SQLModel.metadata.sorted_tables if t.name != "audit_entry"}


@FAST
@given(username=PAYLOADS, password=PAYLOADS)
def test_the_sign_in_form_survives_any_input_and_escapes_what_it_echoes(app, world, username, password):
    login_throttle(app).reset()  # every example is a first attempt, so the form itself is exercised, not the limit
    client = app.test_client()
    response = client.post("/login", data={"username": username, "password": password})
    assert response.status_code in (401, 422)
    body = response.get_data(as_text=True)
    assert "<script>alert(1)</script>" not in body and "<img src=x" not in body


ROSTER = ["school", "class", "grade", "headcount", "subject", "teacher"]
HOMEWORK = ["school", "class", "subject", "teacher", "set_date", "due_date", "type", "required", "location",
            "minutes", "description"]


def _csv(path, header, row) -> None:
    buffer = io.StringIO()
    csv.writer(buffer).writerows([header, row])
    path.write_text(buffer.getvalue(), encoding="utf-8")


@FAST
@given(cells=st.lists(PAYLOADS, min_size=6, max_size=6))
def test_a_roster_row_of_hostile_cells_is_refused_cleanly_or_imported_whole(app, world, tmp_path_factory, cells):
    path = tmp_path_factory.mktemp("roster") / "r.csv"
    _csv(path, ROSTER, cells)
    before = _counts(app)
    result = app.test_cli_runner().invoke(args=["edulite", "import-roster", str(path)])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    if result.exit_code != 0:
        assert _counts(app) == before


@FAST
@given(cells=st.lists(PAYLOADS, min_size=11, max_size=11))
def test_a_homework_row_of_hostile_cells_is_refused_without_writing_anything(app, world, tmp_path_factory, cells):
    path = tmp_path_factory.mktemp("homework") / "h.csv"
    _csv(path, HOMEWORK, cells)
    before = _counts(app)
    result = app.test_cli_runner().invoke(args=["edulite", "import-homework", str(path)])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    assert result.exit_code != 0  # random cells never name an existing school, class and teacher together
    assert _counts(app) == before


def _signed_in(app, signed_in, username: str):
    login_throttle(app).reset()  # Hypothesis signs in again for every example, far past the limit
    return signed_in(username)


FIELD_VALUES = st.dictionaries(
    st.sampled_from(["subject_id", "description", "kind", "required", "location", "minutes", "set_date", "due_date",
                     "confirm_over", "over_reason", "item_id", "no_homework", "day", "pupils-1", "pupils-²",
                     "pupils-" + "9" * 5000, "start", "end", "activity", "note"]),
    PAYLOADS, max_size=12)


@FAST
@given(fields=FIELD_VALUES, htmx=st.booleans())
def test_the_teacher_forms_survive_any_input_without_a_500_or_a_stray_write(app, world, signed_in, fields, htmx):
    client = _signed_in(app, signed_in, "teacher")
    headers = {"HX-Request": "true"} if htmx else {}
    for path in (f"/teacher/class/{world.class3.id}", f"/teacher/class/{world.class3.id}/meter",
                 f"/teacher/class/{world.class3.id}/no-homework", "/teacher/after-school"):
        before = _counts(app)
        response = client.post(path, data=fields, headers=headers)
        assert response.status_code < 500, (path, fields, response.status_code)
        body = response.get_data(as_text=True)
        assert "<script>alert(1)</script>" not in body and "<img src=x" not in body
        if response.status_code >= 400:
            assert _counts(app) == before, (path, fields)


PRINCIPAL_PATHS = ["/principal/alerts", "/principal/exports/file", "/principal/", "/principal/after-school",
                   "/district/"]


@FAST
@given(fields=st.dictionaries(st.sampled_from(["week", "grade", "class_id", "page", "state", "rule", "from", "to",
                                               "format", "table", "day", "generated"]), PAYLOADS, max_size=8))
def test_the_principal_and_district_filters_survive_any_query_string(app, signed_in, fields):
    principal, supervisor = _signed_in(app, signed_in, "principal"), _signed_in(app, signed_in, "supervisor")
    for path in PRINCIPAL_PATHS:
        client = supervisor if path.startswith("/district") else principal
        response = client.get(path, query_string=fields)
        assert response.status_code < 500, (path, fields, response.status_code)
        assert "<script>alert(1)</script>" not in response.get_data(as_text=True)


def test_dates_at_the_ends_of_the_calendar_get_a_page_or_a_404_never_a_500(app, world, signed_in):
    principal, supervisor, teacher = (_signed_in(app, signed_in, u) for u in ("principal", "supervisor", "teacher"))
    for far in ("9999-12-31", "0001-01-01", "1999-12-31", "2100-01-01"):
        for client, path in ((principal, f"/principal/classes/{world.class3.id}/{far}"),
                             (principal, f"/principal/records/{far}"), (principal, f"/principal/?week={far}"),
                             (principal, f"/principal/alerts?week={far}"),
                             (principal, f"/principal/after-school?week={far}"),
                             (principal, f"/principal/exports/file?from={far}&to={far}"),
                             (supervisor, f"/district/?week={far}"),
                             (supervisor, f"/district/school/{world.school.id}?week={far}"),
                             (teacher, f"/teacher/?day={far}"), (teacher, f"/teacher/after-school?day={far}"),
                             (teacher, f"/teacher/class/{world.class3.id}?day={far}"),
                             (principal, f"/c/{world.link.token}?week={far}")):
            assert client.get(path).status_code in (200, 404, 422), path


SURVEY_FIELDS = st.dictionaries(st.sampled_from(["evening", "minutes", "minutes_other", "finished", "bedtime",
                                                 "asked_to_check", "phone_used", "csrf_token"]), PAYLOADS, max_size=8)


@FAST
@given(fields=SURVEY_FIELDS)
def test_the_family_survey_survives_any_input_and_stores_only_a_whole_valid_answer(app, world, fields):
    from tests.support.survey import TOKEN, add_survey_link
    app.config.update(SURVEY_RATE_LIMIT_ADDRESS="100000 per minute", SURVEY_RATE_LIMIT_CLASS="100000 per minute")
    with session_scope(app, write=False) as s:
        from edulite.models import SurveyLink
        if s.exec(select(SurveyLink)).first() is None:
            add_survey_link(app, world.class3)
    client = app.test_client()
    client.get(f"/s/{TOKEN}")  # the device cookie
    before = _counts(app)
    response = client.post(f"/s/{TOKEN}", data=fields)
    assert response.status_code in (303, 422), (fields, response.status_code)
    body = response.get_data(as_text=True)
    assert "<script>alert(1)</script>" not in body and "<img src=x" not in body
    if response.status_code == 422:
        assert _counts(app) == before, fields
