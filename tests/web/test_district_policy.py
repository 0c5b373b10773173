"""A district supervisor sets the district default from the web (#16): stricter than the national floor only,
audited, the district's schools judged by it; other roles cannot."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import col, select

from edulite.db import session_scope
from edulite.homework import loads
from edulite.models import AuditEntry, PolicyVersion
from tests.web.test_principal_settings import _policy_form

TODAY = datetime.now(ZoneInfo("Asia/Shanghai")).date()


@pytest.fixture
def supervisor(signed_in):
    return signed_in("supervisor", lang="en")


def _district_versions(app):
    with session_scope(app, write=False) as s:
        return s.exec(select(PolicyVersion).where(col(PolicyVersion.school_id).is_(None))).all()


def test_the_district_policy_page_shows_the_default_next_to_the_national_floor(supervisor):
    page = supervisor.get("/district/policy/").get_data(as_text=True)
    assert 'name="caps_school_day.3-6" value="60"' in page and "National: 60" in page
    assert "/district/policy/" in supervisor.get("/district/").get_data(as_text=True)  # in the menu


def test_a_stricter_district_default_is_stored_audited_and_applies_to_its_schools(app, world, supervisor):
    response = supervisor.post("/district/policy/", data=_policy_form(**{"caps_school_day.3-6": "45"}))
    assert response.status_code == 303
    today = datetime.now(ZoneInfo("Asia/Shanghai")).date()
    (version,) = _district_versions(app)
    assert (version.district_id, version.created_by) == (world.district.id, world.supervisor.id)
    with session_scope(app, write=False) as s:
        assert loads.policy_in_force(s, school_id=world.school.id, day=today).caps_school_day["3-6"] == 45
        assert loads.policy_in_force(s, school_id=world.far_school.id, day=today).caps_school_day["3-6"] == 60
        audited = s.exec(select(AuditEntry).where(AuditEntry.action == "district_policy_set")).all()
    assert [a.user_id for a in audited] == [world.supervisor.id]
    assert "The district policy is saved." in supervisor.get("/district/policy/?saved=1").get_data(as_text=True)


def test_a_looser_district_default_is_refused_by_its_field_and_nothing_is_stored(app, world, supervisor):
    response = supervisor.post("/district/policy/", data=_policy_form(**{"caps_school_day.3-6": "75"}))
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and "R-HW-02" in page and 'aria-invalid="true"' in page
    assert _district_versions(app) == []


def test_a_bad_date_is_refused_next_to_its_field(app, world, supervisor):
    response = supervisor.post("/district/policy/", data=_policy_form(effective_from="9999-12-20"))
    assert response.status_code == 422 and 'id="p-effective_from-error"' in response.get_data(as_text=True)
    assert _district_versions(app) == []


@pytest.mark.parametrize("username", ["principal", "teacher", "admin"])
def test_only_a_district_supervisor_may_set_the_district_default(app, world, signed_in, username):
    client = signed_in(username, lang="en")
    assert client.get("/district/policy/").status_code == 403
    assert client.post("/district/policy/", data=_policy_form(**{"caps_school_day.3-6": "45"})).status_code == 403
    assert _district_versions(app) == []


def test_a_looser_value_names_the_national_floor_not_the_district(supervisor):
    page = supervisor.post("/district/policy/", data=_policy_form(**{"bedtime.primary": "22:00"})).get_data(
        as_text=True)
    assert "Looser than the national 21:20" in page and "R-HW-10" in page


def test_phone_words_can_be_added_from_the_form_and_then_raise_r_hw_12(app, world, supervisor):
    from edulite.core.rules import wording_problems

    response = supervisor.post("/district/policy/", data=_policy_form(phone_words="微信接龙\n拍照上传"))
    assert response.status_code == 303
    with session_scope(app, write=False) as s:
        policy = loads.policy_in_force(s, school_id=world.school.id, day=TODAY)
    assert policy.phone_words.count("拍照上传") == 1 and "微信接龙" in policy.phone_words
    assert wording_problems("完成后微信接龙", policy) == [("R-HW-12", "微信接龙")]
    assert "微信接龙" in supervisor.get("/district/policy/").get_data(as_text=True)
