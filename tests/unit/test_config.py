"""Start-up settings that protect a production install."""

import pytest

from edulite import create_app


def test_the_app_refuses_to_start_in_production_with_the_default_secret_key(monkeypatch, tmp_path):
    monkeypatch.delenv("FLASK_SECRET_KEY", raising=False)
    # An instance folder without config.py, as on a fresh clone (a developer's own may hold a real key).
    monkeypatch.setattr("edulite.ROOT", tmp_path)
    with pytest.raises(RuntimeError, match="default SECRET_KEY"):
        create_app({"DATABASE_URL": f"sqlite:///{tmp_path}/x.sqlite"})


def test_production_password_hashing_meets_the_owasp_minimum():
    from edulite.config import Config

    method, algo, rounds = Config.PASSWORD_HASH_METHOD.split(":")
    assert (method, algo) == ("pbkdf2", "sha256") and int(rounds) >= 600_000


def test_https_turns_on_secure_cookies(tmp_path):
    app = create_app({"TESTING": True, "PREFERRED_URL_SCHEME": "https", "DATABASE_URL": f"sqlite:///{tmp_path}/x"})
    assert app.config["SESSION_COOKIE_SECURE"] is True


def test_an_install_gets_its_own_secret_key_once(tmp_path):
    from edulite.ops.instance import ensure_config

    written = ensure_config(tmp_path)
    first = written.read_text()
    assert 'SECRET_KEY = "' in first and len(first) > 70
    assert ensure_config(tmp_path) is None and written.read_text() == first
    assert written.stat().st_mode & 0o077 == 0  # readable by the owner only
