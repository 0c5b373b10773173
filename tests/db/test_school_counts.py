"""The district's per-school counts (active classes; sessions and the end of service per school-day) always
equal a recount of the classes and sessions, whatever sequence of writes (ISSUE #12, ADR 0018)."""

from __future__ import annotations

import itertools
import threading
from datetime import date, time, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlmodel import select

from edulite.db import session_scope
from edulite.homework import summary
from edulite.models import AfterSchoolSession, SchoolClass, SchoolClassCount, SchoolServiceDay
from edulite.school import counts
from tests.support.factories import make_world

MONDAY = date(2026, 11, 16)
DAYS = [MONDAY + timedelta(days=n) for n in range(6)]
ENDS = [time(17, 20), time(17, 40), time(18, 10)]
NAMES = itertools.count()  # a class name is unique in its school, and classes move between schools

ops = st.lists(st.one_of(
    st.fixed_dictionaries({"op": st.just("add session"), "school": st.booleans(), "day": st.sampled_from(DAYS),
                           "end": st.sampled_from(ENDS)}),
    st.fixed_dictionaries({"op": st.sampled_from(["end", "day", "school", "delete session"]),
                           "pick": st.integers(0, 100), "value": st.integers(0, 100)}),
    st.fixed_dictionaries({"op": st.sampled_from(["add class", "toggle class", "move class", "delete class"]),
                           "pick": st.integers(0, 100), "school": st.booleans()}),
), min_size=1, max_size=12)


def apply(session, world, op: dict) -> None:
    schools = {True: world.school.id, False: world.other_school.id}
    sessions = session.exec(select(AfterSchoolSession).order_by(AfterSchoolSession.id)).all()
    classes = session.exec(select(SchoolClass).where(SchoolClass.name.startswith("测")).order_by(SchoolClass.id)).all()
    if op["op"] == "add session":
        session.add(AfterSchoolSession(school_id=schools[op["school"]], day=op["day"], start=time(16, 30),
                                       end=op["end"], activity="作业辅导"))
    elif op["op"] in ("end", "day", "school", "delete session") and sessions:
        row = sessions[op["pick"] % len(sessions)]
        if op["op"] == "end":
            row.end = ENDS[op["value"] % len(ENDS)]
        elif op["op"] == "day":
            row.day = DAYS[op["value"] % len(DAYS)]
        elif op["op"] == "school":
            row.school_id = schools[row.school_id != world.school.id]
        else:
            session.delete(row)
            return
        session.add(row)
    elif op["op"] == "add class":
        session.add(SchoolClass(school_id=schools[op["school"]], grade=4, name=f"测{next(NAMES)}",
                                headcount=40))
    elif classes:
        klass = classes[op["pick"] % len(classes)]
        if op["op"] == "toggle class":
            klass.active = not klass.active
        elif op["op"] == "move class":
            klass.school_id = schools[klass.school_id != world.school.id]
        else:
            session.delete(klass)
            return
        session.add(klass)


def test_school_counts_equal_a_recount_after_any_sequence_of_writes(any_app):
    with session_scope(any_app) as session:
        world = make_world(session)

    @settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(sequence=ops)
    def check(sequence):
        with session_scope(any_app) as session:  # each example starts from no session and no extra class
            session.exec(AfterSchoolSession.__table__.delete())
            session.exec(SchoolClass.__table__.delete().where(SchoolClass.name.startswith("测")))
            counts.rebuild(session)
        for op in sequence:
            with session_scope(any_app) as session:
                apply(session, world, op)
        with session_scope(any_app) as session:
            assert counts.differences(session) == []
            assert summary.verify(session) == []

    check()


def test_a_session_saved_shows_in_its_school_day_at_once(any_app):
    with session_scope(any_app) as session:
        world = make_world(session)
        session.add(AfterSchoolSession(school_id=world.school.id, day=MONDAY, start=time(16, 30), end=time(17, 40),
                                       activity="作业辅导"))
        session.add(AfterSchoolSession(school_id=world.school.id, day=MONDAY, start=time(17, 40), end=time(18, 10),
                                       activity="作业辅导"))
    with session_scope(any_app) as session:
        row = session.get(SchoolServiceDay, (world.school.id, MONDAY))
        assert (row.sessions, row.last_end) == (2, time(18, 10))
        assert session.get(SchoolClassCount, world.school.id).active == 3  # 三年级, 一年级, 初一


def test_verify_summaries_reports_a_tampered_count_and_fix_rebuilds_it(app):
    with session_scope(app) as session:
        world = make_world(session)
        session.add(AfterSchoolSession(school_id=world.school.id, day=MONDAY, start=time(16, 30), end=time(17, 40),
                                       activity="作业辅导"))
    with session_scope(app) as session:
        session.exec(SchoolClassCount.__table__.update().values(active=9))
        session.exec(SchoolServiceDay.__table__.update().values(sessions=5))
    runner = app.test_cli_runner()
    found = runner.invoke(args=["edulite", "verify-summaries"])
    assert found.exit_code == 1
    assert f"school {world.school.id}: stored 9 active classes" in found.output
    assert f"school {world.school.id} on {MONDAY}: stored (sessions, last end) (5," in found.output
    assert runner.invoke(args=["edulite", "verify-summaries", "--fix"]).exit_code == 0
    assert runner.invoke(args=["edulite", "verify-summaries"]).exit_code == 0


def test_sessions_of_one_school_saved_at_once_are_all_counted(any_app):
    """PostgreSQL runs two saves of one school side by side: the school-day row must neither collide
    (duplicate key) nor miss the other's session."""
    with session_scope(any_app) as session:
        world = make_world(session)
    start = threading.Barrier(2)
    failures: list[BaseException] = []

    def save(end: time) -> None:
        try:
            for n in range(6):
                if n == 0:
                    start.wait(timeout=30)
                with session_scope(any_app) as session:
                    session.add(AfterSchoolSession(school_id=world.school.id, day=MONDAY, start=time(16, 30),
                                                   end=end, activity="作业辅导"))
        except BaseException as error:  # noqa: BLE001 (reported below, in the test's thread)
            failures.append(error)

    threads = [threading.Thread(target=save, args=(end,)) for end in (time(17, 40), time(18, 10))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert failures == []
    with session_scope(any_app) as session:
        assert counts.differences(session) == []
        row = session.get(SchoolServiceDay, (world.school.id, MONDAY))
        assert (row.sessions, row.last_end) == (12, time(18, 10))
