"""Per-school counts the district overview reads, kept by the writes in the same transaction (ADR 0018).

The overview of a prefecture (600 schools, 7,200 classes, thousands of after-school sessions a week) is
recomputed whenever any school writes: counting the classes and grouping the week's sessions per school
and day was two thirds of its SQL time (issue #12). So, like class_day_load and school_day_load (ADR 0007):

- school_class_count: one row per school with its active classes (no row: none);
- school_service_day: one row per school and day with sessions: how many, and when the last one ends
  (the day's service ends then; R-AS-02 judges that end against the school's window at read time, so a
  policy change needs no refresh).

Rows are recounted from the classes and sessions, never patched, after every ORM flush that adds, deletes
or changes a class (its school or whether it is active) or a session (its school, day or end), under a lock
on the school's row, as school_day_load is (two saves of one school at once count each other).
Bulk loads that go around the ORM call rebuild(); verify-summaries reports differences() and fixes them.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, time

from sqlalchemy import delete, func, insert, inspect, select
from sqlalchemy.orm import Session

from edulite.db import install_flush_hooks
from edulite.homework.school_days import NOT_YET
from edulite.models import AfterSchoolSession, School, SchoolClass, SchoolClassCount, SchoolServiceDay

CLASS_COUNTS = SchoolClassCount.__table__  # type: ignore[attr-defined]
SERVICE_DAYS = SchoolServiceDay.__table__  # type: ignore[attr-defined]
CLASSES = SchoolClass.__table__  # type: ignore[attr-defined]
SESSIONS = AfterSchoolSession.__table__  # type: ignore[attr-defined]
SCHOOLS = School.__table__  # type: ignore[attr-defined]
PENDING = "edulite_school_counts_pending"


def _class_counts(*where):
    return (select(CLASSES.c.school_id, func.count()).where(CLASSES.c.active, *where)
            .group_by(CLASSES.c.school_id))


def _service_days(*where):
    s = SESSIONS.c
    return select(s.school_id, s.day, func.count(), func.max(s.end)).where(*where).group_by(s.school_id, s.day)


def _lock(session: Session, school_id: int) -> None:
    # As edulite.homework.school_days.refresh: FOR NO KEY UPDATE, so that the foreign keys' KEY SHARE of
    # the same transaction's inserts do not deadlock; SQLite's writers are serialised already.
    session.execute(select(SCHOOLS.c.id).where(SCHOOLS.c.id == school_id).with_for_update(key_share=True))


def refresh(session: Session, school_id: int, *, classes: bool = False, days: Iterable[date] = ()) -> None:
    """Recount one school's active classes (classes=True) and its service on days."""
    wanted = sorted(set(days))
    if (not classes and not wanted) or session.info.get(NOT_YET):
        return
    _lock(session, school_id)
    if classes:
        session.execute(delete(CLASS_COUNTS).where(CLASS_COUNTS.c.school_id == school_id))
        session.execute(insert(CLASS_COUNTS).from_select(
            ("school_id", "active"), _class_counts(CLASSES.c.school_id == school_id)))
    if wanted:
        session.execute(delete(SERVICE_DAYS).where(SERVICE_DAYS.c.school_id == school_id,
                                                   SERVICE_DAYS.c.day.in_(wanted)))
        session.execute(insert(SERVICE_DAYS).from_select(
            ("school_id", "day", "sessions", "last_end"),
            _service_days(SESSIONS.c.school_id == school_id, SESSIONS.c.day.in_(wanted))))


def rebuild(session: Session, *, school_id: int | None = None) -> None:
    """Recount every row (of one school, or all) from the classes and sessions."""
    if session.info.get(NOT_YET):  # migration 0003 rebuilds the summaries before these tables exist (0010)
        return
    mine = [] if school_id is None else [CLASS_COUNTS.c.school_id == school_id]
    days = [] if school_id is None else [SERVICE_DAYS.c.school_id == school_id]
    session.execute(delete(CLASS_COUNTS).where(*mine))
    session.execute(delete(SERVICE_DAYS).where(*days))
    session.execute(insert(CLASS_COUNTS).from_select(
        ("school_id", "active"), _class_counts(*([] if school_id is None else [CLASSES.c.school_id == school_id]))))
    session.execute(insert(SERVICE_DAYS).from_select(
        ("school_id", "day", "sessions", "last_end"),
        _service_days(*([] if school_id is None else [SESSIONS.c.school_id == school_id]))))


