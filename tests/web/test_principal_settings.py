"""School settings: stricter-only policy with the rule named, calendar, classes and teachers, parent links."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import col, select

from edulite.db import session_scope
from edulite.homework import loads
from edulite.models import Alert, Assignment, CalendarDay, ClassLink, PolicyVersion, SchoolClass
from edulite.web.principal.policy import FIELDS, name_of
from tests.support.factories import add_item

TODAY = datetime.now(ZoneInfo("Asia/Shanghai")).date()


@pytest.fixture
def principal(signed_in):
    return signed_in("principal", lang="en")


def _policy_form(**changes) -> dict:
    """The form as the page fills it for the national policy, with some fields changed."""
    values = {"caps_school_day": {"1-2": 0, "3-6": 60, "7-9": 90}, "caps_weekend": {"1-2": 0, "3-6": 60, "7-9": 90},
              "caps_holiday": {"1-2": 0, "3-6": 60, "7-9": 90}, "max_subjects_per_day": {},
              "bedtime": {"primary": "21:20", "junior": "22:00"}, "class_size_max": {"primary": 45, "junior": 50},
              "after_school_end_earliest": "17:30", "after_school_end_latest": "18:00",
              "after_school_min_minutes": 120, "after_school_days_per_week": 5, "over_cap_mode": "warn"}
    form = {}
    for key, subs, _kind in FIELDS:
        for sub in subs or (None,):
            value = values[key] if sub is None else values[key].get(sub, "")
            form[name_of(key, sub)] = str(value)
    # Today when the form is filled, not when the module was imported: a run across Shanghai's midnight
    # would otherwise send yesterday, which the form refuses.
    form["effective_from"] = datetime.now(ZoneInfo("Asia/Shanghai")).date().isoformat()
    form.update(changes)
    return form


def _versions(app, world):
    with session_scope(app, write=False) as s:
        return s.exec(select(PolicyVersion).where(PolicyVersion.school_id == world.school.id)).all()


def test_the_policy_page_shows_the_policy_in_force_next_to_the_districts(principal):
    page = principal.get("/principal/settings").get_data(as_text=True)
    assert 'name="caps_school_day.3-6" value="60"' in page and "District: 60" in page


@pytest.mark.parametrize(("field", "value", "rule"), [
    ("caps_school_day.3-6", "70", "R-HW-02"), ("caps_school_day.7-9", "100", "R-HW-03"),
    ("caps_weekend.3-6", "61", "R-HW-04"), ("class_size_max.primary", "50", "R-CL-01"),
    ("after_school_end_latest", "18:30", "R-AS-02"), ("bedtime.primary", "22:00", "R-HW-10"),
])
def test_a_looser_value_is_refused_next_to_its_field_naming_the_rule_and_nothing_is_stored(
        principal, app, world, field, value, rule):
    response = principal.post("/principal/settings", data=_policy_form(**{field: value}))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    error = page[page.index(f'id="p-{field}-error"'):][:300]
    assert rule in error and "only be stricter" in error
    assert _versions(app, world) == []


def test_a_stricter_cap_is_stored_from_its_date_and_alerts_follow_at_once(principal, app, world):
    monday = TODAY + timedelta(days=7 - TODAY.weekday())
    with session_scope(app) as s:
        add_item(s, world, day=monday, minutes=50)
    response = principal.post("/principal/settings", data=_policy_form(**{
        "caps_school_day.3-6": "45", "effective_from": monday.isoformat()}))
    assert response.status_code == 303
    (version,) = _versions(app, world)
    assert version.effective_from == monday and '"3-6": 45' in version.data and "7-9" not in version.data
    with session_scope(app, write=False) as s:
        assert loads.policy_in_force(s, school_id=world.school.id, day=monday).caps_school_day["3-6"] == 45
        assert loads.policy_in_force(s, school_id=world.school.id, day=TODAY).caps_school_day["3-6"] == 60
        alert = s.exec(select(Alert).where(Alert.rule_id == "R-HW-02")).one()
    assert (alert.day, alert.figure, alert.limit) == (monday, "50", "45")


@pytest.mark.parametrize(("field", "value"), [
    ("caps_school_day.3-6", "sixty"), ("after_school_end_earliest", "5pm"), ("effective_from", "2020-01-01"),
    ("class_size_max.junior", "0"),
])
def test_malformed_values_and_past_dates_are_refused_with_422(principal, app, world, field, value):
    response = principal.post("/principal/settings", data=_policy_form(**{field: value}))
    assert response.status_code == 422 and f'id="p-{field}-error"' in response.get_data(as_text=True)
    assert _versions(app, world) == []


def test_marking_a_run_of_holidays_stores_each_day(principal, app, world):
    response = principal.post("/principal/settings/calendar", data={
        "first": "2026-10-01", "last": "2026-10-07", "kind": "holiday", "note": "国庆节"})
    assert response.status_code == 303
    with session_scope(app, write=False) as s:
        days = s.exec(select(CalendarDay).where(CalendarDay.school_id == world.school.id)).all()
    assert len(days) == 7 and {d.kind for d in days} == {"holiday"} and days[0].note == "国庆节"
    bad = principal.post("/principal/settings/calendar", data={"first": "2026-10-07", "last": "2026-10-01",
                                                               "kind": "holiday"})
    assert bad.status_code == 422 and "The last day is before the first day." in bad.get_data(as_text=True)


def test_a_headcount_over_the_limit_raises_the_class_size_alert(principal, app, world):
    response = principal.post(f"/principal/settings/classes/{world.class3.id}", data={
        f"c{world.class3.id}-name": "三年级(1)班", f"c{world.class3.id}-grade": "3",
        f"c{world.class3.id}-headcount": "48"})
    assert response.status_code == 303
    with session_scope(app, write=False) as s:
        assert s.get(SchoolClass, world.class3.id).headcount == 48
        alert = s.exec(select(Alert).where(Alert.rule_id == "R-CL-01")).one()
    assert (alert.class_id, alert.figure, alert.limit) == (world.class3.id, "48", "45")


def test_class_names_are_unique_in_the_school_and_other_schools_classes_are_not_found(principal, app, world):
    clash = principal.post("/principal/settings/classes", data={"new-name": "初一(1)班", "new-grade": "7",
                                                                "new-headcount": "40"})
    assert clash.status_code == 422 and "Another class already has this name." in clash.get_data(as_text=True)
    bad_grade = principal.post("/principal/settings/classes", data={"new-name": "十年级", "new-grade": "10",
                                                                    "new-headcount": "40"})
    assert bad_grade.status_code == 422
    other = principal.post(f"/principal/settings/classes/{world.other_class.id}", data={
        f"c{world.other_class.id}-name": "x", f"c{world.other_class.id}-grade": "3",
        f"c{world.other_class.id}-headcount": "1"})
    assert other.status_code == 404
    added = principal.post("/principal/settings/classes", data={"new-name": "三年级(2)班", "new-grade": "3",
                                                                "new-headcount": "41"})
    assert added.status_code == 303


def test_assigning_a_teacher_replaces_the_subjects_teacher_and_only_this_schools_teachers_qualify(
        principal, app, world):
    ok = principal.post("/principal/settings/assignments", data={
        "class_id": world.class3.id, "subject_id": world.chinese.id, "teacher_id": world.teacher.id})
    assert ok.status_code == 303
    with session_scope(app, write=False) as s:
        row = s.exec(select(Assignment).where(Assignment.class_id == world.class3.id,
                                              Assignment.subject_id == world.chinese.id)).one()
    assert row.teacher_id == world.teacher.id
    foreign = principal.post("/principal/settings/assignments", data={
        "class_id": world.class3.id, "subject_id": world.chinese.id, "teacher_id": world.other_teacher.id})
    assert foreign.status_code == 422


def test_replacing_a_parent_link_revokes_the_old_token_and_serves_a_qr_code_of_the_new_one(principal, app, world):
    old = world.link.token
    assert old in principal.get("/principal/settings/links").get_data(as_text=True)
    assert principal.post(f"/principal/settings/links/{world.class3.id}", data={"confirm": "1"}).status_code == 303
    with session_scope(app, write=False) as s:
        links = s.exec(select(ClassLink).where(ClassLink.class_id == world.class3.id)
                       .order_by(col(ClassLink.id))).all()
    assert links[0].token == old and links[0].revoked_at is not None
    assert links[1].revoked_at is None and len(links[1].token) >= 32 and links[1].token != old
    page = principal.get("/principal/settings/links").get_data(as_text=True)
    assert f"/c/{links[1].token}" in page and old not in page
    assert principal.get(f"/c/{old}").status_code == 404
    qr = principal.get(f"/principal/settings/links/{world.class3.id}/qr.svg")
    assert qr.mimetype == "image/svg+xml" and b"<svg" in qr.data


def test_another_schools_links_and_qr_codes_are_not_found(principal, world):
    assert principal.post(f"/principal/settings/links/{world.other_class.id}").status_code == 404
    assert principal.get(f"/principal/settings/links/{world.other_class.id}/qr.svg").status_code == 404


def test_calendar_days_in_the_list_are_the_schools_own(principal, app, world):
    with session_scope(app) as s:
        s.add(CalendarDay(school_id=world.other_school.id, day=TODAY + timedelta(days=3), kind="holiday",
                          note="别校假日"))
    assert "别校假日" not in principal.get("/principal/settings/calendar").get_data(as_text=True)


def test_the_policy_page_says_where_a_stricter_district_default_overrules_the_school(app, world, principal):
    """#16: a district default made stricter later wins; the page no longer raises PolicyLooser and says so."""
    import json as _json

    with session_scope(app) as s:
        s.add(PolicyVersion(school_id=world.school.id, effective_from=TODAY - timedelta(days=10),
                            data=_json.dumps({"caps_school_day": {"3-6": 50}})))
        s.add(PolicyVersion(district_id=world.district.id, effective_from=TODAY - timedelta(days=1),
                            data=_json.dumps({"caps_school_day": {"3-6": 40}})))
        s.commit()
    response = principal.get("/principal/settings")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "the district value applies" in page and "caps_school_day.3-6 50 is looser than 40 (R-HW-02)" in page
