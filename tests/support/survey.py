"""Survey helpers shared by the web, db and e2e tests (#13): a live survey link and a valid answer."""

from __future__ import annotations

from datetime import date

from edulite.db import session_scope
from edulite.models import SurveyLink

TOKEN = "survey-token-class3-0123456789abc"
OTHER_TOKEN = "survey-token-other-0123456789abc"


def add_survey_link(app, klass, token: str = TOKEN, **fields) -> str:
    with session_scope(app) as s:
        s.add(SurveyLink(class_id=klass.id, token=token, **fields))
    return token


def answer(evening: date, **changes) -> dict:
    """A plausible answer to the form, as a family's phone posts it."""
    data = {"evening": evening.isoformat(), "minutes": "45", "minutes_other": "", "finished": "yes",
            "bedtime": "21:00", "asked_to_check": "no", "phone_used": "no"}
    data.update(changes)
    return data
