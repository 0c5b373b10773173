"""Accounts without a shell (#15): principals manage their school's teachers, administrators everyone;
passwords handed out are one-time and must be changed at first sign-in (#17)."""

from __future__ import annotations

import re

from sqlmodel import select

from edulite.db import session_scope
from edulite.models import AuditEntry, User

OTP = re.compile(r'<p class="otp"><code>([^<]+)</code>')


def _issued(response) -> str:
    found = OTP.search(response.get_data(as_text=True))
    assert found, "no one-time password on the page"
    return found.group(1)


def test_a_principal_adds_a_teacher_who_must_change_the_one_time_password_first(app, world, signed_in):
    principal = signed_in("principal", lang="en")
    response = principal.post("/accounts/", data={"username": "wang.li", "display_name": "王丽"})
    assert response.status_code == 201
    password = _issued(response)
    newcomer = signed_in(None, lang="en")
    assert newcomer.post("/login", data={"username": "wang.li", "password": password}).status_code == 303
    # Every page but the password page sends them to choose their own password.
    home = newcomer.get("/teacher/")
    assert home.status_code == 302 and home.location.endswith("/account/password")
    assert newcomer.get("/teacher/", headers={"HX-Request": "true"}).headers["HX-Redirect"] == "/account/password"
    page = newcomer.get("/account/password").get_data(as_text=True)
    assert "one-time password" in page
    changed = newcomer.post("/account/password", data={"old": password, "new": "a fresh long secret 42",
                                                       "confirm": "a fresh long secret 42"})
    assert changed.status_code == 303 and changed.location == "/teacher/"
    assert newcomer.get("/teacher/").status_code == 200
    with session_scope(app) as s:
        user = s.exec(select(User).where(User.username == "wang.li")).one()
        assert (user.role, user.school_id, user.must_change_password) == ("teacher", world.school.id, False)
        entry = s.exec(select(AuditEntry).where(AuditEntry.action == "account_created")).one()
        assert entry.user_id == world.principal.id and entry.entity_id == user.id
        assert password not in (entry.after or "")


def test_a_taken_or_bad_username_is_refused_next_to_the_field_and_nothing_is_written(app, world, signed_in):
    principal = signed_in("principal", lang="en")
    taken = principal.post("/accounts/", data={"username": "Teacher", "display_name": "X"})
    assert taken.status_code == 422
    assert "This username is taken" in taken.get_data(as_text=True)
    bad = principal.post("/accounts/", data={"username": "a b<", "display_name": "X"})
    assert bad.status_code == 422 and 'aria-invalid="true"' in bad.get_data(as_text=True)
    with session_scope(app) as s:
        assert s.exec(select(User).where(User.username.in_(["a b<"]))).first() is None
        assert s.exec(select(AuditEntry).where(AuditEntry.action == "account_created")).first() is None


def test_a_principal_cannot_add_to_another_school_nor_make_a_principal(app, world, signed_in):
    principal = signed_in("principal")
    response = principal.post("/accounts/", data={"username": "sneaky", "display_name": "S", "role": "principal",
                                                  "school_id": str(world.other_school.id)})
    assert response.status_code == 201
    with session_scope(app) as s:
        user = s.exec(select(User).where(User.username == "sneaky")).one()
        assert (user.role, user.school_id) == ("teacher", world.school.id)


def test_a_reset_password_is_one_time_and_ends_the_teachers_sessions(app, world, signed_in):
    teacher = signed_in("teacher")
    principal = signed_in("principal", lang="en")
    response = principal.post(f"/accounts/{world.teacher.id}/password")
    assert response.status_code == 200
    password = _issued(response)
    assert teacher.get("/teacher/").status_code == 302  # the old session is over
    again = signed_in(None)
    again.post("/login", data={"username": "teacher", "password": password})
    assert again.get("/teacher/").location.endswith("/account/password")
    with session_scope(app) as s:
        assert s.exec(select(AuditEntry).where(AuditEntry.action == "password_reset",
                                               AuditEntry.user_id == world.principal.id)).one()


def test_a_principal_disables_a_leaver_and_cannot_touch_other_schools_or_principals(app, world, signed_in):
    principal = signed_in("principal", lang="en")
    colleague = signed_in("colleague")
    assert principal.post(f"/accounts/{world.colleague.id}/active", data={"active": "0"}).status_code == 303
    assert colleague.get("/teacher/").status_code == 302
    assert "Colleague" in principal.get("/accounts/").get_data(as_text=True)
    for other in (world.other_teacher.id, world.other_principal.id, world.principal.id, 2**31):
        assert principal.post(f"/accounts/{other}/active", data={"active": "0"}).status_code in (403, 404)
        assert principal.post(f"/accounts/{other}/password").status_code in (403, 404)
    listing = principal.get("/accounts/").get_data(as_text=True)
    assert "other_teacher" not in listing and "other_principal" not in listing
    with session_scope(app) as s:
        assert s.get(User, world.other_teacher.id).active
        assert not s.get(User, world.colleague.id).active


def test_an_admin_adds_a_principal_to_any_school(app, world, signed_in):
    admin = signed_in("admin")
    response = admin.post("/accounts/", data={"username": "head2", "display_name": "Head", "role": "principal",
                                              "school_id": str(world.other_school.id)})
    assert response.status_code == 201
    assert "other_teacher" in admin.get("/accounts/").get_data(as_text=True)
    with session_scope(app) as s:
        user = s.exec(select(User).where(User.username == "head2")).one()
        assert (user.role, user.school_id, user.must_change_password) == ("principal", world.other_school.id, True)


def test_the_command_line_one_time_passwords_must_be_changed_too(app, world, runner):
    result = runner.invoke(args=["edulite", "reset-password", "colleague"])
    assert result.exit_code == 0, result.output
    with session_scope(app) as s:
        assert s.get(User, world.colleague.id).must_change_password
