"""Who may call what: every route in the URL map, as every kind of caller, gets the status its audience demands.

The audience comes from the view itself, never from a hand-kept list: `login_required(*roles)` leaves
`.roles` on the view (no roles: any signed-in user), the `parent` blueprint is the read-only class page
opened with a link token, the `survey` blueprint the families' survey opened with its own link token
(GET and POST, #13), and `auth` is public. A route that is none of these, or whose URL takes an
argument missing from ARGS, fails here, so a new route cannot slip through unchecked.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from datetime import date, time
from urllib.parse import urlsplit

import pytest
from sqlmodel import SQLModel, select
from werkzeug.security import generate_password_hash

from edulite import create_app
from edulite.db import get_db, session_scope
from edulite.models import (
    AfterSchoolSession,
    Alert,
    Assignment,
    ClassLink,
    DeviceLogin,
    SchoolClass,
    SurveyLink,
    User,
    utcnow,
)
from tests.conftest import base_config
from tests.support.factories import PASSWORD, TEST_HASH_METHOD, add_item

FIXED_DAY = date(2025, 3, 10)  # a Monday: fills every date, day and week argument

# URL argument -> (own, other). Own objects belong to the signed-in users' school and district; other
# ones to another district, outside every teacher's, principal's and supervisor's scope. Values are
# functions of the world, or plain values when the argument carries no scope. A new argument name:
# add it here.
ARGS = {
    "class_id": (lambda w: w.class3.id, lambda w: w.far_class.id),
    "school_id": (lambda w: w.school.id, lambda w: w.far_school.id),
    "district_id": (lambda w: w.district.id, lambda w: w.other_district.id),
    "item_id": (lambda w: w.own_item.id, lambda w: w.far_item.id),
    "session_id": (lambda w: w.own_session.id, lambda w: w.far_session.id),
    "alert_id": (lambda w: w.own_alert.id, lambda w: w.far_alert.id),
    "assignment_id": (lambda w: w.own_assignment.id, lambda w: w.far_assignment.id),
    "teacher_id": (lambda w: w.teacher.id, lambda w: w.far_teacher.id),
    "user_id": (lambda w: w.teacher.id, lambda w: w.far_teacher.id),
    "device_id": (lambda w: w.own_device.id, lambda w: w.far_device.id),
    "token": (lambda w: w.link.token, lambda w: w.revoked_token),
    "day": (FIXED_DAY, FIXED_DAY),
    "date": (FIXED_DAY, FIXED_DAY),
    "week": (FIXED_DAY, FIXED_DAY),
    "week_start": (FIXED_DAY, FIXED_DAY),
    "code": ("en", "en"),
    "survey_token": (lambda w: w.survey_token, lambda w: w.revoked_survey_token),
}
# Caller -> username in the world (None: not signed in). "parent" opened the class link first.
CALLERS = {
    "anonymous": None, "teacher": "teacher", "other-school teacher": "other_teacher", "principal": "principal",
    "other-school principal": "other_principal", "supervisor": "supervisor",
    "other-district supervisor": "other_supervisor", "admin": "admin", "parent": None,
}
ROLE_OF = {"teacher": "teacher", "other-school teacher": "teacher", "principal": "principal",
           "other-school principal": "principal", "supervisor": "district", "other-district supervisor": "district",
           "admin": "admin"}
OUTSIDERS = {"other-school teacher", "other-school principal", "other-district supervisor"}
ALL_ROLES = ("teacher", "principal", "district", "admin")
WRITE_METHODS = ("POST", "PUT", "PATCH", "DELETE")

URL_MAP_APP = create_app(base_config(DATABASE_URL="sqlite://"))  # only read for its URL map
RULES = sorted((r for r in URL_MAP_APP.url_map.iter_rules() if r.endpoint != "static"), key=lambda r: r.rule)
TALLY: Counter = Counter()
ROUTES_SEEN: set[str] = set()


def rule_id(rule) -> str:
    return f"{rule.endpoint}:{'/'.join(sorted(rule.methods - {'HEAD', 'OPTIONS'}))}"


def audience(app, rule) -> tuple[str, tuple[str, ...]] | None:
    """("roles", roles) for signed-in views, ("parent", ()) or ("public", ()); None when undeclared."""
    view = app.view_functions[rule.endpoint]
    if hasattr(view, "roles"):
        return "roles", tuple(view.roles) or ALL_ROLES
    blueprint = rule.endpoint.rpartition(".")[0]
    # The family survey (#13): anyone holding a live survey link may answer; a dead link is a 404.
    return {"parent": ("parent", ()), "auth": ("public", ()), "survey": ("survey", ())}.get(blueprint)


def unknown_args(rule) -> list[str]:
    return sorted(set(rule.arguments) - ARGS.keys())


def value(spec, world):
    return spec(world) if callable(spec) else spec


def build_url(rule, world, variant: str = "own") -> str:
    index = 0 if variant == "own" else 1
    return rule.build({name: value(ARGS[name][index], world) for name in rule.arguments})[1]


def scoped(rule, world) -> bool:
    # An argument with a default (a second URL for the same view) is not in this URL.
    own_args = set(rule.arguments) - set(rule.defaults or {})
    return any(value(ARGS[n][0], world) != value(ARGS[n][1], world) for n in own_args)


def snapshot(app) -> dict[str, tuple[int, str]]:
    """Row count and a digest of the content of every table."""
    out = {}
    with get_db(app).engine().connect() as conn:
        for table in SQLModel.metadata.sorted_tables:
            rows = sorted(repr(tuple(r)) for r in conn.execute(table.select()))
            out[table.name] = (len(rows), hashlib.sha256("\n".join(rows).encode()).hexdigest())
    return out


def signed_in_clients(signed_in) -> dict[str, object]:
    """A client per caller, from the signed_in fixture; the anonymous visitor and the parent are not signed in."""
    return {caller: signed_in(username) for caller, username in CALLERS.items()}


@pytest.fixture
def matrix_world(app, world):
    return extend_world(app, world)


def extend_world(app, world):
    """The shared world plus objects in another district, a revoked link and grade leaders."""
    with session_scope(app) as s:
        for u in (world.teacher, world.other_teacher):
            s.get(User, u.id).lead_grade = 3  # so that grade-leader pages count as the teachers' own
        far_class = SchoolClass(school_id=world.far_school.id, grade=3, name="三年级(9)班", headcount=40)
        far_teacher = User(username="far_teacher", display_name="Far", role="teacher", school_id=world.far_school.id,
                           password_hash=generate_password_hash(PASSWORD, method=TEST_HASH_METHOD))
        s.add_all([far_class, far_teacher])
        s.flush()
        s.add(Assignment(teacher_id=far_teacher.id, class_id=far_class.id, subject_id=world.maths.id))
        revoked = ClassLink(class_id=world.class1.id, token="revoked-token-class1-0123456789abcd", revoked_at=utcnow())
        s.add(revoked)
        s.add(SurveyLink(class_id=world.class3.id, token="survey-token-class3-0123456789abc"))
        s.add(SurveyLink(class_id=world.class3.id, token="revoked-survey-class3-0123456789ab", revoked_at=utcnow()))
        world.survey_token, world.revoked_survey_token = ("survey-token-class3-0123456789abc",
                                                          "revoked-survey-class3-0123456789ab")
        world.far_class, world.far_teacher, world.revoked_token = far_class, far_teacher, revoked.token
    with session_scope(app) as s:
        world.own_item = add_item(s, world, day=FIXED_DAY, minutes=20)
        world.far_item = add_item(s, world, klass=far_class, teacher=far_teacher, day=FIXED_DAY, minutes=20)
        world.own_session = AfterSchoolSession(school_id=world.school.id, day=FIXED_DAY, start=time(15, 40),
                                               end=time(17, 40), activity="reading", teacher_id=world.teacher.id)
        world.far_session = AfterSchoolSession(school_id=world.far_school.id, day=FIXED_DAY, start=time(15, 40),
                                               end=time(17, 40), activity="reading", teacher_id=far_teacher.id)
        s.add_all([world.own_session, world.far_session])
        world.own_alert = Alert(school_id=world.school.id, class_id=world.class3.id, key="R-HW-02|class|own",
                                rule_id="R-HW-02", day=FIXED_DAY, figure="75", limit="60")
        world.far_alert = Alert(school_id=world.far_school.id, class_id=world.far_class.id, key="R-HW-02|class|far",
                                rule_id="R-HW-02", day=FIXED_DAY, figure="75", limit="60")
        world.own_assignment = s.exec(select(Assignment).where(Assignment.class_id == world.class3.id)).first()
        world.far_assignment = s.exec(select(Assignment).where(Assignment.class_id == far_class.id)).first()
        s.add_all([world.own_alert, world.far_alert])
        world.own_device = DeviceLogin(user_id=world.teacher.id, token_hash="a" * 64, label="own phone")
        world.far_device = DeviceLogin(user_id=far_teacher.id, token_hash="b" * 64, label="far phone")
        s.add_all([world.own_device, world.far_device])
    return world


def plan(kind: str, roles: tuple[str, ...], methods: list[str], has_scope: bool) -> list[tuple[str, str, str, str]]:
    """(caller, variant, method, expectation) for one route."""
    steps = []
    for method in methods:
        for caller in CALLERS:
            role = ROLE_OF.get(caller)
            if kind == "public":
                steps.append((caller, "own", method, "public"))
            elif kind in ("parent", "survey"):
                steps.append((caller, "own", method, "allowed"))
                steps += [(caller, "other", method, "gone")] if has_scope else []
            elif role is None:
                steps.append((caller, "own", method, "sign-in"))
            elif role not in roles:
                steps.append((caller, "own", method, "forbidden"))
            elif caller in OUTSIDERS and has_scope:
                steps.append((caller, "own", method, "out of scope"))
            else:
                steps.append((caller, "own", method, "allowed"))
                if has_scope and caller != "admin":
                    steps.append((caller, "other", method, "out of scope"))
    if kind == "parent":
        steps += [("parent", "own", m, "read-only") for m in WRITE_METHODS]
    # Refusals first: an allowed write may change what later callers see.
    return sorted(steps, key=lambda s: s[3] in ("allowed", "public"))


def meets(expectation: str, method: str, response) -> bool:
    status = response.status_code
    to_sign_in = status in (302, 303) and urlsplit(response.location).path == "/login"
    if expectation == "sign-in":
        return to_sign_in
    if expectation == "allowed" and method == "GET":
        # 422: a GET form (an export) without its fields is bad input, answered next to the fields.
        return (200 <= status < 400 or status == 422) and not to_sign_in
    if expectation == "allowed":  # an empty form: any refusal but an access refusal is the view's business
        return status < 500 and status not in (403, 405) and not to_sign_in
    return {
        "public": status < 500 and status not in (403, 405),
        "forbidden": status == 403,
        "out of scope": status in (403, 404),
        "gone": status == 404,
        "read-only": status == 405,
    }[expectation]


def check_rule(app, world, rule, signed_in) -> tuple[list[str], int]:
    """Call one route as every caller; return what went wrong (one line each) and the requests made."""
    declared = audience(app, rule)
    assert declared, (f"{rule.rule} ({rule.endpoint}) declares no audience: wrap the view in "
                      "login_required(...), or put it in the parent (read-only link) or auth (public) blueprint")
    missing = unknown_args(rule)
    if missing:
        pytest.fail(f"{rule.rule} ({rule.endpoint}) takes {missing}: add each to ARGS at the top of "
                    "tests/web/test_access_matrix.py as (object in the callers' scope, object outside it)")
    kind, roles = declared
    methods = sorted(rule.methods - {"HEAD", "OPTIONS"})
    if kind == "parent":
        assert methods == ["GET"], f"parent pages are read-only, but {rule.rule} accepts {methods}"
    clients = signed_in_clients(signed_in)
    parent_pages = [r for r in app.url_map.iter_rules()
                    if r.endpoint != "static" and audience(app, r) == ("parent", ()) and r.arguments == {"token"}]
    if parent_pages:
        clients["parent"].get(build_url(parent_pages[0], world))
    failures, steps = [], plan(kind, roles, methods, scoped(rule, world))
    for caller, variant, method, expectation in steps:
        url = build_url(rule, world, variant)
        watch = method != "GET" and expectation not in ("allowed", "public")
        before = snapshot(app) if watch else None
        response = clients[caller].open(url, method=method, data={})
        if not meets(expectation, method, response):
            failures.append(f"{caller} {method} {url} ({variant}): expected {expectation}, got {response.status_code}")
        elif watch and snapshot(app) != before:
            failures.append(f"{caller} {method} {url}: refused but the database changed")
    return failures, len(steps)


@pytest.mark.parametrize("rule", RULES, ids=rule_id)
def test_every_route_answers_every_caller_as_its_audience_demands(app, matrix_world, signed_in, rule):
    failures, requests = check_rule(app, matrix_world, rule, signed_in)
    ROUTES_SEEN.add(rule_id(rule))
    TALLY.update({"route-callers": len(CALLERS), "requests": requests})
    assert not failures, "\n".join(failures)


class _Summary:
    def pytest_terminal_summary(self, terminalreporter):
        if ROUTES_SEEN:
            terminalreporter.write_line(
                f"access matrix: {len(ROUTES_SEEN)} routes x {len(CALLERS)} callers = {TALLY['route-callers']} "
                f"route-caller pairs checked, {TALLY['requests']} requests asserted "
                "(incl. out-of-scope objects and refused methods)")


@pytest.fixture(scope="module", autouse=True)
def _report_the_figure(request):
    manager = request.config.pluginmanager
    if not manager.has_plugin("edulite-access-matrix"):
        manager.register(_Summary(), "edulite-access-matrix")


def test_the_matrix_covers_every_route_but_static():
    endpoints = {r.endpoint for r in URL_MAP_APP.url_map.iter_rules()} - {"static"}
    assert endpoints == {r.endpoint for r in RULES}
    assert {"auth.login", "teacher.today", "principal.dashboard", "district.overview", "admin.home"} <= endpoints


def test_a_route_without_a_declared_audience_or_with_an_unknown_argument_is_caught(app):
    app.add_url_rule("/leak/<int:mystery_id>", "leak", lambda mystery_id: "secret")
    rule = next(r for r in app.url_map.iter_rules() if r.endpoint == "leak")
    assert audience(app, rule) is None
    assert unknown_args(rule) == ["mystery_id"]


def _class_view(*, leaky=False, writes_first=False):
    """A view on one class, scoped properly or not, to prove that the matrix tells the difference."""
    from flask import abort, g

    from edulite.auth import login_required
    from edulite.db import get_session
    from edulite.models import School
    from edulite.school import audit as services

    @login_required("teacher", "principal", "district")
    def view(class_id):
        session = get_session()
        if writes_first:
            services.audit(session, user_id=g.user.id, school_id=None, action="note", entity="class")
            session.commit()
        klass = session.get(SchoolClass, class_id)
        school = klass and session.get(School, klass.school_id)
        if not (school and (leaky or g.scope.school_id == school.id or g.scope.district_id == school.district_id)):
            abort(404)
        return "ok"

    return view


def _parent_view(token):
    from flask import abort

    from edulite.db import get_session

    link = get_session().exec(select(ClassLink).where(ClassLink.token == token)).first()
    if link is None or link.revoked_at is not None:
        abort(404)
    return "week"


def test_the_matrix_passes_scoped_views_and_catches_leaky_ones(app, matrix_world, signed_in):
    app.add_url_rule("/x/<int:class_id>", "x.good", _class_view())
    app.add_url_rule("/x/<int:class_id>/leaky", "x.leaky", _class_view(leaky=True))
    app.add_url_rule("/x/<int:class_id>/note", "x.note", _class_view(writes_first=True), methods=["POST"])
    app.add_url_rule("/c/<token>/synthetic", "parent.synthetic", _parent_view)
    rules = {r.endpoint: r for r in app.url_map.iter_rules()}
    assert check_rule(app, matrix_world, rules["x.good"], signed_in)[0] == []
    assert check_rule(app, matrix_world, rules["parent.synthetic"], signed_in)[0] == []
    leaks = check_rule(app, matrix_world, rules["x.leaky"], signed_in)[0]
    assert any(f.startswith("other-school teacher GET") and "got 200" in f for f in leaks), leaks
    assert any(f.startswith("supervisor GET") and "(other)" in f for f in leaks), leaks
    careless = check_rule(app, matrix_world, rules["x.note"], signed_in)[0]
    assert any("refused but the database changed" in f for f in careless), careless
