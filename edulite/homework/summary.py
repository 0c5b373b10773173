"""Class-evening summaries (class_day_load) kept by the writes, in the writes' own transaction.

A week, a term and a district read a few thousand of these rows instead of millions of items
(docs/adr: summaries kept by the writes). Rows are never patched by deltas: every flush that adds,
changes or withdraws a homework item recomputes the class-evenings it touched from the items
themselves, so a row is what the items say whichever path wrote them (the teacher's form, an import,
the demo, a test factory). A change of policy, calendar or a class's grade refreshes day_kind, cap and
over of the rows it affects. `verify` recomputes everything and lists the differences. The per
school-day counts beside them (edulite.homework.school_days) are recounted wherever rows are written here.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import bindparam, delete, event, insert, inspect, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from edulite.core import rules
from edulite.core.calendar import SchoolCalendar
from edulite.core.entry import MAX_SPREAD_DAYS
from edulite.core.policy import Policy, cap_for
from edulite.homework import loads, school_days
from edulite.models import CalendarDay, ClassDayLoad, HomeworkItem, PolicyVersion, School, SchoolClass, Subject
from edulite.prepared import Prepared
from edulite.school import counts as school_counts

TABLE = ClassDayLoad.__table__
# Item fields whose change can move a class-evening's figures.
ITEM_FIELDS = ("class_id", "subject_id", "set_date", "due_date", "kind", "required", "location", "minutes",
               "no_homework", "graded", "withdrawn")


@dataclass(frozen=True)
class Row:
    class_id: int
    day: date
    school_id: int
    grade: int
    day_kind: str
    cap: int
    counted: int
    over: bool
    by_subject: str
    by_kind: str
    logged: bool
    written: int
    graded: int


@dataclass(frozen=True)
class Entry:
    """What an item tells its set date's row beyond minutes: that something was logged, and grading."""

    set_date: date
    written: bool
    graded: bool


def _json(mapping) -> str:
    return json.dumps({k: v for k, v in sorted(mapping.items()) if v}, ensure_ascii=False, sort_keys=True)


def rows_for(*, class_id: int, school_id: int, grade: int, days: Iterable[date], items: list[rules.Item],
             entries: list[Entry], calendar: SchoolCalendar,
             periods: list[tuple[date, date, Policy]]) -> list[Row]:
    """The rows of one class over days, from its live items (engine Items) and entries; empty days have none.

    The engine runs once per policy period over the whole span (a term's rebuild spreads each item once).
    """
    wanted = set(days)
    loads_of: dict[date, rules.DayLoad] = {}
    for start, end, policy in periods:
        for load in rules.day_loads(items, class_id=class_id, grade=grade, calendar=calendar, policy=policy,
                                    start=start, end=end):
            if load.date in wanted:
                loads_of[load.date] = load
    set_on: dict[date, list[Entry]] = {}
    for entry in entries:
        set_on.setdefault(entry.set_date, []).append(entry)
    out = []
    for day in sorted(wanted):
        load, set_today = loads_of[day], set_on.get(day, [])
        row = Row(class_id, day, school_id, grade, load.day_kind.value, load.cap, load.counted, load.over,
                  _json(load.by_subject), _json(load.by_kind), bool(set_today),
                  sum(e.written for e in set_today), sum(e.written and e.graded for e in set_today))
        if row.counted or row.by_kind != "{}" or row.logged:
            out.append(row)
    return out


class _Policies:
    """The policy in force on a day for one school, read once per refresh."""

    def __init__(self, session: Session, school_id: int, start: date, end: date):
        self.periods = loads.policy_periods(session, school_id=school_id, start=start, end=end)

    def __call__(self, day: date) -> Policy:
        return next((p for a, b, p in self.periods if a <= day < b), self.periods[-1][2])


def _classes(session: Session, class_ids) -> dict[int, tuple[int, int]]:
    return {cid: (sid, grade) for cid, sid, grade in session.execute(
        select(SchoolClass.id, SchoolClass.school_id, SchoolClass.grade)
        .where(SchoolClass.id.in_(list(class_ids)))).all()}


