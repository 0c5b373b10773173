"""The families' survey form (#13): anonymous, no JavaScript, one answer per device, class and evening,
every bad input refused next to its field with nothing stored."""

from __future__ import annotations

import re
from datetime import date

import pytest
from sqlmodel import select

from edulite.db import session_scope
from edulite.models import SurveyAnswer, utcnow
from tests.support.survey import OTHER_TOKEN, TOKEN, add_survey_link, answer

TODAY = date(2026, 11, 19)  # a Thursday
FORM_TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


@pytest.fixture
def survey_app(app, world):
    app.config["TODAY"] = TODAY
    add_survey_link(app, world.class3)
    add_survey_link(app, world.other_class, OTHER_TOKEN)
    return app


@pytest.fixture
def phone(survey_app):
    """A family's phone: opened the link (so it holds the device cookie) and reads English."""
    client = survey_app.test_client()
    client.set_cookie("lang", "en")
    assert client.get(f"/s/{TOKEN}").status_code == 200
    return client


def stored(app) -> list[SurveyAnswer]:
    with session_scope(app) as s:
        return list(s.exec(select(SurveyAnswer)).all())


def test_the_form_offers_the_last_seven_evenings_and_defaults_to_the_last_school_evening(phone):
    page = phone.get(f"/s/{TOKEN}").get_data(as_text=True)
    evenings = re.findall(r'name="evening" value="([0-9-]+)"( checked)?', page)
    assert [d for d, _ in evenings] == [f"2026-11-{n}" for n in range(19, 12, -1)]
    assert [d for d, checked in evenings if checked] == ["2026-11-19"]  # TODAY pins the evening as begun
    assert "<script" not in page


def test_an_answer_is_stored_without_address_or_user_agent_and_the_family_is_thanked(survey_app, phone):
    response = phone.post(f"/s/{TOKEN}", data=answer(TODAY), headers={"User-Agent": "PhoneBrowser/1.0"})
    assert response.status_code == 303
    assert "Thank you" in phone.get(response.location).get_data(as_text=True)
    (row,) = stored(survey_app)
    assert (row.minutes, row.finished, row.bedtime, row.asked_to_check, row.phone_used) == (45, True, "21:00",
                                                                                            False, False)
    values = " ".join(str(v) for v in row.model_dump().values())
    assert "127.0.0.1" not in values and "PhoneBrowser" not in values
    assert len(row.device) == 64 and phone.get_cookie("edulite_survey", path="/s").value not in values


def test_a_new_answer_from_the_same_phone_replaces_the_old_and_a_replay_adds_nothing(survey_app, phone):
    phone.post(f"/s/{TOKEN}", data=answer(TODAY, minutes="30"))
    phone.post(f"/s/{TOKEN}", data=answer(TODAY, minutes="", minutes_other="70"))
    phone.post(f"/s/{TOKEN}", data=answer(TODAY, minutes="", minutes_other="70"))
    (row,) = stored(survey_app)
    assert row.minutes == 70


def test_two_phones_and_two_evenings_are_four_answers(survey_app, phone):
    other = survey_app.test_client()
    other.get(f"/s/{TOKEN}")
    for client in (phone, other):
        for day in (TODAY, date(2026, 11, 18)):
            assert client.post(f"/s/{TOKEN}", data=answer(day)).status_code == 303
    assert len(stored(survey_app)) == 4


