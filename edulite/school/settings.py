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
from edulite.core.calendar import DayKind
from edulite.core.policy import NATIONAL, policy_from_dict, policy_to_dict, tighten
from edulite.homework.loads import district_policy, policy_in_force, school_today
from edulite.models import CalendarDay, PolicyVersion, School
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


def set_school_policy(session: Session, *, school_id: int, data: Mapping, effective_from: date,
                      user_id: int | None, today: date | None = None) -> None:
    """Store a school override and its alerts; PolicyLooser (a ValueError) if looser than the district's.

    today defaults to the school's date.
    """
    school = session.get(School, school_id)
    base = district_policy(session, district_id=school.district_id, day=effective_from)
    override = dict(data)
    override.pop("effective_from", None)
    new = tighten(base, override)
    before = policy_to_dict(policy_in_force(session, school_id=school_id, day=effective_from))
    session.add(PolicyVersion(school_id=school_id, effective_from=effective_from, created_by=user_id,
                              data=json.dumps(override, ensure_ascii=False, sort_keys=True)))
    audit(session, user_id=user_id, school_id=school_id, action="policy_set", entity="policy",
          before=before, after=policy_to_dict(new))
    _recompute_from(session, school_id, effective_from, today)
    session.commit()


def set_district_policy(session: Session, *, district_id: int, data: Mapping, effective_from: date,
                        user_id: int | None) -> None:
    """Store a district default and its schools' alerts; it too may only be stricter than the national floor."""
    override = dict(data)
    override.pop("effective_from", None)
    new = tighten(NATIONAL, override)
    session.add(PolicyVersion(district_id=district_id, effective_from=effective_from, created_by=user_id,
                              data=json.dumps(override, ensure_ascii=False, sort_keys=True)))
    audit(session, user_id=user_id, school_id=None, action="district_policy_set", entity="policy",
          after=policy_to_dict(new))
    for school_id in session.exec(select(School.id).where(School.district_id == district_id)).all():
        _recompute_from(session, school_id, effective_from, None)
    session.commit()


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
