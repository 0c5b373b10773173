"""Survey links (one live token per class, its own and not the parent page's) and closed surveys.

Scope is the token for families: nothing here takes a class id from them. A principal's actions take
the principal's school and check that the class belongs to it.
"""

from __future__ import annotations

import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, or_, select

from edulite.models import School, SchoolClass, SurveyClosure, SurveyLink, utcnow
from edulite.school.audit import audit

TOKEN_SHAPE = re.compile(r"[A-Za-z0-9_-]{16,64}")


class ClassNotFound(LookupError):
    """The class is not one of the caller's school's."""


@dataclass(frozen=True)
class SurveyClass:
    """The class behind a live survey link, and whether its survey takes answers now."""

    class_id: int
    name: str
    grade: int
    school_id: int
    school_name: str
    timezone: str
    open: bool


@dataclass(frozen=True)
class LinkState:
    """A class as the principal's survey settings show it."""

    class_id: int
    name: str
    token: str | None
    created_at: datetime | None
    closed: bool


def class_for_token(session: Session, token: str) -> SurveyClass | None:
    """The class a live survey link opens; None for an unknown, revoked or malformed token, or a class
    no longer taught. Two statements: the link with its class and school, and the closures."""
    if not isinstance(token, str) or not TOKEN_SHAPE.fullmatch(token):
        return None
    row = session.exec(
        select(SurveyLink.token, SurveyLink.revoked_at,  # type: ignore[call-overload]
               SchoolClass.id, SchoolClass.name, SchoolClass.grade,
               SchoolClass.active, School.id, School.name, School.timezone)
        .join(SchoolClass, SchoolClass.id == SurveyLink.class_id).join(School, School.id == SchoolClass.school_id)
        .where(SurveyLink.token == token)).first()
    if row is None:
        return None
    stored, revoked_at, class_id, name, grade, active, school_id, school_name, timezone = row
    # The index finds the row; a constant-time exact comparison decides (collations may fold case).
    if not hmac.compare_digest(stored.encode(), token.encode()) or revoked_at is not None or not active:
        return None
    closed = session.exec(select(SurveyClosure.id).where(
        SurveyClosure.school_id == school_id,
        or_(SurveyClosure.scope == "school", SurveyClosure.scope == f"class:{class_id}"))).first()
    return SurveyClass(class_id, name, grade, school_id, school_name, timezone, closed is None)


def _own_class(session: Session, school_id: int, class_id: int) -> SchoolClass:
    klass = session.get(SchoolClass, class_id)
    if klass is None or klass.school_id != school_id:
        raise ClassNotFound(class_id)
    return klass


def link_states(session: Session, *, school_id: int) -> tuple[bool, list[LinkState]]:
    """Whether the whole school's survey is closed, and each active class's live link and closure."""
    classes = session.exec(select(SchoolClass.id, SchoolClass.name).where(
        SchoolClass.school_id == school_id, col(SchoolClass.active).is_(True))
        .order_by(col(SchoolClass.grade), col(SchoolClass.name))).all()
    ids = [cid for cid, _name in classes]
    links = {link.class_id: link for link in session.exec(
        select(SurveyLink).where(col(SurveyLink.class_id).in_(ids), col(SurveyLink.revoked_at).is_(None))
        .order_by(col(SurveyLink.created_at))).all()}
    scopes = set(session.exec(select(SurveyClosure.scope).where(SurveyClosure.school_id == school_id)).all())
    return "school" in scopes, [
        LinkState(int(cid or 0), name, links[cid].token if cid in links else None,
                  links[cid].created_at if cid in links else None, f"class:{cid}" in scopes)
        for cid, name in classes]


def live_token(session: Session, *, school_id: int, class_id: int) -> str | None:
    _own_class(session, school_id, class_id)
    return session.exec(select(SurveyLink.token).where(SurveyLink.class_id == class_id,
                                                       col(SurveyLink.revoked_at).is_(None))
                        .order_by(col(SurveyLink.created_at).desc())).first()


def regenerate(session: Session, *, school_id: int, user_id: int, class_id: int) -> SurveyLink:
    """Revoke the class's survey links and issue a new one (old QR codes stop working; answers stay)."""
    _own_class(session, school_id, class_id)
    now = utcnow()
    old = session.exec(select(SurveyLink).where(SurveyLink.class_id == class_id,
                                                col(SurveyLink.revoked_at).is_(None))).all()
    for link in old:
        link.revoked_at = now
        session.add(link)
    new = SurveyLink(class_id=class_id, token=secrets.token_urlsafe(24), created_at=now)
    session.add(new)
    session.flush()
    # Never the token itself: the audit trail is read by more people than the link is.
    audit(session, user_id=user_id, school_id=school_id, action="survey_link_regenerated", entity="survey_link",
          entity_id=new.id, before={"revoked": [link.id for link in old]}, after={"class_id": class_id})
    session.commit()
    return new


def set_closed(session: Session, *, school_id: int, user_id: int, class_id: int | None, closed: bool) -> None:
    """Close or reopen one class's survey (class_id) or the whole school's (None); idempotent, audited."""
    if class_id is not None:
        _own_class(session, school_id, class_id)
    scope = "school" if class_id is None else f"class:{class_id}"
    row = session.exec(select(SurveyClosure).where(SurveyClosure.school_id == school_id,
                                                   SurveyClosure.scope == scope)).first()
    if closed and row is None:
        session.add(SurveyClosure(school_id=school_id, scope=scope, class_id=class_id, closed_by=user_id))
    elif not closed and row is not None:
        session.delete(row)
    else:
        return
    audit(session, user_id=user_id, school_id=school_id,
          action="survey_closed" if closed else "survey_reopened", entity="survey", entity_id=class_id,
          after={"scope": scope})
    session.commit()
