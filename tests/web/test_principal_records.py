"""Weekly inspection records: drafts, sign-off with a frozen snapshot of the figures, immutability, scope."""

import json
from datetime import date, timedelta

import pytest
from sqlmodel import select

from edulite.alerts import store as alerts
from edulite.db import session_scope
from edulite.models import AuditEntry, InspectionRecord
from tests.support.factories import add_item

MON = date(2026, 11, 16)
URL = "/principal/records/2026-11-16"


@pytest.fixture
def principal(signed_in):
    return signed_in("principal", lang="en")


def _record(app, school):
    with session_scope(app, write=False) as s:
        return s.exec(select(InspectionRecord).where(InspectionRecord.school_id == school.id)).first()


def test_any_day_of_a_week_redirects_to_its_monday_and_the_list_opens_a_week(principal):
    assert principal.get("/principal/records/2026-11-19").location == URL
    assert principal.get("/principal/records?week=2026-11-20").location == URL
    assert principal.get("/principal/records/2026-13-01").status_code == 404


def test_a_draft_keeps_the_findings_and_shows_live_figures(principal, app, world):
    with session_scope(app) as s:
        add_item(s, world, day=MON, minutes=65)
    response = principal.post(URL, data={"findings": "三年级(1)班周一超时", "action": "save"})
    assert response.status_code == 303 and response.location == URL
    record = _record(app, world.school)
    assert record.findings == "三年级(1)班周一超时" and record.signed_at is None and record.figures == "{}"
    page = principal.get(URL).get_data(as_text=True)
    assert "Draft: the figures below are live" in page and "三年级(1)班周一超时</textarea>" in page


def test_signing_off_freezes_the_weeks_figures_and_a_signed_record_cannot_be_changed(principal, app, world):
    with session_scope(app) as s:
        add_item(s, world, day=MON, minutes=65)
        alerts.recompute(s, school_id=world.school.id, start=MON, end=date(2026, 11, 23))
    assert principal.post(URL, data={"findings": "已约谈数学组", "action": "sign", "confirm": "1"}).status_code == 303
    record = _record(app, world.school)
    figures = json.loads(record.figures)
    (class3,) = [c for c in figures["classes"] if c["class"] == "三年级(1)班"]
    assert record.signed_by == world.principal.id and record.signed_at is not None
    assert (class3["over_days"], class3["weekly_average"], class3["cap"]) == (1, 13.0, 60)
    assert figures["alerts"] == [{"rule_id": "R-HW-02", "open": 1, "acknowledged": 0, "resolved": 0, "cleared": 0,
                                  "raised": 1}]

    with session_scope(app) as s:
        add_item(s, world, day=MON + timedelta(days=1), minutes=80)
    page = principal.get(URL).get_data(as_text=True)
    assert "Signed off by Principal" in page and "已约谈数学组" in page and 'id="findings"' not in page
    assert "13.0 / 60" in page  # the snapshot, not today's figures

    refused = principal.post(URL, data={"findings": "改写", "action": "save"})
    assert refused.status_code == 409 and "can no longer be changed" in refused.get_data(as_text=True)
    assert _record(app, world.school).findings == "已约谈数学组"
    assert principal.post(URL, data={"findings": "再签", "action": "sign", "confirm": "1"}).status_code == 409
    with session_scope(app, write=False) as s:
        actions = s.exec(select(AuditEntry.action).where(AuditEntry.entity == "inspection_record")).all()
    assert actions == ["record_signed"]


def test_signing_off_needs_findings_and_a_week_that_has_started(principal, app, world):
    response = principal.post(URL, data={"findings": "  ", "action": "sign", "confirm": "1"})
    assert response.status_code == 422 and "Write the findings before signing off" in response.get_data(as_text=True)
    assert _record(app, world.school) is None
    future = principal.post("/principal/records/2099-01-05", data={"findings": "ok", "action": "sign", "confirm": "1"})
    assert future.status_code == 422 and _record(app, world.school) is None


def test_signed_weeks_are_listed_and_printable(principal, app, world):
    principal.post(URL, data={"findings": "未发现问题", "action": "sign", "confirm": "1"})
    listing = principal.get("/principal/records").get_data(as_text=True)
    assert f'href="{URL}"' in listing and "Signed" in listing and "未发现问题" in listing
    page = principal.get(URL).get_data(as_text=True)
    assert "data-print" in page and "css/principal.css" in page


def test_another_schools_principal_sees_their_own_week_not_this_record(client, auth, app, world):
    auth.login("principal")
    client.post(URL, data={"findings": "本校记录", "action": "sign", "confirm": "1"})
    auth.login("other_principal")
    page = client.get(URL).get_data(as_text=True)
    assert "本校记录" not in page and "<textarea" in page
    assert "本校记录" not in client.get("/principal/records").get_data(as_text=True)
