"""A grade leader (年级组长) sees every class of the grade for the week; other teachers do not."""

from datetime import date

from edulite.db import session_scope
from edulite.models import SchoolClass, User
from tests.support.factories import add_item


def test_a_grade_leader_sees_the_grades_classes_with_each_subjects_minutes(app, client, auth, world):
    with session_scope(app) as s:
        s.get(User, world.teacher.id).lead_grade = 3
        s.add(SchoolClass(school_id=world.school.id, grade=3, name="三年级(2)班", headcount=41))
    with session_scope(app) as s:
        add_item(s, world, day=date(2026, 11, 17), minutes=70, subject=world.chinese, teacher=world.colleague)
    auth.login("teacher")
    page = client.get("/teacher/grade?week=2026-11-16").get_data(as_text=True)
    assert "三年级(1)班" in page and "三年级(2)班" in page and "初一(1)班" not in page
    assert "70<span class=\"cap\">/60</span>" in page and "语文" in page
    assert 'href="/teacher/grade"' in client.get("/teacher/").get_data(as_text=True)


def test_a_teacher_who_leads_no_grade_is_refused_and_sees_no_link(client, auth, world):
    auth.login("colleague")
    assert client.get("/teacher/grade").status_code == 403
    assert 'href="/teacher/grade"' not in client.get("/teacher/").get_data(as_text=True)
