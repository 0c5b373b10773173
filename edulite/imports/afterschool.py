"""After-school service in bulk (#16): term plans and logged sessions from the sheets schools keep.

The file is read by the one sheet reader (sheets.read_sheet: XLSX, CSV in UTF-8, UTF-8 with BOM or GBK,
and whatever limits it enforces), each row is checked with the same checks as the principal's plan form
and the teacher's session form (afterschool.input.parse_plan / parse_session), and either every row is
stored in one transaction, audited and judged (R-AS alerts), or nothing is and every bad row is listed with
its row number as Excel shows it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlmodel import Session, col, delete, select

from edulite.afterschool import alerts as afterschool_alerts
from edulite.afterschool.input import Invalid, PlanTexts, SessionTexts, parse_plan, parse_session
from edulite.afterschool.queries import plan_terms
from edulite.core.afterschool_rules import ACTIVITIES
from edulite.homework import loads
from edulite.imports.load import ImportRejected
from edulite.imports.sheets import EMPTY, Column, RowError, Sheet, choice, day, optional, text, typed_rows, whole
from edulite.models import AfterSchoolPlan, AfterSchoolSession, School, SchoolClass, SessionClass, User
from edulite.school.audit import audit

# The Chinese names of the activities, as the pages show them (translations/zh).
ACTIVITY_NAMES = {"supervised_homework": "作业辅导", "tutoring": "答疑辅导", "reading": "阅读", "sports": "体育活动",
                  "arts": "艺术", "clubs": "社团活动", "science": "科普活动", "new_lesson": "讲授新课"}
_ACTIVITY_ALIASES = {"体育": "sports", "社团": "clubs", "科普": "science", "科技": "science", "新课": "new_lesson",
                     "看管作业": "supervised_homework", "作业": "supervised_homework"}
WEEKDAY_NAMES = ("一", "二", "三", "四", "五")
_WEEKDAYS = {**{n: i for i, n in enumerate(WEEKDAY_NAMES)},
             **{f"{p}{n}": i for i, n in enumerate(WEEKDAY_NAMES) for p in ("周", "星期", "礼拜")},
             **{str(i + 1): i for i in range(5)},
             **{n: i for i, n in enumerate(("monday", "tuesday", "wednesday", "thursday", "friday"))},
             **{n: i for i, n in enumerate(("mon", "tue", "wed", "thu", "fri"))}}
_SPLIT = re.compile(r"[、,，;；/\s]+")

# Messages of the form checks (afterschool.input codes), in English like the other imports' messages.
MESSAGES = {
    "date_invalid": "is not a date from 2000 to 2099",
    "time_invalid": "is not a time like 15:40",
    "time_outside": "must be between {earliest} and {latest}",
    "end_before_start": "must be after the start time",
    "term_reversed": "is before the term's first day",
    "term_overlaps": "overlaps the term {start} to {end}",
    "plan_new_lesson": "a plan cannot offer new lessons (R-AS-03)",
    "activities_missing": "must name at least one activity the service offers",
    "plan_empty": "the term plans no day",
    "not_school_day": "{day} is not a school day",
    "day_future": "is in the future: log a session once it has taken place",
    "activity_invalid": "is not an activity",
    "pupils_invalid": "is not a whole number",
    "pupils_negative": "must not be negative",
    "pupils_over": "is more than the class's headcount {headcount}",
    "no_pupils": "at least one class must have pupils taking part",
    "note_long": "is longer than {max} characters",
}


def _clock(value: Any) -> str:
    """A time cell as "HH:MM": Excel times (datetime.time or a fraction of a day) or text such as 15:40."""
    if isinstance(value, datetime):
        value = value.time()
    if isinstance(value, time):
        return f"{value:%H:%M}"
    if isinstance(value, float) and 0 <= value < 1:
        minutes = round(value * 24 * 60)
        return f"{minutes // 60:02d}:{minutes % 60:02d}"
    if isinstance(value, str) and re.fullmatch(r"\d{1,2}[:：]\d{2}(:\d{2})?", value.strip()):
        hours, mins = re.split(r"[:：]", value.strip())[:2]
        return f"{int(hours):02d}:{mins}"
    raise ValueError(f"must be a time like 15:40, got {'nothing' if value in EMPTY else repr(str(value))}")


def _activity(value: Any) -> str:
    options = ({k: k for k in ACTIVITIES} | {v: k for k, v in ACTIVITY_NAMES.items()} | _ACTIVITY_ALIASES
               | {"讲授新课（不允许）": "new_lesson"})
    return choice(options, "/".join(f"{k} ({v})" for k, v in ACTIVITY_NAMES.items()))(value)


def _activities(value: Any) -> tuple[str, ...]:
    if value in EMPTY:
        raise ValueError("is empty")
    return tuple(_activity(part) for part in _SPLIT.split(str(value).strip()) if part)


def _weekday(value: Any) -> int:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    key = str(value).strip().casefold() if value not in EMPTY else ""
    if key not in _WEEKDAYS:
        raise ValueError(f"must be a school weekday 周一 to 周五 (or 1-5, Monday-Friday), got {key or 'nothing'!r}")
    return _WEEKDAYS[key]


PLAN_COLUMNS = [Column("school", "学校"), Column("valid_from", "开始日期"), Column("valid_to", "结束日期"),
                Column("weekday", "星期"), Column("start", "开始时间"), Column("end", "结束时间"),
                Column("activities", "活动")]
PLAN_CELLS: dict[str, Callable[[Any], Any]] = {
    "school": text(100), "valid_from": day, "valid_to": day, "weekday": _weekday, "start": _clock, "end": _clock,
    "activities": _activities,
}
SESSION_COLUMNS = [Column("school", "学校"), Column("date", "日期"), Column("start", "开始时间"),
                   Column("end", "结束时间"), Column("activity", "活动"), Column("class", "班级"),
                   Column("pupils", "参加人数"), Column("teacher", "教师", required=False),
                   Column("note", "备注", required=False)]
SESSION_CELLS: dict[str, Callable[[Any], Any]] = {
    "school": text(100), "date": day, "start": _clock, "end": _clock, "activity": _activity, "class": text(50),
    "pupils": whole(0, 80), "teacher": optional(text(64), None), "note": optional(text(300), None),
}


@dataclass
class AfterSchoolReport:
    terms: int = 0
    replaced_terms: int = 0
    sessions: int = 0
    replaced_planned: int = 0
    schools: list[str] = field(default_factory=list)


def _say(code: str, params: dict) -> str:
    return MESSAGES.get(code, code).format(**params)


def _schools(session: Session, names) -> dict[str, School]:
    return {s.name: s for s in session.exec(select(School).where(col(School.name).in_(set(names))))}


def import_plans(session: Session, sheet: Sheet) -> AfterSchoolReport:
    """Store every term of the file (one row per weekday), replacing a stored term that starts the same day."""
    rows, errors = typed_rows(sheet, PLAN_CELLS, PLAN_COLUMNS)
    schools = _schools(session, [v["school"] for _, v in rows])
    groups: dict[tuple[str, date, date], list[tuple[int, dict]]] = {}
    for number, v in rows:
        if v["school"] not in schools:
            errors.append(RowError(number, f"unknown school (学校) {v['school']!r}: import the roster first"))
        else:
            groups.setdefault((v["school"], v["valid_from"], v["valid_to"]), []).append((number, v))
    ready = []
    for (name, valid_from, valid_to), group in groups.items():
        school = schools[name]
        weekdays: dict[int, int] = {}
        for number, v in group:
            if v["weekday"] in weekdays:
                errors.append(RowError(number, f"weekday (星期) 周{WEEKDAY_NAMES[v['weekday']]} is already "
                                               f"in row {weekdays[v['weekday']]} for this term"))
            weekdays.setdefault(v["weekday"], number)
        others = [t for t in plan_terms(session, school_id=school.id) if t[0] != valid_from]
        others += [(a, b) for (n, a, b) in groups if n == name and a != valid_from]
        texts = PlanTexts(valid_from.isoformat(), valid_to.isoformat(),
                          {v["weekday"]: (v["start"], v["end"], v["activities"]) for _n, v in group})
        try:
            ready.append((school, parse_plan(texts, other_terms=others)))
        except Invalid as bad:
            for name_of_field, (code, params) in bad.errors.items():
                weekday, _, part = name_of_field.partition("-")
                number = weekdays.get(int(weekday), group[0][0]) if weekday.isdigit() else group[0][0]
                label = {"start": "start (开始时间)", "end": "end (结束时间)", "activities": "activities (活动)",
                         "valid_from": "valid_from (开始日期)", "valid_to": "valid_to (结束日期)"}.get(
                    part or name_of_field, name_of_field)
                errors.append(RowError(number, f"{label} {_say(code, params)}"))
    if errors:
        raise ImportRejected(errors)
    report = AfterSchoolReport()
    for school, plan in ready:
        replaced = session.exec(delete(AfterSchoolPlan).where(AfterSchoolPlan.school_id == school.id,
                                                              AfterSchoolPlan.valid_from == plan.valid_from))
        report.replaced_terms += 1 if replaced.rowcount else 0
        for d in plan.days.values():
            session.add(AfterSchoolPlan(school_id=school.id, valid_from=plan.valid_from, valid_to=plan.valid_to,
                                        weekday=d.weekday, start=d.start, end=d.end, activities=",".join(d.activities)))
        audit(session, user_id=None, school_id=school.id, action="import", entity="after_school_plan",
              after={"valid_from": plan.valid_from.isoformat(), "valid_to": plan.valid_to.isoformat(),
                     "days": {str(w): [f"{d.start:%H:%M}", f"{d.end:%H:%M}", list(d.activities)]
                              for w, d in sorted(plan.days.items())}})
        report.terms += 1
        if school.name not in report.schools:
            report.schools.append(school.name)
    session.commit()
    return report


@dataclass
class _SessionGroup:
    school: School
    rows: list[tuple[int, dict]] = field(default_factory=list)


def import_sessions(session: Session, sheet: Sheet, *, today: date) -> AfterSchoolReport:
    """Store every session of the file (one row per class taking part; rows with the same school, date,
    times, activity and teacher are one session), replacing the day's planned sessions nobody logged."""
    rows, errors = typed_rows(sheet, SESSION_CELLS, SESSION_COLUMNS)
    schools = _schools(session, [v["school"] for _, v in rows])
    groups: dict[tuple, _SessionGroup] = {}
    for number, v in rows:
        school = schools.get(v["school"])
        if school is None:
            errors.append(RowError(number, f"unknown school (学校) {v['school']!r}: import the roster first"))
            continue
        key = (v["school"], v["date"], v["start"], v["end"], v["activity"], v["teacher"])
        groups.setdefault(key, _SessionGroup(school)).rows.append((number, v))
    ids = [s.id for s in schools.values()]
    classes = {(c.school_id, c.name): c for c in session.exec(select(SchoolClass).where(
        col(SchoolClass.school_id).in_(ids), SchoolClass.active))}
    teachers: dict[tuple[int, str], list[User]] = {}
    for user in session.exec(select(User).where(col(User.school_id).in_(ids), User.active)):
        teachers.setdefault((user.school_id, user.display_name), []).append(user)
    ready = []
    for (_name, when, _start, _end, _activity, teacher_name), group in groups.items():
        school, first = group.school, group.rows[0][0]
        pupils: dict[int, str] = {}
        row_of: dict[int, int] = {}
        for number, v in group.rows:
            klass = classes.get((school.id, v["class"]))
            if klass is None:
                errors.append(RowError(number, f"unknown or inactive class (班级) {v['class']!r} in {school.name}"))
            elif klass.id in row_of:
                errors.append(RowError(number, f"class (班级) {v['class']!r} is already in row {row_of[klass.id]} "
                                               "for this session"))
            else:
                row_of[klass.id], pupils[klass.id] = number, str(v["pupils"])
        teacher_id = None
        if teacher_name is not None:
            found = teachers.get((school.id, teacher_name), [])
            if len(found) != 1:
                errors.append(RowError(first, f"teacher (教师) {teacher_name!r} is "
                                              f"{'not an active account' if not found else 'ambiguous'} "
                                              f"in {school.name}"))
            else:
                teacher_id = found[0].id
        v0 = group.rows[0][1]
        texts = SessionTexts(v0["start"], v0["end"], v0["activity"], pupils, note=v0["note"], day=when.isoformat())
        headcounts = {k.id: k.headcount for k in classes.values() if k.school_id == school.id}
        try:
            data = parse_session(texts, headcounts=headcounts, today=today,
                                 calendar=loads.school_calendar(session, school_id=school.id))
        except Invalid as bad:
            for name, (code, params) in bad.errors.items():
                number = row_of.get(int(name.split("-")[1]), first) if name.startswith("pupils-") else first
                label = {"day": "date (日期)", "start": "start (开始时间)", "end": "end (结束时间)",
                         "activity": "activity (活动)", "note": "note (备注)", "classes": "pupils (参加人数)"}.get(
                    name, "pupils (参加人数)")
                errors.append(RowError(number, f"{label} {_say(code, params)}"))
            continue
        ready.append((school, data, teacher_id, first))
    errors += _already_stored(session, ready)
    if errors:
        raise ImportRejected(errors)
    return _add_sessions(session, ready, today)


