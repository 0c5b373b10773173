"""Reads that feed the engine: a school's calendar, the policy in force, and each class's daily loads.

Loads come from the class-evening summaries the writes keep (edulite.homework.summary, ADR 0007): a week
reads one row per class-evening with homework, whatever the number of items.
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import NamedTuple

from sqlalchemy import and_, bindparam, literal, or_, union_all
from sqlmodel import Session, col, select

from edulite.core import rules
from edulite.core.calendar import DayKind, SchoolCalendar, parse_day_kind, today_in
from edulite.core.policy import NATIONAL, Policy, cap_for, overlay, tighten
from edulite.models import CalendarDay, ClassDayLoad, NationalDay, PolicyVersion, School, SchoolClass


@dataclass(frozen=True)
class ClassInfo:
    class_id: int
    name: str
    grade: int
    headcount: int


@dataclass(frozen=True)
class ClassLoads:
    klass: ClassInfo
    days: tuple[rules.DayLoad, ...]
    weekly_average: float | None


def school_today(session: Session, *, school_id: int, now: datetime | None = None) -> date:
    """Today where the school is (the server may run in UTC)."""
    school = _memo(session, ("school", school_id), lambda: session.get(School, school_id))
    return today_in(school.timezone if school else None, now)


MEMO = "edulite_memo"


def _memo(session: Session, key: tuple, build):
    """A value read once per transaction: a save asks for the policy and the calendar six times.

    Forgotten when the transaction ends and whenever a flush writes a policy, a calendar day or a
    school (forget_reads, from the summaries' flush hook), so a read never outlives what it read.
    """
    memo = session.info.setdefault(MEMO, {})
    if key not in memo:
        memo[key] = build()
    return memo[key]


def forget_reads(session: Session) -> None:
    session.info.pop(MEMO, None)


def kept_reads(session: Session) -> dict:
    """What this transaction has read so far (policy, calendar, school), to carry past begin_writes."""
    return dict(session.info.get(MEMO, {}))


def shareable_reads(kept: dict, *, school_id: int) -> dict:
    """Of kept_reads, the school's calendar and policy versions: plain immutable values (no ORM objects),
    which a later request may be given again once it has proved them current (edulite.homework.service)."""
    keys = (("calendar", school_id), ("national",), ("policies", school_id))
    return {key: kept[key] for key in keys if key in kept}


def restore_reads(session: Session, kept: dict) -> None:
    """Serve kept reads again in a new transaction. Only for a caller that has just proved them current
    for what it will ask (the teacher's save, ADR 0010: the policy versions by their count and newest
    id, the calendar on the entry's evenings)."""
    session.info.setdefault(MEMO, {}).update(kept)


def policy_fingerprint(session: Session, *, school_id: int) -> tuple[int, int | None]:
    """How many policy versions (the district's and the school's) were read and the newest id.

    Versions are only ever added (edulite.school.settings), never changed or deleted, so an equal
    count and newest id in a later transaction means the same versions.
    """
    district, own = _versions(session, school_id)
    ids = [v.id for v in district + own if v.id is not None]
    return len(district) + len(own), max(ids, default=None)


class Version(NamedTuple):
    """A policy version as the engine uses it, read as a plain row: versions are only ever added, so a read
    one stays true, and it can be shared between requests (ORM objects are tied to their session)."""

    id: int
    school_id: int | None
    effective_from: date
    data: str


_VERSION_COLUMNS = (PolicyVersion.id, PolicyVersion.school_id, PolicyVersion.effective_from, PolicyVersion.data)
# Statements built once with bound parameters (#12): every save and page asks for these, and building a
# statement per call cost SQLAlchemy more than SQLite spent running it.
_SCHOOL_DAYS = select(CalendarDay.day, CalendarDay.kind).where(CalendarDay.school_id == bindparam("school_id"))
_NATIONAL_DAYS = select(NationalDay.day, NationalDay.kind)
_DISTRICT_VERSIONS = (select(*_VERSION_COLUMNS).where(PolicyVersion.district_id == bindparam("district_id"),
                                                  col(PolicyVersion.school_id).is_(None))
                      .order_by(PolicyVersion.effective_from, PolicyVersion.id))
# The school's own days (1) and the national ones (0) in one statement, when neither was read yet.
_BOTH_DAYS = union_all(
    select(literal(1), CalendarDay.day, CalendarDay.kind).where(CalendarDay.school_id == bindparam("school_id")),
    select(literal(0), NationalDay.day, NationalDay.kind))
# A school's policy versions and its district's, in one statement (versions are few).
_ALL_VERSIONS = (select(*_VERSION_COLUMNS).where(or_(
    PolicyVersion.school_id == bindparam("school_id"),
    and_(col(PolicyVersion.school_id).is_(None), PolicyVersion.district_id == select(School.district_id).where(
        School.id == bindparam("school_id")).scalar_subquery())))
    .order_by(PolicyVersion.effective_from, PolicyVersion.id))


def school_calendar(session: Session, *, school_id: int) -> SchoolCalendar:
    def build() -> SchoolCalendar:
        if ("national",) in session.info.get(MEMO, {}):
            rows = session.exec(_SCHOOL_DAYS, params={"school_id": school_id}).all()  # type: ignore[call-overload]
            own = {day: parse_day_kind(kind) for day, kind in rows}
        else:
            national: dict[date, DayKind] = {}
            own = {}
            for mine, day, kind in session.execute(_BOTH_DAYS, {"school_id": school_id}).all():
                (own if mine else national)[day] = parse_day_kind(kind)
            _memo(session, ("national",), lambda: national)
        # The national holidays and 调休 days first, the school's own days over them (#14).
        return SchoolCalendar({**national_calendar(session), **own})

    return _memo(session, ("calendar", school_id), build)


def national_calendar(session: Session) -> dict[date, DayKind]:
    """The statutory holidays and adjusted working days (national_day), read once per transaction."""
    return _memo(session, ("national",), lambda: {day: parse_day_kind(kind) for day, kind in session.exec(
        _NATIONAL_DAYS).all()})


def _district_versions(session: Session, district_id: int) -> list[Version]:
    def build() -> list[Version]:
        rows = session.connection().execute(_DISTRICT_VERSIONS, {"district_id": district_id})
        return [Version(*row) for row in rows]

    return _memo(session, ("district-policies", district_id), build)


def _versions(session: Session, school_id: int) -> tuple[list[Version], list[Version]]:
    """The district's versions and the school's own, oldest first, read in one statement."""
    def build() -> tuple[list[Version], list[Version]]:
        found = [Version(*row) for row in session.connection().execute(_ALL_VERSIONS, {"school_id": school_id})]
        return [v for v in found if v.school_id is None], [v for v in found if v.school_id is not None]

    return _memo(session, ("policies", school_id), build)


def _latest(versions: list[Version], day: date) -> dict:
    return json.loads(_latest_text(versions, day))


def _latest_text(versions: list[Version], day: date) -> str:
    chosen = [v for v in versions if v.effective_from <= day]
    return chosen[-1].data if chosen else "{}"


@functools.lru_cache(maxsize=256)
def _composed(district: str, own: str) -> tuple[Policy, tuple[str, ...]]:
    # Composing checks every key against the floor: ~1 ms, asked several times by every save (#12).
    # A Policy is frozen and depends only on the two stored texts, so one per pair serves every request.
    # The school's override never loosens the district default in force that day: where a newer,
    # stricter district default meets an older school value, the district's wins (policy_conflicts).
    policy, conflicts = overlay(tighten(NATIONAL, json.loads(district)), json.loads(own))
    return policy, tuple(conflicts)


def _compose(district: list[Version], own: list[Version], day: date) -> Policy:
    return _composed(_latest_text(district, day), _latest_text(own, day))[0]


def policy_conflicts(session: Session, *, school_id: int, day: date) -> list[str]:
    """What of the school's own policy the stricter district default overrules on day (empty: nothing)."""
    district, own = _versions(session, school_id)
    return list(_composed(_latest_text(district, day), _latest_text(own, day))[1])


def district_policy(session: Session, *, district_id: int, day: date) -> Policy:
    """National floor, then the district default, as of day: what a school's override must not loosen."""
    return tighten(NATIONAL, _latest(_district_versions(session, district_id), day))


def policy_in_force(session: Session, *, school_id: int, day: date) -> Policy:
    """National floor, then the district default, then the school's stricter override, as of day."""
    district, own = _versions(session, school_id)
    return _compose(district, own, day)


def policy_periods(session: Session, *, school_id: int, start: date, end: date) -> list[tuple[date, date, Policy]]:
    """Split [start, end) where a policy version takes effect, so each day is judged by its own policy."""
    district, own = _versions(session, school_id)
    cuts = sorted({start, end} | {v.effective_from for v in district + own if start < v.effective_from < end})
    return [(a, b, _compose(district, own, a)) for a, b in zip(cuts, cuts[1:], strict=False)]


def classes(session: Session, *, school_id: int, class_ids: list[int] | None = None) -> list[ClassInfo]:
    query = select(SchoolClass.id, SchoolClass.name, SchoolClass.grade, SchoolClass.headcount).where(
        SchoolClass.school_id == school_id, SchoolClass.active)
    if class_ids is not None:
        query = query.where(col(SchoolClass.id).in_(class_ids))
    return [ClassInfo(*row) for row in session.exec(query.order_by(SchoolClass.grade, SchoolClass.name)).all()]


def class_loads(session: Session, *, school_id: int, start: date, end: date,
                class_ids: list[int] | None = None) -> list[ClassLoads]:
    """Daily loads of each class over [start, end), each day judged by the policy then in force.

    Read from the class-evening summaries (edulite.homework.summary keeps them in every write's own
    transaction): one row per class-evening with homework, whatever the number of items.
    """
    query = select(ClassDayLoad).where(ClassDayLoad.school_id == school_id, ClassDayLoad.day >= start,
                                       ClassDayLoad.day < end)
    if class_ids is not None:
        query = query.where(col(ClassDayLoad.class_id).in_(class_ids))
    stored = {(r.class_id, r.day): r for r in session.exec(query).all()}
    calendar = school_calendar(session, school_id=school_id)
    periods = policy_periods(session, school_id=school_id, start=start, end=end)
    days = [(a + timedelta(days=n), policy) for a, b, policy in periods for n in range((b - a).days)]
    out = []
    for klass in classes(session, school_id=school_id, class_ids=class_ids):
        loads = [day_load(stored.get((klass.class_id, day)), klass, day, calendar, policy) for day, policy in days]
        out.append(ClassLoads(klass, tuple(loads), rules.weekly_average(loads)))
    return out


def day_load(row: ClassDayLoad | None, klass: ClassInfo, day: date, calendar: SchoolCalendar,
             policy: Policy) -> rules.DayLoad:
    """A class-evening's load from its summary row (a ClassDayLoad or a summary.Row; None: nothing set)."""
    if row is None:  # nothing set for that evening: no row is kept
        kind = calendar.kind(day)
        cap = cap_for(policy, klass.grade, kind)
        return rules.DayLoad(klass.class_id, day, kind, 0, cap, 0 > cap, dict.fromkeys(rules.KINDS, 0), {}, ())
    by_kind, by_subject = json.loads(row.by_kind), json.loads(row.by_subject)
    return rules.DayLoad(klass.class_id, day, row.day_kind, row.counted, row.cap, row.over,
                         {k: by_kind.get(k, 0) for k in rules.KINDS}, by_subject, tuple(by_subject))
