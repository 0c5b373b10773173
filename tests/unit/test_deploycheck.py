"""The deploy check: unsafe production settings each give one finding with an ID and a fix."""

from __future__ import annotations

import pytest

from edulite.config import DEFAULT_SECRET_KEY, Config
from edulite.ops.deploycheck import Facts, check, has_errors

SAFE = {
    **{k: v for k, v in vars(Config).items() if k.isupper()},
    "SECRET_KEY": "3c9a0e5d7f1b24c86e0d9a7b5f3c1e2d4a6b8c0e9f7d5b3a1c2e4f6a8b0d9c7e",
    "DEBUG": False,
    "TESTING": False,
    "PREFERRED_URL_SCHEME": "https",
    "SESSION_COOKIE_SECURE": True,
    "WTF_CSRF_ENABLED": True,
    "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379/0",
    "PROXY_COUNT": 1,
    "TRUSTED_HOSTS": ["school.example.cn"],
}
GOOD = Facts(database="sqlite", database_ok=True, journal_mode="wal", workers=4)


def ids(findings) -> list[str]:
    return [f.id for f in findings]


def test_a_safe_production_setup_has_no_findings():
    assert check(SAFE, GOOD) == []


@pytest.mark.parametrize(("change", "finding"), [
    ({"SECRET_KEY": DEFAULT_SECRET_KEY}, "E001"),
    ({"SECRET_KEY": "short-key"}, "E001"),
    ({"SECRET_KEY": ""}, "E001"),
    ({"DEBUG": True}, "E002"),
    ({"TESTING": True}, "E003"),
    ({"PREFERRED_URL_SCHEME": "http"}, "E006"),
    ({"SESSION_COOKIE_SECURE": False}, "E007"),
    ({"SESSION_COOKIE_HTTPONLY": False}, "E008"),
    ({"SESSION_COOKIE_SAMESITE": None}, "E008"),
    ({"WTF_CSRF_ENABLED": False}, "E009"),
    ({"ASSET_MODE": "cdn", "ASSET_CDN_BASE": "http://cdn.example/npm"}, "E010"),
    ({"PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000"}, "E011"),
    ({"PASSWORD_HASH_METHOD": "md5"}, "E011"),
    # Issue #17: the misses of the first check.
    ({"WTF_CSRF_CHECK_DEFAULT": False}, "E009"),
    ({"PASSWORD_HASH_METHOD": "pbkdf2:sha1:600000"}, "E011"),
    ({"PASSWORD_HASH_METHOD": "pbkdf2:md5:900000"}, "E011"),
    ({"PASSWORD_HASH_METHOD": "scrypt:16:8:1"}, "E011"),
    ({"SECRET_KEY": "9f" * 32}, "E001"),
    ({"SECRET_KEY": "changeme" * 5}, "E001"),
    ({"SECRET_KEY": "a" * 64}, "E001"),
    ({"PASSWORD_MIN_LENGTH": 6}, "E015"),
    ({"LOGIN_RATE_LIMIT": "1000 per minute"}, "E016"),
    ({"LOGIN_RATE_LIMIT": "5 per second;20 per hour;10000 per day"}, None),  # the strictest one counts
    ({"LOGIN_RATE_LIMIT": "not a limit"}, "E016"),
    ({"SESSION_IDLE_MINUTES": 60 * 24 * 30}, "E017"),
    ({"SESSION_ABSOLUTE_HOURS": 0}, "E017"),
    ({"SQLITE_BUSY_TIMEOUT_MS": 10}, "E017"),
    ({"WEBHOOK_TIMEOUT": 3600}, "E017"),
    ({"REDIS_TIMEOUT_SECONDS": 30}, "E017"),
    ({"TRUSTED_HOSTS": None}, "E018"),
    ({"TRUSTED_HOSTS": None, "SERVER_NAME": "school.example.cn"}, None),
])
def test_each_unsafe_setting_is_an_error_with_its_own_id(change, finding):
    findings = check({**SAFE, **change}, GOOD)
    assert ids(findings) == ([finding] if finding else [])
    assert has_errors(findings) == bool(finding)


@pytest.mark.parametrize(("facts", "finding"), [
    (Facts(database="sqlite", journal_mode="delete"), "E005"),
    (Facts(database="sqlite", database_ok=False, journal_mode=None), "E004"),
    (Facts(database="postgresql", database_ok=False, journal_mode=None), "E004"),
    (Facts(demo_accounts=("admin", "teacher")), "E012"),
    (Facts(demo_data=("t1001",)), "E014"),
    (Facts(unchecked_passwords=3), "W004"),
])
def test_facts_about_the_live_install_are_checked_too(facts, finding):
    assert ids(check(SAFE, facts)) == [finding]


