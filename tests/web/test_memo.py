"""Cached pages answered before Flask runs (edulite/web/memo.py, ADR 0016, ISSUE #12).

A copy of an answer is served again only to the same account row (so its data version), the same URL,
language, htmx headers and day; everything the Flask path checks on a session is checked first, and any
doubt hands the request to Flask. These tests count how often Flask ran, so they fail if a copy is served
where Flask must answer, or never served at all.
"""

from __future__ import annotations

import gzip
import re
import time

import pytest
from sqlmodel import select

from edulite.db import session_scope
from edulite.models import ClassLink, User
from tests.support.factories import add_item
from tests.support.parent import MON, TOKEN, revoke

WEEK = f"/principal/?week={MON}"
HEADER_TOKEN = re.compile(r"""hx-headers='\{"X-CSRFToken": "([^"]+)"\}'""")


@pytest.fixture
def flask_runs(app):
    """How many requests reached Flask (the memo answers the others before any hook runs)."""
    seen: list[str] = []
    app.before_request(lambda: seen.append("x") and None)
    return seen


def without_tokens(html: str) -> str:
    return HEADER_TOKEN.sub("TOKEN", re.sub(r'name="csrf_token" value="[^"]+"', "TOKEN", html))


def test_the_second_request_is_a_copy_with_the_sessions_own_token(app, world, signed_in, flask_runs):
    app.config["WTF_CSRF_ENABLED"] = True
    principal = signed_in("principal")
    principal.get("/principal/alerts")  # the first page after sign-in gives the session its CSRF secret
    flask_runs.clear()
    first = principal.get(WEEK)
    second = principal.get(WEEK)
    assert (first.status_code, second.status_code) == (200, 200)
    assert len(flask_runs) == 1  # the second never reached Flask
    assert without_tokens(first.get_data(as_text=True)) == without_tokens(second.get_data(as_text=True))
    assert second.headers["Content-Security-Policy"] == first.headers["Content-Security-Policy"]
    assert second.headers["Cache-Control"] == "no-store" and "Set-Cookie" not in second.headers
    assert int(second.headers["Content-Length"]) == len(second.get_data())
    # Another session of the same account gets the copy with its own token, which only it accepts.
    other = signed_in("principal")
    other.get("/principal/alerts")
    page = other.get(WEEK).get_data(as_text=True)
    (token,) = set(HEADER_TOKEN.findall(page))
    assert token not in second.get_data(as_text=True)
    assert principal.post("/logout", data={"csrf_token": token}).status_code == 400  # not this session's
    assert other.post("/logout", data={"csrf_token": token}).status_code == 303
    # The other session's sign-in (its form, then the post) and first page, and the two logouts.
    assert len(flask_runs) == 5


def test_the_compressed_copy_is_the_same_page(app, world, signed_in):
    principal = signed_in("principal")
    principal.get(WEEK)
    plain = principal.get(WEEK)
    packed = principal.get(WEEK, headers={"Accept-Encoding": "gzip, deflate, br"})
    assert packed.headers["Content-Encoding"] == "gzip" and "Accept-Encoding" in packed.headers["Vary"]
    assert int(packed.headers["Content-Length"]) == len(packed.get_data()) < len(plain.get_data()) / 2
    unpacked = gzip.decompress(packed.get_data()).decode()
    assert without_tokens(unpacked) == without_tokens(plain.get_data(as_text=True))
    assert HEADER_TOKEN.findall(unpacked)  # the token is in it, spliced in per request
    refused = principal.get(WEEK, headers={"Accept-Encoding": "gzip;q=0, identity"})
    assert "Content-Encoding" not in refused.headers


def test_a_write_to_the_school_is_shown_at_once(app, world, signed_in, flask_runs):
    teacher = signed_in("teacher")
    path = f"/teacher/?day={MON}"
    teacher.get(path)
    teacher.get(path)
    with session_scope(app) as s:
        add_item(s, world, day=MON, minutes=20, description="新写的口算练习")
    assert "新写的口算练习" in teacher.get(path).get_data(as_text=True)


def test_copies_are_per_account_and_per_language_and_per_fragment(app, world, signed_in, flask_runs):
    teacher, colleague = signed_in("teacher"), signed_in("colleague")
    teacher.get("/teacher/")
    teacher.get("/teacher/")
    colleague.get("/account/password")
    flask_runs.clear()
    colleague.get("/teacher/")  # same school, same URL, another account: its own page
    teacher.set_cookie("lang", "en")
    english = teacher.get("/teacher/").get_data(as_text=True)
    fragment = signed_in("principal").get(WEEK, headers={"HX-Request": "true"})
    assert len(flask_runs) == 4  # the principal's sign-in is one of them
    assert "<html" not in fragment.get_data(as_text=True) and 'lang="en"' in english


