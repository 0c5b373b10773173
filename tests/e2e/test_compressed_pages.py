"""Chromium reads the compressed copies the memo sends (edulite/web/gzip_parts.py, ADR 0016): the token
spliced in as a stored block, the parts joined, the CRC combined — a browser that disagreed would show
a broken page or none."""

from __future__ import annotations

from edulite.ops.demo import DEMO_PASSWORD
from tests.e2e.conftest import login
from tests.e2e.test_charts import ALL_DRAWN


def test_the_second_visit_is_compressed_and_works(demo_live_server, page):
    login(page, demo_live_server, "principal", DEMO_PASSWORD)
    page.goto(f"{demo_live_server}/principal/")
    page.wait_for_function(ALL_DRAWN)
    response = page.goto(f"{demo_live_server}/principal/")
    assert response is not None and response.status == 200
    assert response.headers.get("content-encoding") == "gzip"
    page.wait_for_function(ALL_DRAWN)
    # The spliced token is the session's: a form posted from the compressed page is accepted.
    with page.expect_navigation():
        page.locator("form[action='/logout'] button").click()
    assert "/login" in page.url
    assert page.errors == [] and page.console_errors == []
