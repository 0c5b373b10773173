"""Sign-in, sign-out, roles and the language switch."""

import pytest


def test_the_front_door_sends_anonymous_visitors_to_sign_in(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response.location.startswith("/login")


@pytest.mark.parametrize(("username", "home", "marker"), [
    ("teacher", "/teacher/", "三年级(1)班"),
    ("principal", "/principal/", "测试小学"),
    ("admin", "/admin/", "Administration"),
    ("supervisor", "/district/", "测试小学"),
])
def test_each_role_signs_in_and_lands_on_its_home_page(client, auth, world, username, home, marker):
    response = auth.login(username)
    assert response.status_code == 303
    assert response.location == home
    client.set_cookie("lang", "en")
    page = client.get(home)
    assert page.status_code == 200
    assert marker in page.get_data(as_text=True)


def test_a_wrong_password_gets_one_clear_generic_message(client, auth, world):
    response = auth.login("teacher", "not the password")
    assert response.status_code == 401
    assert "用户名或密码错误" in response.get_data(as_text=True)
    assert client.get("/teacher/").status_code == 302


def test_an_unknown_user_gets_the_same_message_as_a_wrong_password(auth, world):
    wrong_user = auth.login("nobody", "whatever")
    assert wrong_user.status_code == 401
    assert "用户名或密码错误" in wrong_user.get_data(as_text=True)


def test_a_teacher_cannot_open_a_principal_page(client, auth, world):
    auth.login("teacher")
    assert client.get("/principal/").status_code == 403
    assert client.get("/admin/").status_code == 403


def test_an_anonymous_visitor_is_sent_to_sign_in_and_back(client, world):
    response = client.get("/principal/")
    assert response.status_code == 302
    assert "next=/principal/" in response.location


def test_sign_in_ignores_an_off_site_next_address(client, world):
    response = client.post("/login", data={"username": "teacher", "password": "correct horse battery",
                                           "next": "https://evil.example/"})
    assert response.location == "/teacher/"


def test_a_copied_session_cookie_stops_working_after_sign_out(app, auth, world):
    auth.login("teacher")
    thief = app.test_client()
    cookie = auth._client.get_cookie("edulite_session")
    thief.set_cookie("edulite_session", cookie.value)
    assert thief.get("/teacher/").status_code == 200
    auth.logout()
    assert thief.get("/teacher/").status_code == 302


def test_a_disabled_account_is_signed_out_at_its_next_request(app, client, auth, world):
    from edulite.db import session_scope
    from edulite.models import User

    auth.login("teacher")
    with session_scope(app) as s:
        s.get(User, world.teacher.id).active = False
    assert client.get("/teacher/").status_code == 302


def test_the_interface_is_chinese_by_default_and_the_switch_remembers_english(client, world):
    assert "登录" in client.get("/login").get_data(as_text=True)
    switched = client.get("/lang/en?next=/login")
    assert switched.status_code == 302 and switched.location == "/login"
    assert "Sign in" in client.get("/login").get_data(as_text=True)
    client.get("/lang/zh?next=/login")
    assert "登录" in client.get("/login").get_data(as_text=True)


def test_an_unknown_language_is_ignored(client):
    client.get("/lang/xx")
    assert "登录" in client.get("/login").get_data(as_text=True)