@pytest.mark.parametrize(("field", "value", "message"), [
    ("evening", "", "Choose one of the evenings shown."),
    ("evening", "2026-11-12", "Choose one of the evenings shown."),  # eight evenings back
    ("evening", "2026-11-20", "Choose one of the evenings shown."),  # tomorrow
    ("evening", "19/11/2026", "Choose one of the evenings shown."),
    ("minutes", "", "Choose or enter the minutes"),
    ("minutes", "-5", "whole number"),
    ("minutes", "4.5", "whole number"),
    ("minutes", "４５", "whole number"),
    ("minutes", "361", "not plausible"),
    ("minutes", "99999999", "whole number"),
    ("finished", "", "Choose yes or no."),
    ("finished", "maybe", "Choose yes or no."),
    ("bedtime", "", "Choose when your child was in bed."),
    ("bedtime", "17:30", "before 18:00 is not plausible"),
    ("bedtime", "08:00", "before 18:00 is not plausible"),
    ("bedtime", "21:17", "Choose when your child was in bed."),
    ("bedtime", "<script>", "Choose when your child was in bed."),
    ("asked_to_check", "", "Choose yes or no."),
    ("phone_used", "1", "Choose yes or no."),
])
def test_a_bad_field_is_refused_next_to_it_and_nothing_is_stored(survey_app, phone, field, value, message):
    data = answer(TODAY)
    if field == "minutes":
        data.update(minutes="", minutes_other=value)
    else:
        data[field] = value
    response = phone.post(f"/s/{TOKEN}", data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    error_name = "minutes" if field == "minutes" else field
    found = re.search(rf'<p class="error" id="{error_name}-error">([^<]*)</p>', page)
    assert found and message in found.group(1), page
    assert stored(survey_app) == []


def test_a_missing_field_leaves_the_others_as_chosen(survey_app, phone):
    page = phone.post(f"/s/{TOKEN}", data=answer(TODAY, bedtime="")).get_data(as_text=True)
    assert 'value="45" checked' in page and 'name="finished" value="yes" checked' in page


@pytest.mark.parametrize("token", ["no-such-survey-token-0123456789", "short", OTHER_TOKEN + "x"])
def test_an_unknown_token_is_a_404_and_stores_nothing(survey_app, phone, token):
    assert phone.get(f"/s/{token}").status_code == 404
    assert phone.post(f"/s/{token}", data=answer(TODAY)).status_code == 404
    assert stored(survey_app) == []


def test_a_revoked_token_is_a_404(survey_app, world, phone):
    add_survey_link(survey_app, world.class3, "survey-token-revoked-0123456789ab", revoked_at=utcnow())
    assert phone.get("/s/survey-token-revoked-0123456789ab").status_code == 404
    assert phone.post("/s/survey-token-revoked-0123456789ab", data=answer(TODAY)).status_code == 404
    assert stored(survey_app) == []


def test_the_parent_page_token_opens_no_survey(survey_app, world, phone):
    assert phone.get(f"/s/{world.link.token}").status_code == 404


def test_another_class_token_stores_the_answer_for_that_class_only(survey_app, world, phone):
    phone.get(f"/s/{OTHER_TOKEN}")
    phone.post(f"/s/{OTHER_TOKEN}", data=answer(TODAY))
    (row,) = stored(survey_app)
    assert row.class_id == world.other_class.id and row.school_id == world.other_school.id


def test_without_the_device_cookie_nothing_is_stored_and_the_cookie_is_set(survey_app):
    client = survey_app.test_client()
    client.set_cookie("lang", "en")
    response = client.post(f"/s/{TOKEN}", data=answer(TODAY))
    assert response.status_code == 400 and "did not keep" in response.get_data(as_text=True)
    assert stored(survey_app) == []
    assert client.post(f"/s/{TOKEN}", data=answer(TODAY)).status_code == 303
    assert len(stored(survey_app)) == 1


def test_a_forged_device_cookie_counts_as_none(survey_app):
    client = survey_app.test_client()
    client.set_cookie("edulite_survey", "forged.value", path="/s")
    assert client.post(f"/s/{TOKEN}", data=answer(TODAY)).status_code == 400
    assert stored(survey_app) == []


def test_without_the_csrf_token_nothing_is_stored_and_with_it_the_answer_is(survey_app, phone):
    survey_app.config["WTF_CSRF_ENABLED"] = True
    refused = phone.post(f"/s/{TOKEN}", data=answer(TODAY))
    assert refused.status_code == 400 and "Your form expired" in refused.get_data(as_text=True)
    assert phone.post(f"/s/{TOKEN}", data={**answer(TODAY), "csrf_token": "forged"}).status_code == 400
    assert stored(survey_app) == []
    token = FORM_TOKEN.search(phone.get(f"/s/{TOKEN}").get_data(as_text=True)).group(1)
    assert phone.post(f"/s/{TOKEN}", data={**answer(TODAY), "csrf_token": token}).status_code == 303
    assert len(stored(survey_app)) == 1


def test_a_closed_survey_says_so_and_takes_no_answer(survey_app, world, phone):
    from edulite.survey import links
    with session_scope(survey_app) as s:
        links.set_closed(s, school_id=world.school.id, user_id=world.principal.id, class_id=None, closed=True)
    assert "closed this survey" in phone.get(f"/s/{TOKEN}").get_data(as_text=True)
    assert phone.post(f"/s/{TOKEN}", data=answer(TODAY)).status_code == 409
    assert stored(survey_app) == []


def test_the_address_limit_refuses_stuffing_from_one_address(survey_app, phone):
    survey_app.config["SURVEY_RATE_LIMIT_ADDRESS"] = "3 per minute"
    codes = [phone.post(f"/s/{TOKEN}", data=answer(TODAY, minutes=str(m))).status_code for m in (15, 30, 45, 60)]
    assert codes == [303, 303, 303, 429]
    assert [r.minutes for r in stored(survey_app)] == [45]


def test_the_pages_keep_the_token_out_of_referers_and_caches_and_the_cookie_out_of_scripts(survey_app):
    response = survey_app.test_client().get(f"/s/{TOKEN}")
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert "no-store" in response.headers["Cache-Control"]
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith("edulite_survey=") and "HttpOnly" in cookie and "Path=/s" in cookie