def test_postgresql_needs_no_journal_mode():
    assert check(SAFE, Facts(database="postgresql", journal_mode=None)) == []


def test_memory_rate_limits_are_a_warning_only_with_several_workers():
    memory = {**SAFE, "RATELIMIT_STORAGE_URI": "memory://"}
    assert check(memory, Facts(workers=1)) == []
    findings = check(memory, Facts(workers=4))
    assert ids(findings) == ["W001"] and "4 workers" in findings[0].message
    assert not has_errors(findings)


@pytest.mark.parametrize(("change", "finding"), [
    ({"PROXY_COUNT": 0}, "W002"),
    ({"MAIL_SERVER": "smtp.example.cn", "MAIL_USE_TLS": False}, "W003"),
])
def test_settings_to_confirm_are_warnings(change, finding):
    findings = check({**SAFE, **change}, GOOD)
    assert ids(findings) == [finding] and not has_errors(findings)


def test_the_shipped_defaults_fail_the_check_with_one_line_fixes_and_never_echo_the_secret():
    findings = check({k: v for k, v in vars(Config).items() if k.isupper()}, GOOD)
    assert {"E001", "E006", "E007"} <= set(ids(findings))
    for f in findings:
        assert "\n" not in f.line() and f.fix and f.line().startswith(f"{f.id} [")
        assert DEFAULT_SECRET_KEY not in f.line()
    assert ids(findings) == sorted(ids(findings), key=lambda i: (i[0] != "E", i))


def test_postgresql_pools_of_all_workers_must_fit_the_servers_connection_budget():
    # 4 workers x (5 + 2) = 28 connections.
    fits = Facts(database="postgresql", database_ok=True, journal_mode=None, workers=4, max_connections=100)
    too_many = Facts(database="postgresql", database_ok=True, journal_mode=None, workers=4, max_connections=30)
    assert "E013" not in {f.id for f in check(SAFE, fits)}
    assert "E013" in {f.id for f in check(SAFE, too_many)}


def test_secret_keys_written_by_the_instance_helper_pass_and_typed_ones_fail():
    import secrets

    from edulite.ops.deploycheck import MIN_SECRET_BITS, secret_bits

    assert all(secret_bits(secrets.token_hex(32)) > MIN_SECRET_BITS for _ in range(50))
    assert all(secret_bits(secrets.token_urlsafe(32)) > MIN_SECRET_BITS for _ in range(50))
    assert secret_bits("edulite-production-secret-key-2026") < MIN_SECRET_BITS


@pytest.mark.parametrize(("argv", "workers", "binds"), [
    ("gunicorn -w 4 app:app", 4, []),
    ("gunicorn -w4 -b 0.0.0.0:8000 app:app", 4, ["0.0.0.0:8000"]),
    ("gunicorn --workers=3 --bind=127.0.0.1:8000 app:app", 3, ["127.0.0.1:8000"]),
    ("gunicorn --workers 2 --bind unix:/run/edulite.sock app:app", 2, ["unix:/run/edulite.sock"]),
])
def test_gunicorn_command_lines_are_read_for_workers_and_listen_addresses(argv, workers, binds):
    from edulite.ops.deploycheck import gunicorn_options, split_command

    assert gunicorn_options(split_command(argv)) == (workers, binds)


def test_workers_given_to_gunicorn_with_w_count_even_without_the_environment():
    memory = {**SAFE, "RATELIMIT_STORAGE_URI": "memory://"}
    findings = check(memory, Facts(workers=1, server_argv=("gunicorn -w 4 -b 127.0.0.1:8000 app:app",)))
    assert ids(findings) == ["W001"] and "4 workers" in findings[0].message


@pytest.mark.parametrize(("bind", "finding"), [
    ("0.0.0.0:8000", ["E019"]),
    (":8000", ["E019"]),
    ("[::]:8000", ["E019"]),
    ("10.0.0.5:8000", ["E019"]),
    ("127.0.0.1:8000", []),
    ("[::1]:8000", []),
    ("localhost:8000", []),
    ("unix:/run/edulite.sock", []),
])
def test_proxy_count_with_gunicorn_listening_beyond_loopback_is_an_error(bind, finding):
    facts = Facts(server_argv=(f"gunicorn -b {bind} app:app",))
    assert ids(check(SAFE, facts)) == finding
    assert ids(check({**SAFE, "PROXY_COUNT": 0}, facts)) == ["W002"]  # no proxy trusted: nothing to forge
