"""CSRF: every state-changing route refuses a request without a token and takes one from the form field or
the X-CSRFToken header (which htmx sends from hx-headers on <body>); GET never changes anything."""

from __future__ import annotations

import re

import pytest

from tests.support.factories import PASSWORD
from tests.web.test_access_matrix import (
    CALLERS,
    RULES,
    WRITE_METHODS,
    audience,
    build_url,
    extend_world,
    rule_id,
    signed_in_clients,
    snapshot,
)

FORM_TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
HEADER_TOKEN = re.compile(r"""hx-headers='\{"X-CSRFToken": "([^"]+)"\}'""")
USER_FOR_ROLE = {"teacher": "teacher", "principal": "principal", "district": "supervisor", "admin": "admin"}
WRITES = [(rule, method) for rule in RULES for method in sorted(rule.methods & set(WRITE_METHODS))]
CSRF_REFUSAL = "Your form expired"


@pytest.fixture
def matrix_world(app, world):
    return extend_world(app, world)


@pytest.fixture
def csrf_app(app):
    app.config["WTF_CSRF_ENABLED"] = True
    return app


def token(client, path="/login", pattern=FORM_TOKEN) -> str:
    found = pattern.search(client.get(path, follow_redirects=True).get_data(as_text=True))
    assert found, f"no CSRF token on {path}"
    return found.group(1)


def caller_for(app, rule) -> str:
    kind, roles = audience(app, rule)
    return USER_FOR_ROLE[roles[0]] if kind == "roles" else "teacher"


def refused_for_csrf(response) -> bool:
    return response.status_code == 400 and CSRF_REFUSAL in response.get_data(as_text=True)


@pytest.mark.parametrize(("rule", "method"), WRITES, ids=[f"{rule_id(r)}-{m}" for r, m in WRITES])
def test_a_state_changing_route_refuses_a_request_without_a_token(csrf_app, matrix_world, signed_in, rule, method):
    client = signed_in(caller_for(csrf_app, rule), lang="en")
    before = snapshot(csrf_app)
    response = client.open(build_url(rule, matrix_world), method=method, data={})
    assert refused_for_csrf(response), response.status_code
    assert snapshot(csrf_app) == before


@pytest.mark.parametrize("where", ["form field", "X-CSRFToken header"])
@pytest.mark.parametrize(("rule", "method"), WRITES, ids=[f"{rule_id(r)}-{m}" for r, m in WRITES])
def test_a_state_changing_route_accepts_the_token_of_the_page(csrf_app, matrix_world, signed_in, rule, method,
                                                              where):
    client = signed_in(caller_for(csrf_app, rule), lang="en")
    if where == "form field":
        response = client.open(build_url(rule, matrix_world), method=method, data={"csrf_token": token(client, "/")})
    else:
        value = token(client, "/login", HEADER_TOKEN)  # what htmx sends, read from <body hx-headers>
        response = client.open(build_url(rule, matrix_world), method=method, data={}, headers={"X-CSRFToken": value})
    assert not refused_for_csrf(response)
    assert response.status_code < 500


def test_the_token_from_before_sign_in_is_useless_after_it(csrf_app, world):
    client = csrf_app.test_client()
    client.set_cookie("lang", "en")
    old = token(client)
    client.post("/login", data={"username": "teacher", "password": PASSWORD, "csrf_token": old})
    assert client.get("/teacher/").status_code == 200
    assert refused_for_csrf(client.post("/logout", data={"csrf_token": old}))
    assert client.get("/teacher/").status_code == 200


@pytest.mark.parametrize(("referer", "accepted"), [
    ("https://localhost/login", True), ("https://evil.example/login", False), (None, False),
])
def test_over_https_a_form_must_come_from_our_own_pages(csrf_app, world, referer, accepted):
    client = csrf_app.test_client()
    value = token(client, "https://localhost/login")
    headers = {"Referer": referer} if referer else {}
    response = client.post("https://localhost/login", data={"username": "teacher", "password": PASSWORD,
                                                            "csrf_token": value}, headers=headers)
    assert (response.status_code == 303) is accepted
    assert (response.status_code == 400) is not accepted


def test_no_get_request_changes_anything_whoever_sends_it(app, matrix_world, signed_in):
    gets = [r for r in RULES if "GET" in r.methods]
    clients = signed_in_clients(signed_in)
    checked = 0
    for rule in gets:
        for caller in CALLERS:
            before = snapshot(app)
            clients[caller].get(build_url(rule, matrix_world))
            assert snapshot(app) == before, f"GET {rule.rule} as {caller} changed the database"
            checked += 1
    assert checked == len(gets) * len(CALLERS) > 0
