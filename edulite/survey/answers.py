"""Storing a family's answer: one per device, class and evening, a new one replacing the old (#13).

An upsert on the unique key, so that two answers from one device racing each other still leave one
row, and a replayed form changes nothing but the answer's own time. The class-week's R-SV alerts
are judged again in the same transaction.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session

from edulite.core.calendar import week_start
from edulite.models import SurveyAnswer, utcnow
from edulite.school import versions
from edulite.survey import alerts
from edulite.survey.input import AnswerInput
from edulite.survey.links import SurveyClass

TABLE = SurveyAnswer.__table__  # type: ignore[attr-defined]


def save(session: Session, *, klass: SurveyClass, device: str, answer: AnswerInput) -> None:
    """Store (or replace) the device's answer about answer.evening and commit."""
    now = utcnow()
    values = {"minutes": answer.minutes, "finished": answer.finished, "bedtime": answer.bedtime,
              "asked_to_check": answer.asked_to_check, "phone_used": answer.phone_used, "updated_at": now}
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    statement = insert(TABLE).values(class_id=klass.class_id, school_id=klass.school_id, evening=answer.evening,
                                     device=device, created_at=now, **values)
    session.execute(statement.on_conflict_do_update(index_elements=["class_id", "evening", "device"], set_=values))
    # A core statement passes by the ORM's flush, where versions are bumped: bump by hand.
    versions.bump(session, {klass.school_id})
    week = week_start(answer.evening)
    alerts.recompute(session, school_id=klass.school_id, start=week, end=week + timedelta(days=7),
                     class_ids=[klass.class_id])
    session.commit()
