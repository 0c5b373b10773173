"""A principal's own school: classes, teacher assignments and parent links (writes audited, reads scoped).

Every function takes the caller's school_id and refuses (NotInSchool) anything outside it.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlmodel import Session, col, select

from edulite.alerts import store as alerts
from edulite.core.policy import Policy
from edulite.homework import loads
from edulite.models import Assignment, CalendarDay, ClassLink, School, SchoolClass, Subject, User, utcnow
from edulite.school.audit import audit


class NotInSchool(LookupError):
    """The class, teacher, subject or assignment is not the caller's school's (shown as 404)."""


class NameTaken(ValueError):
    """Another class of the school already has this name."""


@dataclass(frozen=True)
class ClassSettings:
    class_id: int
    name: str
    grade: int
    headcount: int
    assignments: tuple[tuple[int, str, str], ...]  # (assignment id, subject, teacher)
    token: str | None  # the live parent link, if any
    link_created: datetime | None


def own_class(session: Session, school_id: int, class_id: int) -> SchoolClass:
    klass = session.get(SchoolClass, class_id)
    if klass is None or klass.school_id != school_id or not klass.active:
        raise NotInSchool(class_id)
    return klass


def class_settings(session: Session, *, school_id: int) -> list[ClassSettings]:
    """The school's classes with their assignments and live parent link: three statements."""
    rows = session.exec(select(SchoolClass).where(SchoolClass.school_id == school_id, SchoolClass.active)
                        .order_by(SchoolClass.grade, SchoolClass.name)).all()
    ids = [c.id for c in rows]
    taught: dict[int, list[tuple[int, str, str]]] = {}
    for aid, cid, subject, teacher in session.exec(
            select(Assignment.id, Assignment.class_id, Subject.name, User.display_name)
            .join(Subject, Subject.id == Assignment.subject_id).join(User, User.id == Assignment.teacher_id)
            .where(col(Assignment.class_id).in_(ids)).order_by(Subject.name)).all():
        taught.setdefault(cid, []).append((aid, subject, teacher))
    links = {link.class_id: link for link in session.exec(
        select(ClassLink).where(col(ClassLink.class_id).in_(ids), col(ClassLink.revoked_at).is_(None))
        .order_by(ClassLink.created_at)).all()}
    return [ClassSettings(c.id, c.name, c.grade, c.headcount, tuple(taught.get(c.id, ())),
                          links[c.id].token if c.id in links else None,
                          links[c.id].created_at if c.id in links else None) for c in rows]


def teachers(session: Session, *, school_id: int) -> list[tuple[int, str]]:
    return [(uid, name) for uid, name in session.exec(select(User.id, User.display_name).where(
        User.school_id == school_id, User.role == "teacher", User.active).order_by(User.display_name)).all()]


def subjects(session: Session) -> list[tuple[int, str]]:
    return [(sid, name) for sid, name in session.exec(select(Subject.id, Subject.name).order_by(Subject.name)).all()]


def save_class(session: Session, *, school_id: int, user_id: int, class_id: int | None, name: str, grade: int,
               headcount: int, today: date) -> SchoolClass:
    """Create a class or change one's name, grade or headcount; class size (R-CL-01) is judged again."""
    klass = own_class(session, school_id, class_id) if class_id else SchoolClass(school_id=school_id, grade=grade,
                                                                                   name=name)
    clash = session.exec(select(SchoolClass.id).where(SchoolClass.school_id == school_id, SchoolClass.name == name,
                                                      SchoolClass.id != (class_id or 0))).first()
    if clash is not None:
        raise NameTaken(name)
    before = None if class_id is None else {"name": klass.name, "grade": klass.grade, "headcount": klass.headcount}
    klass.name, klass.grade, klass.headcount = name, grade, headcount
    session.add(klass)
    session.flush()
    audit(session, user_id=user_id, school_id=school_id, action="class_saved", entity="class", entity_id=klass.id,
          before=before, after={"name": name, "grade": grade, "headcount": headcount})
    alerts.recompute(session, school_id=school_id, start=today, end=today + timedelta(days=1), class_ids=[klass.id],
                     actor_id=user_id, cause="class")
    session.commit()
    return klass


