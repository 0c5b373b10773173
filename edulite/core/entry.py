"""When a teacher's homework entry may be typed and changed: plain dates in, plain answers out.

Kept in the core so that the form check, the writes and the reads ask one rule (an entry is
fixed once its evening has passed), and so that reads never import the write service to learn it.
"""

from __future__ import annotations

from datetime import date

# Longest span between set and due date that a teacher may enter; bounds the look-back of loads.
MAX_SPREAD_DAYS = 31


def editable(*, set_date: date, logged_on: date, today: date, withdrawn: bool = False) -> bool:
    """Same-day rule: an entry can be changed until its set date has passed, or on the day it was logged.

    logged_on is the day the entry was first saved, in the school's time zone.
    """
    return not withdrawn and (today <= set_date or logged_on == today)
