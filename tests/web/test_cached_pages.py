"""Whole signed-in pages served from the page cache (edulite.web.cache.page, ISSUE #12).

A cached page is rendered once with a placeholder where the CSRF token goes and the caller's own token is
put in per request: two sessions never see each other's token, a write shows at the next request, and
revocation (sign-out everywhere, password change, a disabled account, a changed role) still ends an old
cookie on a page that is in the cache.
"""

from __future__ import annotations

import re

import pytest
from flask_wtf.csrf import generate_csrf
from sqlalchemy import event

from edulite.db import get_db, session_scope
from edulite.models import User
from edulite.school.audit import revoke_sessions
from edulite.web import cache
from tests.support.factories import add_item
from tests.support.parent import MON

HEADER_TOKEN = re.compile(r"""hx-headers='\{"X-CSRFToken": "([^"]+)"\}'""")
FORM_TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
PAGES = {"principal": f"/principal/?week={MON}", "teacher": "/teacher/", "supervisor": f"/district/?week={MON}"}


@pytest.fixture
def csrf_app(app):
    app.config["WTF_CSRF_ENABLED"] = True
    return app


def tokens(html: str) -> set[str]:
    return set(HEADER_TOKEN.findall(html)) | set(FORM_TOKEN.findall(html))


def count_statements(app, call) -> int:
    seen: list[str] = []

    def count(*args):
        if args[2] != "BEGIN":  # SQLite's explicit BEGIN (ADR 0001) is not a read
            seen.append(args[2])

    engines = {get_db(app).engine(write=False), get_db(app).engine(write=True)}
    for engine in engines:
        event.listen(engine, "before_cursor_execute", count)
    try:
        call()
    finally:
        for engine in engines:
            event.remove(engine, "before_cursor_execute", count)
    return len(seen)


@pytest.mark.parametrize("username", sorted(PAGES))
def test_two_sessions_each_get_their_own_csrf_token_from_one_cached_page(csrf_app, world, signed_in, username):
    path = PAGES[username]
    first, second = signed_in(username), signed_in(username)
    page_one = first.get(path).get_data(as_text=True)
    # Served from the cache: only the account (with its data version) is read.
    page_two = ""

    def get_second():
        nonlocal page_two
        page_two = second.get(path).get_data(as_text=True)

    assert count_statements(csrf_app, get_second) == 1
    assert cache.TOKEN_PLACEHOLDER not in page_one + page_two
    (one,), (two,) = tokens(page_one), tokens(page_two)
    assert one != two and one not in page_two and two not in page_one
    # Each token is the one its session accepts, and only there.
    assert second.post("/logout", data={"csrf_token": one}).status_code == 400
    assert second.post("/logout", data={"csrf_token": two}).status_code == 303
    assert first.post("/logout", data={"csrf_token": one}).status_code == 303


def test_the_layout_is_cached_once_for_a_school_and_kept_apart_per_role(app, world, signed_in):
    principal = signed_in("principal")
    principal.get(PAGES["principal"])
    store = app.extensions["edulite_page_cache"].entries
    kept = [html for key, html in store.items() if key[0] == "page"]
    assert kept and all(cache.TOKEN_PLACEHOLDER in html for html in kept)
    # The district supervisor's page in the same cache is another entry, with the supervisor's menu.
    district_html = signed_in("supervisor").get(PAGES["supervisor"]).get_data(as_text=True)
    assert 'href="/principal/alerts"' not in district_html


def test_a_write_shows_on_the_cached_teacher_home_at_the_next_request(app, world, signed_in):
    teacher = signed_in("teacher")
    path = f"/teacher/?day={MON}"
    first = teacher.get(path).get_data(as_text=True)
    assert teacher.get(path).get_data(as_text=True) == first
    with session_scope(app) as s:
        add_item(s, world, day=MON, minutes=20, description="新的一页练习")
    assert "新的一页练习" not in first and "新的一页练习" in teacher.get(path).get_data(as_text=True)


def test_a_flashed_message_is_shown_to_its_own_session_only(app, world, signed_in):
    teacher, colleague_session = signed_in("teacher"), signed_in("teacher")
    path = "/teacher/"
    teacher.get(path)
    with teacher.session_transaction() as s:
        s["_flashes"] = [("message", "只给这一位看的提示")]
    assert "只给这一位看的提示" in teacher.get(path).get_data(as_text=True)
    assert "只给这一位看的提示" not in colleague_session.get(path).get_data(as_text=True)
    assert "只给这一位看的提示" not in teacher.get(path).get_data(as_text=True)  # shown once


@pytest.mark.parametrize("event_name", ["sign out everywhere", "account disabled", "role changed", "moved school"])
def test_revocation_ends_a_cookie_even_on_a_cached_page(app, world, signed_in, event_name):
    principal = signed_in("principal")
    path = PAGES["principal"]
    assert principal.get(path).status_code == 200
    assert principal.get(path).status_code == 200  # now in the cache
    with session_scope(app) as s:
        user = s.get(User, world.principal.id)
        if event_name == "sign out everywhere":
            revoke_sessions(s, user_id=user.id)
        elif event_name == "account disabled":
            user.active = False
        elif event_name == "role changed":
            user.role = "teacher"
        else:
            user.school_id = world.other_school.id
    response = principal.get(path)
    if event_name in ("sign out everywhere", "account disabled"):
        assert response.status_code == 302 and response.location.startswith("/login")
    elif event_name == "role changed":
        assert response.status_code == 403
    else:  # the scope is read with the account on every request: the other school's page, not the cached one
        assert world.other_school.name in response.get_data(as_text=True)
        assert world.school.name not in response.get_data(as_text=True)


def test_a_page_holding_a_real_token_is_not_cached(app):
    """A WTForms field renders the session's token itself: such a page must stay with its session."""
    with app.test_request_context("/"):
        html = cache.page(("test-leak",), lambda: f"<p>{generate_csrf()}</p>")
        assert html == f"<p>{generate_csrf()}</p>"
    store = app.extensions.get("edulite_page_cache")
    assert store is None or not any("test-leak" in key for key in store.entries)
