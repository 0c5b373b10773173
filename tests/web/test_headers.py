"""Security headers on every kind of response: pages, fragments, errors and static files."""

from __future__ import annotations

import json
import re

import pytest

from edulite import create_app
from edulite.db import get_db
from edulite.ops.assets import ASSETS
from tests.conftest import base_config

CDN_ORIGIN = "https://cdn.jsdelivr.net"
# In "cdn" mode scripts may come from the pinned files' exact URLs only, not from the whole CDN (#17).
CDN_FILES = {asset.cdn_url(CDN_ORIGIN + "/npm") for asset in ASSETS.values()}


def directives(policy: str) -> dict[str, list[str]]:
    parts = [p.split() for p in policy.split(";") if p.strip()]
    return {p[0]: p[1:] for p in parts}


def assert_strict_csp(policy: str, *, cdn: bool) -> None:
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    d = directives(policy)
    for name in ("object-src", "base-uri", "frame-ancestors"):
        assert d[name] == ["'none'"], name
    assert d["default-src"] == ["'self'"]
    for name, sources in d.items():
        allowed = {"'self'", "'none'"} | (CDN_FILES if cdn and name == "script-src" else set())
        # data: only for images (the parent page's empty favicon): an image cannot run script.
        allowed |= {"data:"} if name == "img-src" else set()
        assert set(sources) <= allowed, f"{name}: {sources}"
    assert (set(d["script-src"]) >= CDN_FILES) is cdn
    assert CDN_ORIGIN not in d["script-src"] and CDN_ORIGIN + "/" not in d["script-src"]


def assert_hardened(response) -> None:
    h = response.headers
    assert_strict_csp(h["Content-Security-Policy"], cdn=False)
    assert h["X-Content-Type-Options"] == "nosniff"
    assert h["Referrer-Policy"] in ("same-origin", "no-referrer")  # no-referrer: parent pages
    assert h["X-Frame-Options"] == "DENY"
    assert "Strict-Transport-Security" not in h  # plain HTTP in these tests


def _boom():
    raise RuntimeError("deliberate failure")


RESPONSES = {
    "sign-in page": lambda c: c.get("/login"),
    "signed-in page": lambda c: c.get("/teacher/"),
    "htmx request": lambda c: c.get("/teacher/", headers={"HX-Request": "true"}),
    "htmx request after the session ended": lambda c: c.get("/teacher/", headers={"HX-Request": "true"}),
    "404": lambda c: c.get("/no-such-page"),
    "403": lambda c: c.get("/admin/"),
    "405": lambda c: c.get("/logout"),
    "500": lambda c: c.get("/boom"),
    "parent page": lambda c: c.get("/c/test-token-class3-0123456789abcdef"),
    "parent page of an unknown link": lambda c: c.get("/c/no-such-link"),
    "static file": lambda c: c.get("/static/css/app.css"),
    "missing static file": lambda c: c.get("/static/css/none.css"),
}
EXPECTED_STATUS = {"sign-in page": 200, "signed-in page": 200, "htmx request": 200,
                   "htmx request after the session ended": 401, "404": 404, "403": 403, "405": 405, "500": 500,
                   "parent page": 200, "parent page of an unknown link": 404, "static file": 200,
                   "missing static file": 404}
SIGNED_IN = {"signed-in page", "htmx request", "403"}  # as the teacher; the others are anonymous


@pytest.mark.parametrize("kind", RESPONSES)
def test_every_kind_of_response_carries_the_security_headers(app, signed_in, kind, caplog):
    app.add_url_rule("/boom", "boom", _boom)
    response = RESPONSES[kind](signed_in("teacher" if kind in SIGNED_IN else None))
    response.close()  # a static file is streamed from an open file
    assert response.status_code == EXPECTED_STATUS[kind]
    assert_hardened(response)


