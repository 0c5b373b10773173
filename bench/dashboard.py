"""How fast is the principal's week, and does its SQL grow with the school? (run: python bench/dashboard.py)

Builds a school with a full year of homework (classes x 200 school days x ~8 items) on a temporary
SQLite file, then requests the dashboard N times through the Flask test client and prints the median
and 95th-percentile response time and the number of SQL statements per page, for each size.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import event, insert  # noqa: E402
from werkzeug.security import generate_password_hash  # noqa: E402

from edulite import create_app  # noqa: E402
from edulite.core.calendar import week_start  # noqa: E402
from edulite.db import get_db, session_scope, upgrade  # noqa: E402
from edulite.models import District, HomeworkItem, School, SchoolClass, Subject, User  # noqa: E402

HASH = "pbkdf2:sha256:1000"
SUBJECTS = ("语文", "数学", "英语", "科学", "道德与法治", "体育", "音乐", "美术")
# (subject index, kind, location, required, minutes choices): about eight items a class-day.
PLAN = ((0, "written", "home", True, (10, 15, 20)), (1, "written", "home", True, (10, 15, 20)),
        (2, "written", "home", True, (10, 15)), (3, "written", "class", True, (10,)),
        (0, "oral", "home", True, (10,)), (2, "reading", "home", False, (10, 15)),
        (5, "exercise", "home", True, (10, 20)), (4, "practical", "home", False, (15,)))


def school_days(last: date, count: int) -> list[date]:
    days, day = [], last
    while len(days) < count:
        if day.weekday() < 5:
            days.append(day)
        day -= timedelta(days=1)
    return sorted(days)


def build(app, *, classes: int, days: list[date], seed: int = 1) -> None:
    rng = random.Random(seed)
    with session_scope(app) as s:
        district = District(name="基准区")
        s.add(district)
        s.flush()
        school = School(name="基准学校", district_id=district.id)
        s.add(school)
        s.flush()
        subjects = [Subject(name=n) for n in SUBJECTS]
        teacher = User(username="t", display_name="教师", password_hash="!", role="teacher",  # noqa: S106 (no sign-in)
                       school_id=school.id)
        principal = User(username="principal", display_name="校长", password_hash=generate_password_hash("pw", HASH),
                         role="principal", school_id=school.id)
        klasses = [SchoolClass(school_id=school.id, grade=1 + n % 9, name=f"{1 + n % 9}年级({n // 9 + 1})班",
                               headcount=40) for n in range(classes)]
        s.add_all([*subjects, teacher, principal, *klasses])
        s.flush()
        now = datetime.now(ZoneInfo("UTC"))
        rows = [{"class_id": k.id, "subject_id": subjects[si].id, "teacher_id": teacher.id, "set_date": d,
                 "last_evening": d, "description": "练习", "kind": kind, "required": req, "location": loc,
                 "minutes": rng.choice(mins), "no_homework": False, "graded": rng.random() < 0.85,
                 "withdrawn": False, "version": 1, "created_at": now, "updated_at": now}
                for k in klasses for d in days for si, kind, loc, req, mins in PLAN if rng.random() < 0.97]
        for start in range(0, len(rows), 5000):
            s.execute(insert(HomeworkItem), rows[start:start + 5000])
    print(f"  built {classes} classes x {len(days)} school days: {len(rows)} items", flush=True)


def measure(classes: int, requests: int, days: int) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        app = create_app({"TESTING": True, "SECRET_KEY": "bench", "WTF_CSRF_ENABLED": False, "ASSET_MODE": "local",
                          "DATABASE_URL": f"sqlite:///{Path(tmp) / 'bench.sqlite'}", "PASSWORD_HASH_METHOD": HASH})
        upgrade(app)
        today = datetime.now(ZoneInfo("Asia/Shanghai")).date()
        year = school_days(week_start(today) - timedelta(days=3), days)  # up to last Friday
        build(app, classes=classes, days=year)
        client = app.test_client()
        client.post("/login", data={"username": "principal", "password": "pw"})
        url = f"/principal/?week={week_start(year[-1])}"
        statements: list[str] = []
        engine = get_db(app).engine(write=False)
        event.listen(engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
        assert client.get(url).status_code == 200  # warm-up: engines, templates, translations
        statements.clear()
        timings = []
        for _ in range(requests):
            started = time.perf_counter()
            response = client.get(url)
            timings.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200
        per_page = len(statements) / requests
        get_db(app).dispose()
    timings.sort()
    return {"classes": classes, "median_ms": statistics.median(timings),
            "p95_ms": timings[min(len(timings) - 1, round(0.95 * len(timings)) - 1)], "statements": per_page}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10,30", help="class counts to compare (default 10,30)")
    parser.add_argument("--requests", type=int, default=30, help="dashboard requests per size (default 30)")
    parser.add_argument("--days", type=int, default=200, help="school days of homework (default 200)")
    args = parser.parse_args()
    results = []
    for size in (int(n) for n in args.sizes.split(",")):
        print(f"size {size}:", flush=True)
        results.append(measure(size, args.requests, args.days))
    print(f"\n{'classes':>8} {'median ms':>10} {'p95 ms':>8} {'SQL statements/page':>20}")
    for r in results:
        print(f"{r['classes']:>8} {r['median_ms']:>10.1f} {r['p95_ms']:>8.1f} {r['statements']:>20.1f}")


if __name__ == "__main__":
    main()
