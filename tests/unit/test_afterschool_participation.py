"""Participation (参与率): pupils of a class taking part ÷ its headcount, on the days that class has a
logged count; a grade adds up its classes."""

from datetime import date, time, timedelta

from edulite.core.afterschool_rules import Session, Share, class_share, day_counts, participation

MON = date(2026, 11, 23)
TUE = MON + timedelta(days=1)
HEADCOUNTS = {1: 40, 2: 30, 3: 45}


def session(day=MON, **pupils):
    return Session(None, 1, day, time(15, 40), time(17, 40), "reading", {int(k[1:]): v for k, v in pupils.items()})


def rates(sessions, headcounts=HEADCOUNTS):
    return {class_id: share.rate for class_id, share in participation(sessions, headcounts).items()}


def test_a_small_session_of_one_class_does_not_lower_the_other_classes_share():
    """B3: Tuesday's only logged session is class 3's; classes 1 and 2 are judged on Monday alone."""
    week = [session(MON, c1=28, c2=21), session(TUE, c3=20)]
    assert rates(week) == {1: 0.7, 2: 0.7, 3: 0.444}


def test_a_class_is_judged_on_every_day_it_has_a_count_and_only_those():
    week = [session(MON, c1=30), session(TUE, c1=10), session(TUE + timedelta(days=1), c2=30)]
    assert participation(week, {1: 40})[1] == Share(pupils=40, places=80)
    assert rates(week)[1] == 0.5


def test_a_class_without_any_count_has_no_share_rather_than_zero():
    assert rates([session(MON, c1=28)])[2] is None


def test_a_logged_zero_is_a_day_of_service_nobody_of_the_class_joined():
    assert rates([session(MON, c1=40), session(TUE, c1=0)])[1] == 0.5


def test_a_class_in_two_sessions_of_a_day_counts_its_largest_group_once():
    day = [session(MON, c1=30, c2=10), session(MON, c1=12, c2=25)]
    assert day_counts(day) == {1: {MON: 30}, 2: {MON: 25}}
    assert rates(day) == {1: 0.75, 2: 0.833, 3: None}


def test_a_share_never_passes_one_and_an_empty_class_has_none():
    assert class_share({MON: 50, TUE: 20}, 45) == Share(pupils=65, places=90)
    assert class_share({MON: 3}, 0).rate is None


def test_a_grade_adds_up_its_classes_pupils_and_places_so_each_class_weighs_by_its_logged_days():
    """Class 1 (40 pupils) logged two days at 50 %, class 2 (30) one day at 100 %: 70 / 110."""
    shares = participation([session(MON, c1=20, c2=30), session(TUE, c1=20)], {1: 40, 2: 30})
    grade = shares[1] + shares[2]
    assert grade == Share(pupils=70, places=110) and grade.rate == 0.636
    assert Share().rate is None
