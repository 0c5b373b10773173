"""One clock for the app: TODAY in the config pins every page's today; without it, the school's zone decides."""

from datetime import date, datetime

import pytest

from edulite.core.calendar import today_in
from edulite.db import session_scope
from edulite.web import clock

PINNED = date(2026, 11, 18)


@pytest.mark.parametrize("value", [PINNED, "2026-11-18"])
def test_a_pinned_today_is_every_readers_today(app, world, value):
    app.config["TODAY"] = value
    with app.app_context(), session_scope(app, write=False) as s:
        assert clock.local_today() == clock.today_in_zone("America/New_York") == PINNED
        assert clock.school_today(s, world.school.id) == PINNED


def test_without_a_pin_today_is_the_local_date_where_the_school_is(app, world):
    with session_scope(app) as s:
        s.get(type(world.school), world.school.id).timezone = "Pacific/Kiritimati"  # UTC+14
    with app.app_context(), session_scope(app, write=False) as s:
        before = datetime.now()
        found = clock.school_today(s, world.school.id)
    assert found in {today_in("Pacific/Kiritimati", before), today_in("Pacific/Kiritimati")}


def test_the_teacher_and_parent_pages_show_the_pinned_day(app, client, auth, world):
    app.config["TODAY"] = PINNED
    auth.login("teacher")
    assert f'value="{PINNED.isoformat()}"' in client.get("/teacher/").get_data(as_text=True)
    assert 'day is-today" id="day-2026-11-18"' in app.test_client().get(f"/c/{world.link.token}").get_data(as_text=True)
