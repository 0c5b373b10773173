"""Benchmark data sets, built straight into a migrated database (bulk INSERT on SQLite, COPY on PostgreSQL).

S: 1 school, 36 classes (grades 1–9), homework of the term so far (~8 entries a class-day, ~18 k items).
M: S's school plus 600 schools of 12 classes each (7,200 classes) in one district, ~500 items a class
   (3.6 M items) and one or two after-school sessions a school-day.

Every school gets the same accounts pattern: `p<school>` principal, `t<school>` teacher who teaches every
class of the school in every subject; the first school's are `principal` and `teacher`, the district
supervisor is `district`. Passwords are BENCH_PASSWORD, hashed cheaply (a benchmark signs in once).
"""

from __future__ import annotations

import random
import secrets
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import insert, text
from werkzeug.security import generate_password_hash

from edulite.db import get_db, session_scope
from edulite.homework import summary
from edulite.models import (
    AfterSchoolSession,
    Assignment,
    ClassLink,
    District,
    HomeworkItem,
    School,
    SchoolClass,
    Subject,
    User,
)

BENCH_PASSWORD = "bench-password"  # noqa: S105 (a throw-away benchmark database)
HASH = "pbkdf2:sha256:1000"
SUBJECTS = ("语文", "数学", "英语", "科学", "道德与法治", "体育", "音乐", "美术")
# (subject index, kind, location, required, minutes choices): about eight entries a class-day.
PLAN = ((0, "written", "home", True, (10, 15, 20)), (1, "written", "home", True, (10, 15, 20)),
        (2, "written", "home", True, (10, 15)), (3, "written", "class", True, (10,)),
        (0, "oral", "home", True, (10,)), (2, "reading", "home", False, (10, 15)),
        (5, "exercise", "home", True, (10, 20)), (4, "practical", "home", False, (15,)))
TEACHER_CLASSES = 4
ITEM_COLUMNS = ("class_id", "subject_id", "teacher_id", "set_date", "due_date", "last_evening", "description",
                "kind", "required", "location", "minutes", "no_homework", "graded", "withdrawn", "version",
                "created_at", "updated_at")


@dataclass(frozen=True)
class Built:
    school_id: int
    class_ids: list[int]
    teacher_class_ids: list[int]  # the classes of the teacher who signs in
    parent_token: str
    schools: int
    classes: int
    items: int


def school_days(first: date, last: date) -> list[date]:
    """Weekdays in [first, last]."""
    return [first + timedelta(days=n) for n in range((last - first).days + 1)
            if (first + timedelta(days=n)).weekday() < 5]


def term_days(today: date) -> list[date]:
    """The school days of the term so far, up to yesterday (today is still being logged)."""
    first = date(today.year if today.month >= 9 else today.year - 1, 9, 1) if today.month >= 8 or today.month < 2 \
        else date(today.year, 2, 1)
    return school_days(first, today - timedelta(days=1))


def _item_rows(rng: random.Random, class_ids: list[int], subject_ids: list[int], teacher_id: int,
               days: list[date], now: datetime):
    for cid in class_ids:
        for d in days:
            for si, kind, loc, req, mins in PLAN:
                if rng.random() < 0.97:
                    yield (cid, subject_ids[si], teacher_id, d, None, d, "练习", kind, req, loc, rng.choice(mins),
                           False, rng.random() < 0.85, False, 1, now, now)


def _school(session, *, district_id: int, n: int, classes: int, subject_ids: list[int], first: bool):
    school = School(name="基准学校" if first else f"基准学校{n:04d}", district_id=district_id)
    session.add(school)
    session.flush()
    pw = generate_password_hash(BENCH_PASSWORD, HASH)
    teacher = User(username="teacher" if first else f"t{n}", display_name="教师", password_hash=pw,
                   role="teacher", school_id=school.id)
    principal = User(username="principal" if first else f"p{n}", display_name="校长", password_hash=pw,
                     role="principal", school_id=school.id)
    klasses = [SchoolClass(school_id=school.id, grade=1 + k % 9, name=f"{1 + k % 9}年级({k // 9 + 1})班",
                           headcount=40) for k in range(classes)]
    # The teacher who signs in teaches what a subject teacher really does: four classes, two subjects
    # (their home page shows those); a colleague account holds every other class and subject.
    colleague = User(username=f"c{n}", display_name="同事", password_hash=pw, role="teacher", school_id=school.id)
    session.add_all([teacher, principal, colleague, *klasses])
    session.flush()
    mine = {(k.id, s) for k in klasses[:TEACHER_CLASSES] for s in subject_ids[:2]}
    session.execute(insert(Assignment), [{"teacher_id": teacher.id if (k.id, s) in mine else colleague.id,
                                          "class_id": k.id, "subject_id": s} for k in klasses for s in subject_ids])
    return school, teacher, klasses


