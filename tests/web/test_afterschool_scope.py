"""After-school participation: any class of the teacher's own school, never another school's (#17;
docs/DESIGN.md says why not only the classes the teacher is assigned)."""

from __future__ import annotations

import pytest
from sqlmodel import select

from edulite.db import session_scope
from edulite.models import AfterSchoolSession, AuditEntry, SessionClass
from tests.support.afterschool import WED


@pytest.fixture(autouse=True)
def wednesday(app):
    app.config["TODAY"] = WED


def _form(class_id: int) -> dict:
    return {"day": WED.isoformat(), "activity": "reading", "start": "15:40", "end": "17:40",
            f"pupils-{class_id}": "20"}


def test_another_schools_class_is_refused_and_nothing_is_written(app, signed_in, world):
    teacher = signed_in("teacher", lang="en")
    response = teacher.post("/teacher/after-school", data=_form(world.other_class.id))
    assert response.status_code in (303, 422)
    with session_scope(app, write=False) as s:
        assert not s.exec(select(SessionClass).where(SessionClass.class_id == world.other_class.id)).all()


def test_a_class_of_the_school_the_teacher_does_not_teach_is_accepted_and_audited_with_the_teacher(
        app, signed_in, world):
    colleague = signed_in("colleague", lang="en")  # teaches 三年级(1)班 only; runs the club for 一年级(1)班 too
    assert colleague.post("/teacher/after-school", data=_form(world.class1.id)).status_code == 303
    with session_scope(app, write=False) as s:
        (row,) = s.exec(select(AfterSchoolSession)).all()
        assert row.teacher_id == world.colleague.id
        entry = s.exec(select(AuditEntry).where(AuditEntry.action == "after_school_logged")).one()
        assert entry.user_id == world.colleague.id and f'"{world.class1.id}": 20' in entry.after
