"""Import rosters and homework: every row is checked against the database first, then all is written or nothing."""

from __future__ import annotations

import json
import re
import secrets
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlalchemy import func, insert
from sqlmodel import Session, SQLModel, col, select

from edulite.core import rules
from edulite.db import begin_writes
from edulite.homework import summary
from edulite.imports import sheets
from edulite.imports.sheets import RowError, Sheet
from edulite.models import (
    Assignment,
    AuditEntry,
    District,
    HomeworkItem,
    HomeworkRevision,
    School,
    SchoolClass,
    Subject,
    User,
    utcnow,
)
from edulite.school import versions
from edulite.school.audit import audit

try:
    from edulite.alerts.store import recompute
except ImportError:  # the alert engine lands separately; imports work without it
    recompute = None

DEFAULT_DISTRICT = "默认区"
NO_HOMEWORK = {"无", "none"}
ENTITIES = ("districts", "schools", "classes", "subjects", "teachers", "assignments", "homework items")
READABLE = "abcdefghjkmnpqrstuvwxyz23456789"  # nothing to misread when copied from paper


class ImportRejected(Exception):
    """Bad rows were found; nothing was written."""

    def __init__(self, errors: list[RowError]):
        super().__init__(f"{len(errors)} bad row(s)")
        self.errors = sorted(errors, key=lambda e: e.row)


@dataclass(frozen=True)
class NewAccount:
    school: str
    display_name: str
    username: str
    password: str


@dataclass
class ImportReport:
    # Counts by kind of row, e.g. created["schools"]; the CLI prints them in ENTITIES order.
    created: Counter = field(default_factory=Counter)
    updated: Counter = field(default_factory=Counter)
    changes: list[str] = field(default_factory=list)
    accounts: list[NewAccount] = field(default_factory=list)


def new_password() -> str:
    return "".join(secrets.choice(READABLE) for _ in range(10))


def _by_name(session: Session, model, names) -> dict:
    return {r.name: r for r in session.exec(select(model).where(col(model.name).in_(set(names))))}


def _classes(session: Session, schools: dict[str, School]) -> dict[tuple[int, str], SchoolClass]:
    query = select(SchoolClass).where(col(SchoolClass.school_id).in_([s.id for s in schools.values()]))
    return {(c.school_id, c.name): c for c in session.exec(query)}


def _teachers(session: Session, schools: dict[str, School], names) -> dict[tuple[int, str], list[User]]:
    found: dict[tuple[int, str], list[User]] = {}
    query = select(User).where(col(User.school_id).in_([s.id for s in schools.values()]),
                               col(User.display_name).in_(set(names)))
    for user in session.exec(query):
        found.setdefault((user.school_id, user.display_name), []).append(user)
    return found


def _assignments(session: Session, classes: dict) -> dict[tuple[int, int], Assignment]:
    query = select(Assignment).where(col(Assignment.class_id).in_([c.id for c in classes.values()]))
    return {(a.class_id, a.subject_id): a for a in session.exec(query)}


def _teacher_problem(users: list[User], name: str, school: str) -> str | None:
    active = [u for u in users if u.active]
    if len(active) > 1:
        return f"several accounts in {school} are named {name!r}: rename one first"
    if users and not active:
        return f"the account of {name!r} in {school} is disabled"
    return None


def _record(session: Session, report: ImportReport, entity: str, row: SQLModel, school_id: int | None) -> None:
    session.add(row)
    session.flush()
    report.created[entity] += 1
    audit(session, user_id=None, school_id=school_id, action="import", entity=type(row).__tablename__,
          entity_id=row.id, after=row.model_dump(exclude={"password_hash"}))


def username_for(display_name: str, taken: set[str]) -> str:
    """The teacher's own name when free, else the name with the first free number (王芳2, 王芳3 …)."""
    base = re.sub(r"\s+", "", display_name)[:60]
    name, n = base, 1
    while name.lower() in taken:
        n += 1
        name = f"{base}{n}"
    return name


