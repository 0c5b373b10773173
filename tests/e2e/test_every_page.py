"""Every page of the app, opened in Chromium by the role it is for, on the demo data: no CSP violation,
no JavaScript error, no request to the internet, nothing wider than a 360 px phone screen; and on each
page with htmx, one real swap, after which there is still no CSP violation and no console error.

The pages come from the URL map (GET routes), so a new page is visited without anyone remembering to;
a new page with htmx fails until SWAPS says how to swap something on it.
"""

from __future__ import annotations

from sqlmodel import col, select

from edulite.db import session_scope
from edulite.models import AfterSchoolSession, Alert, HomeworkItem, School, SchoolClass, SurveyLink, User
from edulite.ops.demo import DEMO_PASSWORD
from tests.e2e.conftest import login, sign_out
from tests.e2e.server import today_local
from tests.e2e.test_charts import CHART_PAGES

ROLES = {"teacher": "teacher", "principal": "principal", "district": "district", "admin": "admin"}
# Arguments no page needs to be visited with: language switching, files and redirects are not pages.
SKIP = {"auth.language", "auth.logout", "auth.index", "principal.export_file", "principal.class_qr", "parent.qr",
        "principal.survey_qr"}
HTMX = "[hx-get], [hx-post], [hx-put], [hx-patch], [hx-delete]"
# Flags the next htmx swap; __sameDocument shows it was a swap and not a page load.
ARM = """() => {
  window.__sameDocument = true;
  window.__swapped = false;
  document.body.addEventListener('htmx:afterSettle', () => { window.__swapped = true; }, {once: true});
}"""


def _act_on_alert(page) -> None:
    card = page.locator("article.alert-card").first
    card.locator("summary").click()
    card.locator("textarea").fill("已查看")
    card.locator("form button").first.click()


# How to make one htmx swap on each page that has htmx: a week change, a meter, a check, an alert action.
SWAPS = {
    "principal.dashboard": lambda page: page.locator(".week-nav a[rel=prev]").click(),
    "principal.after_school": lambda page: page.locator(".as-daynav a").first.click(),
    "principal.alerts": _act_on_alert,
    "principal.alert": _act_on_alert,
    # The entry page, also what its fragments' URLs show when opened without htmx.
    **dict.fromkeys(["teacher.entry", "teacher.item_edit", "teacher.meter", "teacher.class_day"],
                    lambda page: page.locator("#entry-form [name=minutes]").fill("25")),
    "teacher.after_school": lambda page: page.locator("form.as-session input[name=end]").first.fill("17:50"),
}


def _arguments(app, today: str, token: str) -> dict[str, dict]:
    """Argument values from the demo data, per role."""
    with session_scope(app, write=False) as s:
        teacher = s.exec(select(User).where(User.username == "teacher")).one()
        school = s.get(School, teacher.school_id)
        klass = s.exec(select(SchoolClass).where(SchoolClass.school_id == school.id, SchoolClass.grade == 3)
                       .order_by(SchoolClass.name)).first()
        item = s.exec(select(HomeworkItem).where(HomeworkItem.teacher_id == teacher.id)
                      .order_by(col(HomeworkItem.id).desc())).first()
        alert = s.exec(select(Alert).where(Alert.school_id == school.id)).first()
        session = s.exec(select(AfterSchoolSession).where(AfterSchoolSession.school_id == school.id)).first()
        survey_token = s.exec(select(SurveyLink.token).where(SurveyLink.class_id == klass.id,
                                                             col(SurveyLink.revoked_at).is_(None))).first()
        common = {"class_id": klass.id, "item_id": item.id, "alert_id": alert.id, "session_id": session.id,
                  "school_id": school.id, "token": token, "week": today, "day": today, "survey_token": survey_token}
    return dict.fromkeys((*ROLES, "parent"), common)


def _pages(app, args: dict[str, dict]) -> dict[str, list[tuple[str, str]]]:
    """(endpoint, URL) of every page, per role."""
    pages: dict[str, list[tuple[str, str]]] = {role: [] for role in (*ROLES, "parent")}
    with app.test_request_context():
        from flask import url_for

        for rule in app.url_map.iter_rules():
            if "GET" not in rule.methods or rule.endpoint == "static" or rule.endpoint in SKIP:
                continue
            view = app.view_functions[rule.endpoint]
            roles = getattr(view, "roles", None)
            if rule.endpoint.startswith(("parent.", "survey.")):  # the survey (#13) opens from a link too
                audience = ["parent"]
            elif roles is None:
                continue  # public pages (sign-in) are visited by the sign-in tests
            else:
                audience = list(roles) or list(ROLES)
            for role in audience:
                values = {a: args[role][a] for a in rule.arguments if a not in (rule.defaults or {})}
                pages[role].append((rule.endpoint, url_for(rule.endpoint, **values)))
    return pages


def test_every_page_is_clean_in_the_browser_at_phone_width(demo_live_server, page):
    app = demo_live_server.app
    pages = _pages(app, _arguments(app, today_local().isoformat(), demo_live_server.data.parent_token))
    visited, swapped = 0, set()
    for role, urls in pages.items():
        if role != "parent":
            login(page, demo_live_server, role, DEMO_PASSWORD)
        for endpoint, url in urls:
            response = page.goto(demo_live_server + url)
            assert response.status < 400, f"{role} {url}: {response.status}"
            width = page.evaluate("document.documentElement.scrollWidth")
            overflow = page.evaluate(
                "[...document.querySelectorAll('body *')].filter(e => !e.closest('.table-wrap, .chart-box, "
                "canvas, table') && e.getBoundingClientRect().right > window.innerWidth + 1).length")
            assert width <= 360 or overflow == 0, f"{role} {url} is {width}px wide at 360px"
            assert page.errors == [], f"{role} {url}: {page.errors}"
            assert page.console_errors == [], f"{role} {url}: {page.console_errors}"
            if page.locator("canvas[data-chart]").count():
                assert endpoint in CHART_PAGES, f"{endpoint} draws charts: add it to test_charts.CHART_PAGES"
            if page.locator(HTMX).count():
                _swap(page, endpoint, f"{role} {url}")
                swapped.add(endpoint)
            visited += 1
        if role != "parent":
            sign_out(page)
    assert page.blocked == []
    assert visited >= 25, visited
    assert swapped == set(SWAPS), set(SWAPS) ^ swapped  # every way to swap was used, none is stale
    print(f"browser visited {visited} pages with no CSP violation")  # noqa: T201


def _swap(page, endpoint: str, where: str) -> None:
    assert endpoint in SWAPS, f"{where} uses htmx: add to SWAPS how to swap something on it"
    page.evaluate(ARM)
    SWAPS[endpoint](page)
    page.wait_for_function("() => window.__swapped === true")
    assert page.evaluate("window.__sameDocument") is True, f"{where}: the swap reloaded the page"
    assert page.errors == [], f"{where}, after an htmx swap: {page.errors}"
    assert page.console_errors == [], f"{where}, after an htmx swap: {page.console_errors}"


def test_a_style_that_a_script_gave_to_a_swapped_element_is_not_copied_against_the_csp(demo_live_server, page):
    # Chart.js styles its canvases like this; htmx's settling would copy the style with setAttribute.
    login(page, demo_live_server, "principal", DEMO_PASSWORD)
    page.evaluate("document.getElementById('week').style.minHeight = '1px'")
    page.evaluate(ARM)
    page.locator(".week-nav a[rel=prev]").click()
    page.wait_for_function("() => window.__swapped === true")

    assert page.evaluate("window.__sameDocument") is True
    assert page.errors == [] and page.console_errors == []
