"""R-AS alerts read well in Chinese and English wherever they are shown: the inbox, the CSV export and
the digest show clock times and numbers, never an English activity code (B5)."""

import re
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest

from edulite.afterschool import alerts as afterschool
from edulite.alerts import digest
from edulite.commands.digest import render
from edulite.db import session_scope
from edulite.models import Alert, utcnow
from tests.support.afterschool import MON, add_session

CODES = ("clubs", "new_lesson", "reading", "supervised_homework")


@pytest.fixture
def breaches(app, world):
    """Monday's clubs run late (R-AS-02); Wednesday has a new lesson (R-AS-03); one old-style alert."""
    with session_scope(app) as s:
        for n in range(5):
            add_session(s, world.school.id, MON + timedelta(days=n), activity="clubs",
                        end="18:15" if n == 0 else "17:40", pupils={world.class3.id: 30})
        add_session(s, world.school.id, MON + timedelta(days=2), start="16:00", end="17:00", activity="new_lesson")
        # As the per-session rule stored it before: activity code in the figure and the detail, acknowledged.
        s.add(Alert(school_id=world.school.id, key=f"R-AS-03|school||{MON.isoformat()}|session=999",
                    rule_id="R-AS-03", day=MON, figure="new_lesson", detail="16:10–17:10 new_lesson",
                    state="acknowledged", note="已处理"))
    with session_scope(app) as s:
        afterschool.recompute(s, school_id=world.school.id, start=MON, end=MON + timedelta(days=7),
                              today=MON + timedelta(days=7))


def _without_codes(text):
    return [code for code in CODES if code in text] == []


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_inbox_shows_after_school_alerts_in_clock_times(client, auth, world, breaches, lang):
    auth.login("principal")
    client.set_cookie("lang", lang)
    page = client.get("/principal/alerts?rule=R-AS-02").get_data(as_text=True)
    assert "18:15" in page and "15:40–18:15" in page and _without_codes(page)
    page = client.get("/principal/alerts?rule=R-AS-03").get_data(as_text=True)
    assert "16:00–17:00" in page and _without_codes(page)
    assert ("课后服务中讲授新课" if lang == "zh" else "New lesson taught during after-school service") in page
    # Acknowledged, then no longer found: listed under "cleared" (#14).
    old = client.get("/principal/alerts?state=cleared").get_data(as_text=True)
    assert "16:10–17:10" in old and _without_codes(old)


def test_the_chinese_csv_export_of_alerts_has_no_english_activity_codes(client, auth, world, breaches):
    auth.login("principal")
    body = client.get("/principal/exports/file?from=2026-11-16&to=2026-11-22&format=csv&table=alerts")
    text = body.data.decode("utf-8-sig")
    assert "R-AS-02" in text and "15:40–18:15" in text and "16:00–17:00" in text and _without_codes(text)


def test_the_digest_lists_after_school_alerts_without_english_activity_codes(app, world, breaches):
    zone = ZoneInfo("Asia/Shanghai")
    with app.app_context(), session_scope(app, write=False) as s:
        found = digest.new_alerts(s, school_id=world.school.id, day=utcnow().astimezone(zone).date(), zone=zone)
        _subject, body = render(world.school.name, MON, found)
    assert {a.rule_id for a in found} == {"R-AS-02", "R-AS-03"}
    assert "R-AS-03" in body and "16:00–17:00" in body and _without_codes(body)


def test_an_after_school_alert_links_to_the_after_school_week_of_its_day(client, auth, world, breaches):
    """Not to the homework week (principal.dashboard), where nothing explains it."""
    auth.login("principal")
    page = client.get("/principal/alerts?rule=R-AS-03").get_data(as_text=True)
    assert 'href="/principal/after-school?week=2026-11-18#as-day-2026-11-18"' in page
    assert "/principal/dashboard?week=2026-11-18" not in page
    (alert_id,) = re.findall(r'id="alert-(\d+)"', page)
    single = client.get(f"/principal/alerts/{alert_id}").get_data(as_text=True)
    assert 'href="/principal/after-school?week=2026-11-18#as-day-2026-11-18"' in single
    week = client.get("/principal/after-school?week=2026-11-18").get_data(as_text=True)
    assert 'id="as-day-2026-11-18"' in week