def import_roster(session: Session, sheet: Sheet, *, district: str | None,
                  hash_password: Callable[[str], str]) -> ImportReport:
    """Create missing schools, classes, subjects, teachers and assignments; update grades, sizes, teachers."""
    rows, errors = sheets.typed_rows(sheet, sheets.ROSTER_CELLS, sheets.ROSTER_COLUMNS)
    errors += _roster_conflicts(rows)
    schools = _by_name(session, School, [v["school"] for _, v in rows])
    teachers = _teachers(session, schools, [v["teacher"] for _, v in rows])
    home, home_problem = None, None
    if district or any(v["school"] not in schools for _, v in rows):
        home, home_problem = _district(session, district)
    for number, v in rows:
        school = schools.get(v["school"])
        problem = home_problem if school is None else _teacher_problem(
            teachers.get((school.id, v["teacher"]), []), v["teacher"], v["school"])
        if school is not None and district and school.district_id != home.id:
            problem = f"school {v['school']!r} belongs to district {session.get(District, school.district_id).name}"
        if problem:
            errors.append(RowError(number, problem))
    if errors:
        raise ImportRejected(errors)
    report = ImportReport()
    if home is not None and home.id is None:
        _record(session, report, "districts", home, None)
    classes, subjects = _classes(session, schools), _by_name(session, Subject, [v["subject"] for _, v in rows])
    assignments = _assignments(session, classes)
    for _number, v in rows:
        school = schools.get(v["school"])
        if school is None:
            school = schools[v["school"]] = School(name=v["school"], district_id=home.id)
            _record(session, report, "schools", school, None)
        klass = _class(session, report, classes, school, v)
        subject = subjects.get(v["subject"])
        if subject is None:
            subject = subjects[v["subject"]] = Subject(name=v["subject"])
            _record(session, report, "subjects", subject, None)
        teacher = next((u for u in teachers.get((school.id, v["teacher"]), []) if u.active), None)
        if teacher is None:
            teacher = _new_teacher(session, report, school, v["teacher"], hash_password)
            teachers[school.id, v["teacher"]] = [teacher]
        _assign(session, report, assignments, klass, subject, teacher, school)
    return report


def _roster_conflicts(rows: list[tuple[int, dict[str, Any]]]) -> list[RowError]:
    sizes: dict[tuple[str, str], tuple[int, tuple[int, int]]] = {}
    pairs: dict[tuple[str, str, str], int] = {}
    errors = []
    for number, v in rows:
        key, size = (v["school"], v["class"]), (v["grade"], v["headcount"])
        first, first_size = sizes.setdefault(key, (number, size))
        if first_size != size:
            errors.append(RowError(number, f"grade/headcount of {v['class']} differ from row {first}"))
        if key + (v["subject"],) in pairs:
            errors.append(RowError(number, f"{v['subject']} in {v['class']} is already listed in row "
                                           f"{pairs[key + (v['subject'],)]} (one row per class and subject)"))
        pairs.setdefault(key + (v["subject"],), number)
    return errors


def _district(session: Session, name: str | None) -> tuple[District | None, str | None]:
    if name:
        return session.exec(select(District).where(District.name == name)).first() or District(name=name), None
    found = session.exec(select(District).order_by(District.id).limit(2)).all()
    if len(found) > 1:
        return None, "new school, and there are several districts: choose one with --district"
    return (found[0] if found else District(name=DEFAULT_DISTRICT)), None


def _class(session: Session, report: ImportReport, classes: dict, school: School, v: dict) -> SchoolClass:
    klass = classes.get((school.id, v["class"]))
    if klass is None:
        klass = classes[school.id, v["class"]] = SchoolClass(school_id=school.id, name=v["class"], grade=v["grade"],
                                                             headcount=v["headcount"])
        _record(session, report, "classes", klass, school.id)
    elif (klass.grade, klass.headcount) != (v["grade"], v["headcount"]):
        before = {"grade": klass.grade, "headcount": klass.headcount}
        report.changes.append(f"{klass.name} ({school.name}): grade {klass.grade} -> {v['grade']}, "
                              f"headcount {klass.headcount} -> {v['headcount']}")
        report.updated["classes"] += 1
        klass.grade, klass.headcount = v["grade"], v["headcount"]
        session.add(klass)
        audit(session, user_id=None, school_id=school.id, action="import", entity="school_class",
              entity_id=klass.id, before=before, after={"grade": klass.grade, "headcount": klass.headcount})
    return klass


def _new_teacher(session: Session, report: ImportReport, school: School, name: str,
                 hash_password: Callable[[str], str]) -> User:
    # Case-blind, so that nobody gets "Teacher" next to someone else's "teacher".
    base = re.sub(r"\s+", "", name)[:60].lower()
    taken = {u.lower() for u in session.exec(
        select(User.username).where(func.lower(User.username).startswith(base, autoescape=True)))}
    password = new_password()
    user = User(username=username_for(name, taken), display_name=name, password_hash=hash_password(password),
                role="teacher", school_id=school.id, must_change_password=True)
    _record(session, report, "teachers", user, school.id)
    report.accounts.append(NewAccount(school.name, name, user.username, password))
    return user