def compute(session: Session, class_id: int, days: set[date], school_id: int, grade: int,
            found: list | None = None) -> list[Row]:
    """The rows one class's days should have, from its live items (one SELECT of the items).

    found: those items' rows when the caller has just read them (the teacher's save, within its write
    lock: every live item of the class with an evening in [min(days) - MAX_SPREAD_DAYS, max(days)]).
    """
    first, last = min(days), max(days)
    found = found if found is not None else session.connection().execute(
        select(HomeworkItem.id, Subject.name, HomeworkItem.kind, HomeworkItem.required, HomeworkItem.location,
               HomeworkItem.minutes, HomeworkItem.set_date, HomeworkItem.due_date, HomeworkItem.no_homework,
               HomeworkItem.graded)
        .join(Subject, Subject.id == HomeworkItem.subject_id)
        .where(HomeworkItem.class_id == class_id, HomeworkItem.withdrawn.is_(False),
               HomeworkItem.set_date <= last,
               HomeworkItem.set_date >= first - timedelta(days=MAX_SPREAD_DAYS),
               HomeworkItem.last_evening >= first)).all()
    items = [rules.Item(iid, class_id, subject, kind, bool(req), loc, minutes, set_date, due)
             for iid, subject, kind, req, loc, minutes, set_date, due, none, _g in found if not none]
    entries = [Entry(set_date, kind == "written" and not none, bool(graded))
               for _i, _s, kind, _r, _l, _m, set_date, _d, none, graded in found]
    end = last + timedelta(days=1)
    return rows_for(class_id=class_id, school_id=school_id, grade=grade, days=days, items=items, entries=entries,
                    calendar=loads.school_calendar(session, school_id=school_id),
                    periods=loads.policy_periods(session, school_id=school_id, start=first, end=end))


# Built once: a save refreshes its evenings with these (#12).
_DELETE_DAYS = delete(TABLE).where(TABLE.c.class_id == bindparam("class_id"),
                                   TABLE.c.day.in_(bindparam("days", expanding=True)))
_INSERT = insert(TABLE)
_ROW_COLUMNS = tuple(Row.__dataclass_fields__)


@functools.cache
def _upsert(dialect: str) -> Prepared:
    """Rows written over the ones stored for the same class-evening (the key), in one statement."""
    statement = (pg_insert if dialect == "postgresql" else sqlite_insert)(TABLE).values(
        {name: bindparam(name) for name in _ROW_COLUMNS})
    return Prepared(statement.on_conflict_do_update(
        index_elements=["class_id", "day"],
        set_={name: statement.excluded[name] for name in _ROW_COLUMNS if name not in ("class_id", "day")}))


def refresh(session: Session, touched: dict[int, set[date]],
            classes: dict[int, tuple[int, int]] | None = None,
            found: dict[int, list] | None = None, adds_only: bool = False) -> dict[int, list[Row]]:
    """Recompute the rows of each class's touched evenings from its items, in the session's transaction.

    classes: each class's (school, grade) when the caller has just read them (the teacher's save); found:
    its items' rows likewise (compute). adds_only: the caller only added items (a new entry), so every
    evening that had a row still has one: the rows are written over the stored ones in one statement
    instead of deleted and inserted.
    Returns the rows written, per class (the save judges its alerts from them).
    """
    if not touched:
        return {}
    if classes is None:
        classes = _classes(session, touched)
    written: dict[int, list[Row]] = {}
    conn = session.connection()  # Core statements: the session's per-call work skipped (#12)
    dialect = conn.dialect.name
    for class_id, days in sorted(touched.items()):
        if class_id not in classes or not days:
            continue
        rows = written[class_id] = compute(session, class_id, days, *classes[class_id],
                                           found=(found or {}).get(class_id))
        if adds_only and rows and dialect in ("sqlite", "postgresql"):
            _upsert(dialect).many(conn, [r.__dict__ for r in rows])
            continue
        conn.execute(_DELETE_DAYS, {"class_id": class_id, "days": sorted(days)})
        if rows:
            conn.execute(_INSERT, [r.__dict__ for r in rows])
    school_days_touched: dict[int, set[date]] = {}
    for class_id, days in touched.items():
        if class_id in classes:
            school_days_touched.setdefault(classes[class_id][0], set()).update(days)
    for school_id, days in sorted(school_days_touched.items()):
        school_days.refresh(session, school_id, days)
    return written


