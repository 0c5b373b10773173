"""check-deploy finds every account that opens with the demo password, at a bounded cost (#17)."""

from __future__ import annotations

import os
import signal
from datetime import date

from werkzeug import security

from edulite.commands import ops
from edulite.db import session_scope
from edulite.models import User
from edulite.ops.demo import DEMO_PASSWORD, build_demo
from tests.support.factories import TEST_HASH_METHOD


def _count_verifications(monkeypatch) -> list[str]:
    calls: list[str] = []
    real = security.check_password_hash

    def counting(pwhash, password):
        calls.append(pwhash)
        return real(pwhash, password)

    monkeypatch.setattr(ops, "check_password_hash", counting)
    return calls


def test_all_of_the_demos_accounts_are_found_with_one_verification_and_fail_check_deploy(app, runner, monkeypatch):
    # One test: building the demo takes most of a minute.
    with session_scope(app) as s:
        build_demo(s, password_hash=security.generate_password_hash(DEMO_PASSWORD, method=TEST_HASH_METHOD),
                   today=date(2026, 11, 30))
    with session_scope(app, write=False) as s:
        total = len(s.exec(User.__table__.select()).all())
    calls = _count_verifications(monkeypatch)
    found = ops._demo_passwords(app)
    assert total > 100  # the demo's teachers t1001…, not only its five well-known names
    assert len(found.opening) == total and "t1001" in found.opening
    assert len(found.demo_data) == total - 1  # all but the administrator, who belongs to no district
    assert len(calls) == 1
    monkeypatch.undo()
    result = runner.invoke(args=["edulite", "check-deploy"])
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert next(line for line in lines if line.startswith("E012")).startswith(f"E012 [error] {total} account(s)")
    assert any(line.startswith("E014") for line in lines)


def test_an_account_with_its_own_hash_of_the_demo_password_is_found(app, world, monkeypatch):
    with session_scope(app) as s:
        s.get(User, world.colleague.id).password_hash = security.generate_password_hash(
            DEMO_PASSWORD, method=TEST_HASH_METHOD)
    found = ops._demo_passwords(app)
    assert found.opening == ("colleague",) and found.demo_data == () and found.unchecked == 0


def test_own_hashes_beyond_the_budget_are_reported_unchecked_unless_all_passwords_is_asked(app, world, monkeypatch):
    with session_scope(app) as s:
        for n in range(ops.OWN_HASH_BUDGET + 5):
            s.add(User(username=f"own{n}", display_name="x", role="teacher", school_id=world.school.id,
                       password_hash=security.generate_password_hash(f"own password {n}", method=TEST_HASH_METHOD)))
    calls = _count_verifications(monkeypatch)
    bounded = ops._demo_passwords(app)
    # The world's accounts share one hash (one try); then the budget of own hashes.
    assert len(calls) == 1 + ops.OWN_HASH_BUDGET and bounded.unchecked == 5
    calls.clear()
    full = ops._demo_passwords(app, all_passwords=True)
    assert full.unchecked == 0 and len(calls) == 1 + ops.OWN_HASH_BUDGET + 5


def test_a_running_gunicorn_of_this_app_is_read_from_its_command_line(tmp_path):
    import subprocess

    from edulite.ops.deploycheck import Facts, check

    fake = tmp_path / "gunicorn"
    fake.write_text("#!/bin/sh\nsleep 30\n")
    fake.chmod(0o755)
    process = subprocess.Popen([str(fake), "-w", "4", "-b", "0.0.0.0:8000", "app:app"],  # noqa: S603
                               start_new_session=True)
    try:
        import time

        time.sleep(0.2)
        argv = ops._server_argv()
        assert any("-w 4 -b 0.0.0.0:8000 app:app" in line for line in argv)
        findings = {f.id for f in check({"PROXY_COUNT": 1, "RATELIMIT_STORAGE_URI": "memory://"},
                                        Facts(server_argv=argv))}
        assert {"W001", "E019"} <= findings
    finally:
        os.killpg(process.pid, signal.SIGKILL)  # the shell and its sleep: the group this test started
        process.wait()