def test_an_idle_session_is_sent_to_sign_in_even_with_a_copy(app, world, signed_in):
    principal = signed_in("principal")
    principal.get(WEEK)
    with principal.session_transaction() as s:
        s["seen"] = int(time.time()) - 2 * 3600
    response = principal.get(WEEK)
    assert response.status_code == 302 and response.location.startswith("/login")


def test_a_session_due_for_its_idle_refresh_gets_it_from_flask(app, world, signed_in, flask_runs):
    principal = signed_in("principal")
    principal.get(WEEK)
    principal.get(WEEK)
    with principal.session_transaction() as s:
        s["seen"] = int(time.time()) - 90
    flask_runs.clear()
    response = principal.get(WEEK)
    assert response.status_code == 200 and "edulite_session=" in response.headers["Set-Cookie"]
    assert len(flask_runs) == 1
    principal.get(WEEK)  # the refreshed cookie is fresh again: a copy
    assert len(flask_runs) == 1


def test_an_account_that_must_change_its_password_gets_the_password_page(app, world, signed_in):
    principal = signed_in("principal")
    principal.get(WEEK)
    with session_scope(app) as s:
        s.get(User, world.principal.id).must_change_password = True
    response = principal.get(WEEK)
    assert response.status_code == 302 and response.location.endswith("/account/password")


def test_the_parents_page_is_copied_for_families_and_stops_when_the_link_is_revoked(app, client, world, flask_runs):
    path = f"/c/{TOKEN}?week={MON}"
    first = client.get(path)
    flask_runs.clear()
    second = client.get(path)
    assert flask_runs == [] and second.get_data() == first.get_data()
    assert second.headers["ETag"] == first.headers["ETag"] and "Set-Cookie" not in second.headers
    packed = client.get(path, headers={"Accept-Encoding": "gzip"})
    assert packed.headers["ETag"].endswith('-gz"') and gzip.decompress(packed.get_data()) == first.get_data()
    # A phone holding the compressed copy revalidates with its tag: nothing changed, 304.
    assert client.get(path, headers={"If-None-Match": packed.headers["ETag"]}).status_code == 304
    revoke(app, TOKEN)
    assert client.get(path).status_code == 404


def test_a_signed_in_teacher_on_another_schools_parent_page_sees_its_writes(app, world, signed_in):
    with session_scope(app) as s:
        s.add(ClassLink(class_id=world.other_class.id, token="other-school-link-0123456789abcd"))
    teacher = signed_in("teacher")  # of world.school; the link is of world.other_school
    path = f"/c/other-school-link-0123456789abcd?week={MON}"
    teacher.get(path)
    teacher.get(path)
    with session_scope(app) as s:
        add_item(s, world, klass=world.other_class, teacher=world.other_teacher, day=MON, minutes=15,
                 description="另一校的作业")
    assert "另一校的作业" in teacher.get(path).get_data(as_text=True)
    with session_scope(app) as s:
        assert s.exec(select(ClassLink).where(ClassLink.class_id == world.other_class.id)).one()


def test_no_copy_is_made_or_served_when_the_page_cache_is_off(app, world, signed_in, flask_runs):
    app.config["PAGE_CACHE_ENTRIES"] = 0
    principal = signed_in("principal")
    flask_runs.clear()
    principal.get(WEEK)
    principal.get(WEEK)
    assert len(flask_runs) == 2


def test_pages_that_check_more_than_the_account_are_never_copied(app, world, signed_in, flask_runs):
    """The district drill-down checks per request that the school is the caller's district's; one class's
    export that the class is the school's: Flask answers every time (the review of ADR 0016)."""
    supervisor, principal = signed_in("supervisor"), signed_in("principal")
    one_class = f"/principal/exports/file?from={MON}&to={MON}&format=csv&table=items&class_id={world.class3.id}"
    whole = f"/principal/exports/file?from={MON}&to={MON}&format=csv&table=items"
    for client, path in ((supervisor, f"/district/school/{world.school.id}?week={MON}"), (principal, one_class)):
        flask_runs.clear()
        for _ in range(3):
            assert client.get(path).status_code == 200
        assert len(flask_runs) == 3, path
    flask_runs.clear()
    for _ in range(3):
        principal.get(whole)
    assert len(flask_runs) == 1  # the whole school's file is copied


