"""Unsafe production settings, found before a real school's data is at stake (like Django's check --deploy).

Pure: a settings mapping and a few facts about the running install in, findings out. Errors make
`flask edulite check-deploy` exit non-zero; warnings are things to confirm.
"""

from __future__ import annotations

import ipaddress
import math
import shlex
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from limits import parse_many

from edulite.config import DEFAULT_SECRET_KEY, Config

MIN_SECRET_LENGTH = 32
MIN_PBKDF2_ROUNDS = 600_000
# Estimated bits (see secret_bits): generated keys score 200-250; short, repeated or few-letter keys and
# typed phrases under ~40 characters score less. A long typed sentence can still pass: it is an estimate.
MIN_SECRET_BITS = 160
MIN_SCRYPT_N = 2**15
# The most failed sign-ins a guesser may make per hour per account before the setting is "absurd".
MAX_FAILED_SIGN_INS_PER_HOUR = 100
# Sensible ranges for the timeouts; outside them the setting is a typo or defeats its purpose.
TIMEOUT_RANGES = {
    "SESSION_IDLE_MINUTES": (1, 8 * 60),
    "SESSION_ABSOLUTE_HOURS": (1, 7 * 24),
    "SQLITE_BUSY_TIMEOUT_MS": (1_000, 120_000),
    "WEBHOOK_TIMEOUT": (1, 60),
    "REDIS_TIMEOUT_SECONDS": (0.05, 5),
}


@dataclass(frozen=True)
class Facts:
    """What the settings alone do not say, gathered by the command from the install itself."""

    database: str = "sqlite"  # "sqlite" or "postgresql"
    database_ok: bool = True  # the file exists / the server answers
    journal_mode: str | None = "wal"  # SQLite only: read from the database file's header
    workers: int = 1  # server processes sharing this configuration
    demo_accounts: tuple[str, ...] = field(default=())  # accounts still opening with the demo password
    max_connections: int | None = None  # PostgreSQL only: the server's max_connections
    demo_data: tuple[str, ...] = field(default=())  # accounts of the demo district (created by `edulite demo`)
    unchecked_passwords: int = 0  # accounts whose hash was not tried against the demo password (cost bound)
    server_argv: tuple[str, ...] = field(default=())  # the gunicorn command line(s) found running or configured


@dataclass(frozen=True)
class Finding:
    id: str
    level: str  # "error" or "warning"
    message: str
    fix: str

    def line(self) -> str:
        return f"{self.id} [{self.level}] {self.message} Fix: {self.fix}"


def _pbkdf2_too_weak(method: str) -> bool:
    """True unless PBKDF2 with SHA-256/512 and enough rounds, or scrypt with a large enough N."""
    parts = str(method).split(":")
    if parts[0] == "scrypt":
        # werkzeug's default "scrypt" is N=2**15; "scrypt:16:8:1" is a thousand times cheaper to guess.
        return len(parts) > 1 and (not parts[1].isdigit() or int(parts[1]) < MIN_SCRYPT_N)
    if parts[0] != "pbkdf2" or len(parts) < 3 or not parts[2].isdigit():
        return True
    return parts[1] not in ("sha256", "sha512") or int(parts[2]) < MIN_PBKDF2_ROUNDS


def secret_bits(secret: str) -> float:
    """Estimated entropy of a key: Shannon bits per character times the length, 0 if it repeats itself.

    A generated key (`secrets.token_hex(32)`) scores about 240; a repeated or word-like key far less.
    """
    if not secret:
        return 0.0
    # "abcabcabc…" or "9f9f9f…": a key that is its own period carries only the period's entropy.
    period = (secret + secret).find(secret, 1)
    unit = secret[:period] if period < len(secret) else secret
    counts = Counter(unit)
    per_char = -sum(n / len(unit) * math.log2(n / len(unit)) for n in counts.values())
    return per_char * len(unit)


def _weakest_hourly(limits: str) -> float | None:
    """The failed sign-ins per hour the strictest limit allows; None when the setting does not parse."""
    try:
        items = parse_many(limits)
    except ValueError:
        return None
    if not items:
        return None
    return min(item.amount * 3600 / item.get_expiry() for item in items)


def gunicorn_options(argv: Sequence[str]) -> tuple[int | None, list[str]]:
    """Workers (-w/--workers) and listen addresses (-b/--bind) from a gunicorn command line."""
    workers: int | None = None
    binds: list[str] = []
    args = list(argv)
    for i, arg in enumerate(args):
        following = args[i + 1] if i + 1 < len(args) else ""
        for short, long in (("-w", "--workers"), ("-b", "--bind")):
            value = None
            if arg in (short, long):
                value = following
            elif arg.startswith(long + "="):
                value = arg[len(long) + 1:]
            elif arg.startswith(short) and len(arg) > 2 and not arg.startswith("--"):
                value = arg[2:]
            if value is None:
                continue
            if short == "-w" and value.isdigit():
                workers = int(value)
            elif short == "-b" and value:
                binds.append(value)
    return workers, binds


def split_command(line: str) -> list[str]:
    try:
        return shlex.split(line)
    except ValueError:
        return line.split()