def build(app, *, schools: int = 0, classes_per_school: int = 12, today: date, seed: int = 1) -> Built:
    """Build S (always) and, with schools > 0, M's extra schools in the same district."""
    rng = random.Random(seed)
    days = term_days(today)
    now = datetime.now(UTC)
    db = get_db(app)
    with session_scope(app) as s:
        district = District(name="基准区")
        s.add(district)
        s.flush()
        subjects = [Subject(name=n) for n in SUBJECTS]
        s.add_all(subjects)
        s.flush()
        subject_ids = [x.id for x in subjects]
        s.add(User(username="district", display_name="督导", role="district", district_id=district.id,
                   password_hash=generate_password_hash(BENCH_PASSWORD, HASH)))
        school, teacher, klasses = _school(s, district_id=district.id, n=0, classes=36, subject_ids=subject_ids,
                                           first=True)
        token = secrets.token_urlsafe(16)
        s.add(ClassLink(class_id=klasses[0].id, token=token))
        first = (school.id, [k.id for k in klasses], teacher.id)
        extra = []
        for n in range(1, schools + 1):
            sch, t, ks = _school(s, district_id=district.id, n=n, classes=classes_per_school,
                                 subject_ids=subject_ids, first=False)
            extra.append((sch.id, [k.id for k in ks], t.id))
    count = 0
    for _school_id, class_ids, teacher_id in [first, *extra]:
        rows = _item_rows(rng, class_ids, subject_ids, teacher_id, days, now)
        count += _bulk(db, HomeworkItem, ITEM_COLUMNS, rows)
    sessions = ((sid, d, time(16, 30), time(17, 40) if rng.random() < 0.9 else time(18, 20), "作业辅导", now, now)
                for sid, _c, _t in [first, *extra] for d in days for _ in range(rng.choice((1, 2))))
    _bulk(db, AfterSchoolSession, ("school_id", "day", "start", "end", "activity", "created_at", "updated_at"),
          sessions)
    # The bulk load went around the ORM, so the class-evening summaries are built from the items here,
    # by the same code that keeps them afterwards.
    with session_scope(app) as s:
        summary.rebuild(s)
    engine = db.engine(write=True)
    if engine.dialect.name == "postgresql":
        # VACUUM too, as autovacuum soon does after a bulk load: without a visibility map the summaries'
        # covering indexes are read with heap fetches (the district's statement: 6 ms instead of 4).
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM ANALYZE"))
    else:
        with engine.begin() as conn:
            conn.execute(text("ANALYZE"))
    return Built(first[0], first[1], first[1][:TEACHER_CLASSES], token, 1 + schools,
                 len(first[1]) + schools * classes_per_school, count)


def _bulk(db, model, columns: tuple[str, ...], rows) -> int:
    """Insert rows (tuples in columns' order): COPY on PostgreSQL, batched executemany on SQLite."""
    table = model.__table__.name
    count = 0
    engine = db.engine(write=True)
    if db.is_sqlite:
        batch = []
        with engine.begin() as conn:
            for row in rows:
                batch.append(dict(zip(columns, row, strict=True)))
                if len(batch) == 10_000:
                    conn.execute(insert(model), batch)
                    count += len(batch)
                    batch = []
            if batch:
                conn.execute(insert(model), batch)
                count += len(batch)
        return count
    raw = engine.raw_connection()
    try:
        with raw.cursor() as cur:
            names = ", ".join(f'"{c}"' for c in columns)
            with cur.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
                    count += 1
        raw.commit()
    finally:
        raw.close()
    return count