def _clock(value) -> time:
    # SQLite hands a TIME aggregate back as text.
    return value if isinstance(value, time) else time.fromisoformat(str(value))


def differences(session: Session, *, school_id: int | None = None) -> list[str]:
    """Where the stored counts differ from a recount of the classes and sessions, in words."""
    classes_of = [] if school_id is None else [CLASSES.c.school_id == school_id]
    want_classes = {sid: int(n) for sid, n in session.execute(_class_counts(*classes_of)).all()}
    have_classes = {sid: int(n) for sid, n in session.execute(
        select(CLASS_COUNTS.c.school_id, CLASS_COUNTS.c.active).where(
            *([] if school_id is None else [CLASS_COUNTS.c.school_id == school_id]))).all()}
    sessions_of = [] if school_id is None else [SESSIONS.c.school_id == school_id]
    want_days = {(sid, day): (int(n), _clock(end)) for sid, day, n, end in
                 session.execute(_service_days(*sessions_of)).all()}
    have_days = {(sid, day): (int(n), _clock(end)) for sid, day, n, end in session.execute(
        select(SERVICE_DAYS.c.school_id, SERVICE_DAYS.c.day, SERVICE_DAYS.c.sessions, SERVICE_DAYS.c.last_end)
        .where(*([] if school_id is None else [SERVICE_DAYS.c.school_id == school_id]))).all()}
    return ([f"school {sid}: stored {have_classes.get(sid, 0)} active classes, "
             f"the classes give {want_classes.get(sid, 0)}"
             for sid in sorted(set(want_classes) | set(have_classes))
             if want_classes.get(sid, 0) != have_classes.get(sid, 0)]
            + [f"school {key[0]} on {key[1]}: stored (sessions, last end) {have_days.get(key)}, "
               f"the sessions give {want_days.get(key)}"
               for key in sorted(set(want_days) | set(have_days)) if want_days.get(key) != have_days.get(key)])


def _before(history, value):
    """The value before this flush (the loaded one), or value when unchanged."""
    return history.deleted[0] if history.deleted else value


def _after_flush(session: Session, _context) -> None:
    pending: dict[int, tuple[bool, set[date]]] = session.info.setdefault(PENDING, {})

    def note(school_id: int | None, *, classes: bool = False, day: date | None = None) -> None:
        if school_id is None:
            return
        counted, days = pending.get(school_id, (False, set()))
        if day is not None:
            days.add(day)
        pending[school_id] = (counted or classes, days)

    for obj in session.new:
        if isinstance(obj, SchoolClass):
            note(obj.school_id, classes=True)
        elif isinstance(obj, AfterSchoolSession):
            note(obj.school_id, day=obj.day)
    for obj in session.deleted:
        if isinstance(obj, SchoolClass):
            note(_before(inspect(obj).attrs["school_id"].history, obj.school_id), classes=True)
        elif isinstance(obj, AfterSchoolSession):
            attrs = inspect(obj).attrs
            note(_before(attrs["school_id"].history, obj.school_id), day=_before(attrs["day"].history, obj.day))
    for obj in session.dirty:
        if isinstance(obj, SchoolClass):
            attrs = inspect(obj).attrs
            if attrs["active"].history.has_changes() or attrs["school_id"].history.has_changes():
                note(obj.school_id, classes=True)
                note(_before(attrs["school_id"].history, obj.school_id), classes=True)
        elif isinstance(obj, AfterSchoolSession):
            attrs = inspect(obj).attrs
            if any(attrs[name].history.has_changes() for name in ("school_id", "day", "end")):
                note(obj.school_id, day=obj.day)
                note(_before(attrs["school_id"].history, obj.school_id), day=_before(attrs["day"].history, obj.day))


def _after_flush_postexec(session: Session, _context) -> None:
    for school_id, (classes, days) in sorted(session.info.pop(PENDING, {}).items()):
        refresh(session, school_id, classes=classes, days=days)


def install() -> None:
    """Recount a school's classes and service days after a flush that changed them (idempotent)."""
    install_flush_hooks(_after_flush, _after_flush_postexec, PENDING)
