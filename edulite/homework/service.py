"""Writes of homework entries: permission, validation, the budget re-check, history, audit, alerts.

Every public function checks that the caller teaches the class AND subject, writes a HomeworkRevision
snapshot (edits and withdrawals never overwrite history), appends to the audit trail, recomputes the
class's alerts in the same transaction and commits.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from types import SimpleNamespace
from typing import NamedTuple

from sqlalchemy import String, and_, bindparam, cast, insert, or_, true
from sqlmodel import Session, col, func, select

from edulite.alerts import store as alerts
from edulite.core import rules
from edulite.core.calendar import DayKind, SchoolCalendar, parse_day_kind
from edulite.core.entry import MAX_SPREAD_DAYS, editable
from edulite.core.scope import Scope
from edulite.db import PHASE, SHARED_READS, SINGLE_READ, begin_writes, check_writable
from edulite.homework import budget, loads, summary
from edulite.homework.input import MAX_REASON, HomeworkInput, InvalidHomework, Problem, check_dates, clean_reason
from edulite.models import (
    Assignment,
    AuditEntry,
    CalendarDay,
    HomeworkItem,
    HomeworkRevision,
    NationalDay,
    PolicyVersion,
    School,
    SchoolClass,
    Subject,
    utcnow,
)
from edulite.prepared import Prepared
from edulite.school import versions
from edulite.school.audit import audit, entry_values

# A retried save (the answer to the first tap was lost on a weak connection) must not log it twice.
RETRY_WINDOW = timedelta(minutes=10)
FIELDS = ("description", "kind", "required", "location", "minutes", "set_date", "due_date")


class Forbidden(PermissionError):
    """The caller does not teach this class and subject (or it belongs to another school)."""


class NotFound(LookupError):
    pass


# Built once (#12): the permission is asked twice by every save, and building the statement cost more
# than running it.
_CLASS_FOR = (select(SchoolClass).join(Assignment, Assignment.class_id == SchoolClass.id)
              .where(SchoolClass.id == bindparam("class_id"), SchoolClass.school_id == bindparam("school_id"),
                     Assignment.subject_id == bindparam("subject_id"), Assignment.teacher_id == bindparam("user_id")))
# Two teachers saving for one class at once must each see the other's minutes (PostgreSQL).
# populate_existing: a class read before the lock (ADR 0010) is read again, not served stale.
_CLASS_FOR_UPDATE = _CLASS_FOR.with_for_update(of=SchoolClass).execution_options(populate_existing=True)


def _class_for(session: Session, scope: Scope, class_id: int, subject_id: int, *,
               lock: bool = True) -> SchoolClass:
    klass = session.exec(_CLASS_FOR_UPDATE if lock else _CLASS_FOR,  # type: ignore[call-overload]
                         params={"class_id": class_id, "school_id": scope.school_id, "subject_id": subject_id,
                                 "user_id": scope.user_id}).first()
    if scope.role != "teacher" or klass is None:
        raise Forbidden(f"user {scope.user_id} does not teach subject {subject_id} in class {class_id}")
    return klass


class ClassRef(NamedTuple):
    """What a new entry's save needs of its class, read as a plain row: loading a SchoolClass object (and
    reloading it in the write lock) cost the ORM more than the statements themselves (#12)."""

    id: int
    school_id: int
    grade: int
    active: bool


CLASSES = SchoolClass.__table__  # type: ignore[attr-defined]
ASSIGNMENTS = Assignment.__table__  # type: ignore[attr-defined]
SUBJECTS = Subject.__table__  # type: ignore[attr-defined]
_CLASS_COLUMNS = (CLASSES.c.id, CLASSES.c.school_id, CLASSES.c.grade, CLASSES.c.active)
# The caller teaches the class AND the subject, in their own school.
_TEACHES = (CLASSES.c.id == bindparam("class_id"), CLASSES.c.school_id == bindparam("school_id"),
            ASSIGNMENTS.c.subject_id == bindparam("subject_id"), ASSIGNMENTS.c.teacher_id == bindparam("user_id"))
_CLASS_AND_SUBJECT = Prepared(select(*_CLASS_COLUMNS, SUBJECTS.c.name)
                              .join(ASSIGNMENTS, ASSIGNMENTS.c.class_id == CLASSES.c.id)
                              .join(SUBJECTS, SUBJECTS.c.id == ASSIGNMENTS.c.subject_id).where(*_TEACHES))


def _class_and_subject(session: Session, scope: Scope, class_id: int, subject_id: int) -> tuple[ClassRef, str]:
    """_class_for without the lock, as a plain row, with the name of the subject taught."""
    found = _CLASS_AND_SUBJECT.first(session.connection(), {
        "class_id": class_id, "school_id": scope.school_id, "subject_id": subject_id, "user_id": scope.user_id})
    if scope.role != "teacher" or found is None:
        raise Forbidden(f"user {scope.user_id} does not teach subject {subject_id} in class {class_id}")
    return ClassRef(*found[:4]), found[4]


def _item(session: Session, scope: Scope, item_id: int) -> tuple[HomeworkItem, SchoolClass]:
    item = session.get(HomeworkItem, item_id)
    if item is None:
        raise NotFound(f"homework item {item_id}")
    return item, _class_for(session, scope, item.class_id, item.subject_id)


def snapshot(session: Session, item: HomeworkItem) -> dict:
    subject = session.get(Subject, item.subject_id)
    return _snapshot(subject.name if subject else "", item)


def _snapshot(subject: str, item: HomeworkItem | SimpleNamespace) -> dict:
    return {"subject": subject, "subject_id": item.subject_id,
            "description": item.description, "kind": item.kind, "required": item.required,
            "location": item.location, "minutes": item.minutes, "set_date": item.set_date.isoformat(),
            "due_date": item.due_date.isoformat() if item.due_date else None,
            "no_homework": item.no_homework, "graded": item.graded, "withdrawn": item.withdrawn,
            "over_cap_reason": item.over_cap_reason}


def _editable(session: Session, item: HomeworkItem, school_id: int, today: date) -> bool:
    logged_on = budget.local_date(item.created_at, budget.school_zone(session, school_id=school_id))
    return editable(set_date=item.set_date, logged_on=logged_on, today=today, withdrawn=item.withdrawn)


def _record(session: Session, scope: Scope, item: HomeworkItem, action: str, before: dict | None,
            klass: SchoolClass, span: tuple[date, date], *, commit: bool = True) -> HomeworkItem:
    """History row, audit entry and alerts for a saved item, then commit (unless the caller commits)."""
    session.add(item)
    session.flush()
    after = snapshot(session, item)
    session.add(HomeworkRevision(item_id=item.id, version=item.version, action=action,
                                 changed_by=scope.user_id, snapshot=json.dumps(after, ensure_ascii=False)))
    audit(session, user_id=scope.user_id, school_id=klass.school_id, action=f"homework_{action}",
          entity="homework_item", entity_id=item.id, before=before, after=after)
    alerts.recompute(session, school_id=klass.school_id, start=span[0], end=span[1] + timedelta(days=1),
                     class_ids=[klass.id], actor_id=scope.user_id, cause="homework")
    if commit:
        session.commit()
    return item


def _candidate(data: HomeworkInput, subject: str, item_id: int | None) -> rules.Item:
    return rules.Item(item_id, data.class_id, subject, data.kind, data.required, data.location, data.minutes,
                      data.set_date, data.due_date, data.description)


def _check_budget(session: Session, klass: SchoolClass | ClassRef, data: HomeworkInput, item_id: int | None,
                  confirm_over: bool, reason: str | None, items: list[rules.Item] | None = None,
                  subject: str | None = None) -> str | None:
    """Re-check the meter on the server; return the reason to store, or raise InvalidHomework.

    items: the class's items on the entry's evenings when the caller has read them (budget.class_items);
    subject: the subject's name likewise.
    """
    if subject is None:
        found_subject = session.get(Subject, data.subject_id)
        subject = found_subject.name if found_subject else ""
    found = budget.check(session, school_id=klass.school_id, grade=klass.grade,
                         candidate=_candidate(data, subject, item_id), replacing_id=item_id, items=items)
    if found.blocked:
        raise InvalidHomework.one("form", "banned" if found.banned else "blocked")
    if not found.needs_confirmation:
        return None
    text = clean_reason(reason)
    problems: dict[str, list[Problem]] = {}
    if not confirm_over:
        problems["confirm_over"] = [Problem("confirm_over")]
    if not text or len(text) > MAX_REASON:
        problems["over_reason"] = [Problem("over_reason")]
    if problems:
        raise InvalidHomework(problems)
    return text


def _drop_no_homework_marker(session: Session, scope: Scope, data: HomeworkInput,
                             klass: SchoolClass | ClassRef) -> None:
    markers = session.exec(select(HomeworkItem).where(
        HomeworkItem.class_id == data.class_id, HomeworkItem.subject_id == data.subject_id,
        HomeworkItem.set_date == data.set_date, col(HomeworkItem.no_homework).is_(True),
        col(HomeworkItem.withdrawn).is_(False))).all()
    for marker in markers:
        before = snapshot(session, marker)
        marker.withdrawn, marker.version, marker.updated_at = True, marker.version + 1, utcnow()
        session.add(marker)
        session.add(HomeworkRevision(item_id=marker.id, version=marker.version, action="withdraw",
                                     changed_by=scope.user_id,
                                     snapshot=json.dumps(snapshot(session, marker), ensure_ascii=False)))
        audit(session, user_id=scope.user_id, school_id=klass.school_id, action="homework_withdraw",
              entity="homework_item", entity_id=marker.id, before=before, after=snapshot(session, marker))


def _same_entry_just_saved(session: Session, scope: Scope, data: HomeworkInput) -> HomeworkItem | None:
    query = select(HomeworkItem).where(
        HomeworkItem.class_id == data.class_id, HomeworkItem.subject_id == data.subject_id,
        HomeworkItem.teacher_id == scope.user_id, col(HomeworkItem.withdrawn).is_(False),
        HomeworkItem.created_at >= utcnow() - RETRY_WINDOW, HomeworkItem.version == 1,
        HomeworkItem.no_homework == data.no_homework,
        *[getattr(HomeworkItem, name) == getattr(data, name) for name in FIELDS])
    return session.exec(query).first()


ITEMS = HomeworkItem.__table__  # type: ignore[attr-defined]
POLICIES = PolicyVersion.__table__  # type: ignore[attr-defined]
CALENDAR = CalendarDay.__table__  # type: ignore[attr-defined]
NATIONAL = NationalDay.__table__  # type: ignore[attr-defined]

# What the write lock re-checks of the read half (ADR 0010), built once (a statement rebuilt per call cost
# SQLAlchemy more than SQLite's work, #12). The class's items on the entry's evenings: how many, the
# newest, the last change (_Evening.state computes the same from the rows the read half read).
_ITEMS_STATE = (select(func.count(), func.max(ITEMS.c.id), func.max(ITEMS.c.updated_at))
                .where(ITEMS.c.class_id == bindparam("class_id"), ITEMS.c.set_date <= bindparam("last"),
                       ITEMS.c.set_date >= bindparam("earliest"), ITEMS.c.last_evening >= bindparam("first")))
# The policy versions in force for the school (its own and its district's): count and newest id, which
# tell a change since versions are only ever added.
_POLICY_STATE = (select(func.count(), func.max(POLICIES.c.id))
                 .where(or_(POLICIES.c.school_id == bindparam("school_id"),
                            and_(POLICIES.c.school_id.is_(None), POLICIES.c.district_id == (
                                select(School.__table__.c.district_id)  # type: ignore[attr-defined]
                                .where(School.__table__.c.id == bindparam("school_id"))  # type: ignore[attr-defined]
                                .scalar_subquery())))))
# The calendar on the entry's evenings, "day:kind" joined, the school's own days and the national ones
# (loads.school_calendar lays the first over the second).
_CALENDAR_STATE = select(func.aggregate_strings(cast(CALENDAR.c.day, String) + ":" + CALENDAR.c.kind, ",")).where(
    CALENDAR.c.school_id == bindparam("school_id"), CALENDAR.c.day >= bindparam("first"),
    CALENDAR.c.day <= bindparam("last"))
_NATIONAL_STATE = select(func.aggregate_strings(cast(NATIONAL.c.day, String) + ":" + NATIONAL.c.kind, ",")).where(
    NATIONAL.c.day >= bindparam("first"), NATIONAL.c.day <= bindparam("last"))
_STATES = [_ITEMS_STATE.subquery("items"), _POLICY_STATE.subquery("policies"), _CALENDAR_STATE.subquery("own_days"),
           _NATIONAL_STATE.subquery("national_days")]
# Inside the write lock, one statement: the permission with the class row read again (locked on
# PostgreSQL, so two saves of one class serialise), and everything the read half's verdicts rest on
# (ADR 0010).
_LOCKED_STATE = Prepared(select(*_CLASS_COLUMNS, *[c for state in _STATES for c in state.c])
                         .join(ASSIGNMENTS, ASSIGNMENTS.c.class_id == CLASSES.c.id)
                         .join(_STATES[0], true()).join(_STATES[1], true()).join(_STATES[2], true())
                         .join(_STATES[3], true())
                         .where(*_TEACHES)
                         .with_for_update(of=CLASSES))


def _evening_params(klass: ClassRef, data: HomeworkInput) -> dict:
    days = rules.evenings(_candidate(data, "", None))
    return {"class_id": klass.id, "school_id": klass.school_id, "first": days[0], "last": days[-1],
            "earliest": days[0] - timedelta(days=MAX_SPREAD_DAYS)}


class _ItemRow(NamedTuple):
    id: int
    subject_id: int
    name: str
    teacher_id: int
    kind: str
    required: bool
    location: str
    minutes: int
    set_date: date
    due_date: date | None
    description: str
    no_homework: bool
    graded: bool
    withdrawn: bool
    version: int
    created_at: datetime
    updated_at: datetime


# Every item of the class with an evening among the entry's, withdrawn ones too: one statement serves the
# fingerprint, the retry check, the budget, the "no homework" markers and the class-evening summaries.
_EVENING_ITEMS = Prepared(select(ITEMS.c.id, ITEMS.c.subject_id, SUBJECTS.c.name, ITEMS.c.teacher_id, ITEMS.c.kind,
                         ITEMS.c.required, ITEMS.c.location, ITEMS.c.minutes, ITEMS.c.set_date, ITEMS.c.due_date,
                         ITEMS.c.description, ITEMS.c.no_homework, ITEMS.c.graded, ITEMS.c.withdrawn,
                         ITEMS.c.version, ITEMS.c.created_at, ITEMS.c.updated_at)
                  .join(SUBJECTS, SUBJECTS.c.id == ITEMS.c.subject_id)
                  .where(ITEMS.c.class_id == bindparam("class_id"), ITEMS.c.set_date <= bindparam("last"),
                         ITEMS.c.set_date >= bindparam("earliest"), ITEMS.c.last_evening >= bindparam("first")))


class _Evening:
    """The class's items on an entry's evenings, read once, and what each check of the save wants of them.

    Inside the write lock they are trusted only while _ITEMS_STATE gives the same count, newest id and
    last change: every write of an item inserts it or sets its updated_at (ADR 0010).
    """

    def __init__(self, session: Session, klass: ClassRef, data: HomeworkInput):
        self.params = _evening_params(klass, data)
        self.rows = [_ItemRow(*row) for row in _EVENING_ITEMS.rows(session.connection(), self.params)]
        self.state = (len(self.rows), max((r.id for r in self.rows), default=None),
                      max((r.updated_at for r in self.rows), default=None))

    def budget_items(self) -> list[rules.Item]:
        """What budget.class_items reads: live items with minutes, their subject's name and text."""
        return [rules.Item(r.id, self.params["class_id"], r.name, r.kind, bool(r.required), r.location, r.minutes,
                           r.set_date, r.due_date, r.description or "")
                for r in self.rows if not r.withdrawn and not r.no_homework]

    def same_entry(self, scope: Scope, data: HomeworkInput) -> int | None:
        """_same_entry_just_saved over the rows read (the same entry has the same evenings)."""
        since = utcnow() - RETRY_WINDOW
        for r in self.rows:
            created = r.created_at if r.created_at.tzinfo else r.created_at.replace(tzinfo=UTC)
            if (r.subject_id == data.subject_id and r.teacher_id == scope.user_id and not r.withdrawn
                    and created >= since and r.version == 1 and bool(r.no_homework) == data.no_homework
                    and all(getattr(r, name) == getattr(data, name) for name in FIELDS)):
                return r.id
        return None

    def markers(self, data: HomeworkInput) -> list[int]:
        """Live "no homework" items of the entry's subject and day (_drop_no_homework_marker withdraws them)."""
        return [r.id for r in self.rows if r.no_homework and not r.withdrawn and r.subject_id == data.subject_id
                and r.set_date == data.set_date]

    def live(self) -> list[tuple]:
        """The live items in the form summary.compute reads them."""
        return [(r.id, r.name, r.kind, r.required, r.location, r.minutes, r.set_date, r.due_date, r.no_homework,
                 r.graded) for r in self.rows if not r.withdrawn]


def _evening_state(session: Session, klass: ClassRef, evening: _Evening) -> tuple:
    """What the budget and the retry check of an entry read: its class's items on its evenings (how many,
    the newest, the last change), the policy versions and the calendar's kinds of those evenings. Equal
    before and inside the write lock means their verdicts still hold (ADR 0010).

    The calendar is compared on the entry's evenings only: they are the only days the checks, the
    summaries and the alerts of the save ask it about.
    """
    params = evening.params
    calendar = loads.school_calendar(session, school_id=klass.school_id)
    return (evening.state, loads.policy_fingerprint(session, school_id=klass.school_id),
            _kinds(calendar, params["first"], params["last"]))


def _kinds(calendar: SchoolCalendar, first: date, last: date) -> tuple:
    return tuple(calendar.kind(first + timedelta(days=n)) for n in range((last - first).days + 1))


def _locked_state(session: Session, scope: Scope, data: HomeworkInput) -> tuple[ClassRef, tuple]:
    """The permission again and _evening_state read afresh inside the write lock, in one statement
    instead of the eight that checking the class and reading the whole policy and calendar again took."""
    days = rules.evenings(_candidate(data, "", None))
    params = {"class_id": data.class_id, "school_id": scope.school_id, "subject_id": data.subject_id,
              "user_id": scope.user_id, "first": days[0], "last": days[-1],
              "earliest": days[0] - timedelta(days=MAX_SPREAD_DAYS)}
    found = _LOCKED_STATE.first(session.connection(), params)
    if scope.role != "teacher" or found is None:
        raise Forbidden(f"user {scope.user_id} does not teach subject {data.subject_id} in class {data.class_id}")
    count, newest, changed, versions_count, versions_newest, own, national = found[4:]
    fresh = SchoolCalendar({**_days(national), **_days(own)})
    return ClassRef(*found[:4]), ((count, newest, changed), (versions_count, versions_newest),
                                  _kinds(fresh, days[0], days[-1]))


def _days(joined: str | None) -> dict[date, DayKind]:
    pairs = (text.split(":", 1) for text in (joined or "").split(",") if text)
    return {date.fromisoformat(day[:10]): parse_day_kind(kind) for day, kind in pairs}


def log_homework(session: Session, *, scope: Scope, data: HomeworkInput, today: date,
                 confirm_over: bool = False, reason: str | None = None) -> HomeworkItem:
    """Save a new entry; over a cap only with confirmation and a reason (never in "block" mode).

    Reads first (permission, dates, the retry check, the budget) and only then takes the write lock,
    where it re-checks that nothing it read about the class's evenings changed (ADR 0010).
    """
    if session.info.get(PHASE) == "read" and not session.in_transaction():
        # The read half's two statements are each proved again in the write lock (_locked_state): they need
        # no transaction of their own (SQLite: no BEGIN, #12).
        session.connection(execution_options={SINGLE_READ: True})
    # The subject's name with the permission: the budget and the snapshot both ask for it.
    klass, subject = _class_and_subject(session, scope, data.class_id, data.subject_id)
    check_dates(data, today=today)
    # The school's calendar and policy versions as an earlier save proved them in its write lock: the read
    # half judges with them unread (#12), and this save's lock proves them again (or reads them afresh).
    # Only in a phased session: one without a write lock to prove them in never takes them.
    shared = session.info.get(SHARED_READS) if session.info.get(PHASE) == "read" else None
    if shared is not None:
        loads.restore_reads(session, shared.get(klass.school_id, {}))
    evening = _Evening(session, klass, data)
    read = _evening_state(session, klass, evening)
    # Before the budget: the meter would count the already-saved entry a second time and ask a
    # teacher whose answer was lost to confirm going over a cap they are not over.
    repeat = evening.same_entry(scope, data)
    if repeat is not None:
        session.rollback()
        return session.get(HomeworkItem, repeat)
    stored_reason = _check_budget(session, klass, data, None, confirm_over, reason, items=evening.budget_items(),
                                  subject=subject)
    kept = loads.kept_reads(session)
    if begin_writes(session):
        # Inside the lock: the permission again (and the class row lock on PostgreSQL), then what
        # another save of this class may have changed since; only then the checks run again.
        klass, now = _locked_state(session, scope, data)
        if now[1:] == read[1:]:
            # Same policy versions, same calendar on the evenings: what was read before serves the
            # checks, the summaries and the alerts of this transaction without reading it again.
            loads.restore_reads(session, kept)
            if shared is not None:
                shared[klass.school_id] = loads.shareable_reads(kept, school_id=klass.school_id)
        elif shared is not None:
            shared.pop(klass.school_id, None)  # the next save reads them afresh
        if now != read:
            evening = _Evening(session, klass, data)
            repeat = evening.same_entry(scope, data)
            if repeat is not None:
                session.rollback()
                return session.get(HomeworkItem, repeat)
            stored_reason = _check_budget(session, klass, data, None, confirm_over, reason,
                                          items=evening.budget_items(), subject=subject)
    live: list[tuple] | None = evening.live()
    if evening.markers(data):  # rare: "no homework" was published for this subject and evening
        _drop_no_homework_marker(session, scope, data, klass)
        session.flush()
        live = None  # the summaries read the items again
    return _create(session, scope, klass, subject, data, stored_reason, live)


_ITEM_COLUMNS = ("class_id", "subject_id", "teacher_id", "set_date", "due_date", "last_evening", "description", "kind",
                 "required", "location", "minutes", "no_homework", "graded", "withdrawn", "over_cap_reason",
                 "version", "created_at", "updated_at")
_INSERT_ITEM = Prepared(insert(ITEMS).values({name: bindparam(name) for name in _ITEM_COLUMNS}).returning(ITEMS.c.id))
_INSERT_REVISION = Prepared(insert(HomeworkRevision.__table__).values(  # type: ignore[attr-defined]
    {name: bindparam(name) for name in ("item_id", "version", "action", "changed_by", "changed_at", "snapshot")}))
_INSERT_AUDIT = Prepared(insert(AuditEntry.__table__).values(  # type: ignore[attr-defined]
    {name: bindparam(name) for name in ("at", "user_id", "school_id", "action", "entity", "entity_id", "before",
                                        "after")}))


def _create(session: Session, scope: Scope, klass: ClassRef, subject: str, data: HomeworkInput,
            stored_reason: str | None, live: list[tuple] | None = None) -> HomeworkItem:
    """The write half of a new entry in Core statements: the item, its class-evening summaries, the
    school's data version, its first revision, the audit entry and its alerts; then commit.

    What the ORM's flush hooks do for other writes (edulite.homework.summary, edulite.school.versions) is
    called here directly: the unit of work cost more CPU in the write lock than the writing (#12).
    """
    check_writable(session)
    now = utcnow()
    values = {"class_id": data.class_id, "subject_id": data.subject_id, "teacher_id": scope.user_id,
              "set_date": data.set_date, "due_date": data.due_date,
              "last_evening": rules.last_evening(data.set_date, data.due_date), "description": data.description,
              "kind": data.kind, "required": data.required, "location": data.location, "minutes": data.minutes,
              "no_homework": False, "graded": False, "withdrawn": False, "over_cap_reason": stored_reason,
              "version": 1, "created_at": now, "updated_at": now}
    conn = session.connection()  # Core statements: the session's per-call work skipped
    (item_id,) = _INSERT_ITEM.rows(conn, values)[0]
    days = summary.item_days(data.set_date, data.due_date)
    found = None if live is None else {klass.id: [*live, (item_id, subject, data.kind, data.required, data.location,
                                                        data.minutes, data.set_date, data.due_date, False, False)]}
    rows = summary.refresh(session, {klass.id: days}, classes={klass.id: (klass.school_id, klass.grade)},
                           found=found, adds_only=live is not None)
    versions.bump(session, {klass.school_id})
    after = _snapshot(subject, SimpleNamespace(**values))
    _INSERT_REVISION.rows(conn, {"item_id": item_id, "version": 1, "action": "create",
                                       "changed_by": scope.user_id, "changed_at": now,
                                       "snapshot": json.dumps(after, ensure_ascii=False)})
    trail = [entry_values(user_id=scope.user_id, school_id=klass.school_id, action="homework_create",
                          entity="homework_item", entity_id=item_id, after=after)]
    judged = rules.Item(item_id, klass.id, "", data.kind, True, data.location, 0, data.set_date,
                        description=data.description)
    _result, raised = alerts.recompute_evenings(
        session, school_id=klass.school_id, class_id=klass.id, grade=klass.grade, active=klass.active,
        rows={row.day: row for row in rows.get(klass.id, [])}, start=min(days), end=max(days) + timedelta(days=1),
        item=judged, actor_id=scope.user_id, cause="homework")
    _INSERT_AUDIT.many(conn, trail + raised)
    session.commit()
    # What the caller reads back, built after the commit and never added to a session: without the ORM's
    # instrumentation (model_construct: 5 µs against 36 for the constructor, #12). To change the entry,
    # load it (session.get).
    return HomeworkItem.model_construct(id=item_id, **values)


def edit_homework(session: Session, *, scope: Scope, item_id: int, data: HomeworkInput, today: date,
                  confirm_over: bool = False, reason: str | None = None, version: int | None = None) -> HomeworkItem:
    """Change an entry on the day it is set; the old values stay in its history.

    version is the entry's version the form was opened on: if the entry changed since (another open
    form, another phone), the save is refused ("stale") rather than silently undo that change (#15).
    """
    item, klass = _item(session, scope, item_id)
    if version is not None and version != item.version:
        session.rollback()
        raise InvalidHomework.one("form", "stale")
    _class_for(session, scope, data.class_id, data.subject_id)
    if data.class_id != item.class_id or item.no_homework:
        raise Forbidden("an entry cannot move to another class or stop being 'no homework'")
    if item.withdrawn:
        raise InvalidHomework.one("form", "withdrawn")
    if not _editable(session, item, klass.school_id, today):
        raise InvalidHomework.one("form", "locked")
    check_dates(data, today=today)
    stored_reason = _check_budget(session, klass, data, item.id, confirm_over, reason)
    changed = [name for name in ("subject_id", *FIELDS) if getattr(item, name) != getattr(data, name)]
    if not changed:
        session.rollback()
        return item
    before = snapshot(session, item)
    old_span = (item.set_date, rules.last_evening(item.set_date, item.due_date))
    for name in changed:
        setattr(item, name, getattr(data, name))
    item.over_cap_reason = stored_reason
    item.teacher_id, item.version, item.updated_at = scope.user_id, item.version + 1, utcnow()
    new_span = (item.set_date, rules.last_evening(item.set_date, item.due_date))
    span = (min(old_span[0], new_span[0]), max(old_span[1], new_span[1]))
    return _record(session, scope, item, "edit", before, klass, span)


def withdraw_homework(session: Session, *, scope: Scope, item_id: int, today: date) -> HomeworkItem:
    """Take an entry back on the day it is set; it stays in the history, marked withdrawn."""
    item, klass = _item(session, scope, item_id)
    if item.withdrawn:
        session.rollback()
        return item
    if not _editable(session, item, klass.school_id, today):
        raise InvalidHomework.one("form", "locked")
    before = snapshot(session, item)
    item.withdrawn, item.version, item.updated_at = True, item.version + 1, utcnow()
    span = (item.set_date, rules.last_evening(item.set_date, item.due_date))
    return _record(session, scope, item, "withdraw", before, klass, span)


def mark_graded(session: Session, *, scope: Scope, item_id: int, graded: bool = True) -> HomeworkItem:
    """Record that the teacher graded (全批全改, R-HW-07) an entry, or take the mark back."""
    item, klass = _item(session, scope, item_id)
    if item.withdrawn or item.no_homework:
        raise InvalidHomework.one("form", "withdrawn" if item.withdrawn else "form")
    if item.graded == graded:
        session.rollback()
        return item
    before = snapshot(session, item)
    item.graded, item.version, item.updated_at = graded, item.version + 1, utcnow()
    return _record(session, scope, item, "graded" if graded else "ungraded", before, klass,
                   (item.set_date, item.set_date))


def log_no_homework(session: Session, *, scope: Scope, class_id: int, subject_id: int, set_date: date,
                    today: date) -> HomeworkItem:
    """Publish "no homework" (作业：无) for a class and subject on a day; tapping twice saves it once."""
    klass = _class_for(session, scope, class_id, subject_id)
    data = HomeworkInput(no_homework=True, class_id=class_id, subject_id=subject_id, minutes=0,
                         required=False, set_date=set_date)
    check_dates(data, today=today)
    existing = session.exec(select(HomeworkItem).where(
        HomeworkItem.class_id == class_id, HomeworkItem.subject_id == subject_id,
        HomeworkItem.set_date == set_date, col(HomeworkItem.withdrawn).is_(False))).all()
    if any(not item.no_homework for item in existing):
        raise InvalidHomework.one("form", "already_logged")
    if existing:
        session.rollback()
        return existing[0]
    item = HomeworkItem(class_id=class_id, subject_id=subject_id, teacher_id=scope.user_id, set_date=set_date,
                        description="", kind="written", required=False, location="home", minutes=0,
                        no_homework=True)
    return _record(session, scope, item, "create", None, klass, (set_date, set_date))


def log_homework_for_classes(session: Session, *, scope: Scope, data: HomeworkInput, class_ids: list[int],
                             today: date, confirmed: set[int] | frozenset[int] = frozenset(),
                             reason: str | None = None) -> list[HomeworkItem]:
    """Save one entry for several of the teacher's classes at once (#15): all of them or none.

    Each class has its own budget: a class the entry takes over a cap needs its own confirmation (its id
    in `confirmed`; data.class_id's is the form's usual box) and the one reason. Problems of the other
    classes are reported under "also_<class id>"; any problem anywhere saves nothing. Retry-safe like
    log_homework: a class where the same entry was just saved keeps that entry and gets no second one.
    """
    ids = list(dict.fromkeys([data.class_id, *class_ids]))
    if len(ids) == 1:
        item = log_homework(session, scope=scope, data=data, today=today, confirm_over=data.class_id in confirmed,
                            reason=reason)
        return [item]
    check_dates(data, today=today)
    # Several classes' budgets: read and written inside one write transaction (ADR 0010's short path is
    # for the one-class save, the common case).
    begin_writes(session)
    # Locked in id order, whatever order they were ticked in: two saves cannot wait on each other.
    classes: dict[int, SchoolClass] = {}
    for class_id in sorted(ids):
        try:
            classes[class_id] = _class_for(session, scope, class_id, data.subject_id)
        except Forbidden:
            if class_id == data.class_id:
                raise
            session.rollback()
            raise InvalidHomework.one("also", "also_subject") from None
    problems: dict[str, list[Problem]] = {}
    plans: list[tuple[SchoolClass, HomeworkInput, str | None]] = []
    done: list[HomeworkItem] = []
    for class_id in ids:
        klass, each = classes[class_id], data.model_copy(update={"class_id": class_id})
        repeat = _same_entry_just_saved(session, scope, each)
        if repeat is not None:
            done.append(repeat)
            continue
        try:
            stored = _check_budget(session, klass, each, None, class_id in confirmed, reason)
        except InvalidHomework as error:
            for name, found in error.problems.items():
                key = name if class_id == data.class_id or name == "over_reason" else f"also_{class_id}"
                problems.setdefault(key, [])
                problems[key] += [p for p in found if p not in problems[key]]
            continue
        plans.append((klass, each, stored))
    if problems:
        session.rollback()
        raise InvalidHomework(problems)
    for klass, each, stored in plans:
        _drop_no_homework_marker(session, scope, each, klass)
        item = HomeworkItem(class_id=klass.id, subject_id=each.subject_id, teacher_id=scope.user_id,
                            set_date=each.set_date, due_date=each.due_date, description=each.description,
                            kind=each.kind, required=each.required, location=each.location, minutes=each.minutes,
                            over_cap_reason=stored)
        last = rules.last_evening(each.set_date, each.due_date)
        done.append(_record(session, scope, item, "create", None, klass, (each.set_date, last), commit=False))
    session.commit()
    order = {class_id: n for n, class_id in enumerate(ids)}
    return sorted(done, key=lambda item: order[item.class_id])


def restore_homework(session: Session, *, scope: Scope, item_id: int, today: date) -> HomeworkItem:
    """Bring a withdrawn entry back on the day it is set (#15); the withdrawal stays in its history.

    The entry is judged against tonight's budget again: one saved over a cap keeps its reason; one that
    would now go over a cap needs it logged anew with a confirmation (it is refused, "confirm_over").
    """
    item, klass = _item(session, scope, item_id)
    if not item.withdrawn:
        session.rollback()
        return item
    logged_on = budget.local_date(item.created_at, budget.school_zone(session, school_id=klass.school_id))
    if item.no_homework or not editable(set_date=item.set_date, logged_on=logged_on, today=today, withdrawn=False):
        raise InvalidHomework.one("form", "locked")
    data = HomeworkInput(class_id=item.class_id, subject_id=item.subject_id, description=item.description,
                         kind=item.kind, required=item.required, location=item.location, minutes=item.minutes,
                         set_date=item.set_date, due_date=item.due_date)
    reason = _check_budget(session, klass, data, None, item.over_cap_reason is not None, item.over_cap_reason)
    _drop_no_homework_marker(session, scope, data, klass)
    before = snapshot(session, item)
    item.withdrawn, item.over_cap_reason = False, reason
    item.version, item.updated_at = item.version + 1, utcnow()
    span = (item.set_date, rules.last_evening(item.set_date, item.due_date))
    return _record(session, scope, item, "restore", before, klass, span)
