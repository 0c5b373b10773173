"""The share of an item one evening carries (#14): the figure every evening's list shows, equal to the loads'."""

from datetime import date, timedelta

from edulite.core.rules import spread_minutes
from edulite.core.share import evening_share, per_evening

MON = date(2026, 11, 16)


def test_a_60_minute_item_over_3_evenings_carries_20_each_evening_and_none_outside_them():
    due = MON + timedelta(days=3)
    assert [evening_share(60, MON, due, MON + timedelta(days=n)).tonight for n in range(4)] == [20, 20, 20, 0]
    share = evening_share(60, MON, due, MON)
    assert (share.total, share.evenings, share.spread) == (60, 3, True)


def test_a_one_evening_item_carries_all_its_minutes_and_is_not_spread():
    share = evening_share(45, MON, MON + timedelta(days=1), MON)
    assert (share.tonight, share.evenings, share.spread) == (45, 1, False)


def test_shares_are_the_loads_own_figures_and_the_export_shows_the_largest():
    due = MON + timedelta(days=4)
    assert {d: evening_share(61, MON, due, d).tonight for d in spread_minutes(61, MON, due)} == \
        spread_minutes(61, MON, due)
    assert per_evening(61, MON, due) == 16 and per_evening(60, MON, MON + timedelta(days=3)) == 20
