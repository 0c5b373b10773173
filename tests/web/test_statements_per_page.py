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
from edulite.models import Assignment, HomeworkItem, School, SchoolClass, SurveyAnswer
from tests.support.factories import PASSWORD, add_item
from tests.support.survey import TOKEN as SURVEY_TOKEN
from tests.support.survey import add_survey_link

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
        "survey form": ("", f"/s/{SURVEY_TOKEN}"),
        "CSV survey export": ("principal", f"/principal/exports/file?from={MON}&to={sunday}&format=csv&table=survey"),
        "teacher class page": ("teacher", f"/teacher/class/{world.class3.id}"),
        # #15: the entry form lists the teacher's other classes of the subject; the accounts pages.
        "teacher entry form": ("teacher", f"/teacher/class/{world.class3.id}?day={TODAY}"),
        "principal accounts": ("principal", "/accounts/"),
        "admin accounts": ("admin", "/accounts/"),
        "account page": ("teacher", "/account/password"),
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
                # Families answer the survey too (#13): its pages read answers per school, not per class.
                s.add(SurveyAnswer(class_id=klass.id, school_id=world.school.id, evening=MON + timedelta(days=d),
                                   device=f"grow-{n}", minutes=30 + n, finished=True, bedtime="21:00",
                                   asked_to_check=False, phone_used=False))
        for n in range(5):
            school = School(name=f"加校{n}", district_id=world.district.id)
            s.add(school)
            s.flush()
            klass = SchoolClass(school_id=school.id, grade=5, name="五年级(1)班", headcount=40)
            s.add(klass)
            s.flush()
            s.add(HomeworkItem(class_id=klass.id, subject_id=world.maths.id, teacher_id=world.teacher.id,
                               set_date=MON, minutes=70))


# Three paths: a copy answered before Flask (ADR 0016), Flask's path with the page cache (every miss of a
# copy, and once a minute per session), and the page computed.
@pytest.mark.parametrize(("cache_entries", "memo_entries"), [(512, 256), (512, 0), (0, 0)],
                         ids=["memo hit", "cache hit", "computed"])
def test_statements_per_page_do_not_grow_with_classes_items_or_schools(app, world, frozen_today, cache_entries,
                                                                       memo_entries):
    app.config["PAGE_CACHE_ENTRIES"], app.config["PAGE_MEMO_ENTRIES"] = cache_entries, memo_entries
    with session_scope(app) as s:
        add_item(s, world, day=MON, minutes=20)
    add_survey_link(app, world.class3)
    small = statements(app, world)
    grow(app, world)
    assert statements(app, world) == small
