"""The survey's figures across a district (#13): one per school and one for the district, for a week.

Two statements whatever the number of schools and answers: the district's policy versions, and the answers
joined with their class and class-evening summary, judged and counted in SQL (ADR 0018, amended). Each
answer is judged against its class-evening's stored cap and counted minutes (ClassDayLoad); an evening with
nothing logged has no summary row, so its cap comes from the school's policy for a school day of the class's
grade. figures() of core.survey_rules stays the reference: tally_figures() of the counts equals it (tested).
Each school's own privacy floor (R-SV-00) applies to its row; the district's row needs the highest floor.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, Date, Integer, and_, bindparam, case, func, literal, null
from sqlalchemy import select as core_select
from sqlmodel import Session, col, select

from edulite.core.calendar import DayKind
from edulite.core.policy import Policy, bedtime_for, cap_for
from edulite.core.survey_rules import BEDTIME_BANDS, Figures, Tally, bedtime_kept, tally_figures
from edulite.models import ClassDayLoad, School, SchoolClass, SurveyAnswer
from edulite.reports.district import school_policies


@dataclass(frozen=True)
class SchoolFigures:
    school_id: int
    name: str
    figures: Figures


@dataclass(frozen=True)
class DistrictSurvey:
    floor: int
    schools: tuple[SchoolFigures, ...]
    district: Figures


def district_week(session: Session, *, district_id: int, start: date, end: date,
                  schools: Sequence[tuple[int, str]] | None = None,
                  policies: dict[int | None, Policy] | None = None) -> DistrictSurvey:
    """The district's figures over all its answers, and one row per school: of schools ((id, name), in that
    order; the overview passes the page it shows), or of every school by name. policies: those in force at
    start (reports.district.school_policies; the overview has read them already)."""
    if schools is None:
        schools = [(int(sid or 0), name) for sid, name in session.connection().execute(
            select(School.id, School.name).where(School.district_id == district_id).order_by(col(School.name))).all()]
    # The same policies as the overview's figures (one statement, composed as the school's own pages do).
    if policies is None:
        policies = school_policies(session, district_id=district_id, day=start)
    tallies = _tallies(session, district_id=district_id, start=start, end=end, shown=[sid for sid, _ in schools],
                       policies=policies)
    # The district's figure needs the highest floor of all its schools (R-SV-00): the district's own, or
    # a school's own policy's — schools without their own have the district's.
    highest = max(p.survey_min_answers for p in policies.values())
    return DistrictSurvey(
        highest,
        tuple(SchoolFigures(sid, name, tally_figures(tallies.get(sid, EMPTY),
                                                     floor=policies.get(sid, policies[None]).survey_min_answers))
              for sid, name in schools),
        tally_figures(tallies.get(None, EMPTY), floor=highest))


EMPTY = Tally(0, 0, 0, 0, 0, 0, {}, {})
GRADES = range(1, 10)  # core.policy.band_of's grades


def _judging(policies: dict[int | None, Policy]) -> list[tuple[list[int], Policy]]:
    """The schools with their own policy grouped by what judging an answer reads of it (school-day caps by
    grade band, bedtime by stage), the district's own group last with no list: a handful of groups whatever
    the number of schools, so the statement's CASEs stay short."""
    def values(p: Policy) -> tuple[tuple[int, ...], tuple[str, ...]]:
        return (tuple(cap_for(p, g, DayKind.SCHOOL_DAY) for g in (1, 3, 7)),
                tuple(bedtime_for(p, g) for g in (1, 7)))

    default = values(policies[None])
    groups: dict[tuple[tuple[int, ...], tuple[str, ...]], tuple[list[int], Policy]] = {}
    for sid, policy in sorted(policies.items(), key=lambda item: item[0] or 0):
        if sid is not None and values(policy) != default:
            groups.setdefault(values(policy), ([], policy))[0].append(sid)
    return [*groups.values(), ([], policies[None])]


def _tallies(session: Session, *, district_id: int, start: date, end: date, shown: Sequence[int],
             policies: dict[int | None, Policy]) -> dict[int | None, Tally]:
    """The counts behind figures() of each shown school's answers and of the district's (key None), judged
    in SQL by the same rules (core.survey_rules: on_time, bedtime_kept; tested equal to figures() by
    tests/db/test_survey_district_sql.py), in one statement whatever the number of answers.

    The answers are grouped by school (each shown one, and the rest of the district as one), reported
    minutes and logged minutes: a few thousand rows for the medians and the nearest-rank 90th percentile
    instead of every answer."""
    groups = tuple((tuple(ids), policy) for ids, policy in _judging(policies))
    rows = session.connection().execute(_statement(groups), {
        "district_id": district_id, "start": start, "end": end, "shown": list(shown)}).all()
    by_school: dict[int | None, list[Any]] = {}
    for row in rows:
        by_school.setdefault(row[0], []).append(row)
    # The district's own is every group, the NULL one (the schools not shown) included.
    tallies: dict[int | None, Tally] = {sid: _tally(group) for sid, group in by_school.items() if sid is not None}
    tallies[None] = _tally(rows)
    return tallies


