"""A teacher's save reads first and writes in a short transaction (ADR 0010), on SQLite and PostgreSQL.

What the read half decided (the budget, R-HW-05; the retry check) must still hold when the write half
runs: another save of the same class can commit in between. These tests put one there.
"""

from __future__ import annotations

import json
import threading
import traceback
from datetime import date

import pytest
from sqlalchemy import event
from sqlmodel import func, select

from edulite.db import WritesInReadPhase, get_db, phased_session, session_scope
from edulite.homework import service as homework
from edulite.homework import summary
from edulite.homework.input import HomeworkInput, InvalidHomework
from edulite.models import CalendarDay, HomeworkItem, PolicyVersion, SchoolClass
from tests.db.test_homework_services import scope_of

DAY = date(2026, 11, 17)  # a Tuesday; class3 is grade 3: 60 minutes of written homework (R-HW-02)


def entry(world, **changes) -> HomeworkInput:
    fields = {"class_id": world.class3.id, "subject_id": world.maths.id, "description": "练习册第3页",
              "minutes": 40, "set_date": DAY}
    return HomeworkInput(**(fields | changes))


def _between_read_and_write(monkeypatch, app, meanwhile):
    """Run meanwhile() (in its own transaction) after the save's read half, before its write half."""
    real = homework.begin_writes
    calls = []

    def begin_writes(session):
        if not calls:
            calls.append(1)
            with session_scope(app) as other:
                meanwhile(other)
        return real(session)

    monkeypatch.setattr(homework, "begin_writes", begin_writes)
    return calls


def _items(app) -> int:
    with session_scope(app) as s:
        return s.exec(select(func.count()).select_from(HomeworkItem)).one()


def test_a_save_that_another_save_pushed_over_the_cap_asks_for_confirmation_again(any_app, any_world,
                                                                                     monkeypatch):
    colleague = scope_of(any_world.colleague)
    calls = _between_read_and_write(monkeypatch, any_app, lambda s: homework.log_homework(
        s, scope=colleague, data=entry(any_world, subject_id=any_world.chinese.id), today=DAY))
    session = phased_session(get_db(any_app))
    try:
        # Alone, 40 of 60 minutes: no confirmation needed when it was read. With the colleague's 40, 80.
        with pytest.raises(InvalidHomework) as caught:
            homework.log_homework(session, scope=scope_of(any_world.teacher), data=entry(any_world), today=DAY)
    finally:
        session.close()
    assert calls and set(caught.value.problems) == {"confirm_over", "over_reason"}
    assert _items(any_app) == 1


def test_two_copies_of_one_retried_save_racing_each_other_save_it_once(any_app, any_world, monkeypatch):
    teacher = scope_of(any_world.teacher)
    _between_read_and_write(monkeypatch, any_app, lambda s: homework.log_homework(
        s, scope=teacher, data=entry(any_world, minutes=20), today=DAY))
    session = phased_session(get_db(any_app))
    try:
        saved = homework.log_homework(session, scope=teacher, data=entry(any_world, minutes=20), today=DAY)
        assert saved.description == "练习册第3页"  # the copy saved first, answered again
    finally:
        session.close()
    assert _items(any_app) == 1


def test_a_save_whose_evening_did_not_change_writes_without_checking_again(any_app, any_world, monkeypatch):
    budget_checks = []
    real = homework._check_budget
    monkeypatch.setattr(homework, "_check_budget", lambda *a, **k: budget_checks.append(1) or real(*a, **k))
    session = phased_session(get_db(any_app))
    try:
        homework.log_homework(session, scope=scope_of(any_world.teacher), data=entry(any_world), today=DAY)
        assert session.info["edulite_phase"] == "read"  # after the commit the request reads unlocked again
    finally:
        session.close()
    assert budget_checks == [1] and _items(any_app) == 1


