"""An entry's history in words: the principal reads what changed, not stored codes."""

import pytest

from tests.web.teacher_support import entry, items, today


@pytest.fixture
def edited(app, client, auth, world):
    """A teacher logs 15 minutes and changes it to 25 oral minutes; then the principal signs in."""
    auth.login("teacher")
    client.post(f"/teacher/class/{world.class3.id}", data=entry(world, minutes=15))
    (item,) = items(app)
    client.post(f"/teacher/item/{item.id}/edit", data=entry(world, minutes=25, kind="oral"))
    auth.logout()
    auth.login("principal")
    return item


def test_the_principals_class_day_shows_each_change_from_before_to_after_in_words(client, edited, world):
    page = client.get(f"/principal/classes/{world.class3.id}/{today().isoformat()}").get_data(as_text=True)
    assert "<del>15</del> → <ins>25</ins>" in page
    assert "<del>书面</del> → <ins>口头</ins>" in page
    assert "登记" in page and "修改" in page
    assert "over_cap_reason" not in page and "None" not in page and "kind: written" not in page
