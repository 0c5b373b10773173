"""A teacher's save holds SQLite's write lock only for its write half (ADR 0010, issue #12).

Signing the user in, the permission, the retry check and the budget run on the read engine, so
other teachers' saves are not queued behind them.
"""

from __future__ import annotations

import pytest
from sqlalchemy import event

from edulite.db import get_db
from tests.support.teacher import entry, items


@pytest.fixture
def teacher(signed_in):
    return signed_in("teacher", lang="en")


def _statements(app) -> list[tuple[bool, str]]:
    """(inside the write lock?, statement) of every statement, on both engines."""
    seen: list[tuple[bool, str]] = []
    state = {"locked": False}

    def execute(_conn, _cursor, statement, *_args):
        if statement.startswith("BEGIN IMMEDIATE"):
            state["locked"] = True
        seen.append((state["locked"], statement))

    def ended(_conn):
        state["locked"] = False

    db = get_db(app)
    for engine in {db.engine(write=False), db.engine(write=True)}:
        event.listen(engine, "before_cursor_execute", execute)
        event.listen(engine, "commit", ended)
        event.listen(engine, "rollback", ended)
    return seen


def test_a_save_reads_the_user_and_the_budget_before_taking_the_write_lock(app, teacher, world):
    seen = _statements(app)
    response = teacher.post(f"/teacher/class/{world.class3.id}", data=entry(world))
    seen = list(seen)
    assert response.status_code == 303 and len(items(app)) == 1
    locked = [s for inside, s in seen if inside]
    unlocked = [s for inside, s in seen if not inside]
    assert any("FROM user" in s for s in unlocked) and not any("FROM user" in s for s in locked)
    # The budget reads the class's items with their subjects' names (budget.class_items): before the lock.
    assert any("JOIN subject" in s and "homework_item.description" in s for s in unlocked)
    assert sum(s.startswith("BEGIN IMMEDIATE") for s in locked) == 1
    # 22 when ADR 0010 landed, 26 with the national holidays (#14) and the school-day counts (#12). Since the
    # write half runs in Core statements (#12 saves): BEGIN, one statement for the class and what the read
    # half's verdicts rest on (its evenings' items, the policy versions, the calendar of the evenings), the
    # item, its class-evening rows (one upsert), the school-day counts (DELETE, INSERT ... SELECT), the data
    # version, the revision, the stored alerts of its evenings and the audit rows: 10.
    assert len(locked) <= 10, locked
    # The policy and the calendar are validated inside the lock, not read again whole.
    assert not any(s.startswith(("SELECT policy_version.id", "SELECT national_day.day")) for s in locked), locked
