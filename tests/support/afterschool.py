"""Plans and sessions inserted directly (bypassing services) to set up after-school tests."""

from __future__ import annotations

from datetime import date, time

from sqlmodel import Session

from edulite.models import AfterSchoolPlan, AfterSchoolSession, SessionClass

MON = date(2026, 11, 16)  # a plain Monday; the tests' "today" is that week's Wednesday
WED = date(2026, 11, 18)


def hm(text: str) -> time:
    return time.fromisoformat(text)


def add_plan(session: Session, school_id: int, *, valid_from=date(2026, 9, 1), valid_to=date(2027, 1, 31),
             start="15:40", end="17:40", activities="supervised_homework,reading", weekdays=range(5)) -> None:
    for weekday in weekdays:
        session.add(AfterSchoolPlan(school_id=school_id, valid_from=valid_from, valid_to=valid_to, weekday=weekday,
                                    start=hm(start), end=hm(end), activities=activities))
    session.commit()


def add_session(session: Session, school_id: int, day: date, *, start="15:40", end="17:40", activity="reading",
                teacher_id=None, pupils=None) -> AfterSchoolSession:
    row = AfterSchoolSession(school_id=school_id, day=day, start=hm(start), end=hm(end), activity=activity,
                             teacher_id=teacher_id)
    session.add(row)
    session.flush()
    for class_id, count in (pupils or {}).items():
        session.add(SessionClass(session_id=row.id, class_id=class_id, pupils=count))
    session.commit()
    return row