def test_concurrent_saves_of_one_class_keep_its_evening_summary_exact(any_app, any_world):
    """No lost update of a class-evening row: eight teachers' requests at once, each reading first."""
    scopes = [scope_of(any_world.teacher), scope_of(any_world.colleague)]
    subjects = [any_world.maths.id, any_world.chinese.id]
    errors: list[str] = []

    def teacher(n: int) -> None:
        try:
            for k in range(4):
                session = phased_session(get_db(any_app))
                try:
                    homework.log_homework(session, scope=scopes[n % 2], today=DAY, data=entry(
                        any_world, subject_id=subjects[n % 2], minutes=1, description=f"第{n}-{k}题"))
                finally:
                    session.close()
        except BaseException:  # noqa: BLE001 (reported below, with where it was raised)
            errors.append(traceback.format_exc())

    threads = [threading.Thread(target=teacher, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert errors == [], errors[0]
    assert _items(any_app) == 32
    with session_scope(any_app) as s:
        assert summary.verify(s) == []
        (row,) = summary.stored(s, class_ids=[any_world.class3.id]).values()
    assert row.counted == 32


def _save_with(any_app, any_world, monkeypatch, meanwhile, **changes):
    calls = _between_read_and_write(monkeypatch, any_app, meanwhile)
    session = phased_session(get_db(any_app))
    try:
        homework.log_homework(session, scope=scope_of(any_world.teacher), data=entry(any_world, **changes),
                              today=DAY)
    finally:
        session.close()
    assert calls


def test_a_holiday_marked_between_the_two_halves_is_what_the_save_writes_its_evening_with(any_app, any_world,
                                                                                          monkeypatch):
    # The write half carries the read half's calendar over only if the entry's evenings kept their kinds (#12).
    _save_with(any_app, any_world, monkeypatch, lambda s: s.add(
        CalendarDay(school_id=any_world.school.id, day=DAY, kind="holiday")))
    with session_scope(any_app) as s:
        assert summary.verify(s) == []
        (row,) = summary.stored(s, class_ids=[any_world.class3.id]).values()
        assert row.day_kind == "holiday"


def test_a_stricter_policy_stored_between_the_two_halves_judges_the_save(any_app, any_world, monkeypatch):
    # 40 minutes were within the 60 of grade 3 when read; the district cuts it to 30 before the write half.
    stricter = json.dumps({"caps_school_day": {"1-2": 0, "3-6": 30, "7-9": 90}})
    with pytest.raises(InvalidHomework) as caught:
        _save_with(any_app, any_world, monkeypatch, lambda s: s.add(PolicyVersion(
            district_id=any_world.district.id, effective_from=date(2026, 11, 1), data=stricter)))
    assert set(caught.value.problems) == {"confirm_over", "over_reason"} and _items(any_app) == 0


def test_a_save_whose_evening_did_not_change_reads_no_policy_or_calendar_inside_the_lock(any_app, any_world):
    seen: list[str] = []
    engine = get_db(any_app).engine(write=True)

    def execute(_conn, _cursor, statement, *_args):
        seen.append(statement)

    session = phased_session(get_db(any_app))
    event.listen(engine, "before_cursor_execute", execute)
    try:
        homework.log_homework(session, scope=scope_of(any_world.teacher), data=entry(any_world), today=DAY)
    finally:
        event.remove(engine, "before_cursor_execute", execute)
        session.close()
    if get_db(any_app).is_sqlite:  # PostgreSQL reads and writes on one engine
        assert not any("FROM national_day\n" in s or s.startswith("SELECT policy_version.id") for s in seen)
    with session_scope(any_app) as s:
        assert summary.verify(s) == []


def test_writing_with_core_statements_before_begin_writes_is_refused(any_app, any_world):
    session = phased_session(get_db(any_app))
    try:
        klass = session.get(SchoolClass, any_world.class3.id)
        with pytest.raises(WritesInReadPhase):
            homework._create(session, scope_of(any_world.teacher), klass, "数学", entry(any_world), None)
    finally:
        session.close()
    assert _items(any_app) == 0


def _phased_save(app, world, **changes) -> HomeworkItem:
    session = phased_session(get_db(app))
    try:
        return homework.log_homework(session, scope=scope_of(world.teacher), data=entry(world, **changes), today=DAY)
    finally:
        session.close()


def _statements_of_a_save(app, world, **changes) -> list[str]:
    seen: list[str] = []
    engines = {get_db(app).engine(write=False), get_db(app).engine(write=True)}
    listen = lambda _c, _cur, statement, *_a: seen.append(statement)  # noqa: E731
    for engine in engines:
        event.listen(engine, "before_cursor_execute", listen)
    try:
        _phased_save(app, world, **changes)
    finally:
        for engine in engines:
            event.remove(engine, "before_cursor_execute", listen)
    return seen


def test_a_later_save_of_the_school_reads_no_calendar_or_policy_before_its_lock(any_app, any_world):
    # The first save proves the school's calendar and policy versions in its lock and leaves them for the
    # next save's read half (#12); that save's lock proves them again, in its one statement.
    def reads(statements: list[str], table: str) -> int:
        return sum(f"FROM {table}" in s for s in statements if s.lstrip().startswith("SELECT"))

    first = _statements_of_a_save(any_app, any_world, minutes=10)
    second = _statements_of_a_save(any_app, any_world, minutes=10, description="第二项")
    assert (reads(first, "policy_version"), reads(first, "national_day")) == (2, 2)
    assert (reads(second, "policy_version"), reads(second, "national_day")) == (1, 1)
    assert _items(any_app) == 2


def test_a_stricter_policy_stored_after_an_earlier_save_judges_the_next_one(any_app, any_world):
    _phased_save(any_app, any_world, minutes=10)  # leaves the calendar and policy for the next save
    stricter = json.dumps({"caps_school_day": {"1-2": 0, "3-6": 30, "7-9": 90}})
    with session_scope(any_app) as s:
        s.add(PolicyVersion(district_id=any_world.district.id, effective_from=date(2026, 11, 1), data=stricter))
        s.commit()
    # 10 + 25 = 35 minutes: within the 60 the first save saw, over the 30 stored since.
    with pytest.raises(InvalidHomework) as caught:
        _phased_save(any_app, any_world, minutes=25, description="第二项")
    assert set(caught.value.problems) == {"confirm_over", "over_reason"} and _items(any_app) == 1
    # The refusal happened in the lock, on what it read afresh; the save after it starts from the new policy.
    with pytest.raises(InvalidHomework):
        _phased_save(any_app, any_world, minutes=25, description="第三项")
    assert _items(any_app) == 1


def test_a_holiday_marked_after_an_earlier_save_is_what_the_next_one_writes_its_evening_with(any_app, any_world):
    _phased_save(any_app, any_world, minutes=10, set_date=date(2026, 11, 18))
    with session_scope(any_app) as s:
        s.add(CalendarDay(school_id=any_world.school.id, day=DAY, kind="holiday"))
        s.commit()
    _phased_save(any_app, any_world, minutes=10)
    with session_scope(any_app) as s:
        assert summary.verify(s) == []
        rows = summary.stored(s, class_ids=[any_world.class3.id])
        assert rows[(any_world.class3.id, DAY)].day_kind == "holiday"


def test_the_read_half_runs_without_a_transaction_of_its_own_on_sqlite(any_app, any_world):
    # Its two reads are each proved again in the lock; SQLite's BEGIN for them was a statement for nothing.
    statements = _statements_of_a_save(any_app, any_world, minutes=10)
    begins = [s for s in statements if s.startswith("BEGIN")]
    assert begins == (["BEGIN IMMEDIATE"] if get_db(any_app).is_sqlite else [])
    assert _items(any_app) == 1


def test_a_class_moved_to_another_grade_between_the_two_halves_is_what_the_save_writes_with(any_app, any_world,
                                                                                             monkeypatch):
    # What the write half writes rests on the class row the lock reads, not the one read before it.
    def regrade(s):
        klass = s.get(SchoolClass, any_world.class3.id)
        klass.grade = 7  # 90 minutes a school day instead of 60
        s.add(klass)
        s.commit()

    _save_with(any_app, any_world, monkeypatch, regrade, minutes=20)
    with session_scope(any_app) as s:
        assert summary.verify(s) == []
        (row,) = summary.stored(s, class_ids=[any_world.class3.id]).values()
        assert (row.grade, row.cap) == (7, 90)


def test_another_save_between_the_two_halves_counts_in_the_rows_the_save_writes(any_app, any_world, monkeypatch):
    colleague = scope_of(any_world.colleague)
    _save_with(any_app, any_world, monkeypatch, lambda s: homework.log_homework(
        s, scope=colleague, data=entry(any_world, subject_id=any_world.chinese.id, minutes=10), today=DAY),
        minutes=20)
    with session_scope(any_app) as s:
        assert summary.verify(s) == []
        (row,) = summary.stored(s, class_ids=[any_world.class3.id]).values()
        assert row.counted == 30
