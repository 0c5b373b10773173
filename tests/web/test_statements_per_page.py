"""Every page that reads homework costs the same number of SQL statements at two sizes of school and district.

The second size adds classes, items over several weeks and schools to the district: a page whose count
moved would be reading per class, per item or per school (ISSUE #12: SQL per page must not grow).
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import event

from edulite.core.calendar import week_start
from edulite.db import get_db, session_scope
from edulite.models import Assignment, HomeworkItem, School, SchoolClass
from tests.support.factories import PASSWORD, add_item

TODAY = date(2026, 11, 19)  # a Thursday
MON = week_start(TODAY)


@pytest.fixture
def frozen_today(monkeypatch):
    for target in ("edulite.core.calendar.today_in",):
        monkeypatch.setattr(target, lambda *_a, **_k: TODAY)


def pages(world) -> dict[str, tuple[str, str]]:
    sunday = MON + timedelta(days=6)
    return {
        "principal week": ("principal", f"/principal/?week={MON}"),
        "teacher home": ("teacher", "/teacher/"),
        "parent page": ("", f"/c/{world.link.token}"),
        "CSV export": ("principal", f"/principal/exports/file?from={MON}&to={sunday}&format=csv&table=loads"),
        "district overview": ("supervisor", f"/district/?week={MON}"),
        "district school": ("supervisor", f"/district/school/{world.school.id}?week={MON}"),
        "district policy": ("supervisor", "/district/policy/"),
    }


def statements(app, world) -> dict[str, int]:
    seen: list[str] = []

    def count(_conn, _cursor, statement, *_args):
        seen.append(statement)

    engines = {get_db(app).engine(write=False), get_db(app).engine(write=True)}
    for engine in engines:
        event.listen(engine, "before_cursor_execute", count)
    out = {}
    try:
        for name, (user, path) in pages(world).items():
            client = app.test_client()
            if user:
                client.post("/login", data={"username": user, "password": PASSWORD})
            assert client.get(path).status_code == 200, name
            seen.clear()
            assert client.get(path).status_code == 200, name
            out[name] = len(seen)
    finally:
        for engine in engines:
            event.remove(engine, "before_cursor_execute", count)
    return out


def grow(app, world) -> None:
    """Twelve more classes with four weeks of homework, and five more schools in the district."""
    with session_scope(app) as s:
        for n in range(12):
            klass = SchoolClass(school_id=world.school.id, grade=3 + n % 7, name=f"加班{n}", headcount=40)
            s.add(klass)
            s.flush()
            s.add(Assignment(teacher_id=world.teacher.id, class_id=klass.id, subject_id=world.maths.id))
            for d in range(-21, 4):
                s.add(HomeworkItem(class_id=klass.id, subject_id=world.maths.id, teacher_id=world.teacher.id,
                                   set_date=MON + timedelta(days=d), minutes=15 + n, graded=d % 2 == 0,
                                   due_date=MON + timedelta(days=d + 3) if n % 4 == 0 else None))
        for n in range(5):
            school = School(name=f"加校{n}", district_id=world.district.id)
            s.add(school)
            s.flush()
            klass = SchoolClass(school_id=school.id, grade=5, name="五年级(1)班", headcount=40)
            s.add(klass)
            s.flush()
            s.add(HomeworkItem(class_id=klass.id, subject_id=world.maths.id, teacher_id=world.teacher.id,
                               set_date=MON, minutes=70))


def test_statements_per_page_do_not_grow_with_classes_items_or_schools(app, world, frozen_today):
    with session_scope(app) as s:
        add_item(s, world, day=MON, minutes=20)
    small = statements(app, world)
    grow(app, world)
    assert statements(app, world) == small
