"""Writes to a school's policy (stricter only) and calendar; each change is audited.

Each write judges the school's alerts again before its one commit: a recompute that fails leaves
neither the new policy or calendar nor its audit row, and alerts never lag behind the rules in force.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from datetime import date, timedelta

from sqlmodel import Session, col, select

from edulite.alerts.recompute import recompute_all
from edulite.core.calendar import DayKind, is_supported
from edulite.core.policy import NATIONAL, amend, policy_from_dict, policy_to_dict, tighten
from edulite.homework.loads import district_policy, policy_in_force, school_today
from edulite.models import CalendarDay, District, PolicyVersion, School, User
from edulite.school.audit import audit

# A new policy judges stored alerts again from its first day to this far past today, where the homework
# already logged lies (the window the settings page recomputed before this moved here).
RECOMPUTE_AHEAD_DAYS = 32


def _recompute_from(session: Session, school_id: int, effective_from: date, today: date | None) -> None:
    """Judge the school's alerts again under a policy that takes effect on effective_from."""
    today = today or school_today(session, school_id=school_id)
    session.flush()
    recompute_all(session, school_id=school_id, start=effective_from,
                  end=max(effective_from, today) + timedelta(days=RECOMPUTE_AHEAD_DAYS), today=today)


def _check_effective(effective_from: date) -> None:
    # Checked before any write: a date past 2099 once stored its version and audit row, then overflowed in
    # the recompute (#17); every typed date obeys the same years (POLICY "Counting, precisely").
    if not isinstance(effective_from, date) or not is_supported(effective_from):
        raise ValueError(f"effective_from: expected a date from 2000 to 2099, got {effective_from!r}")


def _in_force_override(versions: list[PolicyVersion], day: date) -> dict:
    chosen = [v for v in versions if v.effective_from <= day]
    return json.loads(chosen[-1].data) if chosen else {}


def _own_versions(session: Session, *, school_id: int | None = None, district_id: int | None = None):
    query = select(PolicyVersion)
    if school_id is not None:
        query = query.where(PolicyVersion.school_id == school_id)
    else:
        query = query.where(PolicyVersion.district_id == district_id, col(PolicyVersion.school_id).is_(None))
    return list(session.exec(query.order_by(PolicyVersion.effective_from, PolicyVersion.id)).all())


def set_school_policy(session: Session, *, school_id: int, data: Mapping, effective_from: date,
                      user_id: int | None, today: date | None = None, replace: bool = True) -> None:
    """Store a school override and its alerts; PolicyLooser (a ValueError) if looser than the district's.

    replace: the new version holds data alone (the settings form sends the whole policy); otherwise data
    amends the override in force on effective_from (a policy file without --replace, core.policy.amend).
    today defaults to the school's date.
    """
    _check_effective(effective_from)
    school = session.get(School, school_id)
    base = district_policy(session, district_id=school.district_id, day=effective_from)
    override = dict(data)
    override.pop("effective_from", None)
    if not replace:
        override = amend(_in_force_override(_own_versions(session, school_id=school_id), effective_from), override)
    new = tighten(base, override)
    before = policy_to_dict(policy_in_force(session, school_id=school_id, day=effective_from))
    session.add(PolicyVersion(school_id=school_id, effective_from=effective_from, created_by=user_id,
                              data=json.dumps(override, ensure_ascii=False, sort_keys=True)))
    audit(session, user_id=user_id, school_id=school_id, action="policy_set", entity="policy",
          before=before, after=policy_to_dict(new))
    _recompute_from(session, school_id, effective_from, today)
    session.commit()


def set_district_policy(session: Session, *, district_id: int, data: Mapping, effective_from: date,
                        user_id: int | None, replace: bool = True) -> None:
    """Store a district default and its schools' alerts; it too may only be stricter than the national floor.

    A school whose older override is looser than the new default keeps its version; the district's
    stricter value applies there (loads.policy_conflicts tells the school). replace as set_school_policy.
    """
    _check_effective(effective_from)
    override = dict(data)
    override.pop("effective_from", None)
    if not replace:
        override = amend(_in_force_override(_own_versions(session, district_id=district_id), effective_from),
                         override)
    new = tighten(NATIONAL, override)
    session.add(PolicyVersion(district_id=district_id, effective_from=effective_from, created_by=user_id,
                              data=json.dumps(override, ensure_ascii=False, sort_keys=True)))
    audit(session, user_id=user_id, school_id=None, action="district_policy_set", entity="policy",
          after=policy_to_dict(new))
    for school_id in session.exec(select(School.id).where(School.district_id == district_id)).all():
        _recompute_from(session, school_id, effective_from, None)
    session.commit()


def policy_history(session: Session, *, school_id: int) -> list[dict]:
    """Every version that made the school's policy, district defaults and its own, oldest first."""
    school = session.get(School, school_id)
    versions = _own_versions(session, district_id=school.district_id) + _own_versions(session, school_id=school_id)
    names = dict(session.exec(select(User.id, User.username).where(
        col(User.id).in_({v.created_by for v in versions if v.created_by is not None}))).all())
    district = session.get(District, school.district_id)
    rows = [{"effective_from": v.effective_from.isoformat(),
             "set_by": "school" if v.school_id is not None else "district",
             "of": school.name if v.school_id is not None else (district.name if district else None),
             "stored_at": v.created_at.isoformat(timespec="seconds"),
             "user": names.get(v.created_by), "data": json.loads(v.data)} for v in versions]
    return sorted(rows, key=lambda r: (r["effective_from"], r["stored_at"]))


def parse_policy(data: Mapping):
    """Validate keys and types of a policy document before anything is stored."""
    return policy_from_dict({k: v for k, v in data.items() if k != "effective_from"})


def set_calendar_days(session: Session, *, school_id: int, days: Iterable[tuple[date, DayKind, str | None]],
                      user_id: int | None) -> int:
    """Insert or replace calendar days (holidays, 调休 make-up days) for a school; returns the count."""
    wanted = {day: (kind, note) for day, kind, note in days}
    existing = {row.day: row for row in session.exec(
        select(CalendarDay).where(CalendarDay.school_id == school_id, col(CalendarDay.day).in_(list(wanted)))).all()}
    for day, (kind, note) in wanted.items():
        row = existing.get(day) or CalendarDay(school_id=school_id, day=day, kind=kind.value)
        row.kind, row.note = kind.value, note
        session.add(row)
    audit(session, user_id=user_id, school_id=school_id, action="calendar_set", entity="calendar",
          after={d.isoformat(): k.value for d, (k, _n) in sorted(wanted.items())})
    if wanted:
        # A day that changes kind changes its cap and whether it needs after-school service: judge again.
        session.flush()
        recompute_all(session, school_id=school_id, start=min(wanted), end=max(wanted) + timedelta(days=1),
                      actor_id=user_id, cause="calendar")
    session.commit()
    return len(wanted)
