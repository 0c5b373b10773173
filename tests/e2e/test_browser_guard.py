"""The e2e fixtures themselves: they catch CSP violations and JS errors, and keep the browser offline."""

from __future__ import annotations

import pytest
from playwright.sync_api import Error


def test_the_pinned_htmx_and_chart_js_run_from_the_local_server(live_server, page):
    page.goto(f"{live_server}/login")

    assert page.evaluate("typeof htmx") == "object"
    assert page.evaluate("htmx.version") == "2.0.11"
    response = page.request.get(f"{live_server}/static/vendor/chart.js-4.5.1-chart.umd.min.js")
    assert response.ok
    assert page.blocked == []


def test_an_inline_script_is_reported_as_a_csp_violation(live_server, page):
    page.goto(f"{live_server}/login")
    with page.expect_console_message(lambda m: "Content Security Policy" in m.text):
        page.evaluate("""() => {
            const s = document.createElement('script');
            s.textContent = 'window.ran = true';
            document.body.append(s);
        }""")

    assert page.evaluate("window.ran") is None
    assert any(e.startswith("CSP:") for e in page.errors)
    page.errors.clear()  # provoked on purpose; otherwise the teardown fails the test


def test_an_uncaught_javascript_error_is_reported(live_server, page):
    page.goto(f"{live_server}/login")
    with page.expect_event("pageerror"):
        page.evaluate("() => setTimeout(() => { throw new Error('boom') }, 0)")

    assert any("boom" in e for e in page.errors)
    page.errors.clear()


def test_a_request_to_the_internet_is_aborted_and_recorded(live_server, page):
    with pytest.raises(Error):
        page.goto("https://cdn.jsdelivr.net/npm/htmx.org@2.0.11/dist/htmx.min.js")

    assert page.blocked == ["https://cdn.jsdelivr.net/npm/htmx.org@2.0.11/dist/htmx.min.js"]
