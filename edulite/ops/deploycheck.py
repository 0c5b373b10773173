"""Unsafe production settings, found before a real school's data is at stake (like Django's check --deploy).

Pure: a settings mapping and a few facts about the running install in, findings out. Errors make
`flask edulite check-deploy` exit non-zero; warnings are things to confirm.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from edulite.config import DEFAULT_SECRET_KEY

MIN_SECRET_LENGTH = 32
MIN_PBKDF2_ROUNDS = 600_000


@dataclass(frozen=True)
class Facts:
    """What the settings alone do not say, gathered by the command from the install itself."""

    database: str = "sqlite"  # "sqlite" or "postgresql"
    database_ok: bool = True  # the file exists / the server answers
    journal_mode: str | None = "wal"  # SQLite only: read from the database file's header
    workers: int = 1  # server processes sharing this configuration
    demo_accounts: tuple[str, ...] = field(default=())  # accounts still opening with the demo password
    max_connections: int | None = None  # PostgreSQL only: the server's max_connections


@dataclass(frozen=True)
class Finding:
    id: str
    level: str  # "error" or "warning"
    message: str
    fix: str

    def line(self) -> str:
        return f"{self.id} [{self.level}] {self.message} Fix: {self.fix}"


def _pbkdf2_too_weak(method: str) -> bool:
    parts = str(method).split(":")
    if parts[0] == "scrypt":
        return False
    if parts[0] != "pbkdf2" or len(parts) < 3 or not parts[2].isdigit():
        return True
    return int(parts[2]) < MIN_PBKDF2_ROUNDS


def check(config: Mapping[str, Any], facts: Facts) -> list[Finding]:
    """Return every finding for these settings and facts; an empty list means nothing to fix."""
    found: list[Finding] = []

    def error(fid: str, message: str, fix: str) -> None:
        found.append(Finding(fid, "error", message, fix))

    def warning(fid: str, message: str, fix: str) -> None:
        found.append(Finding(fid, "warning", message, fix))

    secret = str(config.get("SECRET_KEY") or "")
    if secret == DEFAULT_SECRET_KEY or len(secret) < MIN_SECRET_LENGTH:
        error("E001", f"SECRET_KEY is the default or shorter than {MIN_SECRET_LENGTH} characters.",
              "run `python -m edulite.ops.instance` (writes a random key to instance/config.py) "
              "or set FLASK_SECRET_KEY.")
    if config.get("DEBUG"):
        error("E002", "DEBUG is on: errors would show code and let anyone run Python in the browser.",
              "start without --debug and unset FLASK_DEBUG.")
    if config.get("TESTING"):
        error("E003", "TESTING is on: errors propagate and the default secret key is accepted.",
              "remove TESTING from instance/config.py and unset FLASK_TESTING.")
    if not facts.database_ok:
        error("E004", f"The {facts.database} database cannot be opened.",
              "check DATABASE_URL, then run `flask --app app edulite init`.")
    elif facts.database == "sqlite" and (facts.journal_mode or "").lower() != "wal":
        error("E005", f"SQLite is in {facts.journal_mode or 'an unknown'} journal mode, not WAL.",
              "run `sqlite3 instance/edulite.sqlite 'PRAGMA journal_mode=WAL'` (Edulite also sets it on start).")
    if config.get("PREFERRED_URL_SCHEME") != "https":
        error("E006", "PREFERRED_URL_SCHEME is not https: passwords and cookies would cross the network in clear.",
              "serve Edulite over HTTPS and set PREFERRED_URL_SCHEME = 'https' in instance/config.py.")
    if not config.get("SESSION_COOKIE_SECURE"):
        error("E007", "SESSION_COOKIE_SECURE is off: the browser would send the session cookie over plain HTTP.",
              "set PREFERRED_URL_SCHEME = 'https' (turns it on) or SESSION_COOKIE_SECURE = True.")
    samesite = config.get("SESSION_COOKIE_SAMESITE")
    if not config.get("SESSION_COOKIE_HTTPONLY", True) or samesite not in ("Lax", "Strict"):
        error("E008", "The session cookie lost HttpOnly or SameSite protection.",
              "remove SESSION_COOKIE_HTTPONLY / SESSION_COOKIE_SAMESITE overrides (defaults: True, 'Lax').")
    if not config.get("WTF_CSRF_ENABLED", True):
        error("E009", "CSRF protection is off: another site could submit forms as a signed-in teacher.",
              "remove WTF_CSRF_ENABLED = False.")
    base = str(config.get("ASSET_CDN_BASE") or "")
    if config.get("ASSET_MODE") == "cdn" and not base.startswith("https://"):
        error("E010", f"Front-end libraries load from {base or 'an empty address'} without HTTPS.",
              "set ASSET_CDN_BASE to an https:// mirror, or ASSET_MODE = 'local' after `flask edulite fetch-assets`.")
    if _pbkdf2_too_weak(config.get("PASSWORD_HASH_METHOD", "")):
        error("E011", "PASSWORD_HASH_METHOD is weaker than PBKDF2-SHA256 with 600,000 rounds (OWASP 2023).",
              "remove the override; the default is pbkdf2:sha256:600000.")
    if facts.demo_accounts:
        error("E012", f"Demo accounts open with the published demo password: {', '.join(facts.demo_accounts)}.",
              "change their passwords at /account/password or start from an empty database.")
    storage = str(config.get("RATELIMIT_STORAGE_URI") or "memory://")
    if storage.startswith("memory://") and facts.workers > 1:
        warning("W001", f"Sign-in limits are counted in memory by each of {facts.workers} workers, so a guesser "
                        f"gets {facts.workers} times the attempts.",
                "set REDIS_URL=redis://127.0.0.1:6379/0 so that all workers share one count.")
    if not config.get("PROXY_COUNT"):
        warning("W002", "PROXY_COUNT is 0: behind a reverse proxy every sign-in seems to come from the proxy.",
                "if nginx or another proxy forwards to Edulite, set PROXY_COUNT = 1 (ignore when it does not).")
    if facts.database == "postgresql" and facts.max_connections:
        per_worker = int(config.get("DB_POOL_SIZE", 5)) + int(config.get("DB_MAX_OVERFLOW", 2))
        # Keep a few connections for psql, backups and the admin commands.
        budget = facts.max_connections - 5
        if facts.workers * per_worker > budget:
            error("E013", f"{facts.workers} workers x {per_worker} pooled connections exceed PostgreSQL's "
                          f"max_connections of {facts.max_connections} (less 5 kept free).",
                  "lower DB_POOL_SIZE / DB_MAX_OVERFLOW or the worker count, or raise max_connections.")
    mail_host = str(config.get("MAIL_SERVER") or "localhost")
    if mail_host not in ("localhost", "127.0.0.1", "::1") and not config.get("MAIL_USE_TLS"):
        warning("W003", f"Digest e-mail goes to {mail_host} without TLS.", "set MAIL_USE_TLS = True.")
    return found


def has_errors(findings: list[Finding]) -> bool:
    return any(f.level == "error" for f in findings)
