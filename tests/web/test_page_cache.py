"""Pages cached per data version are never stale: a write to the school shows at the next request."""

from __future__ import annotations

from edulite.db import session_scope
from edulite.school import versions
from tests.support.factories import add_item
from tests.support.parent import MON, TOKEN


def test_every_write_to_a_school_bumps_its_version_and_no_other_schools(app, world):
    with session_scope(app) as s:
        before = versions.of_school(s, world.school.id), versions.of_school(s, world.other_school.id)
        add_item(s, world, day=MON, minutes=20)
    with session_scope(app) as s:
        assert versions.of_school(s, world.school.id) > before[0]
        assert versions.of_school(s, world.other_school.id) == before[1]


def test_the_principals_cached_week_shows_a_new_entry_at_the_next_request(app, world, signed_in):
    principal = signed_in("principal")
    path = f"/principal/?week={MON}"
    first = principal.get(path).get_data(as_text=True)
    assert principal.get(path).get_data(as_text=True) == first  # served from the cache
    with session_scope(app) as s:
        add_item(s, world, day=MON, minutes=47)
    cell = f'/principal/classes/{world.class3.id}/{MON}">47<span'  # the heat map's cell for that evening
    assert cell not in first and cell in principal.get(path).get_data(as_text=True)


def test_the_parent_page_answers_304_until_the_class_changes(app, world):
    client = app.test_client()
    first = client.get(f"/c/{TOKEN}?week={MON}")
    etag = first.headers["ETag"]
    again = client.get(f"/c/{TOKEN}?week={MON}", headers={"If-None-Match": etag})
    assert again.status_code == 304 and not again.get_data()
    with session_scope(app) as s:
        add_item(s, world, day=MON, minutes=33)
    changed = client.get(f"/c/{TOKEN}?week={MON}", headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["ETag"] != etag


def test_turning_the_cache_off_computes_every_page(app, world, signed_in):
    app.config["PAGE_CACHE_ENTRIES"] = 0
    principal = signed_in("principal")
    assert principal.get(f"/principal/?week={MON}").status_code == 200
    assert "edulite_page_cache" not in app.extensions