def recap(session: Session, *, school_id: int, start: date, end: date | None = None,
          class_ids: list[int] | None = None) -> None:
    """Refresh day_kind, cap and over of a school's rows from start (after a policy, calendar or grade change)."""
    query = select(TABLE.c.class_id, TABLE.c.day, TABLE.c.day_kind, TABLE.c.cap, TABLE.c.counted,
                   TABLE.c.grade, SchoolClass.grade).join(SchoolClass, SchoolClass.id == TABLE.c.class_id).where(
        TABLE.c.school_id == school_id, TABLE.c.day >= start)
    if end is not None:
        query = query.where(TABLE.c.day < end)
    if class_ids is not None:
        query = query.where(TABLE.c.class_id.in_(class_ids))
    rows = session.execute(query).all()
    if not rows:
        return
    last = max(r.day for r in rows) + timedelta(days=1)
    calendar = loads.school_calendar(session, school_id=school_id)
    policy_on = _Policies(session, school_id, start, last)
    changes = []
    for class_id, day, kind, cap, counted, old_grade, grade in rows:
        new_kind = calendar.kind(day)
        new_cap = cap_for(policy_on(day), grade, new_kind)
        if (new_kind.value, new_cap, grade) != (kind, cap, old_grade):
            changes.append({"c": class_id, "d": day, "kind": new_kind.value, "cap": new_cap,
                            "grade": grade, "over": counted > new_cap})
    if changes:
        session.execute(update(TABLE).where(TABLE.c.class_id == bindparam("c"), TABLE.c.day == bindparam("d"))
                        .values(day_kind=bindparam("kind"), cap=bindparam("cap"), grade=bindparam("grade"),
                                over=bindparam("over")), changes)
        school_days.refresh(session, school_id, {c["d"] for c in changes})


def _old(state, name: str):
    history = state.attrs[name].history
    return history.deleted[0] if history.deleted else getattr(state.object, name)


def _item_days(set_date: date | None, due_date: date | None) -> set[date]:
    if set_date is None:
        return set()
    last = rules.last_evening(set_date, due_date) if due_date is None or due_date >= set_date else set_date
    return {set_date + timedelta(days=n) for n in range((last - set_date).days + 1)}


def item_days(set_date: date, due_date: date | None) -> set[date]:
    """The evenings an item is done on: the class-evening rows it touches (bulk writers refresh these)."""
    return _item_days(set_date, due_date)


def _touched_by_flush(session: Session) -> tuple[dict[int, set[date]], dict[int, date], dict[int, set[int]]]:
    touched: dict[int, set[date]] = {}
    recaps: dict[int, date] = {}  # school -> from when
    regraded: dict[int, set[int]] = {}  # school -> classes whose grade changed
    for obj in [*session.new, *session.dirty, *session.deleted]:
        if isinstance(obj, HomeworkItem):
            state = inspect(obj)
            if obj in session.dirty and not any(state.attrs[f].history.has_changes() for f in ITEM_FIELDS):
                continue
            touched.setdefault(obj.class_id, set()).update(_item_days(obj.set_date, obj.due_date))
            if obj not in session.new:
                old_class = _old(state, "class_id")
                touched.setdefault(old_class, set()).update(_item_days(_old(state, "set_date"),
                                                                       _old(state, "due_date")))
        elif isinstance(obj, PolicyVersion):
            schools = [obj.school_id] if obj.school_id is not None else session.execute(
                select(School.id).where(School.district_id == obj.district_id)).scalars().all()
            for sid in schools:
                recaps[sid] = min(recaps.get(sid, obj.effective_from), obj.effective_from)
        elif isinstance(obj, CalendarDay):
            days = [obj.day] if obj in session.new else [obj.day, _old(inspect(obj), "day")]
            for day in days:
                recaps[obj.school_id] = min(recaps.get(obj.school_id, day), day)
        elif isinstance(obj, SchoolClass) and obj in session.dirty:
            if inspect(obj).attrs["grade"].history.has_changes():
                regraded.setdefault(obj.school_id, set()).add(obj.id)
    return touched, recaps, regraded


PENDING = "edulite_summary_pending"


