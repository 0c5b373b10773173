"""The principal's week reads: heat-map states, shares, grade trends and a constant number of statements."""

from contextlib import contextmanager
from datetime import date, timedelta

from sqlalchemy import event

from edulite.db import get_db, session_scope
from edulite.models import HomeworkItem, SchoolClass
from edulite.reports import week as dashboard
from tests.support.factories import add_item

MON = date(2026, 11, 16)
TODAY = date(2026, 11, 19)  # Thursday of that week


def _view(app, world, today=TODAY):
    with session_scope(app, write=False) as s:
        return dashboard.week_view(s, school_id=world.school.id, start=MON + timedelta(days=2), today=today)


def _class(view, klass):
    return next(cw for cw in view.classes if cw.klass.class_id == klass.id)


def test_the_week_view_starts_on_monday_and_marks_each_class_day(any_app, any_world):
    with session_scope(any_app) as s:
        add_item(s, any_world, day=MON, minutes=65)
        add_item(s, any_world, day=MON + timedelta(days=1), minutes=50)
        add_item(s, any_world, day=MON + timedelta(days=2), minutes=30)
    view = _view(any_app, any_world)
    assert view.start == MON and view.days[0] == MON and len(view.days) == 7
    cw = _class(view, any_world.class3)
    assert [c.state for c in cw.cells] == ["over", "near", "ok", "ok", "future", "off", "off"]  # Thu is today
    assert [c.counted for c in cw.cells][:3] == [65, 50, 30] and cw.cells[0].cap == 60
    assert cw.by_subject == {"数学": (65, 50, 30, 0, 0, 0, 0)}
    assert view.subjects == ("数学",)


def test_a_week_in_progress_is_averaged_over_its_school_days_before_today(any_app, any_world):
    with session_scope(any_app) as s:
        for n, minutes in enumerate((60, 30, 30, 50)):
            add_item(s, any_world, day=MON + timedelta(days=n), minutes=minutes)
    assert _class(_view(any_app, any_world), any_world.class3).weekly_average == 40.0  # Mon–Wed; Thu is today
    assert _class(_view(any_app, any_world, today=date(2026, 12, 1)), any_world.class3).weekly_average == 34.0


def test_logged_days_count_no_homework_entries_and_graded_counts_written_items_only(any_app, any_world):
    with session_scope(any_app) as s:
        graded = add_item(s, any_world, day=MON, minutes=20)
        graded.graded = True
        s.add(graded)
        add_item(s, any_world, day=MON, minutes=10)
        add_item(s, any_world, day=MON, minutes=10, kind="oral")
        nothing = add_item(s, any_world, day=MON + timedelta(days=1), minutes=0, description="")
        nothing.no_homework = True
        s.add(nothing)
        withdrawn = add_item(s, any_world, day=MON + timedelta(days=2), minutes=15)
        withdrawn.withdrawn = True
        s.add(withdrawn)
    cw = _class(_view(any_app, any_world), any_world.class3)
    assert (cw.elapsed_days, cw.logged_days) == (3, 2)  # Mon–Wed so far; Wed's only item was withdrawn
    assert (cw.written_items, cw.graded_items) == (2, 1)
    assert cw.missing_days == (MON + timedelta(days=2),)


def test_missing_logs_lists_past_school_days_without_any_entry(any_app, any_world):
    with session_scope(any_app) as s:
        add_item(s, any_world, day=MON, minutes=20)
        found = dashboard.missing_logs(s, school_id=any_world.school.id, start=MON, end=MON + timedelta(days=7),
                                       today=TODAY)
    days = {(k.name, d) for k, d in found}
    assert ("三年级(1)班", MON) not in days and ("三年级(1)班", MON + timedelta(days=1)) in days
    assert ("一年级(1)班", MON) in days and all(d < TODAY for _n, d in days)


def test_the_grade_trend_equals_the_average_of_its_classes_weekly_averages(any_app, any_world):
    with session_scope(any_app) as s:
        twin = SchoolClass(school_id=any_world.school.id, grade=3, name="三年级(2)班", headcount=40)
        s.add(twin)
        s.commit()
        add_item(s, any_world, day=MON, minutes=60)
        add_item(s, any_world, day=MON + timedelta(days=1), minutes=45, due=MON + timedelta(days=4))  # 3 evenings
        add_item(s, any_world, klass=twin, day=MON, minutes=30)
        add_item(s, any_world, day=MON - timedelta(days=7), minutes=40)
        trend = dashboard.grade_trend(s, school_id=any_world.school.id, through=MON, today=date(2026, 12, 1))
    view = _view(any_app, any_world, today=date(2026, 12, 1))
    classes3 = [cw.weekly_average for cw in view.classes if cw.klass.grade == 3]
    assert trend.weeks[-2:] == (MON - timedelta(days=7), MON)
    assert trend.averages[3][-1] == sum(classes3) / len(classes3) == 13.5  # (60 + 45 + 30) / 10 class-days
    assert trend.averages[3][-2] == 4.0 and trend.caps[3][-1] == 60 and trend.caps[7][-1] == 90


def test_the_trend_starts_at_the_first_week_with_homework_in_the_term():
    assert dashboard.term_start(date(2026, 11, 19)) == date(2026, 9, 1)
    assert dashboard.term_start(date(2027, 1, 10)) == date(2026, 9, 1)
    assert dashboard.term_start(date(2027, 3, 10)) == date(2027, 2, 1)


@contextmanager
def counting(app):
    statements = []
    engine = get_db(app).engine(write=False)

    def count(_conn, _cursor, statement, *_args):
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", count)


def _statements_for_week(app, world) -> int:
    with session_scope(app, write=False) as s, counting(app) as statements:
        dashboard.week_view(s, school_id=world.school.id, start=MON, today=TODAY)
        dashboard.grade_trend(s, school_id=world.school.id, through=MON, today=TODAY)
    return len([st for st in statements if st.lstrip().upper().startswith("SELECT")])


def test_the_week_costs_the_same_number_of_statements_for_three_classes_or_thirty(any_app, any_world):
    with session_scope(any_app) as s:
        add_item(s, any_world, day=MON, minutes=20)
    small = _statements_for_week(any_app, any_world)
    with session_scope(any_app) as s:
        for n in range(27):
            klass = SchoolClass(school_id=any_world.school.id, grade=4 + n % 5, name=f"班{n}", headcount=40)
            s.add(klass)
            s.flush()
            for d in range(4):
                s.add(HomeworkItem(class_id=klass.id, subject_id=any_world.maths.id, teacher_id=any_world.teacher.id,
                                   set_date=MON + timedelta(days=d), minutes=20, graded=d % 2 == 0))
    assert _statements_for_week(any_app, any_world) == small
