"""Writes of homework entries: permission, validation, the budget re-check, history, audit, alerts.

Every public function checks that the caller teaches the class AND subject, writes a HomeworkRevision
snapshot (edits and withdrawals never overwrite history), appends to the audit trail, recomputes the
class's alerts in the same transaction and commits.
"""

from __future__ import annotations

import json
from datetime import date, timedelta

from sqlmodel import Session, col, func, select

from edulite.alerts import store as alerts
from edulite.core import rules
from edulite.core.entry import MAX_SPREAD_DAYS, editable
from edulite.core.scope import Scope
from edulite.db import begin_writes
from edulite.homework import budget, loads
from edulite.homework.input import MAX_REASON, HomeworkInput, InvalidHomework, Problem, check_dates, clean_reason
from edulite.models import Assignment, HomeworkItem, HomeworkRevision, SchoolClass, Subject, utcnow
from edulite.school.audit import audit

# A retried save (the answer to the first tap was lost on a weak connection) must not log it twice.
RETRY_WINDOW = timedelta(minutes=10)
FIELDS = ("description", "kind", "required", "location", "minutes", "set_date", "due_date")


class Forbidden(PermissionError):
    """The caller does not teach this class and subject (or it belongs to another school)."""


class NotFound(LookupError):
    pass


def _class_for(session: Session, scope: Scope, class_id: int, subject_id: int, *,
               lock: bool = True) -> SchoolClass:
    query = (select(SchoolClass).join(Assignment, Assignment.class_id == SchoolClass.id)
             .where(SchoolClass.id == class_id, SchoolClass.school_id == scope.school_id,
                    Assignment.subject_id == subject_id, Assignment.teacher_id == scope.user_id))
    if lock:
        # Two teachers saving for one class at once must each see the other's minutes (PostgreSQL).
        # populate_existing: a class read before the lock (ADR 0010) is read again, not served stale.
        query = query.with_for_update(of=SchoolClass).execution_options(populate_existing=True)
    klass = session.exec(query).first()
    if scope.role != "teacher" or klass is None:
        raise Forbidden(f"user {scope.user_id} does not teach subject {subject_id} in class {class_id}")
    return klass


def _item(session: Session, scope: Scope, item_id: int) -> tuple[HomeworkItem, SchoolClass]:
    item = session.get(HomeworkItem, item_id)
    if item is None:
        raise NotFound(f"homework item {item_id}")
    return item, _class_for(session, scope, item.class_id, item.subject_id)


def snapshot(session: Session, item: HomeworkItem) -> dict:
    subject = session.get(Subject, item.subject_id)
    return {"subject": subject.name if subject else "", "subject_id": item.subject_id,
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


def _check_budget(session: Session, klass: SchoolClass, data: HomeworkInput, item_id: int | None,
                  confirm_over: bool, reason: str | None) -> str | None:
    """Re-check the meter on the server; return the reason to store, or raise InvalidHomework."""
    subject = session.get(Subject, data.subject_id)
    found = budget.check(session, school_id=klass.school_id, grade=klass.grade,
                         candidate=_candidate(data, subject.name, item_id), replacing_id=item_id)
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


def _drop_no_homework_marker(session: Session, scope: Scope, data: HomeworkInput, klass: SchoolClass) -> None:
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


def _evening_state(session: Session, klass: SchoolClass, data: HomeworkInput) -> tuple:
    """What the budget and the retry check of an entry read: its class's items on its evenings (how many,
    the newest, the last change), the policy and the calendar. Equal before and inside the write lock
    means their verdicts still hold (ADR 0010)."""
    days = rules.evenings(_candidate(data, "", None))
    items = session.exec(
        select(func.count(), func.max(HomeworkItem.id), func.max(HomeworkItem.updated_at))
        .where(HomeworkItem.class_id == klass.id, HomeworkItem.set_date <= days[-1],
               HomeworkItem.set_date >= days[0] - timedelta(days=MAX_SPREAD_DAYS),
               HomeworkItem.last_evening >= days[0])).one()
    return (tuple(items), loads.policy_in_force(session, school_id=klass.school_id, day=data.set_date),
            loads.school_calendar(session, school_id=klass.school_id))


def log_homework(session: Session, *, scope: Scope, data: HomeworkInput, today: date,
                 confirm_over: bool = False, reason: str | None = None) -> HomeworkItem:
    """Save a new entry; over a cap only with confirmation and a reason (never in "block" mode).

    Reads first (permission, dates, the retry check, the budget) and only then takes the write lock,
    where it re-checks that nothing it read about the class's evenings changed (ADR 0010).
    """
    klass = _class_for(session, scope, data.class_id, data.subject_id, lock=False)
    check_dates(data, today=today)
    read = _evening_state(session, klass, data)
    # Before the budget: the meter would count the already-saved entry a second time and ask a
    # teacher whose answer was lost to confirm going over a cap they are not over.
    repeat = _same_entry_just_saved(session, scope, data)
    if repeat is not None:
        session.rollback()
        return repeat
    stored_reason = _check_budget(session, klass, data, None, confirm_over, reason)
    if begin_writes(session):
        # Inside the lock: the permission again (and the class row lock on PostgreSQL), then what
        # another save of this class may have changed since; only then the checks run again.
        klass = _class_for(session, scope, data.class_id, data.subject_id)
        if _evening_state(session, klass, data) != read:
            repeat = _same_entry_just_saved(session, scope, data)
            if repeat is not None:
                session.rollback()
                return repeat
            stored_reason = _check_budget(session, klass, data, None, confirm_over, reason)
    _drop_no_homework_marker(session, scope, data, klass)
    item = HomeworkItem(class_id=data.class_id, subject_id=data.subject_id, teacher_id=scope.user_id,
                        set_date=data.set_date, due_date=data.due_date, description=data.description,
                        kind=data.kind, required=data.required, location=data.location, minutes=data.minutes,
                        over_cap_reason=stored_reason)
    last = rules.last_evening(data.set_date, data.due_date)
    return _record(session, scope, item, "create", None, klass, (data.set_date, last))


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
