"""Which stored entries count toward the cap, in Python and in SQL, both from core.rules.counts_toward_cap.

The core cannot import SQLAlchemy, so the SQL form lives here, built from the same constants; a db test
checks that the two agree on every combination of kind, required, location, withdrawn and no homework.
"""

from __future__ import annotations

from sqlalchemy import and_
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import col

from edulite.core import rules
from edulite.models import HomeworkItem


def counts(item: HomeworkItem) -> bool:
    """Whether a stored entry's minutes count toward its class's cap."""
    return rules.counts_toward_cap(kind=item.kind, required=item.required, location=item.location,
                                   withdrawn=item.withdrawn, no_homework=item.no_homework)


def counts_sql() -> ColumnElement[bool]:
    """rules.counts_toward_cap as a WHERE condition on HomeworkItem."""
    return and_(col(HomeworkItem.required).is_(True), col(HomeworkItem.kind) == rules.COUNTED_KIND,
                col(HomeworkItem.location) == rules.COUNTED_LOCATION, col(HomeworkItem.withdrawn).is_(False),
                col(HomeworkItem.no_homework).is_(False))
