"""When SQLite's write lock stays taken past the busy timeout, a write gets "busy, try again" (503 with
Retry-After), never a 500 "database is locked"; the teacher's typed entry comes back as typed (#17)."""

from __future__ import annotations

import sqlite3
import threading
from datetime import timedelta

import pytest

from edulite import create_app
from edulite.db import get_db, session_scope
from tests.conftest import base_config
from tests.db.test_importers import hw, run, write
from tests.support.factories import PASSWORD, make_world
from tests.support.teacher import entry, items, today

HEADER = ["学校", "班级", "学科", "教师", "布置日期", "截止日期", "类型", "必做", "完成地点", "预计分钟", "内容"]


@pytest.fixture
def short_wait(sqlite_url):
    """The app with a busy timeout of 0.3 s, and a way to hold the write lock from elsewhere."""
    app = create_app(base_config(DATABASE_URL=sqlite_url, SQLITE_BUSY_TIMEOUT_MS=300))
    with session_scope(app) as s:
        world = make_world(s)
    yield app, world, sqlite_url.split("///", 1)[1]
    get_db(app).dispose()


def _client(app, lang="en"):
    client = app.test_client()
    client.set_cookie("lang", lang)
    assert client.post("/login", data={"username": "teacher", "password": PASSWORD}).status_code == 303
    return client


class _Locked:
    """Another writer (an import, a backup) holding the write lock."""

    def __init__(self, path: str):
        self.conn = sqlite3.connect(path, isolation_level=None)

    def __enter__(self):
        self.conn.execute("BEGIN IMMEDIATE")
        return self

    def __exit__(self, *_exc):
        self.conn.execute("ROLLBACK")
        self.conn.close()


@pytest.mark.parametrize("lang, words", [
    ("en", "Many changes are being saved at this moment, so this entry was not saved yet"),
    ("zh", "此刻有大量数据正在保存，这条作业还没有保存"),
])
def test_a_save_that_cannot_get_the_lock_answers_busy_with_the_entry_as_typed(short_wait, lang, words):
    app, world, path = short_wait
    client = _client(app, lang)
    with _Locked(path):
        response = client.post(f"/teacher/class/{world.class3.id}", data=entry(world, description="背诵第五课",
                                                                                minutes=25))
    page = response.get_data(as_text=True)
    assert response.status_code == 503 and response.headers["Retry-After"] == "5"
    assert words in page
    assert "背诵第五课</textarea>" in page and 'value="25"' in page
    assert items(app) == []
    # Once the lock is free the same post saves.
    assert client.post(f"/teacher/class/{world.class3.id}", data=entry(world)).status_code == 303


def test_any_other_write_that_cannot_get_the_lock_gets_the_busy_page(short_wait):
    app, world, path = short_wait
    client = _client(app)
    with _Locked(path):
        response = client.post(f"/teacher/class/{world.class3.id}/no-homework",
                               data={"subject_id": world.maths.id, "day": today().isoformat()})
    assert response.status_code == 503 and response.headers["Retry-After"] == "5"
    assert "Nothing was lost: please try again in a few seconds." in response.get_data(as_text=True)


def test_teachers_saving_during_a_large_import_never_get_a_500_and_the_import_is_whole(app, world, tmp_path):
    rows = [HEADER] + [hw(set_date=(today() - timedelta(days=30 + i % 60)).isoformat(), minutes=1,
                          description=f"导入第{i}题") for i in range(3000)]
    path = write(tmp_path / "h.csv", rows)
    outcome = {}
    importer = threading.Thread(target=lambda: outcome.update(result=run(app, "import-homework", path)))
    client = _client(app)
    statuses = []
    importer.start()
    n = 0
    while importer.is_alive() or n < 3:
        n += 1
        statuses.append(client.post(f"/teacher/class/{world.class3.id}",
                                    data=entry(world, description=f"课堂练习{n}", minutes=1)).status_code)
    importer.join(120)
    assert outcome["result"].exit_code == 0, outcome["result"].output
    assert set(statuses) <= {303, 503}, statuses
    saved = statuses.count(303)
    assert saved >= 1
    all_items = items(app)
    assert sum(i.description.startswith("导入") for i in all_items) == 3000
    assert len(all_items) == 3000 + saved
