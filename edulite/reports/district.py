"""The district supervisor's figures: per school, over-cap class-days and after-school compliance.

A fixed handful of statements whatever the number of schools (a prefecture has hundreds): the calendar
days of the week (national and each school's own) and the district's policies in one statement each,
then ONE statement that counts every school's week in SQL — active classes, the school-day counts kept
beside the class-evening summaries (school_day_load), after-school sessions per school-day with each
school's R-AS-02 window, open alerts — sorts the schools (by name, or worst over-cap share first) and
returns only the page shown. Python builds the rows of that page only (issue #12: computed, the overview
of 600 schools cost ~100 ms of Python CPU when every school's figures came back row by row).

The figures are those of the principal's week (edulite.reports.week): a day counts once it is over (school
days before today, and today once logged), and the drill-down into one school shows the same numbers.
"""

from __future__ import annotations

import functools
import json
from datetime import date, timedelta
from typing import NamedTuple

from sqlalchemy import Date, Float, Integer, Time, and_, bindparam, case, cast, func, null, or_, union_all
from sqlmodel import Session, col, select

from edulite.core.calendar import DayKind, SchoolCalendar, parse_day_kind
from edulite.core.policy import NATIONAL, Policy, overlay, parse_hhmm, tighten
from edulite.models import (
    Alert,
    CalendarDay,
    DataVersion,
    NationalDay,
    PolicyVersion,
    School,
    SchoolClassCount,
    SchoolDayLoad,
    SchoolServiceDay,
)

CLASS_COUNTS = SchoolClassCount.__table__  # type: ignore[attr-defined]
SERVICE_DAYS = SchoolServiceDay.__table__  # type: ignore[attr-defined]


class SchoolWeek(NamedTuple):
    """One school's week (a tuple: cheaper to build than a frozen dataclass)."""

    school_id: int
    name: str
    class_days: int  # class x school day judged so far this week
    over_days: int
    school_days: int  # school days judged so far
    days_with_service: int
    sessions: int
    open_alerts: int  # open alerts of this week, and undated ones (class size)
    # School days judged so far whose service (the union of its sessions) ends in the R-AS-02 window:
    # compliance counts school-days, as the alerts judge them, not sessions (#16; the count of sessions
    # in the window, shown nowhere since, is no longer computed: ADR 0018).
    days_in_window: int = 0

    @property
    def over_share(self) -> float | None:
        return None if not self.class_days else self.over_days / self.class_days

    @property
    def coverage(self) -> float | None:
        return None if not self.school_days else self.days_with_service / self.school_days


class DistrictPage(NamedTuple):
    """The schools of one page of the overview, and how many schools the district has."""

    rows: list[SchoolWeek]
    total: int
    page: int
    pages: int
    policies: dict[int | None, Policy]  # in force at the week's start: the survey's figures use them too


class DistrictSchool(NamedTuple):
    """A school of the supervisor's district, with its data version (ADR 0008): the drill-down is cached
    per school version, which moves only with that school's writes, not the whole district's."""

    id: int
    name: str
    version: int


def district_school(session: Session, *, district_id: int, school_id: int) -> DistrictSchool | None:
    """The school if it belongs to the supervisor's district, with its version; None otherwise (callers answer 404)."""
    row = session.connection().execute(
        select(School.id, School.name, func.coalesce(DataVersion.version, 0))
        .outerjoin(DataVersion, col(DataVersion.school_id) == col(School.id))
        .where(School.id == school_id, School.district_id == district_id)).first()
    return None if row is None else DistrictSchool(int(row[0]), row[1], int(row[2]))


SORTS = ("name", "worst")


def school_policies(session: Session, *, district_id: int, day: date) -> dict[int | None, Policy]:
    """The policy in force on day for each school with its own (None: the district default, shared by the rest).

    One statement: the district's versions and its schools' own (a school's version names no district:
    school.settings.set_school_policy). Composed as homework.loads.policy_in_force composes them: the
    national floor, the district default, then the school's value, where a district default made stricter
    later wins over an older school value (#16).
    """
    in_district = select(School.id).where(School.district_id == district_id)
    rows = session.connection().execute(
        select(PolicyVersion.school_id, PolicyVersion.data)
        .where(or_(col(PolicyVersion.district_id) == district_id, col(PolicyVersion.school_id).in_(in_district)),
               PolicyVersion.effective_from <= day)
        .order_by(col(PolicyVersion.effective_from), col(PolicyVersion.id))).all()
    latest: dict[int | None, str] = dict(rows)  # later versions overwrite earlier ones
    base = tighten(NATIONAL, json.loads(latest[None])) if None in latest else NATIONAL
    return {None: base, **{sid: overlay(base, json.loads(data))[0] for sid, data in latest.items() if sid is not None}}


