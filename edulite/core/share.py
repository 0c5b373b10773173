"""The share of an item's minutes that one evening carries, as every page that lists an evening's items
shows it ("60 分钟，分 3 晚，今晚约 20", #14).

One function so that the principal's class-day page, the parent page, the teacher's pages and the
exports can never disagree with the loads: the figure is the one spread_minutes counts (R-HW-02,
POLICY "Counting, precisely"). Pure: figures only, the words are in edulite/web/labels.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from edulite.core.rules import evening_dates, spread_minutes


@dataclass(frozen=True)
class EveningShare:
    total: int  # the item's minutes over all its evenings
    evenings: int  # how many evenings it is spread over (1 for a one-evening item)
    tonight: int  # the minutes the given evening carries (0 if the evening is not one of the item's)

    @property
    def spread(self) -> bool:
        return self.evenings > 1


def evening_share(minutes: int, set_date: date, due_date: date | None, evening: date) -> EveningShare:
    """How many of an item's minutes fall on evening, out of how many over how many evenings."""
    days = evening_dates(set_date, due_date)
    return EveningShare(minutes, len(days), spread_minutes(minutes, set_date, due_date).get(evening, 0))


def per_evening(minutes: int, set_date: date, due_date: date | None) -> int:
    """The largest share any one evening carries (what an export shows for a spread item)."""
    return max(spread_minutes(minutes, set_date, due_date).values())