def _reachable_directly(bind: str) -> bool:
    """A bind other than a Unix socket or a loopback address can be reached without the proxy."""
    if bind.startswith(("unix:", "fd://")):
        return False
    host = bind.rsplit(":", 1)[0] if ":" in bind else bind
    # gunicorn's ":8000" listens on every interface.
    host = host.strip("[]") or "0.0.0.0"  # noqa: S104  # nosec B104
    if host == "localhost":
        return False
    try:
        return not ipaddress.ip_address(host).is_loopback
    except ValueError:
        return True  # a host name: assume it resolves to a public interface


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
    elif secret_bits(secret) < MIN_SECRET_BITS:
        error("E001", f"SECRET_KEY looks typed or repeated (about {secret_bits(secret):.0f} bits, fewer than "
                      f"{MIN_SECRET_BITS}): session cookies could be forged by guessing it.",
              "replace it with `python -c 'import secrets; print(secrets.token_hex(32))'`.")
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
    if not config.get("WTF_CSRF_ENABLED", True) or not config.get("WTF_CSRF_CHECK_DEFAULT", True):
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
        error("E012", f"{len(facts.demo_accounts)} account(s) open with the published demo password: "
                      f"{_names(facts.demo_accounts)}.",
              "start from an empty database, or reset each with `flask edulite reset-password USERNAME`.")
    if facts.demo_data:
        error("E014", f"The demo district's {len(facts.demo_data)} account(s) exist in this database: "
                      f"{_names(facts.demo_data)}.",
              "production starts from an empty database (`flask edulite init`), never from `flask edulite demo`.")
    if facts.unchecked_passwords:
        warning("W004", f"{facts.unchecked_passwords} account(s) with their own password hash were not tried "
                        "against the demo password (each try costs one full password hash).",
                "run `flask edulite check-deploy --all-passwords` once (slow: about 0.3 s per account).")
    if int(config.get("PASSWORD_MIN_LENGTH") or 0) < Config.PASSWORD_MIN_LENGTH:
        error("E015", f"PASSWORD_MIN_LENGTH is {config.get('PASSWORD_MIN_LENGTH')}, below the default of "
                      f"{Config.PASSWORD_MIN_LENGTH}.", "remove the override.")
    hourly = _weakest_hourly(str(config.get("LOGIN_RATE_LIMIT") or ""))
    if hourly is None or hourly > MAX_FAILED_SIGN_INS_PER_HOUR:
        error("E016", f"LOGIN_RATE_LIMIT {config.get('LOGIN_RATE_LIMIT')!r} lets a guesser try "
                      f"{'without limit' if hourly is None else f'{hourly:.0f} passwords an hour'}.",
              f"remove the override (default {Config.LOGIN_RATE_LIMIT!r}); keep it under "
              f"{MAX_FAILED_SIGN_INS_PER_HOUR} failures an hour.")
    for name, (low, high) in TIMEOUT_RANGES.items():
        value = config.get(name, getattr(Config, name, None))
        if not isinstance(value, int | float) or isinstance(value, bool) or not low <= value <= high:
            error("E017", f"{name} = {value!r} is outside the sensible range {low}..{high}.",
                  f"remove the override (default {getattr(Config, name, None)!r}).")
    if not config.get("SERVER_NAME") and not config.get("TRUSTED_HOSTS"):
        error("E018", "Neither SERVER_NAME nor TRUSTED_HOSTS is set: any Host header is accepted and "
                      "reflected into parent links and QR codes.",
              "set TRUSTED_HOSTS = ['school.example.cn'] (the names the school's address uses).")
    gunicorn_workers, binds = None, []
    for argv in facts.server_argv:
        found_workers, found_binds = gunicorn_options(split_command(argv))
        gunicorn_workers = found_workers or gunicorn_workers
        binds += found_binds
    workers = max(facts.workers, gunicorn_workers or 0)
    storage = str(config.get("RATELIMIT_STORAGE_URI") or "memory://")
    if storage.startswith("memory://") and workers > 1:
        warning("W001", f"Sign-in limits are counted in memory by each of {workers} workers, so a guesser "
                        f"gets {workers} times the attempts.",
                "set REDIS_URL=redis://127.0.0.1:6379/0 so that all workers share one count.")
    direct = [b for b in binds if _reachable_directly(b)]
    if config.get("PROXY_COUNT") and direct:
        error("E019", f"PROXY_COUNT is {config.get('PROXY_COUNT')} but gunicorn listens on {', '.join(direct)}: "
                      "a client reaching it directly can forge X-Forwarded-For and dodge the sign-in limits.",
              "bind gunicorn to 127.0.0.1 or a Unix socket behind the proxy (-b 127.0.0.1:8000).")
    if not config.get("PROXY_COUNT"):
        warning("W002", "PROXY_COUNT is 0: behind a reverse proxy every sign-in seems to come from the proxy.",
                "if nginx or another proxy forwards to Edulite, set PROXY_COUNT = 1 (ignore when it does not).")
    if facts.database == "postgresql" and facts.max_connections:
        per_worker = int(config.get("DB_POOL_SIZE", 5)) + int(config.get("DB_MAX_OVERFLOW", 2))
        # Keep a few connections for psql, backups and the admin commands.
        budget = facts.max_connections - 5
        if workers * per_worker > budget:
            error("E013", f"{workers} workers x {per_worker} pooled connections exceed PostgreSQL's "
                          f"max_connections of {facts.max_connections} (less 5 kept free).",
                  "lower DB_POOL_SIZE / DB_MAX_OVERFLOW or the worker count, or raise max_connections.")
    mail_host = str(config.get("MAIL_SERVER") or "localhost")
    if mail_host not in ("localhost", "127.0.0.1", "::1") and not config.get("MAIL_USE_TLS"):
        warning("W003", f"Digest e-mail goes to {mail_host} without TLS.", "set MAIL_USE_TLS = True.")
    # Errors first, each kind in ID order, so that the report reads the same on every install.
    return sorted(found, key=lambda f: (f.level != "error", f.id))


def _names(names: tuple[str, ...], shown: int = 10) -> str:
    more = f" and {len(names) - shown} more" if len(names) > shown else ""
    return ", ".join(names[:shown]) + more


def has_errors(findings: list[Finding]) -> bool:
    return any(f.level == "error" for f in findings)