def _calendars(session: Session, district_id: int, start: date, end: date, today: date
               ) -> tuple[dict[date, DayKind], dict[int, dict[date, DayKind]]]:
    """The national days (#14) and each school's own calendar days of the week and of today, in one statement."""
    in_district = select(School.id).where(School.district_id == district_id)
    national = select(cast(null(), Integer).label("school_id"), NationalDay.day, NationalDay.kind).where(
        or_(and_(NationalDay.day >= start, NationalDay.day < end), NationalDay.day == today))
    own = select(CalendarDay.school_id, CalendarDay.day, CalendarDay.kind).where(
        col(CalendarDay.school_id).in_(in_district),
        or_(and_(CalendarDay.day >= start, CalendarDay.day < end), CalendarDay.day == today))
    plain: dict[date, DayKind] = {}
    overrides: dict[int, dict[date, DayKind]] = {}
    for sid, day, kind in session.connection().execute(union_all(national, own)).all():
        day = day if isinstance(day, date) else date.fromisoformat(str(day))  # SQLite's union hands back text
        (plain if sid is None else overrides.setdefault(sid, {}))[day] = parse_day_kind(kind)
    return plain, overrides


def district_page(session: Session, *, district_id: int, start: date, end: date, today: date,
                  sort: str = "name", page: int = 1, page_size: int | None = None) -> DistrictPage:
    """One page of the district's schools for the week [start, end), by name or worst over-cap share first.

    page is clamped to the pages there are; page_size None: every school on one page.
    """
    page = max(page, 1)
    policies = school_policies(session, district_id=district_id, day=start)
    rows, total = _weeks(policies, session, district_id=district_id, start=start, end=end, today=today, sort=sort,
                         limit=page_size, offset=(page - 1) * page_size if page_size else 0)
    if page_size and not rows and page > 1:
        # A page past the end (an old link, a school closed): count the schools, show the last page.
        total = session.connection().execute(
            select(func.count()).select_from(School).where(School.district_id == district_id)).scalar_one()
        page = max(1, -(-total // page_size))
        rows, total = _weeks(policies, session, district_id=district_id, start=start, end=end, today=today,
                             sort=sort, limit=page_size, offset=(page - 1) * page_size)
    pages = max(1, -(-total // page_size)) if page_size else 1
    return DistrictPage(rows, total, page, pages, policies)


def school_weeks(session: Session, *, district_id: int, start: date, end: date, today: date,
                 sort: str = "name") -> list[SchoolWeek]:
    """Every school of the district for the week [start, end), by name or worst over-cap share first."""
    policies = school_policies(session, district_id=district_id, day=start)
    return _weeks(policies, session, district_id=district_id, start=start, end=end, today=today, sort=sort)[0]


def _weeks(policies: dict[int | None, Policy], session: Session, *, district_id: int, start: date, end: date,
           today: date, sort: str, limit: int | None = None, offset: int = 0) -> tuple[list[SchoolWeek], int]:
    national, overrides = _calendars(session, district_id, start, end, today)
    until = min(end, today)  # school days judged so far: [start, until); today once logged
    in_week = start <= today < end
    plain = SchoolCalendar(national)
    plain_days = plain.school_days(start, until)
    base = policies[None]
    params: dict[str, object] = {
        "district_id": district_id, "start": start, "end": end, "today": today,
        "loads_end": min(end, today + timedelta(days=1)),
        "plain_days": plain_days, "plain_n": len(plain_days),
        "plain_today": int(in_week and plain.is_school_day(today)),
        "lo": parse_hhmm(base.after_school_end_earliest), "hi": parse_hhmm(base.after_school_end_latest),
        "cal_sids": list(overrides), "win_sids": [sid for sid in policies if sid is not None],
    }
    for j, (sid, days) in enumerate(overrides.items()):
        calendar = SchoolCalendar({**national, **days})
        own = calendar.school_days(start, until)
        params |= {f"cal_sid_{j}": sid, f"cal_days_{j}": own, f"cal_n_{j}": len(own),
                   f"cal_today_{j}": int(in_week and calendar.is_school_day(today))}
    for i, (sid, policy) in enumerate((sid, p) for sid, p in policies.items() if sid is not None):
        params |= {f"win_sid_{i}": sid, f"win_lo_{i}": parse_hhmm(policy.after_school_end_earliest),
                   f"win_hi_{i}": parse_hhmm(policy.after_school_end_latest)}
    if limit is not None:
        params |= {"limit": limit, "offset": offset}
    statement = _statement(sort, limit is not None, len(params["win_sids"]), len(overrides))  # type: ignore[arg-type]
    found = session.connection().execute(statement, params).all()
    total = int(found[0][-1]) if found else 0  # the window's count: every school, not the page's
    rows = [SchoolWeek(int(sid), name, int(cd), int(od), int(sd), int(served), int(n), int(open_), int(in_window))
            for sid, name, cd, od, sd, served, n, open_, in_window, _t in found]
    return rows, total


@functools.lru_cache(maxsize=64)
def _statement(sort: str, paged: bool, own_windows: int, own_calendars: int):
    """The one statement of the overview, built once per shape: its figures come as bound parameters, and
    only the number of schools with a window (R-AS-02) or calendar days of their own changes its text.

    Building the expression on every request cost more Python than running it (issue #12); built once,
    SQLAlchemy's compiled cache serves it too.
    """
    def p(name: str, type_, expanding: bool = False):
        return bindparam(name, type_=type_, expanding=expanding)

    in_district = select(School.id).where(School.district_id == p("district_id", Integer))
    today = p("today", Date)

    # Per school: school days so far, and whether today counts (1/0): the district's calendar but for the
    # few schools with calendar days of their own this week.
    def per_school(values: str, default: str):
        if not own_calendars:
            return p(default, Integer)
        return case(*((School.id == p(f"cal_sid_{j}", Integer), p(f"{values}_{j}", Integer))
                      for j in range(own_calendars)), else_=p(default, Integer))

    school_days = per_school("cal_n", "plain_n")
    today_counts = per_school("cal_today", "plain_today")

    def school_day(school_id, when):
        default = when.in_(p("plain_days", Date, expanding=True))
        if not own_calendars:
            return default
        return or_(*(and_(school_id == p(f"cal_sid_{j}", Integer), when.in_(p(f"cal_days_{j}", Date, expanding=True)))
                     for j in range(own_calendars)),
                   and_(school_id.not_in(p("cal_sids", Integer, expanding=True)), default))

    # A session, or a day's service (its last session's end), complies when it ends inside its school's
    # window, ends included (R-AS-01/02, core.afterschool_rules.ends_in_window).
    def window(school_id, finish):
        default = finish.between(p("lo", Time), p("hi", Time))
        if not own_windows:
            return default
        return or_(*(and_(school_id == p(f"win_sid_{i}", Integer), finish.between(p(f"win_lo_{i}", Time),
                                                                                  p(f"win_hi_{i}", Time)))
                     for i in range(own_windows)),
                   and_(school_id.not_in(p("win_sids", Integer, expanding=True)), default))

    # Active classes per school, kept by the writes (edulite.school.counts): 600 rows, not 7,200 classes.
    classes = CLASS_COUNTS.c
    # One row per school and day (edulite.homework.school_days, active classes only, over counted on
    # school days): a few thousand rows for a week of 600 schools, read from its covering index.
    day = col(SchoolDayLoad.day)
    loads = (select(SchoolDayLoad.school_id,
                    func.sum(case((day < today, SchoolDayLoad.over), else_=0)).label("past"),
                    func.sum(case((day == today, SchoolDayLoad.over), else_=0)).label("over_today"),
                    func.sum(case((day == today, SchoolDayLoad.logged), else_=0)).label("logged_today"))
             .where(col(SchoolDayLoad.school_id).in_(in_district), day >= p("start", Date), day < p("loads_end", Date))
             .group_by(SchoolDayLoad.school_id).subquery())
    # After-school service per school and day, kept by the writes (edulite.school.counts): a day counts
    # when it is a school day, and complies when its last session ends in the school's window.
    service = SERVICE_DAYS.c
    served = school_day(service.school_id, service.day)
    sessions = (select(service.school_id, func.sum(service.sessions).label("n"),
                       func.sum(case((served, 1), else_=0)).label("served"),
                       func.sum(case((and_(served, window(service.school_id, service.last_end)), 1), else_=0))
                       .label("in_window"))
                .where(service.school_id.in_(in_district), service.day >= p("start", Date),
                       service.day < p("end", Date))
                .group_by(service.school_id).subquery())
    alerts = (select(Alert.school_id, func.count().label("n"))
              .where(col(Alert.school_id).in_(in_district), Alert.state == "open", col(Alert.current).is_(True),
                     or_(col(Alert.day).is_(None), and_(Alert.day >= p("start", Date), Alert.day < p("end", Date))))
              .group_by(Alert.school_id).subquery())

    class_days = func.coalesce(classes.active, 0) * school_days + today_counts * func.coalesce(loads.c.logged_today, 0)
    over_days = func.coalesce(loads.c.past, 0) + today_counts * func.coalesce(loads.c.over_today, 0)
    query = (select(School.id, School.name, class_days, over_days, school_days,
                    func.coalesce(sessions.c.served, 0), func.coalesce(sessions.c.n, 0),
                    func.coalesce(alerts.c.n, 0), func.coalesce(sessions.c.in_window, 0), func.count().over())
             .outerjoin(CLASS_COUNTS, classes.school_id == School.id)
             .outerjoin(loads, loads.c.school_id == School.id)
             .outerjoin(sessions, sessions.c.school_id == School.id)
             .outerjoin(alerts, alerts.c.school_id == School.id)
             .where(School.district_id == p("district_id", Integer)))
    if sort == "worst":
        # As over_share, a school without class-days counting as 0; ties by more over-cap days, then name.
        share = case((class_days > 0, cast(over_days, Float) / class_days), else_=0.0)
        query = query.order_by(share.desc(), over_days.desc(), School.name, School.id)
    else:
        query = query.order_by(School.name, School.id)
    if paged:
        query = query.limit(p("limit", Integer)).offset(p("offset", Integer))
    return query
