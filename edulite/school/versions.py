"""Each school's data version, bumped in the same transaction as every write that touches the school.

Why: the principal's week, the parent page, the district overview and exports are read far more often
than they change (every family of a class opens the same page in the same evening minutes). They cache
what they computed under the version they read (edulite.web.cache); any write to the school changes the
version, so a cached page is never stale and nothing has to be invalidated by hand.
"""

from __future__ import annotations

import functools

from sqlalchemy import bindparam, event, func, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from edulite.models import AuditEntry, DataVersion, DigestDelivery, School, SchoolClass, User
from edulite.prepared import Prepared

TABLE = DataVersion.__table__
# Writes that change no page a cache keeps: sign-ins and password changes, the audit trail (read
# uncached), digest bookkeeping.
IGNORED = (User, AuditEntry, DigestDelivery, DataVersion)


def _school_of(session: Session, obj, class_schools: dict[int, int | None]) -> int | None:
    if isinstance(obj, School):
        return obj.id
    school_id = getattr(obj, "school_id", None)
    if school_id is not None:
        return school_id
    class_id = getattr(obj, "class_id", None)
    if class_id is None:
        return None
    if class_id not in class_schools:  # an import flushes thousands of items of a few classes
        klass = session.get(SchoolClass, class_id)
        class_schools[class_id] = klass.school_id if klass is not None else None
    return class_schools[class_id]


def bump(session: Session, school_ids: set[int]) -> None:
    """Add one to each school's version (creating it at 1) in the session's transaction."""
    if not school_ids:
        return
    dialect = session.get_bind().dialect.name
    if len(school_ids) == 1:  # every save: a statement built once per dialect (#12)
        _bump_one(dialect).rows(session.connection(), {"school_id": next(iter(school_ids))})
        return
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    statement = insert(TABLE).values([{"school_id": sid, "version": 1} for sid in sorted(school_ids)])
    session.execute(statement.on_conflict_do_update(index_elements=["school_id"],
                                                    set_={"version": TABLE.c.version + 1}))


@functools.cache
def _bump_one(dialect: str) -> Prepared:
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    return Prepared(insert(TABLE).values(school_id=bindparam("school_id"), version=1).on_conflict_do_update(
        index_elements=["school_id"], set_={"version": TABLE.c.version + 1}))


PENDING = "edulite_versions_pending"


def _after_flush(session: Session, _context) -> None:
    # Objects are noted now and their schools looked up after the flush: a lookup inside the flush
    # could load a row the flush is about to place in the identity map.
    session.info.setdefault(PENDING, []).extend(
        obj for obj in [*session.new, *session.dirty, *session.deleted] if not isinstance(obj, IGNORED))


def _after_flush_postexec(session: Session, _context) -> None:
    objects = session.info.pop(PENDING, [])
    class_schools: dict[int, int | None] = {}
    bump(session, {sid for obj in objects if (sid := _school_of(session, obj, class_schools)) is not None})


def _rolled_back(session: Session, *_args) -> None:
    session.info.pop(PENDING, None)


def install() -> None:
    """Bump versions on every ORM session (idempotent)."""
    if not event.contains(Session, "after_flush", _after_flush):
        event.listen(Session, "after_flush", _after_flush)
        event.listen(Session, "after_flush_postexec", _after_flush_postexec)
        event.listen(Session, "after_rollback", _rolled_back)


def of_school(session: Session, school_id: int) -> int:
    return session.execute(select(TABLE.c.version).where(TABLE.c.school_id == school_id)).scalar() or 0


def of_district(session: Session, district_id: int) -> int:
    """A version that changes when any school of the district changes (versions only grow, so does their sum)."""
    return session.execute(select(func.coalesce(func.sum(TABLE.c.version), 0)).where(
        TABLE.c.school_id.in_(select(School.id).where(School.district_id == district_id)))).scalar() or 0
