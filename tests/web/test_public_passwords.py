"""The password page refuses the demo's public password and the most common ones (#17)."""

from __future__ import annotations

import pytest

from edulite.db import session_scope
from edulite.models import User
from edulite.ops.demo import DEMO_PASSWORD
from edulite.school.passwords import too_common
from tests.support.factories import PASSWORD


@pytest.mark.parametrize("new", [DEMO_PASSWORD, "EDULITE-DEMO", "edulite-demo2026", "1qaz2wsx3edc", "password123",
                                 "qwertyuiop", "woaini1314", "aaaaaaaaaaaa", "1212121212"])
def test_a_public_or_common_password_is_refused_next_to_the_field_and_changes_nothing(app, client, auth, world, new):
    auth.login("teacher")
    client.set_cookie("lang", "en")
    response = client.post("/account/password", data={"old": PASSWORD, "new": new, "confirm": new})
    assert response.status_code == 422
    assert "public or among the most common" in response.get_data(as_text=True)
    with session_scope(app) as s:
        assert s.get(User, world.teacher.id).password_hash == world.teacher.password_hash


def test_the_refusal_reads_in_chinese_by_default(client, auth, world):
    auth.login("teacher")
    response = client.post("/account/password", data={"old": PASSWORD, "new": DEMO_PASSWORD, "confirm": DEMO_PASSWORD})
    assert response.status_code == 422 and "最常见的密码" in response.get_data(as_text=True)


@pytest.mark.parametrize("fine", ["a much longer passphrase 42", "梅花三弄在春天里", "Tq7#mzR2vLp9"])
def test_ordinary_long_passwords_are_not_mistaken_for_common_ones(fine):
    assert not too_common(fine)
