"""The Today page, the class page's fragments and the htmx rules they follow."""

import re
from datetime import timedelta
from pathlib import Path

import pytest

from edulite import ROOT
from edulite.db import session_scope
from tests.support.factories import add_item
from tests.support.teacher import HX, today


@pytest.fixture
def teacher(signed_in):
    return signed_in("teacher", lang="en")


def test_today_lists_each_class_with_its_budget_and_what_each_subject_set(app, teacher, world):
    with session_scope(app) as s:
        add_item(s, world, subject=world.chinese, teacher=world.colleague, day=today(), minutes=40,
                 description="作文草稿")
    page = teacher.get("/teacher/").get_data(as_text=True)
    for name in ("三年级(1)班", "一年级(1)班", "初一(1)班"):
        assert name in page
    assert "三年级(2)班" not in page and "另一小学" not in page
    assert "40 of 60 min" in page and "20 min left" in page and "作文草稿" in page and "Colleague" in page
    assert "0 of 90 min" in page
    assert "Grades 1–2: no written homework at home." in page


def test_today_offers_log_and_one_tap_no_homework_for_each_of_my_subjects(teacher, world):
    page = teacher.get("/teacher/").get_data(as_text=True)
    assert f"/teacher/class/{world.class3.id}?day={today().isoformat()}&amp;subject={world.maths.id}" in page
    assert page.count('name="back" value="today"') == 3


def test_another_day_can_be_shown_and_a_bad_day_falls_back_to_today(app, teacher, world):
    earlier = today() - timedelta(days=3)
    with session_scope(app) as s:
        add_item(s, world, day=earlier, minutes=35, description="三天前的作业")
    assert "三天前的作业" in teacher.get(f"/teacher/?day={earlier.isoformat()}").get_data(as_text=True)
    assert "三天前的作业" not in teacher.get("/teacher/").get_data(as_text=True)
    page = teacher.get("/teacher/?day=not-a-day").get_data(as_text=True)
    assert f'value="{today().isoformat()}"' in page
    assert f'value="{today().isoformat()}"' in teacher.get("/teacher/?day=1999-01-01").get_data(as_text=True)


def test_the_day_navigation_links_to_the_previous_and_next_day(teacher, world):
    page = teacher.get(f"/teacher/class/{world.class3.id}").get_data(as_text=True)
    assert f'day={(today() - timedelta(days=1)).isoformat()}' in page
    assert f'day={(today() + timedelta(days=1)).isoformat()}' in page


def test_the_class_day_fragment_refreshes_alone_after_homework_is_logged(app, teacher, world):
    response = teacher.get(f"/teacher/class/{world.class3.id}/day", headers=HX)
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in page
    assert page.lstrip().startswith('<section id="class-day"')
    assert 'hx-trigger="homework-logged from:body"' in page
    assert "HX-Request" in response.headers.get("Vary", "")


def test_a_multi_evening_entry_shows_this_evenings_share(app, teacher, world):
    with session_scope(app) as s:
        add_item(s, world, day=today(), minutes=30, due=today() + timedelta(days=4))
    page = teacher.get(f"/teacher/class/{world.class3.id}").get_data(as_text=True)
    assert "30 min over 4 evenings, about 8 this evening" in page and "30 min in all" in page


def test_a_teacher_without_classes_is_told_what_to_do(app, signed_in, world):
    from edulite.models import User

    with session_scope(app) as s:
        s.add(User(username="newbie", display_name="New", password_hash=world.teacher.password_hash,
                   role="teacher", school_id=world.school.id))
    client = signed_in("newbie", lang="en")
    assert "You are not assigned to any class yet" in client.get("/teacher/").get_data(as_text=True)


FRAGMENTS = sorted((ROOT / "templates" / "teacher").glob("_*.html"))


@pytest.mark.parametrize("path", FRAGMENTS, ids=lambda p: p.name)
def test_each_fragment_has_a_context_line_and_one_root_named_after_it(path: Path):
    text = path.read_text(encoding="utf-8")
    assert text.startswith("{# context:")
    root_id = path.stem.lstrip("_").replace("_", "-")
    roots = re.findall(r'^<(\w+) id="([\w-]+)"', text, flags=re.MULTILINE)
    assert [rid for _tag, rid in roots] == [root_id]
    assert "{% extends" not in text


@pytest.mark.parametrize("path", sorted((ROOT / "templates" / "teacher").glob("*.html")), ids=lambda p: p.name)
def test_every_htmx_request_has_a_real_link_or_form_under_it(path: Path):
    text = path.read_text(encoding="utf-8")
    for tag in re.findall(r"<(?:a|form|button)\b[^>]*\bhx-(?:get|post)=[^>]*>", text, flags=re.DOTALL):
        assert re.search(r"\b(?:href|action|formaction)=", tag), tag
    assert "style=" not in text and "<script>" not in text and " on" + "click=" not in text
