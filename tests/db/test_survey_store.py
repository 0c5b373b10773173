"""The family survey's writes and stored alerts on SQLite and PostgreSQL (#13): one answer per device,
class and evening; R-SV-01..03 appear, update and clear as answers arrive; closing and links."""

from __future__ import annotations

from datetime import date, timedelta

from sqlmodel import col, func, select

from edulite.db import session_scope
from edulite.models import Alert, AuditEntry, SurveyAnswer, SurveyLink, utcnow
from edulite.survey import answers, links, reads
from edulite.survey.input import AnswerInput
from tests.support.factories import add_item
from tests.support.survey import TOKEN, add_survey_link

MON = date(2026, 11, 16)


def save(app, world, device: str, evening: date, minutes: int = 40, *, asked=False, bedtime="21:00"):
    with session_scope(app) as s:
        klass = links.class_for_token(s, TOKEN)
        answers.save(s, klass=klass, device=device, answer=AnswerInput(evening, minutes, True, bedtime, asked,
                                                                        False))


def current(app, rule: str) -> list[Alert]:
    with session_scope(app) as s:
        return list(s.exec(select(Alert).where(Alert.rule_id == rule, col(Alert.current).is_(True))).all())


def test_the_same_device_replaces_its_answer_and_the_school_version_moves(any_app, any_world):
    add_survey_link(any_app, any_world.class3)
    save(any_app, any_world, "d1", MON, 30)
    save(any_app, any_world, "d1", MON, 50)
    save(any_app, any_world, "d1", MON + timedelta(days=1), 20)
    with session_scope(any_app) as s:
        rows = s.exec(select(SurveyAnswer.evening, SurveyAnswer.minutes).order_by(SurveyAnswer.evening)).all()
    assert [tuple(r) for r in rows] == [(MON, 50), (MON + timedelta(days=1), 20)]


def test_r_sv_01_appears_when_families_report_over_the_cap_on_two_evenings_and_clears_when_it_no_longer_holds(
        any_app, any_world):
    add_survey_link(any_app, any_world.class3)
    with session_scope(any_app) as s:
        for d in (0, 1):
            add_item(s, any_world, day=MON + timedelta(days=d), minutes=40)
    for d in (0, 1):
        for n in range(5):
            save(any_app, any_world, f"d{n}", MON + timedelta(days=d), 75)
    (alert,) = current(any_app, "R-SV-01")
    assert (alert.class_id, alert.day, alert.figure, alert.limit) == (any_world.class3.id, MON, "2", "2")
    # Two families correct Tuesday: its median drops to the cap, and the alert is kept for the record only.
    for n in range(3):
        save(any_app, any_world, f"d{n}", MON + timedelta(days=1), 50)
    assert current(any_app, "R-SV-01") == []
    with session_scope(any_app) as s:
        assert s.exec(select(func.count()).select_from(Alert).where(Alert.rule_id == "R-SV-01")).one() == 1


def test_r_sv_02_and_03_are_judged_per_class_week(any_app, any_world):
    add_survey_link(any_app, any_world.class3)
    for n in range(5):
        save(any_app, any_world, f"d{n}", MON + timedelta(days=n % 3), asked=n == 0, bedtime="later" if n else "21:00")
    assert [(a.figure, a.limit) for a in current(any_app, "R-SV-02")] == [("20.0", "5")]
    assert [(a.figure, a.limit) for a in current(any_app, "R-SV-03")] == [("20.0", "90")]


def test_four_answers_raise_nothing_and_show_nothing(any_app, any_world):
    add_survey_link(any_app, any_world.class3)
    for n in range(4):
        save(any_app, any_world, f"d{n}", MON, 200, asked=True, bedtime="later")
    with session_scope(any_app) as s:
        assert s.exec(select(func.count()).select_from(Alert)).one() == 0
        found = reads.span(s, school_id=any_world.school.id, start=MON, end=MON + timedelta(days=7))
    row = next(c for c in found.classes if c.klass.class_id == any_world.class3.id)
    assert (row.figures.answers, row.figures.median) == (4, None)
    assert found.school.median is None and all(f.median is None for f in found.grades.values())


def test_closing_a_class_or_the_school_closes_its_link_and_reopening_opens_it_again(any_app, any_world):
    add_survey_link(any_app, any_world.class3)
    school, user, c3 = any_world.school.id, any_world.principal.id, any_world.class3.id
    with session_scope(any_app) as s:
        links.set_closed(s, school_id=school, user_id=user, class_id=c3, closed=True)
        assert not links.class_for_token(s, TOKEN).open
        links.set_closed(s, school_id=school, user_id=user, class_id=c3, closed=False)
        links.set_closed(s, school_id=school, user_id=user, class_id=None, closed=True)
        links.set_closed(s, school_id=school, user_id=user, class_id=None, closed=True)  # twice: no change
        assert not links.class_for_token(s, TOKEN).open
        links.set_closed(s, school_id=school, user_id=user, class_id=None, closed=False)
        assert links.class_for_token(s, TOKEN).open
        actions = s.exec(select(AuditEntry.action).where(col(AuditEntry.action).like("survey_%"))
                         .order_by(AuditEntry.id)).all()
    assert actions == ["survey_closed", "survey_reopened", "survey_closed", "survey_reopened"]


def test_a_new_link_revokes_the_old_one_and_keeps_the_answers(any_app, any_world):
    add_survey_link(any_app, any_world.class3)
    save(any_app, any_world, "d1", MON)
    with session_scope(any_app) as s:
        new = links.regenerate(s, school_id=any_world.school.id, user_id=any_world.principal.id,
                               class_id=any_world.class3.id)
        assert links.class_for_token(s, TOKEN) is None
        assert links.class_for_token(s, new.token).class_id == any_world.class3.id
        assert s.exec(select(func.count()).select_from(SurveyAnswer)).one() == 1
        assert s.exec(select(func.count()).select_from(SurveyLink)).one() == 2


def test_another_schools_class_cannot_be_closed_or_relinked(any_app, any_world):
    import pytest
    with session_scope(any_app) as s, pytest.raises(links.ClassNotFound):
        links.set_closed(s, school_id=any_world.school.id, user_id=any_world.principal.id,
                         class_id=any_world.other_class.id, closed=True)
    with session_scope(any_app) as s, pytest.raises(links.ClassNotFound):
        links.regenerate(s, school_id=any_world.school.id, user_id=any_world.principal.id,
                         class_id=any_world.other_class.id)


def test_the_digest_of_the_day_names_a_new_survey_alert(any_app, any_world):
    from zoneinfo import ZoneInfo

    from edulite.alerts import digest
    from edulite.commands.digest import render
    add_survey_link(any_app, any_world.class3)
    for n in range(5):
        save(any_app, any_world, f"d{n}", MON, asked=n == 0)
    today = utcnow().astimezone(ZoneInfo("Asia/Shanghai")).date()
    with session_scope(any_app) as s:
        found = digest.new_alerts(s, school_id=any_world.school.id, day=today, zone=ZoneInfo("Asia/Shanghai"))
    assert [a.rule_id for a in found] == ["R-SV-02"]
    with any_app.test_request_context():
        _subject, body = render("School", today, found)
    assert "R-SV-02" in body and f"家庭问卷，{MON.isoformat()} 起的一周" in body
