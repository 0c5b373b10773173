"""A long homework import does not lock teachers out, and stays all-or-nothing (issue #17, ADR 0010).

The file is read and every row checked before the write lock is taken; inside it the rows go in with
a few bulk statements. Whatever fails inside leaves nothing behind.
"""

from __future__ import annotations

import sqlite3
import time
from datetime import date, timedelta

import pytest
from sqlalchemy import func
from sqlmodel import select

from edulite.core import rules
from edulite.db import session_scope
from edulite.homework import service as homework
from edulite.homework import summary
from edulite.homework.input import HomeworkInput
from edulite.imports import load as importers
from edulite.models import AuditEntry, ClassDayLoad, HomeworkItem, HomeworkRevision
from tests.db.test_homework_services import scope_of
from tests.db.test_importers import hw, run, write

HEADER = ["学校", "班级", "学科", "教师", "布置日期", "截止日期", "类型", "必做", "完成地点", "预计分钟", "内容"]
START = date(2024, 9, 2)


def many(n: int) -> list[list]:
    return [HEADER] + [hw(set_date=(START + timedelta(days=i % 60)).isoformat(), minutes=1, description=f"第{i}题")
                       for i in range(n)]


def count(app, model) -> int:
    with session_scope(app) as s:
        return s.exec(select(func.count()).select_from(model)).one()


def test_the_rows_are_checked_while_teachers_can_still_save(app, world, tmp_path, monkeypatch, sqlite_url):
    """During the checks of every row another writer gets the lock at once (today: locked for the whole run)."""
    probes: list[str] = []
    real = importers._already_stored

    def checked_rows(*args, **kwargs):
        if probes:  # the second call is the re-check inside the lock
            return real(*args, **kwargs)
        other = sqlite3.connect(sqlite_url.split("///", 1)[1], timeout=0.2, isolation_level=None)
        try:
            other.execute("BEGIN IMMEDIATE")
            other.execute("ROLLBACK")
            probes.append("free")
        except sqlite3.OperationalError as error:
            probes.append(str(error))
        finally:
            other.close()
        return real(*args, **kwargs)

    # The last check before the writes: every row was read and looked up in the database by then.
    monkeypatch.setattr(importers, "_already_stored", checked_rows)
    result = run(app, "import-homework", write(tmp_path / "h.csv", many(50)))
    assert result.exit_code == 0, result.output
    assert probes == ["free"] and count(app, HomeworkItem) == 50


def test_a_large_import_holds_the_write_lock_for_a_short_time_only(app, world, tmp_path, monkeypatch):
    """3,000 rows: the write half is a few bulk statements (one flush per row took ~30 ms each before)."""
    path = write(tmp_path / "h.csv", many(3000))
    held: list[float] = []
    real = importers._add_items

    def timed(*args, **kwargs):
        started = time.process_time()
        try:
            return real(*args, **kwargs)
        finally:
            held.append(time.process_time() - started)

    monkeypatch.setattr(importers, "_add_items", timed)
    result = run(app, "import-homework", path)
    assert result.exit_code == 0, result.output
    assert count(app, HomeworkItem) == count(app, HomeworkRevision) == 3000
    assert count(app, AuditEntry) == 3000
    assert held[0] < 3.0, held  # CPU seconds inside the lock; 3,000 flushes took ~60 s
    with session_scope(app) as s:
        assert summary.verify(s) == []


def test_an_import_failing_inside_the_lock_leaves_nothing(any_app, any_world, tmp_path, monkeypatch):
    def broken(*_args, **_kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(summary, "refresh", broken)
    result = run(any_app, "import-homework", write(tmp_path / "h.csv", many(40)))
    assert result.exit_code != 0
    assert count(any_app, HomeworkItem) == count(any_app, HomeworkRevision) == count(any_app, ClassDayLoad) == 0
    assert count(any_app, AuditEntry) == 0


def test_a_row_a_teacher_saved_while_the_file_was_checked_refuses_the_whole_file(any_app, any_world, tmp_path,
                                                                                monkeypatch):
    real = importers.begin_writes

    def teacher_saves_meanwhile(session):
        with session_scope(any_app) as other:
            homework.log_homework(other, scope=scope_of(any_world.teacher), today=START, data=HomeworkInput(
                class_id=any_world.class3.id, subject_id=any_world.maths.id, description="第7题", minutes=1,
                set_date=START + timedelta(days=7)))
        return real(session)

    monkeypatch.setattr(importers, "begin_writes", teacher_saves_meanwhile)
    result = run(any_app, "import-homework", write(tmp_path / "h.csv", many(40)))
    assert result.exit_code != 0 and "already in the database" in result.output
    assert count(any_app, HomeworkItem) == 1  # the teacher's, and nothing of the file


@pytest.mark.parametrize("rows", [1, 25])
def test_imported_items_get_their_revision_and_audit_entry_with_the_right_ids(any_app, any_world, tmp_path, rows):
    assert run(any_app, "import-homework", write(tmp_path / "h.csv", many(rows))).exit_code == 0
    with session_scope(any_app) as s:
        items = {i.id: i for i in s.exec(select(HomeworkItem)).all()}
        for revision in s.exec(select(HomeworkRevision)).all():
            assert f'"description": "{items[revision.item_id].description}"' in revision.snapshot
        audits = s.exec(select(AuditEntry).where(AuditEntry.entity == "homework_item")).all()
        assert sorted(a.entity_id for a in audits) == sorted(items)
        assert all(i.last_evening == rules.last_evening(i.set_date, i.due_date) for i in items.values())
        assert summary.verify(s) == []
