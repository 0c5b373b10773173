"""Every stored alert of a school judged again: the homework rules, then the after-school rules.

Its own module because it sits above both: afterschool/alerts builds on alerts/store (sync,
RecomputeResult), so store cannot import it back without a circle.
"""

from __future__ import annotations

from datetime import date

from sqlmodel import Session

from edulite.afterschool import alerts as afterschool
from edulite.alerts import store
from edulite.alerts.store import RecomputeResult
from edulite.survey import alerts as survey


def recompute_all(session: Session, *, school_id: int, start: date, end: date,
                   today: date | None = None, actor_id: int | None = None,
                   cause: str = "recomputed") -> RecomputeResult:
    """Homework alerts, then after-school alerts (R-AS-01..03), then survey alerts (R-SV-01..03), in the
    caller's transaction.

    today (default: the school's date) tells after-school service still to come from service missed.
    """
    result = store.recompute(session, school_id=school_id, start=start, end=end, actor_id=actor_id, cause=cause)
    other = afterschool.recompute(session, school_id=school_id, start=start, end=end, today=today,
                                  actor_id=actor_id, cause=cause)
    surveyed = survey.recompute(session, school_id=school_id, start=start, end=end)
    return RecomputeResult(*(a + b + c for a, b, c in zip(
        (result.opened, result.reopened, result.updated, result.cleared),
        (other.opened, other.reopened, other.updated, other.cleared),
        (surveyed.opened, surveyed.reopened, surveyed.updated, surveyed.cleared), strict=True)))
