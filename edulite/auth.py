"""Sign-in state, roles and scope: who the caller is and what they may reach."""

from __future__ import annotations

import functools
import hashlib
import ipaddress
import logging
import time
from collections import namedtuple
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import urlsplit

from flask import Flask, abort, current_app, g, redirect, request, session, url_for
from limits import parse_many
from limits.storage import MemoryStorage, storage_from_string
from limits.strategies import MovingWindowRateLimiter
from sqlalchemy import bindparam, func, select
from werkzeug.security import check_password_hash, generate_password_hash

from edulite.core.scope import Scope
from edulite.db import SINGLE_READ, get_db, get_session
from edulite.models import DataVersion, School, User
from edulite.prepared import Prepared
from edulite.school import devices

log = logging.getLogger(__name__)
# Verifying against this keeps a wrong username as slow as a wrong password (no user enumeration).
_DUMMY_HASH: dict[str, str] = {}


def hash_password(password: str) -> str:
    return generate_password_hash(password, method=current_app.config["PASSWORD_HASH_METHOD"])


def verify(user: User | None, password: str) -> bool:
    if user is None or not user.active:
        method = current_app.config["PASSWORD_HASH_METHOD"]
        if method not in _DUMMY_HASH:
            _DUMMY_HASH[method] = generate_password_hash("x", method=method)
        check_password_hash(_DUMMY_HASH[method], password)
        return False
    return check_password_hash(user.password_hash, password)


def sign_in(user: User) -> None:
    # A fresh session at sign-in: nothing planted before (session fixation) survives, and the
    # CSRF secret kept in the session is renewed with it.
    session.clear()
    session.permanent = True
    now = int(time.time())
    session.update(uid=user.id, sv=user.session_version, iat=now, seen=now)


def sign_out() -> None:
    session.clear()


@dataclass(frozen=True)
class SignedInUser:
    """The caller's account as read for this request: plain values, never the password hash.

    Read by one Core statement (below) rather than as an ORM object: on a page served from the page
    cache this read is most of the request's work. A view that changes the account loads the row itself.
    """

    id: int
    username: str
    display_name: str
    role: str
    school_id: int | None
    district_id: int | None
    lead_grade: int | None
    locale: str | None
    must_change_password: bool


_USER = User.__table__.c  # type: ignore[attr-defined]
_VERSION = DataVersion.__table__.c  # type: ignore[attr-defined]
_SCHOOL = School.__table__.c  # type: ignore[attr-defined]
# The caller's data version (edulite.school.versions): their school's, or for a district supervisor the
# sum over the district's schools (versions only grow, so does their sum).
_DATA_VERSION = func.coalesce(
    select(_VERSION.version).where(_VERSION.school_id == _USER.school_id).scalar_subquery(),
    select(func.sum(_VERSION.version)).join(School.__table__, _SCHOOL.id == _VERSION.school_id)
    .where(_SCHOOL.district_id == _USER.district_id).scalar_subquery(),
    0)
# The account and, in the same statement, its data version and its school's time zone: every page that
# is cached keys it by the version and today, so a cached page costs this one statement.
# Run through the driver (edulite.prepared): every request of a signed-in user asks it.
_LOAD = Prepared(select(_USER.id, _USER.username, _USER.display_name, _USER.role, _USER.school_id,
                        _USER.district_id, _USER.lead_grade, _USER.locale, _USER.must_change_password, _USER.active,
                        _USER.session_version, _DATA_VERSION.label("data_version"), _SCHOOL.timezone)
                 .select_from(User.__table__.outerjoin(School.__table__, _SCHOOL.id == _USER.school_id))
                 .where(_USER.id == bindparam("uid")))


# What _LOAD reads, by the statement's own column names: the account (SignedInUser's fields first), then
# active, session_version, data_version and the school's time zone.
AccountRow = namedtuple("AccountRow", [c.name for c in _LOAD.statement.selected_columns])  # type: ignore[misc]


def device_max_age() -> timedelta:
    return timedelta(days=current_app.config["DEVICE_LOGIN_DAYS"])


def _device_sign_in() -> None:
    """A remembered phone (#15) starts a fresh session from its device cookie, with every check of a
    sign-in but the password: a live account, a device login neither signed out nor expired."""
    token = request.cookies.get(current_app.config["DEVICE_COOKIE_NAME"])
    if not token:
        return
    found = devices.user_for(get_session(), token=token, max_age=device_max_age())
    if found is None:
        g.forget_device = True  # the cookie is dead: drop it (web/security.py)
        return
    user, device = found
    sign_in(user)
    session["dev"] = device.id
    row = read_account(current_app, user.id)
    if row is not None:
        _signed_in(row)


