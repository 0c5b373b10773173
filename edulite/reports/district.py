"""The district supervisor's figures: per school, over-cap class-days and after-school compliance.

A fixed handful of grouped statements whatever the number of schools (a prefecture has hundreds): the
school-day counts kept beside the class-evening summaries give over-cap and logged class-days per
school, the calendar overrides and the policies of the whole district come in one statement each. The
figures are those of the principal's week (edulite.reports.week): a day counts once it is over (school
days before today, and today once logged), and the drill-down into one school shows the same numbers.
"""

from __future__ import annotations

import json
from datetime import date, time, timedelta
from typing import NamedTuple

from sqlalchemy import case, func
from sqlmodel import Session, col, or_, select

from edulite.core.afterschool_rules import ends_in_window
from edulite.core.calendar import SchoolCalendar, parse_day_kind
from edulite.core.policy import NATIONAL, Policy, overlay, parse_hhmm, tighten
from edulite.homework import loads as homework_loads
from edulite.models import AfterSchoolSession, Alert, CalendarDay, PolicyVersion, School, SchoolClass, SchoolDayLoad


class SchoolWeek(NamedTuple):
    """One school's week (a tuple: built 600 times a page for a prefecture, cheaper than a frozen dataclass)."""

    school_id: int
    name: str
    class_days: int  # class x school day judged so far this week
    over_days: int
    school_days: int  # school days judged so far
    days_with_service: int
    sessions: int
    sessions_in_window: int
    open_alerts: int  # open alerts of this week, and undated ones (class size)
    # School days judged so far whose service (the union of its sessions) ends in the R-AS-02 window:
    # compliance counts school-days, as the alerts judge them, not sessions (#16).
    days_in_window: int = 0

    @property
    def over_share(self) -> float | None:
        return None if not self.class_days else self.over_days / self.class_days

    @property
    def coverage(self) -> float | None:
        return None if not self.school_days else self.days_with_service / self.school_days


def district_school(session: Session, *, district_id: int, school_id: int) -> School | None:
    """The school if it belongs to the supervisor's district; None otherwise (callers answer 404)."""
    school = session.get(School, school_id)
    return school if school is not None and school.district_id == district_id else None


SORTS = ("name", "worst")


def _policies(session: Session, district_id: int, day: date, school_ids: list[int]) -> dict[int | None, Policy]:
    """The policy in force on day for each school (None: the district default, shared by schools without their own)."""
    rows = session.exec(select(PolicyVersion.school_id, PolicyVersion.data).where(
        PolicyVersion.district_id == district_id, PolicyVersion.effective_from <= day)
        .order_by(PolicyVersion.effective_from, PolicyVersion.id)).all()
    latest = dict(rows)  # later versions overwrite earlier ones
    base = tighten(NATIONAL, json.loads(latest[None])) if None in latest else NATIONAL
    out: dict[int | None, Policy] = {None: base}
    for sid in school_ids:
        if sid in latest:
            # A district default made stricter later wins over an older school value (#16, loads.policy_in_force).
            out[sid] = overlay(base, json.loads(latest[sid]))[0]
    return out


def _days_in_window(own: list, school_days: set[date], policy: Policy) -> int:
    """School days whose service ends (the union of its sessions ends with the last one) inside the
    policy's window (R-AS-02). own: (day, sessions, sessions in window, last end) per day."""
    return sum(1 for day, _n, _w, end in own if day in school_days and ends_in_window(_clock(end), policy))


def _clock(value) -> time:
    # SQLite hands a TIME column grouped on back as text on some drivers.
    return value if isinstance(value, time) else time.fromisoformat(str(value))