def _assign(session: Session, report: ImportReport, assignments: dict, klass: SchoolClass, subject: Subject,
            teacher: User, school: School) -> None:
    current = assignments.get((klass.id, subject.id))
    if current is None:
        assignments[klass.id, subject.id] = current = Assignment(teacher_id=teacher.id, class_id=klass.id,
                                                                 subject_id=subject.id)
        _record(session, report, "assignments", current, school.id)
    elif current.teacher_id != teacher.id:
        before = session.get(User, current.teacher_id)
        report.changes.append(f"{subject.name} in {klass.name} ({school.name}): teacher {before.display_name} "
                              f"-> {teacher.display_name}")
        report.updated["assignments"] += 1
        audit(session, user_id=None, school_id=school.id, action="import", entity="assignment",
              entity_id=current.id, before={"teacher_id": current.teacher_id}, after={"teacher_id": teacher.id})
        current.teacher_id = teacher.id
        session.add(current)


@dataclass(frozen=True)
class _Found:
    """What a homework row's names resolve to; any of them may be missing."""

    school: School | None
    klass: SchoolClass | None
    subject: Subject | None
    users: list[User]


def import_homework(session: Session, sheet: Sheet) -> ImportReport:
    """Add every row as a homework item with its first revision, or raise ImportRejected and add nothing."""
    rows, errors = sheets.typed_rows(sheet, sheets.HOMEWORK_CELLS, sheets.HOMEWORK_COLUMNS)
    schools = _by_name(session, School, [v["school"] for _, v in rows])
    classes, subjects = _classes(session, schools), _by_name(session, Subject, [v["subject"] for _, v in rows])
    teachers = _teachers(session, schools, [v["teacher"] for _, v in rows])
    assigned = {k: a.teacher_id for k, a in _assignments(session, classes).items()}
    names = {u.id: u.display_name for users in teachers.values() for u in users}
    seen: dict[tuple, int] = {}
    ready = []
    for number, v in rows:
        school, subject = schools.get(v["school"]), subjects.get(v["subject"])
        found = _Found(school, classes.get((school.id, v["class"])) if school else None, subject,
                       teachers.get((school.id, v["teacher"]), []) if school else [])
        key = (v["school"], v["class"], v["subject"], v["set_date"], v["description"])
        problem = _homework_problem(v, found, assigned, names)
        if problem is None and key in seen:
            problem = f"duplicate of row {seen[key]} (same class, subject, set date and description)"
        seen.setdefault(key, number)
        if problem:
            errors.append(RowError(number, problem))
        else:
            ready.append((number, v, found.klass, subject, next(u for u in found.users if u.active)))
    errors += _already_stored(session, ready)
    if errors:
        raise ImportRejected(errors)
    prepared = _prepare(ready)
    if begin_writes(session):
        # Everything above ran before the write lock (ADR 0010); inside it, only what a teacher's save
        # may have added since: the same entry, already stored.
        errors = _already_stored(session, ready)
        if errors:
            raise ImportRejected(errors)
    return _add_items(session, prepared)


def _homework_problem(v: dict[str, Any], found: _Found, assigned: dict, names: dict[int, str]) -> str | None:
    none = v["description"].casefold() in NO_HOMEWORK
    if v["due_date"] and v["due_date"] < v["set_date"]:
        return "due_date (截止日期) is before set_date (布置日期)"
    if v["minutes"] == 0 and not none:
        return "minutes (预计分钟) may be 0 only when description (内容) is 无 / none (no homework)"
    if v["minutes"] and none:
        return f"description (内容) {v['description']!r} means no homework, so minutes (预计分钟) must be 0"
    if found.school is None:
        return f"unknown school (学校) {v['school']!r}: import the roster first"
    if found.klass is None or not found.klass.active:
        return f"unknown or inactive class (班级) {v['class']!r} in {v['school']}"
    if found.subject is None:
        return f"unknown subject (学科) {v['subject']!r}"
    teacher = next((u for u in found.users if u.active), None)
    problem = _teacher_problem(found.users, v["teacher"], v["school"])
    if problem or teacher is None:
        return problem or f"unknown teacher (教师) {v['teacher']!r} in {v['school']}"
    holder = assigned.get((found.klass.id, found.subject.id))
    if holder != teacher.id:
        who = repr(names[holder]) if holder in names else "another teacher" if holder else "no teacher"
        return (f"teacher {v['teacher']!r} is not assigned {v['subject']} in {v['class']} "
                f"(the roster has {who} for it)")
    return None


def _already_stored(session: Session, ready: list) -> list[RowError]:
    if not ready:
        return []
    days = [v["set_date"] for _, v, *_ in ready]
    query = select(HomeworkItem).where(col(HomeworkItem.class_id).in_({r[2].id for r in ready}),
                                       HomeworkItem.set_date >= min(days), HomeworkItem.set_date <= max(days))
    stored = {(i.class_id, i.subject_id, i.set_date, i.description): i.id for i in session.exec(query)}
    errors = []
    for number, v, klass, subject, _teacher in ready:
        item_id = stored.get((klass.id, subject.id, v["set_date"], v["description"]))
        if item_id is not None:
            errors.append(RowError(number, f"already in the database as homework item #{item_id} "
                                           "(same class, subject, set date and description)"))
    return errors


