"""The parent page over HTTP: read-only, unguessable, revocable, cheap to refresh, nothing leaked."""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET  # noqa: S405 - parsing our own output

import pytest
import segno

from edulite import create_app
from edulite.db import get_db, session_scope
from edulite.models import SchoolClass
from tests.conftest import base_config
from tests.support.factories import add_item, make_world
from tests.support.parent import MON, RANDOM, TOKEN, page, revoke

PATHS = [f"/c/{TOKEN}", f"/c/{TOKEN}/qr.svg"]


def test_revoked_and_random_tokens_get_the_same_friendly_404(app, client, world):
    random = page(client, RANDOM)
    revoke(app, TOKEN)
    revoked = page(client, TOKEN)
    assert random.status_code == revoked.status_code == 404
    assert random.get_data() == revoked.get_data()
    body = revoked.get_data(as_text=True)
    assert "该班级页面不存在或已停用。" in body and "This class page does not exist" in body
    assert TOKEN not in body and "三年级" not in body and "测试小学" not in body
    assert revoked.headers["Cache-Control"] == "no-store"
    assert client.get(f"/c/{TOKEN}/qr.svg").status_code == 404
    assert client.get(f"/c/{RANDOM}/qr.svg").get_data() == random.get_data()


@pytest.mark.parametrize("token", ["short", "x" * 65, "bad token with spaces!", TOKEN.upper()])
def test_malformed_tokens_and_near_misses_are_unknown(client, world, token):
    assert client.get(f"/c/{token}").status_code == 404


def test_a_link_of_a_deactivated_class_stops_working(app, client, world):
    with session_scope(app) as s:
        s.get(SchoolClass, world.class3.id).active = False
    assert page(client).status_code == 404


@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE", "PATCH", "OPTIONS"])
@pytest.mark.parametrize("path", [*PATHS, f"/c/{RANDOM}"])
def test_every_method_but_get_and_head_is_refused(client, world, method, path):
    response = client.open(path, method=method)
    assert response.status_code == 405
    assert set(response.headers["Allow"].replace(" ", "").split(",")) == {"GET", "HEAD"}


def test_a_post_is_refused_with_405_even_with_csrf_protection_on(sqlite_url):
    app = create_app(base_config(DATABASE_URL=sqlite_url, WTF_CSRF_ENABLED=True))
    try:
        assert app.test_client().post(f"/c/{TOKEN}", data={"x": "1"}).status_code == 405
    finally:
        get_db(app).dispose()


def test_head_answers_like_get_without_a_body(client, world):
    response = client.head(f"/c/{TOKEN}")
    assert response.status_code == 200 and response.get_data() == b""
    assert response.headers["ETag"] == page(client, week=None).headers["ETag"]


def test_the_page_is_plain_html_with_no_forms_scripts_or_charts(client, world):
    html = page(client).get_data(as_text=True)
    for absent in ("<form", "<script", "<input", "<button", "htmx", "chart", "hx-"):
        assert absent not in html.lower()
    assert 'href="/static/css/parent.css"' in html
    assert f'id="lang-switch" href="/lang/en?next=/c/{TOKEN}?week%3D2026-11-16"' in html


def test_the_language_switch_comes_back_to_the_page_in_english(client, world):
    switched = client.get(f"/lang/en?next=/c/{TOKEN}")
    assert switched.status_code == 302 and switched.location == f"/c/{TOKEN}"
    assert "Homework notice" in client.get(f"/c/{TOKEN}").get_data(as_text=True)


@pytest.mark.parametrize("path", PATHS)
def test_a_refresh_is_cheap_and_private_and_an_edit_shows_at_the_next_revalidation(app, client, world, path):
    first = client.get(path)
    assert first.headers["Cache-Control"] == "private, max-age=60"
    assert "Cookie" in first.headers["Vary"]
    etag = first.headers["ETag"]
    again = client.get(path, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.get_data() == b""
    assert again.headers["Cache-Control"] == "private, max-age=60"
    if path.endswith(".svg"):
        return
    with session_scope(app) as s:
        add_item(s, world, day=MON, minutes=5)
    changed = client.get(f"{path}?week={MON.isoformat()}", headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["ETag"] != etag


def test_the_cache_lifetime_is_a_setting(sqlite_url):
    app = create_app(base_config(DATABASE_URL=sqlite_url, PARENT_CACHE_SECONDS=30))
    try:
        with session_scope(app) as s:
            make_world(s)
        assert app.test_client().get(f"/c/{TOKEN}").headers["Cache-Control"] == "private, max-age=30"
    finally:
        get_db(app).dispose()


@pytest.mark.parametrize("lang", [None, "en"])
@pytest.mark.parametrize("token", [TOKEN, RANDOM])
def test_parent_pages_set_no_cookie_and_keep_the_token_out_of_referers_and_search(client, world, lang, token):
    response = page(client, token, lang=lang)
    assert "Set-Cookie" not in response.headers
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert response.headers["X-Robots-Tag"] == "noindex, nofollow"
    assert '<link rel="icon" href="data:,">' in response.get_data(as_text=True)  # no /favicon.ico request


def test_the_qr_code_is_an_svg_of_the_pages_address(client, world):
    response = client.get(f"/c/{TOKEN}/qr.svg")
    assert response.status_code == 200 and response.mimetype == "image/svg+xml"
    root = ET.fromstring(response.get_data())  # noqa: S314 - our own output
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    expected = io.BytesIO()
    segno.make(f"http://localhost/c/{TOKEN}", error="m").save(
        expected, kind="svg", scale=10, border=4, dark="#000", light="#fff", xmldecl=False)
    assert response.get_data() == expected.getvalue()
    assert "Set-Cookie" not in response.headers


def test_a_signed_in_teacher_opening_the_link_gets_an_uncached_copy(client, auth, world):
    auth.login("teacher")
    response = page(client)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"  # the app's rule for signed-in pages wins
    assert response.headers["Referrer-Policy"] == "no-referrer"