def test_the_too_many_attempts_page_carries_them_too(app, world):
    app.config["LOGIN_RATE_LIMIT"] = "1 per minute"
    client = app.test_client()
    client.post("/login", data={"username": "teacher", "password": "wrong password"})
    response = client.post("/login", data={"username": "teacher", "password": "wrong password"})
    assert response.status_code == 429
    assert response.headers["Retry-After"] == "60"
    assert_hardened(response)


def test_the_form_expired_page_carries_them_too(app, world):
    app.config["WTF_CSRF_ENABLED"] = True
    response = app.test_client().post("/logout")
    assert response.status_code == 400
    assert_hardened(response)


@pytest.mark.parametrize("mode", ["cdn", "local"])
def test_scripts_come_only_from_our_origin_or_the_pinned_cdn(sqlite_url, mode):
    app = create_app(base_config(DATABASE_URL=sqlite_url, ASSET_MODE=mode))
    page = app.test_client().get("/login")
    assert_strict_csp(page.headers["Content-Security-Policy"], cdn=mode == "cdn")
    tag = re.search(r'<script src="([^"]+)" integrity="(sha384-[^"]+)" crossorigin="anonymous"',
                    page.get_data(as_text=True))
    assert tag and tag.group(1).startswith(CDN_ORIGIN if mode == "cdn" else "/static/vendor/")
    # The CDN's tag names the local copy to fall back on (static/js/fallback.js, #15), loaded before it.
    html = page.get_data(as_text=True)
    fallback = re.search(r'data-asset="htmx" data-fallback="([^"]+)"', html)
    assert bool(fallback) is (mode == "cdn")
    if fallback:
        assert fallback.group(1) == "/static/vendor/" + ASSETS["htmx"].filename
    assert html.index("js/fallback.js") < html.index('data-asset="htmx"')
    get_db(app).dispose()


def test_hsts_is_sent_over_https_only(app, world):
    client = app.test_client()
    assert "Strict-Transport-Security" not in client.get("/login").headers
    assert "max-age=31536000" in client.get("/login", base_url="https://localhost").headers["Strict-Transport-Security"]


@pytest.mark.parametrize(("proxies", "https"), [(0, False), (1, True)])
def test_a_forwarded_https_scheme_counts_only_behind_a_configured_proxy(sqlite_url, proxies, https):
    app = create_app(base_config(DATABASE_URL=sqlite_url, PROXY_COUNT=proxies))
    response = app.test_client().get("/login", headers={"X-Forwarded-Proto": "https", "X-Forwarded-For": "1.2.3.4"})
    assert ("Strict-Transport-Security" in response.headers) is https
    get_db(app).dispose()


def test_signed_in_pages_are_never_stored_but_static_files_may_be(signed_in):
    assert "no-store" not in signed_in(None).get("/login").headers.get("Cache-Control", "")
    client = signed_in("teacher")
    assert client.get("/teacher/").headers["Cache-Control"] == "no-store"
    assert client.get("/admin/").headers["Cache-Control"] == "no-store"  # a signed-in error page too
    with client.get("/static/css/app.css") as static:
        assert "no-store" not in static.headers.get("Cache-Control", "")


def test_pages_vary_on_the_htmx_header(client):
    assert "HX-Request" in client.get("/login").headers["Vary"]


def test_htmx_runs_without_eval_inline_indicator_styles_or_a_history_cache(client):
    html = client.get("/login").get_data(as_text=True)
    meta = re.search(r"<meta name=\"htmx-config\" content='([^']+)'>", html)
    assert meta, "the base template must configure htmx"
    config = json.loads(meta.group(1))
    assert config["allowEval"] is False
    assert config["includeIndicatorStyles"] is False
    assert config["historyCacheSize"] == 0
    assert config["allowScriptTags"] is False and config["selfRequestsOnly"] is True
    # Settling would copy a style attribute with setAttribute, which the CSP refuses (tests/e2e proves it).
    assert "style" not in config["attributesToSettle"]
