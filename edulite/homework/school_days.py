"""Per school-day counts (school_day_load) kept beside the class-evening summaries, in the same transaction.

The district overview compares hundreds of schools: it reads one row per school and day instead of one per
class (7,000 classes at 600 schools). Like class_day_load, a row is never patched by deltas: whenever the
class-evening rows of some school-days are written (edulite.homework.summary: refresh, recap, rebuild) or
a class is opened or closed, those school-days are recounted from class_day_load by one grouped
INSERT … SELECT. Only active classes count, as on the principal's week. `summary.verify` checks them too.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from sqlalchemy import bindparam, case, delete, func, insert, inspect, select
from sqlalchemy.orm import Session

from edulite.db import install_flush_hooks
from edulite.models import ClassDayLoad, School, SchoolClass, SchoolDayLoad
from edulite.prepared import Prepared

TABLE = SchoolDayLoad.__table__  # type: ignore[attr-defined]
CLASS_ROWS = ClassDayLoad.__table__  # type: ignore[attr-defined]
CLASSES = SchoolClass.__table__  # type: ignore[attr-defined]
SCHOOLS = School.__table__  # type: ignore[attr-defined]
COLUMNS = ("school_id", "day", "over", "logged")
# Set in session.info by a migration that runs before school_day_load exists (0003 fills class_day_load).
NOT_YET = "edulite_school_days_not_yet"


def _counted(*where):
    """(school, day, over, logged) grouped from the class-evening rows of active classes."""
    rows = CLASS_ROWS.c
    return (select(rows.school_id, rows.day,
                   func.sum(case(((rows.day_kind == "school_day") & rows.over, 1), else_=0)),
                   func.sum(case((rows.logged, 1), else_=0)))
            .join(CLASSES, CLASSES.c.id == rows.class_id)
            .where(CLASSES.c.active, *where)
            .group_by(rows.school_id, rows.day))


def refresh(session: Session, school_id: int, days: Iterable[date] | None = None) -> None:
    """Recount one school's rows for days (None: every day) from its class-evening rows."""
    if session.info.get(NOT_YET):
        return
    if days is not None:
        wanted = sorted(set(days))
        if wanted:
            _lock_school(session, school_id)
            # Every day from the first to the last is recounted: a day between them that was not touched
            # is counted again from the same class-evening rows, to the same figures; a save's evenings
            # are consecutive anyway. One shape of statement, run through the driver (edulite.prepared).
            conn = session.connection()
            span = {"school_id": school_id, "first": wanted[0], "last": wanted[-1]}
            _DELETE_SPAN.rows(conn, span)
            _COUNT_SPAN.rows(conn, span)
        return
    _lock_school(session, school_id)
    session.execute(delete(TABLE).where(TABLE.c.school_id == school_id))
    session.execute(insert(TABLE).from_select(COLUMNS, _counted(CLASS_ROWS.c.school_id == school_id)))


def _lock_school(session: Session, school_id: int) -> None:
    # Saves of different classes of one school run side by side on PostgreSQL (each locks only its class):
    # the school's row is locked first, so that the second waits for the first to commit and then counts
    # with its class-evenings (without it: a duplicate key, or a count that misses the other's save).
    # FOR NO KEY UPDATE, not FOR UPDATE: each save's inserts already hold KEY SHARE on the school row (the
    # foreign keys of class_day_load and data_version), which FOR UPDATE would wait on: a deadlock.
    # SQLite's writers are serialised already (BEGIN IMMEDIATE): there the statement would lock nothing and
    # is not sent (one statement less in every save's write lock, #12).
    if session.get_bind().dialect.name != "sqlite":
        session.connection().execute(_LOCK_SCHOOL, {"school_id": school_id})


# A save's refresh of its evenings, built once (#12: building them cost more than running them).
_LOCK_SCHOOL = select(SCHOOLS.c.id).where(SCHOOLS.c.id == bindparam("school_id")).with_for_update(key_share=True)
_DELETE_SPAN = Prepared(delete(TABLE).where(TABLE.c.school_id == bindparam("school_id"),
                                            TABLE.c.day >= bindparam("first"), TABLE.c.day <= bindparam("last")))
_COUNT_SPAN = Prepared(insert(TABLE).from_select(COLUMNS, _counted(
    CLASS_ROWS.c.school_id == bindparam("school_id"), CLASS_ROWS.c.day >= bindparam("first"),
    CLASS_ROWS.c.day <= bindparam("last"))))


def rebuild(session: Session, *, school_id: int | None = None) -> None:
    """Recount every row (of one school, or all) from class_day_load."""
    if session.info.get(NOT_YET):
        return
    if school_id is not None:
        refresh(session, school_id)
        return
    session.execute(delete(TABLE))
    session.execute(insert(TABLE).from_select(COLUMNS, _counted()))


Counts = dict[tuple[int, date], tuple[int, int]]


def expected(class_rows: Iterable, active: set[int]) -> Counts:
    """The rows that class-evening rows (summary.Row) give, counting only active classes."""
    out: dict[tuple[int, date], tuple[int, int]] = {}
    for r in class_rows:
        if r.class_id not in active:
            continue
        over, logged = out.get((r.school_id, r.day), (0, 0))
        out[(r.school_id, r.day)] = (over + int(r.day_kind == "school_day" and bool(r.over)),
                                     logged + int(bool(r.logged)))
    return out


def stored(session: Session, *, school_id: int | None = None) -> Counts:
    query = select(TABLE.c.school_id, TABLE.c.day, TABLE.c.over, TABLE.c.logged)
    if school_id is not None:
        query = query.where(TABLE.c.school_id == school_id)
    return {(sid, day): (int(over), int(logged)) for sid, day, over, logged in session.execute(query).all()}


def active_classes(session: Session, *, school_id: int | None = None) -> set[int]:
    query = select(CLASSES.c.id).where(CLASSES.c.active)
    if school_id is not None:
        query = query.where(CLASSES.c.school_id == school_id)
    return set(session.execute(query).scalars().all())


def differences(session: Session, class_rows: Iterable, *, school_id: int | None = None) -> list[str]:
    """Where the stored school-day rows differ from what the class-evening rows give, in words."""
    want = expected(class_rows, active_classes(session, school_id=school_id))
    have = stored(session, school_id=school_id)
    return [f"school {key[0]} on {key[1]}: stored (over, logged) {have.get(key)}, the classes give {want.get(key)}"
            for key in sorted(set(want) | set(have)) if want.get(key, (0, 0)) != have.get(key, (0, 0))]


PENDING = "edulite_school_days_pending"


def _after_flush(session: Session, _context) -> None:
    # A class opened or closed changes what its school's days count.
    schools = {obj.school_id for obj in session.dirty
               if isinstance(obj, SchoolClass) and inspect(obj).attrs["active"].history.has_changes()}
    if schools:
        session.info.setdefault(PENDING, set()).update(schools)


def _after_flush_postexec(session: Session, _context) -> None:
    for school_id in sorted(session.info.pop(PENDING, set())):
        refresh(session, school_id)


def install() -> None:
    """Recount a school's days when one of its classes is opened or closed (idempotent)."""
    install_flush_hooks(_after_flush, _after_flush_postexec, PENDING)
