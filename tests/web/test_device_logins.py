""""Remember this phone" (#15): a long-lived device login, stored hashed, listed on the account page with
sign-out per phone, ended by a password change, a reset or a disabled account."""

from __future__ import annotations

import hashlib

from sqlmodel import select

from edulite.db import session_scope
from edulite.models import AuditEntry, DeviceLogin, User
from tests.support.factories import PASSWORD

DEVICE = "edulite_device"


def remembered(app, username: str = "teacher"):
    """A client that signed in with "remember this phone"; returns it and its device token."""
    client = app.test_client()
    client.set_cookie("lang", "en")
    response = client.post("/login", data={"username": username, "password": PASSWORD, "remember": "y"})
    assert response.status_code == 303
    cookie = client.get_cookie(DEVICE)
    assert cookie is not None and cookie.http_only
    return client, cookie.value


def phone_after_the_session_ended(app, token: str):
    """The same phone next morning: the session cookie is gone, the device cookie is not."""
    client = app.test_client()
    client.set_cookie("lang", "en")
    client.set_cookie(DEVICE, token)
    return client


def test_a_remembered_phone_signs_in_again_without_the_password_and_stores_only_a_hash(app, world):
    _client, token = remembered(app)
    morning = phone_after_the_session_ended(app, token)
    assert morning.get("/teacher/").status_code == 200
    with session_scope(app) as s:
        (device,) = s.exec(select(DeviceLogin)).all()
        assert device.token_hash == hashlib.sha256(token.encode()).hexdigest() and token not in device.token_hash
        assert s.exec(select(AuditEntry).where(AuditEntry.action == "device_remembered")).one()


def test_without_the_tick_no_device_cookie_is_set(app, world, signed_in):
    client = signed_in("teacher")
    assert client.get_cookie(DEVICE) is None


def test_the_account_page_lists_the_phone_and_signs_it_out(app, world):
    client, token = remembered(app)
    page = client.get("/account/password").get_data(as_text=True)
    assert "Remembered phones" in page and "this phone" in page
    with session_scope(app) as s:
        (device,) = s.exec(select(DeviceLogin)).all()
    assert client.post(f"/account/devices/{device.id}/sign-out").status_code == 303
    morning = phone_after_the_session_ended(app, token)
    response = morning.get("/teacher/")
    assert response.status_code == 302 and "/login" in response.location
    assert morning.get_cookie(DEVICE) is None  # the dead cookie is dropped


def test_a_password_change_ends_every_remembered_phone(app, world):
    client, token = remembered(app)
    _other, token2 = remembered(app)
    new = "a brand new long secret 7"
    assert client.post("/account/password", data={"old": PASSWORD, "new": new, "confirm": new}).status_code == 303
    for t in (token, token2):
        assert phone_after_the_session_ended(app, t).get("/teacher/").status_code == 302


def test_a_reset_or_a_disabled_account_ends_the_remembered_phones(app, world, signed_in):
    _client, token = remembered(app, "colleague")
    principal = signed_in("principal")
    principal.post(f"/accounts/{world.colleague.id}/password")
    assert phone_after_the_session_ended(app, token).get("/teacher/").status_code == 302
    _client, token = remembered(app, "teacher")
    principal.post(f"/accounts/{world.teacher.id}/active", data={"active": "0"})
    assert phone_after_the_session_ended(app, token).get("/teacher/").status_code == 302


def test_someone_elses_phone_cannot_be_signed_out(app, world, signed_in):
    _client, _token = remembered(app, "colleague")
    with session_scope(app) as s:
        (device,) = s.exec(select(DeviceLogin)).all()
    assert signed_in("teacher").post(f"/account/devices/{device.id}/sign-out").status_code == 404
    with session_scope(app) as s:
        assert s.get(DeviceLogin, device.id).revoked_at is None
        assert s.get(User, world.colleague.id).active


def test_signing_out_forgets_this_phone(app, world):
    client, token = remembered(app)
    client.post("/logout")
    assert phone_after_the_session_ended(app, token).get("/teacher/").status_code == 302
