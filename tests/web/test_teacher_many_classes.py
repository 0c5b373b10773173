"""One homework for several of the teacher's classes (#15): a meter per class, confirmation per class over
a cap, all saved or none, and a retried save saves nothing twice."""

from __future__ import annotations

import pytest
from werkzeug.datastructures import MultiDict

from edulite.db import session_scope
from edulite.models import Assignment, SchoolClass
from tests.support.factories import add_item
from tests.support.teacher import HX, entry, items, today


@pytest.fixture
def teacher(signed_in):
    return signed_in("teacher", lang="en")


@pytest.fixture
def class3b(app, world):
    """A parallel grade-3 class where the teacher also teaches maths, already holding 50 minutes tonight."""
    with session_scope(app) as s:
        klass = SchoolClass(school_id=world.school.id, grade=3, name="三年级(2)班", headcount=40)
        s.add(klass)
        s.flush()
        s.add(Assignment(teacher_id=world.teacher.id, class_id=klass.id, subject_id=world.maths.id))
        s.add(Assignment(teacher_id=world.colleague.id, class_id=klass.id, subject_id=world.chinese.id))
    with session_scope(app) as s:
        add_item(s, world, klass=klass, subject=world.chinese, teacher=world.colleague, day=today(), minutes=50)
    return klass


def form(world, *also, **changes) -> MultiDict:
    data = MultiDict(entry(world, **changes))
    for class_id in also:
        data.add("also", str(class_id))
    return data


def test_the_form_offers_the_other_classes_of_the_subject_and_meters_each_ticked_one(teacher, world, class3b):
    page = teacher.get(f"/teacher/class/{world.class3.id}").get_data(as_text=True)
    assert f'name="also" value="{class3b.id}"' in page and f'name="also" value="{world.class7.id}"' in page
    assert f'name="also" value="{world.class1.id}"' not in page  # Chinese there, not maths
    meter = teacher.get(f"/teacher/class/{world.class3.id}/meter",
                        query_string=form(world, class3b.id, minutes=30)).get_data(as_text=True)
    # 三年级(2)班 goes to 80 of 60 with this entry: its own meter says so and asks for its own confirmation.
    assert "80 of 60 min" in meter and f'name="confirm_class" value="{class3b.id}"' in meter
    assert "needs-reason" in meter and "needs-confirm" not in meter


def test_one_class_over_the_cap_saves_nothing_until_it_is_confirmed_then_all_three(app, teacher, world, class3b):
    url = f"/teacher/class/{world.class3.id}"
    refused = teacher.post(url, data=form(world, class3b.id, world.class7.id, minutes=30), headers=HX)
    assert refused.status_code == 422
    assert "tick the box and give a reason" in refused.get_data(as_text=True)
    assert len(items(app)) == 1  # only the colleague's Chinese

    confirmed = form(world, class3b.id, world.class7.id, minutes=30, over_reason="单元复习")
    confirmed.add("confirm_class", str(class3b.id))
    saved = teacher.post(url, data=confirmed, headers=HX)
    assert saved.status_code == 200
    assert "Saved for 3 classes: 三年级(1)班、三年级(2)班、初一(1)班." in saved.get_data(as_text=True)
    mine = [i for i in items(app) if i.teacher_id == world.teacher.id]
    assert sorted(i.class_id for i in mine) == sorted([world.class3.id, class3b.id, world.class7.id])
    assert {i.over_cap_reason for i in mine if i.class_id == class3b.id} == {"单元复习"}
    assert {i.over_cap_reason for i in mine if i.class_id != class3b.id} == {None}

    # The answer was lost and the teacher taps Save again: nothing is saved twice.
    again = teacher.post(url, data=confirmed, headers=HX)
    assert again.status_code == 200
    assert len([i for i in items(app) if i.teacher_id == world.teacher.id]) == 3


def test_a_class_the_teacher_does_not_teach_the_subject_in_saves_nothing(app, teacher, world, class3b):
    response = teacher.post(f"/teacher/class/{world.class3.id}", data=form(world, world.class1.id, class3b.id))
    assert response.status_code == 422
    assert "You do not teach this subject in one of the classes ticked" in response.get_data(as_text=True)
    assert len(items(app)) == 1


def test_another_schools_class_cannot_be_ticked(app, teacher, world):
    response = teacher.post(f"/teacher/class/{world.class3.id}", data=form(world, world.other_class.id))
    assert response.status_code == 422
    assert items(app) == []
