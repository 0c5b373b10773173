"""The parent page's reads on SQLite and PostgreSQL: a class by its token, and a week of its items."""

from datetime import date, timedelta

from edulite.db import session_scope
from edulite.models import ClassLink, utcnow
from edulite.reports import publication
from tests.support.factories import add_item

MON = date(2026, 11, 16)
TOKEN = "test-token-class3-0123456789abcdef"


def _lookup(app, token):
    with session_scope(app, write=False) as s:
        return publication.class_for_token(s, token)


def test_a_live_token_finds_its_class_and_school(any_app, any_world):
    found = _lookup(any_app, TOKEN)
    assert (found.class_id, found.name, found.grade) == (any_world.class3.id, "三年级(1)班", 3)
    assert (found.school_id, found.school_name, found.timezone) == (any_world.school.id, "测试小学", "Asia/Shanghai")


def test_unknown_revoked_and_case_changed_tokens_find_nothing(any_app, any_world):
    assert _lookup(any_app, TOKEN.upper()) is None
    assert _lookup(any_app, TOKEN[:-1]) is None
    assert _lookup(any_app, "") is None and _lookup(any_app, None) is None
    with session_scope(any_app) as s:
        s.get(ClassLink, any_world.link.id).revoked_at = utcnow()
    assert _lookup(any_app, TOKEN) is None


def test_the_week_query_returns_this_classs_live_items_and_those_still_running(any_app, any_world):
    with session_scope(any_app) as s:
        add_item(s, any_world, day=MON, minutes=10, description="本周")
        add_item(s, any_world, day=MON - timedelta(days=4), minutes=30, due=MON + timedelta(days=1),
                 description="上周四布置")
        add_item(s, any_world, day=MON - timedelta(days=3), minutes=10, description="上周五")
        add_item(s, any_world, day=MON + timedelta(days=7), minutes=10, description="下周")
        add_item(s, any_world, klass=any_world.other_class, teacher=any_world.other_teacher, day=MON, minutes=10,
                 description="别的班")
        add_item(s, any_world, day=MON, minutes=10, description="撤回").withdrawn = True
        s.commit()
    with session_scope(any_app, write=False) as s:
        rows = publication.week_items(s, class_id=any_world.class3.id, start=MON, end=MON + timedelta(days=7))
    assert [row[2] for row in rows] == ["上周四布置", "本周"]

