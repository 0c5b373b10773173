"""The district's survey figures counted in SQL equal core.survey_rules.figures() over the same answers, judged
one by one in Python as before (ISSUE #12, ADR 0018; R-SV-00 floors, on time against the class-evening's cap,
bedtime by stage), on SQLite and PostgreSQL, for any answers, summaries and policies."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, insert, update
from sqlmodel import col, select

from edulite.core.calendar import DayKind
from edulite.core.policy import NATIONAL, Policy, bedtime_for, cap_for
from edulite.core.survey_rules import BEDTIME_BANDS, Answer, figures
from edulite.db import session_scope
from edulite.models import ClassDayLoad, School, SchoolClass, SurveyAnswer
from edulite.survey.district import district_week
from tests.support.factories import make_world

MONDAY = date(2026, 11, 16)
EVENINGS = [MONDAY - timedelta(days=1)] + [MONDAY + timedelta(days=n) for n in range(8)]  # one either side
CLASSES = 8  # the world's four, three at the edges of grade bands, one of another district
MINUTES = st.one_of(st.sampled_from([0, 15, 30, 45, 60, 90, 120]), st.integers(0, 360))

policy_values = st.fixed_dictionaries({
    "caps": st.tuples(st.integers(0, 30), st.integers(20, 90), st.integers(30, 120)),
    "bedtime": st.tuples(st.sampled_from(["20:30", "21:00", "21:20", "21:30"]),
                         st.sampled_from(["21:30", "22:00", "22:30", "23:00", "00:30"])),
    "floor": st.integers(1, 6),
})
answers = st.lists(st.fixed_dictionaries({
    "klass": st.integers(0, CLASSES - 1), "evening": st.sampled_from(EVENINGS), "device": st.sampled_from("abcdefgh"),
    "minutes": MINUTES, "finished": st.booleans(), "bedtime": st.sampled_from(BEDTIME_BANDS),
    "asked": st.booleans(), "phone": st.booleans(), "moved": st.integers(0, 9),
}), max_size=40)
loads = st.lists(st.fixed_dictionaries({
    "klass": st.integers(0, CLASSES - 1), "evening": st.sampled_from(EVENINGS), "cap": st.integers(0, 120),
    "counted": st.integers(0, 150),
}), max_size=12)


def policy(values: dict) -> Policy:
    one, three, seven = values["caps"]
    return replace(NATIONAL, caps_school_day={"1-2": one, "3-6": three, "7-9": seven},
                   bedtime={"primary": values["bedtime"][0], "junior": values["bedtime"][1]},
                   survey_min_answers=values["floor"])


def test_sql_figures_equal_figures_of_the_answers_judged_one_by_one(any_app):
    with session_scope(any_app) as session:
        world = make_world(session)
        schools = session.exec(select(School).order_by(col(School.id))).all()
        district_id = world.school.district_id
        mine = [s.id for s in schools if s.district_id == district_id]
        # A class of another district: its answers never count.
        far = SchoolClass(school_id=next(s.id for s in schools if s.district_id != district_id), grade=5,
                          name="邻区五年级", headcount=40)
        # Classes at the edges of the grade bands (R-HW-01..03: 2|3, 6|7) and of the stages (bedtime: 6|7).
        edges = [SchoolClass(school_id=mine[n % 2], grade=grade, name=f"边{grade}", headcount=40)
                 for n, grade in enumerate((2, 6, 9))]
        session.add_all([far, *edges])
        session.flush()
        ours = session.exec(select(SchoolClass).where(col(SchoolClass.school_id).in_(mine))
                            .order_by(col(SchoolClass.id))).all()
        klass = [(c.id, c.school_id, c.grade) for c in [*ours, far]]
        school_ids = mine
        names = {s.id: s.name for s in schools}
    assert len(klass) == CLASSES and len(school_ids) == 2

    @settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                     HealthCheck.function_scoped_fixture])
    @given(stored=answers, summaries=loads, district=policy_values, own=st.lists(
        st.one_of(st.none(), policy_values), min_size=2, max_size=2), inactive=st.integers(0, CLASSES),
        shown=st.permutations([0, 1]), page=st.integers(0, 2))
    def check(stored, summaries, district, own, inactive, shown, page):
        policies: dict[int | None, Policy] = {None: policy(district)}
        for sid, values in zip(school_ids, own, strict=True):
            if values is not None:
                policies[sid] = policy(values)
        rows: dict[tuple[int, date, str], dict] = {}  # storage keeps one answer per class, evening and device
        for a in stored:
            class_id, school_id, _grade = klass[a["klass"]]
            # Now and then an answer names another school than its class's (a class moved since): it counts
            # for the school it names, as before.
            if a["moved"] == 0 and school_id in school_ids:
                school_id = school_ids[1 - school_ids.index(school_id)]
            rows[(class_id, a["evening"], a["device"])] = {
                "class_id": class_id, "school_id": school_id, "evening": a["evening"], "device": a["device"],
                "minutes": a["minutes"], "finished": a["finished"], "bedtime": a["bedtime"],
                "asked_to_check": a["asked"], "phone_used": a["phone"]}
        load_rows = {(klass[s["klass"]][0], s["evening"]): {
            "class_id": klass[s["klass"]][0], "day": s["evening"], "school_id": klass[s["klass"]][1],
            "grade": klass[s["klass"]][2], "day_kind": "school_day", "cap": s["cap"], "counted": s["counted"],
            "by_subject": "{}", "by_kind": "{}"}
            for s in summaries}
        with session_scope(any_app) as session:
            conn = session.connection()
            conn.execute(delete(SurveyAnswer))
            conn.execute(delete(ClassDayLoad))
            conn.execute(update(SchoolClass).values(active=True))
            if inactive < CLASSES:
                conn.execute(update(SchoolClass).where(SchoolClass.id == klass[inactive][0]).values(active=False))
            if rows:
                conn.execute(insert(SurveyAnswer), list(rows.values()))
            if load_rows:
                conn.execute(insert(ClassDayLoad), list(load_rows.values()))
        start, end = MONDAY, MONDAY + timedelta(days=7)
        pages = [[], [school_ids[shown[0]]], [school_ids[i] for i in shown]][page]
        with session_scope(any_app) as session:
            got = district_week(session, district_id=district_id, start=start, end=end,
                                schools=[(sid, names[sid]) for sid in pages], policies=policies)

        # The reference: every answer judged in Python as district_week did before (core.survey_rules).
        by_school: dict[int, list[Answer]] = {}
        for (class_id, evening, device), row in rows.items():
            grade = next(g for c, _s, g in klass if c == class_id)
            active = klass.index(next(k for k in klass if k[0] == class_id)) != inactive
            if row["school_id"] not in school_ids or not start <= evening < end or not active:
                continue
            rule = policies.get(row["school_id"], policies[None])
            load = load_rows.get((class_id, evening))
            cap = load["cap"] if load else cap_for(rule, grade, DayKind.SCHOOL_DAY)
            by_school.setdefault(row["school_id"], []).append(Answer(
                class_id, evening, device, row["minutes"], row["finished"], row["bedtime"], row["asked_to_check"],
                row["phone_used"], cap, bedtime_for(rule, grade), load["counted"] if load else 0, grade))
        highest = max(p.survey_min_answers for p in policies.values())
        assert got.floor == highest
        assert got.district == figures([a for group in by_school.values() for a in group], floor=highest)
        assert [(s.school_id, s.name) for s in got.schools] == [(sid, names[sid]) for sid in pages]
        for row in got.schools:
            floor = policies.get(row.school_id, policies[None]).survey_min_answers
            assert row.figures == figures(by_school.get(row.school_id, []), floor=floor), row.school_id

    check()