def school_weeks(session: Session, *, district_id: int, start: date, end: date, today: date,
                 sort: str = "name") -> list[SchoolWeek]:
    """Every school of the district for the week [start, end), by name or worst over-cap share first."""
    # Plain Core rows: the ORM's row loading was a third of the Python time at 600 schools.
    rows = session.connection().execute
    schools = rows(select(School.id, School.name).where(School.district_id == district_id)
                           .order_by(School.name)).all()
    ids = [sid for sid, _ in schools]
    in_district = select(School.id).where(School.district_id == district_id)
    classes = dict(rows(select(SchoolClass.school_id, func.count()).where(
        col(SchoolClass.school_id).in_(in_district), SchoolClass.active).group_by(SchoolClass.school_id)).all())
    overrides: dict[int, dict[date, str]] = {}
    for sid, day, kind in rows(select(CalendarDay.school_id, CalendarDay.day, CalendarDay.kind).where(
            col(CalendarDay.school_id).in_(in_district), CalendarDay.day >= start, CalendarDay.day < end)).all():
        overrides.setdefault(sid, {})[day] = kind
    # One row per school and day (edulite.homework.school_days, active classes only, over counted on
    # school days): a few thousand rows for a week of 600 schools, read from its covering index.
    loads = {sid: (int(past or 0), int(now or 0), int(logged or 0)) for sid, past, now, logged in rows(
        select(SchoolDayLoad.school_id,
               func.sum(case((SchoolDayLoad.day < today, SchoolDayLoad.over), else_=0)),
               func.sum(case((SchoolDayLoad.day == today, SchoolDayLoad.over), else_=0)),
               func.sum(case((SchoolDayLoad.day == today, SchoolDayLoad.logged), else_=0)))
        .where(col(SchoolDayLoad.school_id).in_(in_district),
               SchoolDayLoad.day >= start, SchoolDayLoad.day < min(end, today + timedelta(days=1)))
        .group_by(SchoolDayLoad.school_id)).all()}
    policies = _policies(session, district_id, start, ids)
    windows = {key: (parse_hhmm(p.after_school_end_earliest), parse_hhmm(p.after_school_end_latest))
               for key, p in policies.items()}
    # Sessions per school and day, with those ending in the school's window (R-AS-01) counted in SQL: the
    # few schools with a window of their own are named, every other school has the district's.
    finish = AfterSchoolSession.end
    own_windows = [(col(AfterSchoolSession.school_id) == sid) & finish.between(*window)  # type: ignore[attr-defined]
                   for sid, window in windows.items() if sid is not None]
    own_ids = [sid for sid in windows if sid is not None]
    in_window = or_(*own_windows, col(AfterSchoolSession.school_id).not_in(own_ids)
                    & finish.between(*windows[None]))  # type: ignore[attr-defined]
    sessions: dict[int, list[tuple[date, int, int, object]]] = {}
    for sid, day, count, fitting, last_end in rows(
            select(AfterSchoolSession.school_id, AfterSchoolSession.day, func.count(),
                   func.sum(case((in_window, 1), else_=0)), func.max(AfterSchoolSession.end))
            .where(col(AfterSchoolSession.school_id).in_(in_district), AfterSchoolSession.day >= start,
                   AfterSchoolSession.day < end)
            .group_by(AfterSchoolSession.school_id, AfterSchoolSession.day)).all():
        sessions.setdefault(sid, []).append((day, int(count), int(fitting or 0), last_end))
    open_alerts = dict(rows(
        select(Alert.school_id, func.count()).where(
            col(Alert.school_id).in_(in_district), Alert.state == "open", col(Alert.current).is_(True),
            or_(col(Alert.day).is_(None), (Alert.day >= start) & (Alert.day < end)))
        .group_by(Alert.school_id)).all())
    # Most schools override no day of a given week: their school days are worked out once.
    national = homework_loads.national_calendar(session)  # statutory holidays and 调休 days (#14)
    plain = SchoolCalendar(national)
    plain_days = (set(plain.school_days(start, min(end, today))), plain.is_school_day(today))
    out = []
    for sid, name in schools:
        if sid in overrides:
            calendar = SchoolCalendar({**national, **{d: parse_day_kind(k) for d, k in overrides[sid].items()}})
            school_days, today_is_school_day = set(calendar.school_days(start, min(end, today))), \
                calendar.is_school_day(today)
        else:
            school_days, today_is_school_day = plain_days
        past, over_today, logged_today = loads.get(sid, (0, 0, 0))
        today_counts = today_is_school_day and start <= today < end and logged_today > 0
        own = sessions.get(sid, [])
        out.append(SchoolWeek(
            school_id=sid, name=name,
            class_days=classes.get(sid, 0) * len(school_days) + (logged_today if today_counts else 0),
            over_days=past + (over_today if today_counts else 0),
            school_days=len(school_days),
            days_with_service=sum(1 for day, _n, _w, _e in own if day in school_days),
            sessions=sum(n for _d, n, _w, _e in own),
            sessions_in_window=sum(w for _d, _n, w, _e in own),
            open_alerts=open_alerts.get(sid, 0),
            days_in_window=_days_in_window(own, school_days, policies.get(sid, policies[None]))))
    if sort == "worst":
        out.sort(key=lambda r: (-(r.over_share or 0), -r.over_days, r.name))
    return out