def snapshot(item: HomeworkItem, subject: str) -> dict[str, Any]:
    data = item.model_dump(include={"class_id", "subject_id", "teacher_id", "description", "kind", "required",
                                    "location", "minutes", "no_homework"})
    return data | {"subject": subject, "set_date": item.set_date.isoformat(),
                   "due_date": item.due_date.isoformat() if item.due_date else None}


@dataclass
class _Prepared:
    """One checked row as the statements will write it; its item id is filled in inside the lock."""

    school_id: int
    item: dict[str, Any]
    revision: dict[str, Any]
    audit: dict[str, Any]


def _prepare(ready: list) -> list[_Prepared]:
    """Every row, its first revision and its audit entry, built before the write lock is taken."""
    now = utcnow()
    out = []
    for _number, v, klass, subject, teacher in ready:
        item = {"class_id": klass.id, "subject_id": subject.id, "teacher_id": teacher.id, "set_date": v["set_date"],
                "due_date": v["due_date"], "last_evening": rules.last_evening(v["set_date"], v["due_date"]),
                "description": v["description"], "kind": v["type"], "required": v["required"],
                "location": v["location"], "minutes": v["minutes"],
                "no_homework": v["description"].casefold() in NO_HOMEWORK, "graded": False, "withdrawn": False,
                "version": 1, "created_at": now, "updated_at": now}
        data = {k: item[k] for k in ("class_id", "subject_id", "teacher_id", "description", "kind", "required",
                                     "location", "minutes", "no_homework")}
        data |= {"subject": subject.name, "set_date": v["set_date"].isoformat(),
                 "due_date": v["due_date"].isoformat() if v["due_date"] else None}
        text = json.dumps(data, ensure_ascii=False, sort_keys=True)
        out.append(_Prepared(klass.school_id, item, {
            "version": 1, "action": "import", "changed_by": teacher.id, "changed_at": now, "snapshot": text}, {
            "at": now, "user_id": None, "school_id": klass.school_id, "action": "import",
            "entity": "homework_item", "before": None, "after": text}))
    return out


def _add_items(session: Session, built: list[_Prepared]) -> ImportReport:
    """Every checked row in a few bulk statements (#17): item, first revision, audit entry, summaries, alerts.

    One ORM flush per row held SQLite's write lock ~30 s for 25,000 rows (each flush refreshed its
    class-evening's summary again). The rows are built before the lock (_prepare); inside it they are
    inserted in bulk, and each touched class-evening is refreshed once.
    """
    report = ImportReport()
    if not built:
        return report
    session.execute(insert(HomeworkItem.__table__), [p.item for p in built])
    # Each row's id back by its key, unique among the rows and not stored before (both checked above):
    # one SELECT, where RETURNING in parameter order costs one statement per row on SQLite.
    days = [p.item["set_date"] for p in built]
    now = built[0].item["created_at"]
    ids_by_key = {tuple(key): item_id for item_id, *key in session.execute(
        select(HomeworkItem.id, HomeworkItem.class_id, HomeworkItem.subject_id, HomeworkItem.set_date,
               HomeworkItem.description)
        .where(col(HomeworkItem.class_id).in_({p.item["class_id"] for p in built}),
               HomeworkItem.set_date >= min(days), HomeworkItem.set_date <= max(days),
               HomeworkItem.created_at == now)).all()}
    spans: dict[int, tuple[date, date, set[int]]] = {}
    touched: dict[int, set[date]] = {}
    for p in built:
        item = p.item
        p.revision["item_id"] = p.audit["entity_id"] = ids_by_key[
            (item["class_id"], item["subject_id"], item["set_date"], item["description"])]
        touched.setdefault(item["class_id"], set()).update(summary.item_days(item["set_date"], item["due_date"]))
        last = item["due_date"] or item["set_date"]
        start, end, class_ids = spans.get(p.school_id, (item["set_date"], last, set()))
        spans[p.school_id] = (min(start, item["set_date"]), max(end, last), class_ids | {item["class_id"]})
    report.created["homework items"] += len(built)
    session.execute(insert(HomeworkRevision.__table__), [p.revision for p in built])
    session.execute(insert(AuditEntry.__table__), [p.audit for p in built])
    # Bulk statements pass by the flush hooks that keep summaries and data versions: done here, once.
    summary.refresh(session, touched)
    versions.bump(session, set(spans))
    if recompute is not None:
        # The alert engine judges loads by the evenings items are due: cover set dates through due dates.
        for school_id, (start, end, class_ids) in sorted(spans.items()):
            recompute(session, school_id=school_id, start=start, end=end + timedelta(days=1),
                      class_ids=sorted(class_ids))
    return report