@functools.lru_cache(maxsize=32)
def _statement(groups: tuple[tuple[tuple[int, ...], Policy], ...]):
    """The statement of _tallies, built once per set of policy groups (_judging): the district, the week and
    the schools shown are bound parameters. Building it on every request cost more Python than PostgreSQL
    spent running it on a district without answers (issue #12).

    Each answer's cap is its class-evening's stored cap (ClassDayLoad), else the school policy's school-day
    cap for the class's grade band; bedtime kept is decided in Python for each band of the form against each
    policy's limit for the grade (bedtime_kept), so SQL only asks whether the answer's band is one of those
    kept."""
    answers, classes, loads, school_table = (
        m.__table__ for m in (SurveyAnswer, SchoolClass, ClassDayLoad, School))  # type: ignore[union-attr]
    answer, klass, load = answers.c, classes.c, loads.c
    start, end = bindparam("start", type_=Date), bindparam("end", type_=Date)

    def by_policy(pick: Callable[[Policy], ColumnElement[Any]]) -> ColumnElement[Any]:
        *own, (_, default) = groups
        if not own:
            return pick(default)
        return case(*[(answer.school_id.in_(ids), pick(policy)) for ids, policy in own], else_=pick(default))

    def by_grade(value: Callable[[int], Any], sql: Callable[[Any], ColumnElement[Any]]) -> ColumnElement[Any]:
        # A CASE over the runs of grades with the same value, taken from core.policy (band_of, stage_of)
        # rather than restating its bands here: 1-2, 3-6, 7-9 for caps, 1-6, 7-9 for bedtime.
        runs: list[tuple[int, Any]] = []
        for grade in GRADES:
            if runs and runs[-1][1] == value(grade):
                runs[-1] = (grade, runs[-1][1])
            else:
                runs.append((grade, value(grade)))
        *first, (_, last) = runs
        return case(*[(klass.grade <= upto, sql(v)) for upto, v in first], else_=sql(last)) if first else sql(last)

    def default_cap(policy: Policy) -> ColumnElement[Any]:
        return by_grade(lambda grade: cap_for(policy, grade, DayKind.SCHOOL_DAY), literal)

    def kept(policy: Policy) -> ColumnElement[Any]:
        return by_grade(lambda grade: tuple(b for b in BEDTIME_BANDS if bedtime_kept(b, bedtime_for(policy, grade))),
                        lambda bands: case((answer.bedtime.in_(bands), literal(1)), else_=literal(0)))

    def flag(column: ColumnElement[Any]) -> ColumnElement[Any]:
        return case((column, literal(1)), else_=literal(0))

    logged = func.coalesce(load.counted, 0)
    # One pass over the answers: the shown schools each their own group, the rest of the district one group
    # (NULL), by reported and logged minutes. Python adds the groups up (the district's row is all of them);
    # no row of the week's answers leaves the database, and none is read twice.
    school = case((answer.school_id.in_(bindparam("shown", type_=Integer, expanding=True)), answer.school_id),
                  else_=null())
    return (
        core_select(school.label("school"), answer.minutes, logged.label("logged"), func.count(),
                    func.sum(flag(answer.finished)), func.sum(flag(answer.asked_to_check)),
                    func.sum(flag(answer.phone_used)),
                    func.sum(case((answer.minutes <= func.coalesce(load.cap, by_policy(default_cap)), literal(1)),
                                  else_=literal(0))),
                    func.sum(by_policy(kept)))
        .select_from(answers)
        .join(classes, klass.id == answer.class_id)
        .join(school_table, school_table.c.id == answer.school_id)
        # The week's bounds on the summary too: PostgreSQL then hashes the week's class-evenings instead of
        # probing its primary key once per answer (~20% of the statement on M).
        .outerjoin(loads, and_(load.class_id == answer.class_id, load.day == answer.evening, load.day >= start,
                               load.day < end))
        .where(school_table.c.district_id == bindparam("district_id", type_=Integer),
               answer.evening >= start, answer.evening < end, klass.active)
        .group_by(school, answer.minutes, logged))


def _tally(rows: Sequence[Any]) -> Tally:
    """Add up grouped rows (school, reported, logged, n, finished, asked, phone, on time, kept)."""
    if not rows:
        return EMPTY
    _school, reported, logged, n, finished, asked, phone, on_time, kept = zip(*rows, strict=True)
    minutes: dict[int, int] = {}
    logged_at: dict[int, int] = {}
    for value, count in zip(reported, n, strict=True):
        minutes[value] = minutes.get(value, 0) + count
    for value, count in zip(logged, n, strict=True):
        logged_at[value] = logged_at.get(value, 0) + count
    return Tally(sum(n), sum(on_time), sum(kept), sum(finished), sum(asked), sum(phone), minutes, logged_at)
