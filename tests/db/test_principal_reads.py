"""The inbox, class-day, record and export reads give the same answers on SQLite and PostgreSQL."""

import json
from datetime import date, timedelta

from edulite.alerts import actions as alert_actions
from edulite.alerts import inbox as alert_inbox
from edulite.alerts import store as alerts
from edulite.db import session_scope
from edulite.models import HomeworkRevision
from edulite.reports import class_day, exports, records
from tests.support.factories import add_item

MON = date(2026, 11, 16)
END = MON + timedelta(days=7)


def _setup(app, world):
    with session_scope(app) as s:
        item = add_item(s, world, day=MON, minutes=65)
        s.add(HomeworkRevision(item_id=item.id, version=1, action="create", changed_by=world.teacher.id,
                               snapshot=json.dumps({"minutes": 65})))
        add_item(s, world, klass=world.class1, subject=world.chinese, day=MON, minutes=10)
        add_item(s, world, klass=world.other_class, teacher=world.other_teacher, day=MON, minutes=99)
        for school in (world.school, world.other_school):
            alerts.recompute(s, school_id=school.id, start=MON, end=END)
    return item


def test_the_inbox_pages_filters_and_counts_by_state_within_the_school(any_app, any_world):
    _setup(any_app, any_world)
    with session_scope(any_app) as s:
        rows = alert_inbox.alert_page(s, school_id=any_world.school.id, filters=alert_inbox.AlertFilters())
        assert sorted(r.rule_id for r in rows) == ["R-HW-01", "R-HW-02"]
        alert_actions.act(s, school_id=any_world.school.id, user_id=any_world.principal.id, action="acknowledge",
                          alert_id=next(r.id for r in rows if r.rule_id == "R-HW-02"), note="知悉")
        counts = alert_inbox.state_counts(s, school_id=any_world.school.id, filters=alert_inbox.AlertFilters())
        grade1 = alert_inbox.alert_page(s, school_id=any_world.school.id,
                                        filters=alert_inbox.AlertFilters(grade=1, week=MON))
    assert counts == {"open": 1, "acknowledged": 1, "resolved": 0, "cleared": 0, "all": 2}
    assert [(r.rule_id, r.class_name) for r in grade1] == [("R-HW-01", "一年级(1)班")]


def test_the_class_day_holds_items_history_and_alerts(any_app, any_world):
    item = _setup(any_app, any_world)
    with session_scope(any_app) as s:
        detail = class_day.class_day(s, school_id=any_world.school.id, class_id=any_world.class3.id, day=MON)
    assert [i.id for i in detail.items] == [item.id] and detail.items[0].counts
    assert detail.revisions[item.id][0].snapshot == {"minutes": 65}
    assert [a.rule_id for a in detail.alerts] == ["R-HW-02"] and detail.load.counted == 65


def test_record_figures_count_the_weeks_alerts_by_rule_and_state(any_app, any_world):
    _setup(any_app, any_world)
    with session_scope(any_app) as s:
        counts = records.alert_counts(s, school_id=any_world.school.id, start=MON, end=END)
    assert counts == {"R-HW-01": {"open": 1, "acknowledged": 0, "resolved": 0, "cleared": 0, "raised": 1},
                      "R-HW-02": {"open": 1, "acknowledged": 0, "resolved": 0, "cleared": 0, "raised": 1}}


def test_export_rows_stay_within_the_school(any_app, any_world):
    _setup(any_app, any_world)
    with session_scope(any_app) as s:
        items = exports.item_rows(s, school_id=any_world.school.id, start=MON, end=END)
        found = exports.alert_rows(s, school_id=any_world.school.id, start=MON, end=END)
        load = exports.load_rows(s, school_id=any_world.school.id, start=MON, end=END,
                                 class_ids=[any_world.class3.id])
    assert sorted(r["minutes"] for r in items) == [10, 65]
    assert {r["rule_id"] for r in found} == {"R-HW-01", "R-HW-02"}
    assert (load[0]["counted_minutes"], load[0]["cap"], load[0]["over"], len(load)) == (65, 60, True, 7)
