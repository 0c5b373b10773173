"""Signing in on SQLite never holds the write lock while the password hash runs (issue #17, ADR 0010).

PBKDF2 takes a large part of a second on purpose; eight people signing in at the start of the day
must not queue every teacher's save behind their hashes.
"""

from __future__ import annotations

import sqlite3

import pytest
from sqlmodel import select

import edulite.auth
from edulite.db import session_scope
from edulite.models import AuditEntry
from tests.support.factories import PASSWORD


def _lock_free_during_hash(monkeypatch, sqlite_url) -> list[str]:
    """While the hash runs, another writer (a teacher's save) tries the write lock for 0.2 s."""
    found: list[str] = []
    real = edulite.auth.check_password_hash

    def hash_and_probe(stored: str, password: str) -> bool:
        other = sqlite3.connect(sqlite_url.split("///", 1)[1], timeout=0.2, isolation_level=None)
        try:
            other.execute("BEGIN IMMEDIATE")
            other.execute("ROLLBACK")
            found.append("free")
        except sqlite3.OperationalError as error:
            found.append(str(error))
        finally:
            other.close()
        return real(stored, password)

    monkeypatch.setattr(edulite.auth, "check_password_hash", hash_and_probe)
    return found


@pytest.mark.parametrize("password, status", [(PASSWORD, 303), ("wrong-password", 401)])
def test_a_save_can_take_the_write_lock_while_a_sign_in_hashes_its_password(app, client, world, sqlite_url,
                                                                            monkeypatch, password, status):
    found = _lock_free_during_hash(monkeypatch, sqlite_url)
    response = client.post("/login", data={"username": "teacher", "password": password})
    assert response.status_code == status
    assert found == ["free"]


def test_a_failed_sign_in_still_writes_its_audit_row(app, client, world, sqlite_url, monkeypatch):
    _lock_free_during_hash(monkeypatch, sqlite_url)
    assert client.post("/login", data={"username": "teacher", "password": "wrong-password"}).status_code == 401
    with session_scope(app) as s:
        (entry,) = s.exec(select(AuditEntry).where(AuditEntry.action == "login_failed")).all()
    assert '"username": "teacher"' in entry.after
