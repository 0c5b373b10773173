"""The teacher's meter and the principal's heat map read a class-day's load the same way (one load_state)."""

import re
from datetime import timedelta

import pytest

from edulite.db import session_scope
from tests.support.factories import PASSWORD, add_item
from tests.support.teacher import today


def _past_school_day():
    day = today() - timedelta(days=1)
    while day.weekday() >= 5:
        day -= timedelta(days=1)
    return day


def _signed_in(app, username):
    client = app.test_client()
    client.post("/login", data={"username": username, "password": PASSWORD})
    client.set_cookie("lang", "en")
    return client


@pytest.mark.parametrize(("minutes", "state"), [(47, "ok"), (48, "ok"), (49, "near")])
def test_the_meter_and_the_heat_map_show_the_same_state_at_47_48_and_49_of_60(app, world, minutes, state):
    day = _past_school_day()
    with session_scope(app) as s:
        add_item(s, world, day=day, minutes=minutes)
    teacher_page = _signed_in(app, "teacher").get(
        f"/teacher/class/{world.class3.id}?day={day.isoformat()}").get_data(as_text=True)
    principal_page = _signed_in(app, "principal").get(
        f"/principal/?week={day.isoformat()}").get_data(as_text=True)
    # The class's evening as saved; the entry form below has its own meter for what is being typed.
    evening = teacher_page[teacher_page.index('id="class-day"'):]
    meter = re.search(r'<div class="meter meter-(\w+)">', evening).group(1)
    (cell,) = re.findall(rf'<td class="heat-cell heat-(\w+)"><a href="/principal/classes/{world.class3.id}/'
                         rf'{day.isoformat()}"', principal_page)
    assert f"{minutes} of 60 min" in teacher_page and f"{minutes}<span class=\"cap\">/60</span>" in principal_page
    assert meter == cell == state
