"""Every page of the app, opened in Chromium by the role it is for, on the demo data: no CSP violation,
no JavaScript error, no request to the internet, nothing wider than a 360 px phone screen.

The pages come from the URL map (GET routes), so a new page is visited without anyone remembering to.
"""

from __future__ import annotations

from sqlmodel import col, select

from edulite.db import session_scope
from edulite.models import AfterSchoolSession, Alert, HomeworkItem, School, SchoolClass, User
from edulite.ops.demo import DEMO_PASSWORD
from tests.e2e.conftest import login, sign_out
from tests.e2e.server import today_local

ROLES = {"teacher": "teacher", "principal": "principal", "district": "district", "admin": "admin"}
# Arguments no page needs to be visited with: language switching, files and redirects are not pages.
SKIP = {"auth.language", "auth.logout", "auth.index", "principal.export_file", "principal.class_qr", "parent.qr"}


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
        common = {"class_id": klass.id, "item_id": item.id, "alert_id": alert.id, "session_id": session.id,
                  "school_id": school.id, "token": token, "week": today, "day": today}
    return dict.fromkeys((*ROLES, "parent"), common)


def _pages(app, args: dict[str, dict]) -> dict[str, list[str]]:
    pages: dict[str, list[str]] = {role: [] for role in (*ROLES, "parent")}
    with app.test_request_context():
        from flask import url_for

        for rule in app.url_map.iter_rules():
            if "GET" not in rule.methods or rule.endpoint == "static" or rule.endpoint in SKIP:
                continue
            view = app.view_functions[rule.endpoint]
            roles = getattr(view, "roles", None)
            if rule.endpoint.startswith("parent."):
                audience = ["parent"]
            elif roles is None:
                continue  # public pages (sign-in) are visited by the sign-in tests
            else:
                audience = list(roles) or list(ROLES)
            for role in audience:
                values = {a: args[role][a] for a in rule.arguments if a not in (rule.defaults or {})}
                pages[role].append(url_for(rule.endpoint, **values))
    return pages


def test_every_page_is_clean_in_the_browser_at_phone_width(demo_live_server, page):
    app = demo_live_server.app
    pages = _pages(app, _arguments(app, today_local().isoformat(), demo_live_server.data.parent_token))
    visited = 0
    for role, urls in pages.items():
        if role != "parent":
            login(page, demo_live_server, role, DEMO_PASSWORD)
        for url in urls:
            response = page.goto(demo_live_server + url)
            assert response.status < 400, f"{role} {url}: {response.status}"
            width = page.evaluate("document.documentElement.scrollWidth")
            overflow = page.evaluate(
                "[...document.querySelectorAll('body *')].filter(e => !e.closest('.table-wrap, .chart-box, "
                "canvas, table') && e.getBoundingClientRect().right > window.innerWidth + 1).length")
            assert width <= 360 or overflow == 0, f"{role} {url} is {width}px wide at 360px"
            assert page.errors == [], f"{role} {url}: {page.errors}"
            visited += 1
        if role != "parent":
            sign_out(page)
    assert page.blocked == []
    assert visited >= 25, visited
    print(f"browser visited {visited} pages with no CSP violation")  # noqa: T201