def _already_stored(session: Session, ready: list) -> list[RowError]:
    """A session stored already (same school, day, times and activity) is refused, not doubled."""
    if not ready:
        return []
    days = [data.day for _s, data, _t, _n in ready]
    stored = {(r.school_id, r.day, r.start, r.end, r.activity): r.id for r in session.exec(
        select(AfterSchoolSession).where(col(AfterSchoolSession.school_id).in_({s.id for s, *_ in ready}),
                                         AfterSchoolSession.day >= min(days), AfterSchoolSession.day <= max(days)))}
    errors = []
    for school, data, _teacher, number in ready:
        found = stored.get((school.id, data.day, data.start, data.end, data.activity))
        if found is not None:
            errors.append(RowError(number, f"already in the database as after-school session #{found} "
                                           "(same school, date, times and activity)"))
    return errors


def _add_sessions(session: Session, ready: list, today: date) -> AfterSchoolReport:
    report = AfterSchoolReport()
    days: dict[int, set[date]] = {}
    for school, data, _t, _n in ready:
        days.setdefault(school.id, set()).add(data.day)
    for school_id, school_days in days.items():
        # A day's planned sessions nobody logged stand for the service the file now records: they go, or the
        # day's service would count the plan and the real times together.
        logged = select(SessionClass.session_id)
        planned = session.exec(select(AfterSchoolSession).where(
            AfterSchoolSession.school_id == school_id, col(AfterSchoolSession.day).in_(school_days),
            col(AfterSchoolSession.teacher_id).is_(None), col(AfterSchoolSession.id).not_in(logged))).all()
        for row in planned:
            audit(session, user_id=None, school_id=school_id, action="import_replaced_planned",
                  entity="after_school_session", entity_id=row.id,
                  before={"day": row.day.isoformat(), "start": f"{row.start:%H:%M}", "end": f"{row.end:%H:%M}",
                          "activity": row.activity})
            session.delete(row)
            report.replaced_planned += 1
    for school, data, teacher_id, _n in ready:
        row = AfterSchoolSession(school_id=school.id, day=data.day, start=data.start, end=data.end,
                                 activity=data.activity, teacher_id=teacher_id, note=data.note)
        session.add(row)
        session.flush()
        for class_id, count in data.pupils.items():
            session.add(SessionClass(session_id=row.id, class_id=class_id, pupils=count))
        audit(session, user_id=None, school_id=school.id, action="import", entity="after_school_session",
              entity_id=row.id, after={"day": data.day.isoformat(), "start": f"{data.start:%H:%M}",
                                       "end": f"{data.end:%H:%M}", "activity": data.activity, "teacher_id": teacher_id,
                                       "note": data.note,
                                       "pupils": {str(k): v for k, v in sorted(data.pupils.items())}})
        report.sessions += 1
        if school.name not in report.schools:
            report.schools.append(school.name)
    session.flush()
    for school_id, school_days in sorted(days.items()):
        afterschool_alerts.recompute(session, school_id=school_id, start=min(school_days),
                                     end=max(school_days) + timedelta(days=1), today=today)
    session.commit()
    return report
