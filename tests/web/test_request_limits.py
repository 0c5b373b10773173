"""Ids beyond the database's integer range are 404 on every route; oversized bodies get the 413 page (#17)."""

from __future__ import annotations

import re

import pytest
from werkzeug.routing import IntegerConverter

from edulite import create_app
from edulite.db import session_scope
from edulite.web.params import MAX_ID, DbIdConverter
from tests.conftest import base_config
from tests.support.factories import PASSWORD, make_world

URL_MAP_APP = create_app(base_config(DATABASE_URL="sqlite://"))
ID_RULES = sorted((r for r in URL_MAP_APP.url_map.iter_rules()
                   if any(isinstance(c, IntegerConverter) for c in r._converters.values())),
                  key=lambda r: (r.rule, sorted(r.methods)))
OTHER_ARGS = {"day": "2026-11-16", "date": "2026-11-16", "week": "2026-11-16", "week_start": "2026-11-16",
              "code": "en", "token": "x"}


def test_every_integer_path_argument_stops_at_the_databases_integer_range():
    assert len(ID_RULES) >= 14
    for rule in ID_RULES:
        for name, converter in rule._converters.items():
            if isinstance(converter, IntegerConverter):
                assert isinstance(converter, DbIdConverter), f"{rule.rule}: <{name}> accepts ids PostgreSQL cannot hold"


@pytest.mark.parametrize("rule", ID_RULES, ids=lambda r: f"{r.endpoint}:{'/'.join(sorted(r.methods))}")
def test_an_id_beyond_the_range_is_404_for_a_caller_allowed_on_the_route(app, world, signed_in, rule):
    view = app.view_functions[rule.endpoint]
    role = (getattr(view, "roles", None) or ("teacher",))[0]
    username = {"teacher": "teacher", "principal": "principal", "district": "supervisor", "admin": "admin"}[role]
    client = signed_in(username)
    url = rule.rule
    for name, converter in rule._converters.items():
        value = str(MAX_ID + 1) if isinstance(converter, IntegerConverter) else OTHER_ARGS.get(name, "1")
        url = re.sub(rf"<(?:[a-z]+:)?{name}>", value, url)
    for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
        assert client.open(url, method=method).status_code == 404, f"{method} {url}"


def test_on_postgresql_too_an_alert_id_beyond_the_integer_range_is_404(any_app):
    with session_scope(any_app) as s:
        make_world(s)
    client = any_app.test_client()
    assert client.post("/login", data={"username": "principal", "password": PASSWORD}).status_code == 303
    assert client.get(f"/principal/alerts/{MAX_ID + 1}").status_code == 404
    assert client.get(f"/principal/alerts/{2**63}").status_code == 404


def test_a_body_over_max_content_length_gets_the_413_page_without_being_read(app, world):
    app.config["MAX_CONTENT_LENGTH"] = 1024
    client = app.test_client()
    client.set_cookie("lang", "en")
    response = client.post("/login", data={"username": "teacher", "password": "x" * 5000})
    assert response.status_code == 413
    assert "too large" in response.get_data(as_text=True)
    assert "Content-Security-Policy" in response.headers


def test_max_content_length_is_set_by_default():
    assert 0 < URL_MAP_APP.config["MAX_CONTENT_LENGTH"] <= 64 * 1024 * 1024


def test_with_trusted_hosts_a_forged_host_header_never_reaches_a_parent_link_or_qr_code(app, world):
    app.config["TRUSTED_HOSTS"] = ["school.example.cn"]
    client = app.test_client()
    qr = f"/c/{world.link.token}/qr.svg"
    assert client.get(qr, headers={"Host": "evil.example"}).status_code == 400
    good = client.get(qr, headers={"Host": "school.example.cn"})
    assert good.status_code == 200 and b"evil" not in good.data
