"""The deploy check: unsafe production settings each give one finding with an ID and a fix."""

from __future__ import annotations

import pytest

from edulite.config import DEFAULT_SECRET_KEY, Config
from edulite.ops.deploycheck import Facts, check, has_errors

SAFE = {
    **{k: v for k, v in vars(Config).items() if k.isupper()},
    "SECRET_KEY": "9f" * 32,
    "DEBUG": False,
    "TESTING": False,
    "PREFERRED_URL_SCHEME": "https",
    "SESSION_COOKIE_SECURE": True,
    "WTF_CSRF_ENABLED": True,
    "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379/0",
    "PROXY_COUNT": 1,
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
])
def test_each_unsafe_setting_is_an_error_with_its_own_id(change, finding):
    findings = check({**SAFE, **change}, GOOD)
    assert ids(findings) == [finding]
    assert has_errors(findings)


@pytest.mark.parametrize(("facts", "finding"), [
    (Facts(database="sqlite", journal_mode="delete"), "E005"),
    (Facts(database="sqlite", database_ok=False, journal_mode=None), "E004"),
    (Facts(database="postgresql", database_ok=False, journal_mode=None), "E004"),
    (Facts(demo_accounts=("admin", "teacher")), "E012"),
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