def _after_flush(session: Session, _context) -> None:
    # Only note what the flush touched: loading rows here, while the flush is still placing its new
    # objects in the identity map, would clash with them (e.g. the policy version just inserted).
    if any(isinstance(o, PolicyVersion | CalendarDay | School | SchoolClass)
           for o in [*session.new, *session.dirty, *session.deleted]):
        loads.forget_reads(session)
    session.info.setdefault(PENDING, []).append(_touched_by_flush(session))


def _after_flush_postexec(session: Session, _context) -> None:
    for touched, recaps, regraded in session.info.pop(PENDING, []):
        if touched:
            refresh(session, touched)
        for school_id, start in recaps.items():
            recap(session, school_id=school_id, start=start)
        for school_id, class_ids in regraded.items():
            recap(session, school_id=school_id, start=date.min, class_ids=sorted(class_ids))


def _transaction_ended(session: Session, *_args) -> None:
    loads.forget_reads(session)
    session.info.pop(PENDING, None)  # a flush that failed half-way leaves nothing to apply later


def install() -> None:
    """Keep the summaries on every ORM session, and forget per-transaction reads at its end (idempotent)."""
    school_days.install()
    school_counts.install()  # the district's per-school counts of classes and sessions (ADR 0018)
    if not event.contains(Session, "after_flush", _after_flush):
        event.listen(Session, "after_flush", _after_flush)
        event.listen(Session, "after_flush_postexec", _after_flush_postexec)
    for name in ("after_commit", "after_rollback", "after_soft_rollback"):
        if not event.contains(Session, name, _transaction_ended):
            event.listen(Session, name, _transaction_ended)


def _evenings(session: Session, school_id: int | None) -> dict[int, set[date]]:
    """Every class-evening that some live item falls on."""
    query = select(HomeworkItem.class_id, HomeworkItem.set_date, HomeworkItem.last_evening).where(
        HomeworkItem.withdrawn.is_(False)).distinct()
    if school_id is not None:
        query = query.join(SchoolClass, SchoolClass.id == HomeworkItem.class_id).where(
            SchoolClass.school_id == school_id)
    touched: dict[int, set[date]] = {}
    for class_id, set_date, last in session.execute(query).all():
        touched.setdefault(class_id, set()).update(
            set_date + timedelta(days=n) for n in range(((last or set_date) - set_date).days + 1))
    return touched


def expected(session: Session, *, school_id: int | None = None) -> dict[tuple[int, date], Row]:
    """Every row recomputed from the items, without writing."""
    touched = _evenings(session, school_id)
    classes = _classes(session, touched) if touched else {}
    return {(r.class_id, r.day): r for cid, days in touched.items() if cid in classes
            for r in compute(session, cid, days, *classes[cid])}


def stored(session: Session, *, school_id: int | None = None,
           class_ids: list[int] | None = None) -> dict[tuple[int, date], Row]:
    query = select(*[TABLE.c[name] for name in Row.__dataclass_fields__])
    if school_id is not None:
        query = query.where(TABLE.c.school_id == school_id)
    if class_ids is not None:
        query = query.where(TABLE.c.class_id.in_(class_ids))
    return {(r.class_id, r.day): Row(*r) for r in session.execute(query).all()}


def verify(session: Session, *, school_id: int | None = None) -> list[str]:
    """Differences between the stored rows and a recomputation from the items, in words (empty: all agree)."""
    want, have = expected(session, school_id=school_id), stored(session, school_id=school_id)
    return [f"class {key[0]} on {key[1]}: stored {have.get(key)}, the items give {want.get(key)}"
            for key in sorted(set(want) | set(have)) if want.get(key) != have.get(key)] + \
        school_days.differences(session, want.values(), school_id=school_id) + \
        school_counts.differences(session, school_id=school_id)


def rebuild(session: Session, *, school_id: int | None = None) -> int:
    """Recompute every row from the items (after a bulk load that bypassed the ORM); returns the row count."""
    session.execute(delete(TABLE) if school_id is None else delete(TABLE).where(TABLE.c.school_id == school_id))
    refresh(session, _evenings(session, school_id))
    school_days.rebuild(session, school_id=school_id)  # days left with no class-evening at all too
    school_counts.rebuild(session, school_id=school_id)
    return len(stored(session, school_id=school_id))