# What load_user makes of a session cookie's clock (session_state).
FRESH, REFRESH, EXPIRED = "fresh", "refresh", "expired"
# Read by edulite/web/memo.py before Flask runs, handed on here so the request reads it once.
ACCOUNT_ENVIRON_KEY = "edulite.account"


def session_state(data, now: int, config) -> str:
    """EXPIRED past the idle or absolute timeout; REFRESH when the idle clock is due to be moved on."""
    seen = int(data.get("seen", 0))
    if now - seen > config["SESSION_IDLE_MINUTES"] * 60 or now - int(data.get("iat", 0)) > \
            config["SESSION_ABSOLUTE_HOURS"] * 3600:
        return EXPIRED
    # The idle clock moves at most once a minute so that reads do not rewrite the cookie each time.
    return REFRESH if now - seen > 60 else FRESH


def read_account(app: Flask, uid):
    """The account row of _LOAD (with its data version and time zone), or None; a plain read connection,
    not the request's ORM session: cheaper by half, and a write request does not take SQLite's write
    lock before its view even starts."""
    with get_db(app).engine(write=False).connect().execution_options(**{SINGLE_READ: True}) as conn:
        found = _LOAD.first(conn, {"uid": uid})
        return AccountRow(*found) if found is not None else None


def live(row, data) -> bool:
    """The session still belongs to this account: it exists, is active and was not signed out everywhere."""
    return row is not None and row.active and row.session_version == data.get("sv")


def load_user() -> None:
    """Resolve the session to a live user, enforcing idle and absolute timeouts and revocation.

    Revocation is read from the database on every request, never trusted from the cookie: a password
    change, "sign out everywhere" or a disabled account bumps session_version (or clears active), and
    the next request of every old cookie is refused. Role and scope are read in the same statement, so an
    administrator's change of them applies at once too.
    """
    g.user = None
    g.scope = None
    uid = session.get("uid")
    if uid is None:
        _device_sign_in()
        return
    now = int(time.time())
    state = session_state(session, now, current_app.config)
    row = None
    if state != EXPIRED:
        read = request.environ.get(ACCOUNT_ENVIRON_KEY)
        row = read[1] if read is not None and read[0] == uid else read_account(current_app, uid)
    if not live(row, session):
        session.clear()
        _device_sign_in()
        return
    if state == REFRESH:
        session["seen"] = now
    _signed_in(row)


def _signed_in(row) -> None:
    user = SignedInUser(*row[:9])
    g.user = user
    g.data_version, g.school_timezone = row.data_version, row.timezone
    g.scope = Scope(user.id, user.role, user.school_id, user.district_id, user.lead_grade)


# What an account holding a one-time password may still reach: the page to replace it, and the way out.
PASSWORD_CHANGE_OPEN = frozenset({"static", "auth.password", "auth.password_submit", "auth.logout",
                                  "auth.language", "auth.login", "auth.login_submit"})


def password_change_redirect():
    """Send an account still on its one-time password to the password page, whatever it asked for (#15, #17).

    A one-time password was shown to someone else (the principal, the administrator, the import's
    printout): until its holder chooses their own, it opens nothing but the password page.
    """
    user = g.get("user")
    if user is None or not user.must_change_password or request.endpoint in PASSWORD_CHANGE_OPEN:
        return None
    if (request.endpoint or "").startswith("parent."):
        return None
    target = url_for("auth.password")
    if request.headers.get("HX-Request"):
        return "", 401, {"HX-Redirect": target}
    return redirect(target, 303 if request.method == "POST" else 302)


def _sign_in_redirect():
    if not request.headers.get("HX-Request"):
        return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
    # htmx would follow a redirect and swap the sign-in page into a fragment's place: send the whole
    # window there instead, coming back to the page (not the fragment) afterwards.
    current = urlsplit(request.headers.get("HX-Current-URL", ""))
    back = current.path + (f"?{current.query}" if current.query else "") if current.path else None
    return "", 401, {"HX-Redirect": url_for("auth.login", next=back)}


def login_required(*roles: str):
    """Send anonymous callers to sign in; refuse (403) signed-in users of other roles; no roles = any."""

    def decorator(view):
        @functools.wraps(view)
        def wrapped(*args, **kwargs):
            if g.get("user") is None:
                return _sign_in_redirect()
            if roles and g.user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        wrapped.roles = roles  # read by the access-control test to know each route's audience
        return wrapped

    return decorator