def test_head_conditional_flashed_and_device_requests_go_to_flask(app, world, signed_in, client, flask_runs):
    principal = signed_in("principal")
    for _ in range(2):
        principal.get(WEEK)
    flask_runs.clear()
    assert principal.head(WEEK).status_code == 200
    assert len(flask_runs) == 1
    teacher = signed_in("teacher")
    for _ in range(2):
        teacher.get("/teacher/")
    flask_runs.clear()
    with teacher.session_transaction() as s:
        s["_flashes"] = [("message", "刚刚保存的提示")]
    assert "刚刚保存的提示" in teacher.get("/teacher/").get_data(as_text=True)
    parent = f"/c/{TOKEN}?week={MON}"
    client.get(parent)
    client.get(parent)
    client.set_cookie(app.config["DEVICE_COOKIE_NAME"], "not-a-device")
    client.get(parent)
    assert len(flask_runs) == 3  # the flashed page, the parent page once, and with a device cookie


def test_a_body_over_the_limit_is_not_kept_and_the_bytes_are_bounded(app, world, signed_in, flask_runs):
    principal = signed_in("principal")
    principal.get(WEEK)
    app.config["PAGE_MEMO_MAX_BODY"] = 1000
    flask_runs.clear()
    for _ in range(3):
        principal.get(WEEK)
    assert len(flask_runs) == 3
    app.config["PAGE_MEMO_MAX_BODY"], app.config["PAGE_MEMO_BYTES"] = 10**7, 10**5
    for n in range(6):
        principal.get(f"{WEEK}&n={n}")
    memo = app.wsgi_app
    assert 0 < memo.bytes <= 10**5 and memo.bytes == sum(c.size for c in memo.copies.values())


def test_a_parent_page_miss_reads_its_link_once_and_static_files_read_nothing(app, world, signed_in, client):
    from tests.web.test_cached_pages import count_statements

    links: list[str] = []

    def miss():
        links.append(client.get(f"/c/{TOKEN}?week={MON}").status_code)

    assert count_statements(app, miss) >= 1
    seen: list[str] = []
    from sqlalchemy import event

    from edulite.db import get_db

    def spy(_conn, _cursor, statement, *_args):
        seen.append(statement)

    engine = get_db(app).engine(write=False)
    principal = signed_in("principal")
    event.listen(engine, "before_cursor_execute", spy)
    try:
        client.get(f"/c/{TOKEN}?week={MON}&again=1")
        link_reads = [q for q in seen if "class_link" in q]
        seen.clear()
        principal.get("/static/css/app.css").close()
    finally:
        event.remove(engine, "before_cursor_execute", spy)
    assert len(link_reads) == 1 and links == [200]
    assert [q for q in seen if q != "BEGIN"] == []


def test_a_remembered_cookie_is_still_checked_for_age_and_key(app, world, signed_in, flask_runs, monkeypatch):
    """Verified cookies are remembered (Memo._session); their age is checked on every request, and a new
    secret key forgets them."""
    from edulite.web import memo

    principal = signed_in("principal")
    for _ in range(2):
        principal.get(WEEK)
    flask_runs.clear()
    real = time.time
    monkeypatch.setattr(memo.time, "time", lambda: real() + 13 * 3600)  # past PERMANENT_SESSION_LIFETIME
    principal.get(WEEK)
    assert len(flask_runs) == 1
    monkeypatch.setattr(memo.time, "time", real)
    principal.get(WEEK)
    assert len(flask_runs) == 1  # a copy again
    app.secret_key = "another secret key of enough length for this test"
    response = principal.get(WEEK)
    assert response.status_code == 302 and response.location.startswith("/login")


def test_a_copy_costs_one_statement_and_no_transaction_on_sqlite(app, world, signed_in):
    """The account is read by one statement outside any transaction (db.SINGLE_READ): SQLite reads a
    single statement consistently, and BEGIN with the rollback after was a third of a copy's time."""
    from sqlalchemy import event

    from edulite.db import get_db

    principal = signed_in("principal")
    for _ in range(2):
        principal.get(WEEK)
    seen: list[str] = []

    def spy(_conn, _cursor, statement, *_args):
        seen.append(statement)

    engine = get_db(app).engine(write=False)
    event.listen(engine, "before_cursor_execute", spy)
    try:
        assert principal.get(WEEK).status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", spy)
    assert len(seen) == 1 and seen[0].lstrip().upper().startswith("SELECT")
