"""The alerts inbox: tabs and filters, acting with a note (htmx and plain forms), recompute, scope, CSRF."""

import re
from datetime import date

import pytest
from sqlmodel import select

from edulite.alerts import store as alerts
from edulite.db import session_scope
from edulite.models import Alert, AuditEntry
from tests.support.factories import add_item

MON = date(2026, 11, 16)
WEEK = "2026-11-16"


def _recompute(app, world, school=None):
    with session_scope(app) as s:
        alerts.recompute(s, school_id=(school or world.school).id, start=MON, end=date(2026, 11, 23))


@pytest.fixture
def over(app, world):
    """An over-cap day (R-HW-02) in class3 and a written item at home in grade 1 (R-HW-01)."""
    with session_scope(app) as s:
        add_item(s, world, day=MON, minutes=65)
        add_item(s, world, klass=world.class1, subject=world.chinese, day=MON, minutes=10)
    _recompute(app, world)
    with session_scope(app, write=False) as s:
        return s.exec(select(Alert).where(Alert.rule_id == "R-HW-02")).one()


@pytest.fixture
def principal(signed_in):
    return signed_in("principal", lang="en")


def _state(app, alert_id):
    with session_scope(app, write=False) as s:
        row = s.get(Alert, alert_id)
        return row.state, row.note


def test_the_open_tab_lists_the_alerts_with_counts_and_links_to_the_class_day(principal, over, world):
    page = principal.get("/principal/alerts").get_data(as_text=True)
    assert f'id="alert-{over.id}"' in page and "R-HW-01" in page
    assert f'href="/principal/classes/{world.class3.id}/2026-11-16"' in page
    assert re.search(r'aria-current="page">Open <span class="count">2</span>', page)


@pytest.mark.parametrize(("query", "shown", "hidden"), [
    ("rule=R-HW-02", "R-HW-02", "R-HW-01"),
    ("grade=1", "R-HW-01", "R-HW-02"),
    ("class_id={class3}", "R-HW-02", "R-HW-01"),
])
def test_the_inbox_filters_by_rule_grade_and_class(principal, over, world, query, shown, hidden):
    page = principal.get("/principal/alerts?" + query.format(class3=world.class3.id)).get_data(as_text=True)
    assert f'<span class="rule-id">{shown}</span>' in page
    assert f'<span class="rule-id">{hidden}</span>' not in page


def test_the_week_filter_keeps_that_weeks_alerts_only(principal, over):
    assert f'id="alert-{over.id}"' in principal.get(f"/principal/alerts?week={WEEK}").get_data(as_text=True)
    assert f'id="alert-{over.id}"' not in principal.get("/principal/alerts?week=2026-11-23").get_data(as_text=True)
    assert principal.get("/principal/alerts?week=nonsense").status_code == 422


# A vertical tab or a space was let through by the principal's copy of the guard.
@pytest.mark.parametrize("target", ["/\x0b/evil.example/", "/ /evil.example/", "/\t/evil.example/",
                                    "https://evil.example/", "/\\evil.example"])
def test_an_alert_form_never_sends_the_browser_to_another_site(principal, over, target):
    response = principal.post(f"/principal/alerts/{over.id}", data={"action": "acknowledge", "note": "知悉",
                                                                    "next": target})
    assert response.status_code == 303 and response.location == "/principal/alerts"


def test_acknowledging_without_javascript_redirects_back_with_303_and_is_audited(principal, app, over):
    response = principal.post(f"/principal/alerts/{over.id}", data={
        "action": "acknowledge", "note": "期中复习周，已与数学组沟通", "next": "/principal/alerts?rule=R-HW-02"})
    assert response.status_code == 303 and response.location == "/principal/alerts?rule=R-HW-02"
    assert _state(app, over.id) == ("acknowledged", "期中复习周，已与数学组沟通")
    with session_scope(app, write=False) as s:
        entry = s.exec(select(AuditEntry).where(AuditEntry.action == "alert_acknowledge")).one()
    assert entry.entity_id == over.id and '"open"' in entry.before and '"acknowledged"' in entry.after


def test_an_htmx_action_gets_the_updated_card_back(principal, app, over):
    response = principal.post(f"/principal/alerts/{over.id}", data={"action": "acknowledge", "note": ""},
                              headers={"HX-Request": "true"})
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and body.lstrip().startswith(f'<article id="alert-{over.id}"')
    assert "Acknowledged" in body and 'value="resolve"' in body and 'value="acknowledge"' not in body


def test_resolving_needs_a_note_and_a_refusal_writes_nothing(principal, app, over):
    response = principal.post(f"/principal/alerts/{over.id}", data={"action": "resolve", "note": "  "},
                              headers={"HX-Request": "true"})
    assert response.status_code == 422
    assert "Write what was done before resolving the alert." in response.get_data(as_text=True)
    assert _state(app, over.id) == ("open", None)
    long_note = principal.post(f"/principal/alerts/{over.id}", data={"action": "acknowledge", "note": "x" * 1001})
    assert long_note.status_code == 422 and _state(app, over.id) == ("open", None)


def test_an_acknowledged_alert_survives_recompute_and_can_be_resolved_then_reopened(principal, app, world, over):
    principal.post(f"/principal/alerts/{over.id}", data={"action": "acknowledge", "note": "知悉"})
    _recompute(app, world)
    assert _state(app, over.id) == ("acknowledged", "知悉")
    assert f'id="alert-{over.id}"' in principal.get("/principal/alerts?state=acknowledged").get_data(as_text=True)
    principal.post(f"/principal/alerts/{over.id}", data={"action": "resolve", "note": "已调整作业量"})
    _recompute(app, world)
    assert _state(app, over.id) == ("resolved", "已调整作业量")
    principal.post(f"/principal/alerts/{over.id}", data={"action": "reopen", "note": ""})
    assert _state(app, over.id) == ("open", "已调整作业量")


def test_another_schools_alert_is_not_found_for_reading_or_acting(client, auth, app, world, over):
    auth.login("other_principal")
    assert client.get(f"/principal/alerts/{over.id}").status_code == 404
    assert client.post(f"/principal/alerts/{over.id}", data={"action": "acknowledge"}).status_code == 404
    assert _state(app, over.id) == ("open", None)
    assert f'alert-{over.id}"' not in client.get("/principal/alerts").get_data(as_text=True)
    assert client.get(f"/principal/alerts?class_id={world.class3.id}").status_code == 404


def test_a_teacher_cannot_open_the_inbox(client, auth, world):
    auth.login("teacher")
    assert client.get("/principal/alerts").status_code == 403


def test_acting_on_an_alert_needs_the_csrf_token(principal, app, over):
    app.config["WTF_CSRF_ENABLED"] = True
    response = principal.post(f"/principal/alerts/{over.id}", data={"action": "acknowledge"})
    assert response.status_code == 400 and _state(app, over.id) == ("open", None)


def test_oversize_classes_and_days_with_no_log_are_shown(principal, app, world):
    with session_scope(app) as s:
        klass = s.get(type(world.class7), world.class7.id)
        klass.headcount = 55
        s.add(klass)
        add_item(s, world, day=MON, minutes=20)
    _recompute(app, world)
    page = principal.get(f"/principal/alerts?week={WEEK}").get_data(as_text=True)
    assert '<span class="rule-id">R-CL-01</span>' in page and "55" in page
    missing = page[page.index('id="missing-title"'):]
    assert f'/principal/classes/{world.class1.id}/2026-11-16' in missing
    assert f'/principal/classes/{world.class3.id}/2026-11-16' not in missing