def home_endpoint(role: str) -> str:
    return {
        "teacher": "teacher.today",
        "principal": "principal.dashboard",
        "district": "district.overview",
        "admin": "admin.home",
    }[role]


class LoginThrottle:
    """Failed sign-ins per account and per address, counted where every worker sees them.

    The storage is RATELIMIT_STORAGE_URI: Redis for several workers, memory for one. Only failures are
    counted (a correct password costs nothing); a caller over any limit is refused before the password
    is even checked. Check-then-count is not atomic: a burst of parallel guesses can overshoot by about
    the number of requests the server handles at once, each paying the full password-hash cost.
    """

    def __init__(self, config):
        self.limits = parse_many(config["LOGIN_RATE_LIMIT"])
        self.uri = config["RATELIMIT_STORAGE_URI"] or "memory://"
        self.prefix = config["RATELIMIT_KEY_PREFIX"]
        self.timeout = float(config.get("REDIS_TIMEOUT_SECONDS", 0.5))
        self.retry_after = float(config.get("REDIS_RETRY_SECONDS", 30))
        self._limiter: MovingWindowRateLimiter | None = None
        self._fallback: MovingWindowRateLimiter | None = None
        # Circuit breaker (#17): after a failure, this worker counts alone until then (time.monotonic()).
        self._skip_until = 0.0

    def _shared(self) -> MovingWindowRateLimiter:
        if self._limiter is None:
            options = {}
            if self.uri.startswith(("redis", "rediss", "valkey")):
                # A hung Redis must not hang sign-in: fail fast (REDIS_TIMEOUT_SECONDS) and fall back (see _run).
                options = {"key_prefix": self.prefix, "socket_timeout": self.timeout,
                           "socket_connect_timeout": self.timeout}
            self._limiter = MovingWindowRateLimiter(storage_from_string(self.uri, **options))
        return self._limiter

    @staticmethod
    def keys(username: str, address: str | None) -> list[tuple[str, str]]:
        # Hashed so that Redis holds no account names; IPv6 by /64, which one household or attacker gets.
        account = hashlib.sha256(username.strip().lower().encode()).hexdigest()[:32]
        addr = address or "-"
        if ":" in addr:
            try:
                addr = str(ipaddress.ip_network(f"{addr}/64", strict=False))
            except ValueError:
                pass
        return [("login-account", account), ("login-address", addr)]

    def _local(self) -> MovingWindowRateLimiter:
        if self._fallback is None:
            self._fallback = MovingWindowRateLimiter(MemoryStorage())
        return self._fallback

    def _run(self, action):
        # A hanging Redis cost every sign-in 2-4 s; now one wait of REDIS_TIMEOUT_SECONDS, then this
        # worker's own counts for REDIS_RETRY_SECONDS before Redis is tried again.
        if time.monotonic() < self._skip_until:
            return action(self._local())
        try:
            result = action(self._shared())
        except Exception:  # the storage is down or hangs: keep sign-in working with this worker's own counts
            log.warning("rate-limit storage unreachable; counting failed sign-ins in this worker only for %.0f s",
                        self.retry_after)
            self._skip_until = time.monotonic() + self.retry_after
            self._limiter = None  # reconnect afresh when the breaker closes
            return action(self._local())
        if self._skip_until:
            log.warning("rate-limit storage reachable again; counting failed sign-ins there")
            self._skip_until = 0.0
        return result

    def blocked(self, *, username: str, address: str | None) -> bool:
        keys = self.keys(username, address)
        return self._run(lambda lim: any(not lim.test(item, *key) for item in self.limits for key in keys))

    def reset(self) -> None:
        """Forget every count (tests, or an administrator unlocking everyone after an incident)."""
        for limiter in (self._limiter, self._fallback):
            if limiter is not None:
                limiter.storage.reset()

    def failed(self, *, username: str, address: str | None) -> None:
        keys = self.keys(username, address)
        self._run(lambda lim: [lim.hit(item, *key) for item in self.limits for key in keys])


def login_throttle(app: Flask | None = None) -> LoginThrottle:
    app = app or current_app
    if "edulite_login_throttle" not in app.extensions:
        app.extensions["edulite_login_throttle"] = LoginThrottle(app.config)
    return app.extensions["edulite_login_throttle"]
