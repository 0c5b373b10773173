"""The SQL form of "counts toward the cap" selects exactly the entries the engine's predicate counts."""

from datetime import date
from itertools import product

from sqlmodel import col, select

from edulite.core.rules import KINDS, LOCATIONS, counts_toward_cap
from edulite.db import session_scope
from edulite.homework import counting
from edulite.models import HomeworkItem

DAY = date(2026, 11, 23)
COMBINATIONS = list(product(KINDS, (True, False), LOCATIONS, (True, False), (True, False)))


def test_the_sql_and_the_python_predicate_agree_on_every_kind_required_location_withdrawn_and_marker(
        any_app, any_world):
    with session_scope(any_app) as s:
        for kind, required, location, withdrawn, no_homework in COMBINATIONS:
            s.add(HomeworkItem(class_id=any_world.class3.id, subject_id=any_world.maths.id,
                               teacher_id=any_world.teacher.id, set_date=DAY, description="", kind=kind,
                               required=required, location=location, minutes=10, withdrawn=withdrawn,
                               no_homework=no_homework))
        s.commit()
    with session_scope(any_app, write=False) as s:
        rows = s.exec(select(HomeworkItem)).all()
        by_sql = set(s.exec(select(HomeworkItem.id).where(counting.counts_sql())).all())
        by_python = {row.id for row in rows if counting.counts(row)}
        by_core = {row.id for row in rows if counts_toward_cap(
            kind=row.kind, required=row.required, location=row.location, withdrawn=row.withdrawn,
            no_homework=row.no_homework)}
        live = s.exec(select(HomeworkItem.id).where(col(HomeworkItem.withdrawn).is_(False))).all()
    assert len(rows) == len(COMBINATIONS) == 144
    # Exactly one combination counts (written, required, at home, live, not a marker); the rest never do.
    assert by_sql == by_python == by_core and len(by_sql) == 1 and by_sql < set(live)
