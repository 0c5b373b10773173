"""The national calendar: China's statutory holidays and adjusted working days (调休), from the
maintained `holidays` library, stored in national_day as the default every school's calendar starts
from; a school's own calendar days (settings page, `import-calendar`) override it (#14, ADR 0012).

`flask edulite update-holidays` runs update(): a year is replaced whole, the class-evening summaries
and the alerts of every school are judged again over the changed days, and every school's data
version moves so that no cached page keeps the old day kinds.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import holidays as holidays_lib
from sqlalchemy import delete
from sqlmodel import Session, col, select

from edulite.alerts.recompute import recompute_all
from edulite.core.calendar import DayKind
from edulite.homework import loads, summary
from edulite.models import CalendarDay, NationalDay, School
from edulite.school import versions


@dataclass(frozen=True)
class YearReport:
    year: int
    holidays: int
    workdays: int  # weekend days made working days (调休); 0 while the State Council has not published them

    @property
    def provisional(self) -> bool:
        """No 调休 working days known: the year's schedule is probably not published yet."""
        return self.workdays == 0


def national_days(year: int) -> list[tuple[date, DayKind, str]]:
    """The year's statutory holidays (with their Chinese names) and its weekend working days."""
    found = holidays_lib.country_holidays("CN", years=year, language="zh_CN")
    days = [(day, DayKind.HOLIDAY, str(name)[:100]) for day, name in sorted(found.items())]
    workdays = sorted(d for d in found.weekend_workdays if d.year == year)
    return days + [(d, DayKind.SCHOOL_DAY, "调休上班") for d in workdays]


def update(session: Session, *, years: list[int]) -> list[YearReport]:
    """Replace the national days of each year; summaries, alerts and page versions follow. Commits."""
    reports, changed = [], []
    for year in sorted(set(years)):
        wanted = national_days(year)
        first, last = date(year, 1, 1), date(year, 12, 31)
        old: dict[date, str] = dict(session.exec(select(col(NationalDay.day), col(NationalDay.kind)).where(
            NationalDay.day >= first, NationalDay.day <= last)).all())
        session.execute(delete(NationalDay).where(col(NationalDay.day) >= first, col(NationalDay.day) <= last))
        session.add_all(NationalDay(day=d, kind=k.value, name=n) for d, k, n in wanted)
        new = {d: k.value for d, k, _n in wanted}
        changed += [d for d in set(old) | set(new) if old.get(d) != new.get(d)]
        reports.append(YearReport(year, sum(k is DayKind.HOLIDAY for _d, k, _n in wanted),
                                  sum(k is DayKind.SCHOOL_DAY for _d, k, _n in wanted)))
    session.flush()
    loads.forget_reads(session)
    school_ids = {sid for sid in session.exec(select(School.id)).all() if sid is not None}
    if changed:
        start, end = min(changed), max(changed) + timedelta(days=1)
        for school_id in sorted(school_ids):
            summary.recap(session, school_id=school_id, start=start, end=end)
            recompute_all(session, school_id=school_id, start=start, end=end, cause="calendar")
        versions.bump(session, school_ids)
    session.commit()
    return reports


@dataclass(frozen=True)
class DaySource:
    day: date
    kind: str
    source: str  # national or school
    note: str | None
    national: str | None  # the national day's name when the school overrides one


def calendar_sources(session: Session, *, school_id: int, since: date, limit: int = 200) -> list[DaySource]:
    """Every day from since on whose kind is not the plain weekday rule, and where its kind comes from."""
    query = select(col(NationalDay.day), col(NationalDay.kind), col(NationalDay.name)).where(NationalDay.day >= since)
    national = {d: (k, n) for d, k, n in session.exec(query).all()}
    own = {row.day: row for row in session.exec(select(CalendarDay).where(
        CalendarDay.school_id == school_id, CalendarDay.day >= since)).all()}
    out = []
    for day in sorted(set(national) | set(own))[:limit]:
        if day in own:
            row = own[day]
            out.append(DaySource(day, row.kind, "school", row.note, national[day][1] if day in national else None))
        else:
            out.append(DaySource(day, national[day][0], "national", national[day][1], None))
    return out
