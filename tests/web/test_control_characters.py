"""NUL, control, bidirectional and zero-width characters are stripped from every form the same way (#17).

On PostgreSQL a NUL in any text column is an error: sign-in, an alert note and a class name were 500s, and
the failed sign-in skipped its counter and its audit row.
"""

from __future__ import annotations

import pytest
from sqlmodel import select

from edulite.auth import login_throttle
from edulite.core.text import has_unsafe, strip_unsafe
from edulite.db import session_scope
from edulite.models import AuditEntry, SchoolClass
from tests.support.factories import PASSWORD, make_world

UNSAFE = ["\x00", "\x07", "\u202e", "\u200b", "\u200d", "\ufeff", "\x85", "\u2066"]


@pytest.mark.parametrize("bad", UNSAFE)
def test_the_one_rule_strips_each_unsafe_character_and_keeps_newlines_and_spaces(bad):
    assert strip_unsafe(f"三年级{bad}(2) 班\r\n第二行") == "三年级(2) 班\n第二行"
    assert has_unsafe(f"a{bad}b") and not has_unsafe("a b\nc")


@pytest.fixture
def pg_world(any_app):
    with session_scope(any_app) as s:
        return make_world(s)


def _client(app, username=None):
    client = app.test_client()
    client.set_cookie("lang", "en")
    if username:
        assert client.post("/login", data={"username": username, "password": PASSWORD}).status_code == 303
    return client


def test_a_failed_sign_in_with_a_nul_is_counted_and_audited_on_both_databases(any_app, pg_world):
    login_throttle(any_app).reset()
    client = _client(any_app)
    for _ in range(5):
        assert client.post("/login", data={"username": "teacher\x00", "password": "wrong\x00"}).status_code == 401
    # The sixth try is refused before the password is checked: the five were counted against "teacher".
    assert client.post("/login", data={"username": "teacher", "password": PASSWORD}).status_code == 429
    with session_scope(any_app, write=False) as s:
        failed = s.exec(select(AuditEntry).where(AuditEntry.action == "login_failed")).all()
    assert len(failed) == 5 and all('"teacher"' in e.after for e in failed)


def test_a_class_name_with_control_characters_is_stored_clean(any_app, pg_world):
    principal = _client(any_app, "principal")
    response = principal.post(f"/principal/settings/classes/{pg_world.class3.id}",
                              data={f"c{pg_world.class3.id}-name": "三年级\x00(1)\u202e班\u200b",
                                    f"c{pg_world.class3.id}-grade": "3", f"c{pg_world.class3.id}-headcount": "40"})
    assert response.status_code in (200, 303)
    with session_scope(any_app, write=False) as s:
        assert s.get(SchoolClass, pg_world.class3.id).name == "三年级(1)班"


@pytest.mark.parametrize("path", ["/principal/records/2026-11-16", "/principal/settings/calendar",
                                  "/principal/settings", "/principal/after-school/plan"])
def test_principal_forms_with_nul_everywhere_never_answer_500(any_app, pg_world, path):
    principal = _client(any_app, "principal")
    form = dict.fromkeys(("findings", "note", "notes", "name", "reason", "day", "start", "end", "kind", "grade",
                          "weekday", "ends_at", "class_id"), "x\x00\u202e")
    assert principal.post(path, data=form).status_code < 500


def test_a_400_digit_grade_is_a_field_error_not_a_500(app, signed_in, world):
    # Found by the fuzz suite (#17): WTForms' NumberRange overflowed converting the number to a float.
    principal = signed_in("principal", lang="en")
    cid = world.class3.id
    form = {f"c{cid}-name": "三年级(1)班", f"c{cid}-grade": "9" * 400, f"c{cid}-headcount": "40"}
    response = principal.post(f"/principal/settings/classes/{cid}", data=form)
    assert response.status_code == 422