def assign_teacher(session: Session, *, school_id: int, user_id: int, class_id: int, subject_id: int,
                   teacher_id: int) -> Assignment:
    """Make teacher_id the class's teacher of the subject (one teacher per class and subject)."""
    own_class(session, school_id, class_id)
    teacher = session.get(User, teacher_id)
    if teacher is None or teacher.school_id != school_id or teacher.role != "teacher" or not teacher.active:
        raise NotInSchool(teacher_id)
    if session.get(Subject, subject_id) is None:
        raise NotInSchool(subject_id)
    row = session.exec(select(Assignment).where(Assignment.class_id == class_id,
                                                Assignment.subject_id == subject_id)).first()
    before = None if row is None else {"teacher_id": row.teacher_id}
    row = row or Assignment(class_id=class_id, subject_id=subject_id, teacher_id=teacher_id)
    row.teacher_id = teacher_id
    session.add(row)
    session.flush()
    audit(session, user_id=user_id, school_id=school_id, action="assignment_saved", entity="assignment",
          entity_id=row.id, before=before, after={"class_id": class_id, "subject_id": subject_id,
                                                  "teacher_id": teacher_id})
    session.commit()
    return row


def remove_assignment(session: Session, *, school_id: int, user_id: int, assignment_id: int) -> None:
    row = session.get(Assignment, assignment_id)
    if row is None:
        raise NotInSchool(assignment_id)
    own_class(session, school_id, row.class_id)
    audit(session, user_id=user_id, school_id=school_id, action="assignment_removed", entity="assignment",
          entity_id=row.id, before={"class_id": row.class_id, "subject_id": row.subject_id,
                                    "teacher_id": row.teacher_id})
    session.delete(row)
    session.commit()


def regenerate_link(session: Session, *, school_id: int, user_id: int, class_id: int) -> ClassLink:
    """Revoke the class's parent links and issue a new unguessable one (old QR codes stop working)."""
    own_class(session, school_id, class_id)
    now = utcnow()
    old = session.exec(select(ClassLink).where(ClassLink.class_id == class_id,
                                               col(ClassLink.revoked_at).is_(None))).all()
    for link in old:
        link.revoked_at = now
        session.add(link)
    new = ClassLink(class_id=class_id, token=secrets.token_urlsafe(24), created_at=now)
    session.add(new)
    session.flush()
    # Tokens are never written to the audit trail: it is readable by more people than the link is.
    audit(session, user_id=user_id, school_id=school_id, action="class_link_regenerated", entity="class_link",
          entity_id=new.id, before={"revoked": [link.id for link in old]}, after={"class_id": class_id})
    session.commit()
    return new


def live_token(session: Session, *, school_id: int, class_id: int) -> str | None:
    own_class(session, school_id, class_id)
    return session.exec(select(ClassLink.token).where(ClassLink.class_id == class_id,
                                                      col(ClassLink.revoked_at).is_(None))
                        .order_by(col(ClassLink.created_at).desc())).first()


def calendar_days(session: Session, *, school_id: int, since: date, limit: int = 200) -> list[CalendarDay]:
    """The school's holidays and make-up days from since on, in date order."""
    return list(session.exec(select(CalendarDay).where(CalendarDay.school_id == school_id, CalendarDay.day >= since)
                             .order_by(CalendarDay.day).limit(limit)).all())


def district_base(session: Session, *, school_id: int, day: date) -> Policy:
    """The policy a school's override is checked against (the same base set_school_policy uses)."""
    school = session.get(School, school_id)
    return loads.district_policy(session, district_id=school.district_id, day=day)
