"""Cached pages answered before Flask runs (ADR 0016, issue #12).

A page served from the page cache (edulite.web.cache) still went through all of Flask: the request and
response objects, the session, the before- and after-request hooks, URL routing, the view, the headers:
about 2,700 Python calls for one SQL statement and a dictionary look-up. Here, in front of Flask, a GET
that Flask answered before for the same caller, URL and data is answered again from a copy of that answer
(status, headers, body), with this session's CSRF token put where the last one was.

"The same caller and data" is everything the answer could depend on, checked on every request exactly as
Flask's path checks it:

- signed in: the session cookie's signature and age, the idle and absolute timeouts, then the account
  row read by auth's one statement (active, session version, role, scope, name, language, the school's or
  district's data version, the school's time zone) — the whole row is part of the key, so any change to
  the account or any write to its school misses; today in the school's zone, as the pages use it;
- the parents' page: its link read by the page's own statement (revoked, class closed, data version);
- the URL with its query, the htmx headers, the language cookie, the host and scheme.

Anything else falls through to Flask unchanged: another method, a session that Flask would change (a
due refresh of the idle clock, a missing CSRF secret, flashed messages, anything unexpected in it), an
account that must change its password, a remembered phone without a session, a conditional request. A
copy is only made of a 200 that a view marked as coming from the page cache (cache.page, or
cache.memoizable()),
that set no cookie. On a miss the account row read here is handed to auth.load_user, so the request
still costs one statement for it.
"""

from __future__ import annotations

import copy
import logging
import re
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable

from flask import Flask, current_app, g, request, session
from flask.sessions import SecureCookieSessionInterface
from itsdangerous import BadSignature, URLSafeTimedSerializer
from werkzeug.http import parse_cookie

from edulite import auth
from edulite.core import calendar
from edulite.db import get_db
from edulite.i18n import LANG_COOKIE
from edulite.reports import publication
from edulite.web.cache import MEMOIZABLE, TOKEN_PLACEHOLDER
from edulite.web.gzip_parts import Compressed, accepts_gzip

log = logging.getLogger(__name__)
KEY = "edulite.memo.key"
_CANDIDATE = "edulite.memo.candidate"
# The session keys Flask's path leaves untouched on a cached page (auth.sign_in, Flask-WTF, a remembered
# phone, the permanent flag); a session holding anything else is answered by Flask.
_PLAIN_SESSION = frozenset({"uid", "sv", "iat", "seen", "csrf_token", "dev", "_permanent"})
_PARENT_PAGE = re.compile(r"/c/([A-Za-z0-9_-]{16,64})")
# A conditional or partial request is Flask's (304s, ranges).
_CONDITIONAL = ("HTTP_IF_NONE_MATCH", "HTTP_IF_MODIFIED_SINCE", "HTTP_RANGE", "HTTP_IF_RANGE")
_VARYING_HEADERS = ("HTTP_HX_REQUEST", "HTTP_HX_BOOSTED", "HTTP_HX_HISTORY_RESTORE_REQUEST", "HTTP_HOST")
# Not kept with a copy: recomputed (length) or per response (cookies, date).
GZIP_ETAG_SUFFIX = "-gz"
# Session cookies verified, and CSRF tokens signed, remembered per worker (see Memo._session).
_VERIFIED_COOKIES = 4096
_TOKEN_REUSE_SECONDS = 60
# Bodies up to this size go out as one write (below the allocator's 128 KiB mmap threshold).
_JOIN_BELOW = 96 * 1024
_PER_RESPONSE = frozenset({"content-length", "set-cookie", "date"})


class Copy:
    """One answer: status, headers, and the body split where the caller's CSRF token goes, plain and gzip."""

    __slots__ = ("status", "headers", "parts", "size", "compressible", "gzip", "gzip_headers")

    def __init__(self, status: str, headers: list[tuple[str, str]], parts: list[bytes]):
        self.status, self.headers, self.parts = status, headers, parts
        self.size = sum(map(len, parts))
        # Text only: an Excel file is a zip already.
        self.compressible = any(n.lower() == "content-type" and v.startswith("text/") for n, v in headers)
        self.gzip: Compressed | None = None  # made at the first caller that accepts it, not for every copy
        # A strong ETag names one encoding (RFC 9110 8.8.3); the parents' page accepts both back.
        self.gzip_headers = [(n, v[:-1] + GZIP_ETAG_SUFFIX + '"' if n.lower() == "etag" and v.endswith('"') else v)
                             for n, v in headers] + [("Content-Encoding", "gzip")]

    def answer(self, token: bytes, gzip: bool) -> tuple[list[tuple[str, str]], list[bytes]]:
        if gzip and self.compressible:
            if self.gzip is None:
                self.gzip = Compressed(self.parts)  # two threads may both build it; either result is right
            chunks, headers = self.gzip.chunks(token), self.gzip_headers
        else:
            chunks, headers = [self.parts[0]], self.headers
            for part in self.parts[1:]:
                chunks += (token, part)
        size = sum(map(len, chunks))
        if size <= _JOIN_BELOW and len(chunks) > 1:
            # The server writes each chunk with its own send: a teacher's home (a token per class) was ~80
            # writes. Joining a small body is cheap; joining a 200 KB one cost more than the answer.
            chunks = [b"".join(chunks)]
        return [*headers, ("Content-Length", str(size))], chunks


class Memo:
    """WSGI middleware in front of Flask (inside ProxyFix, so scheme and address are the client's)."""

    def __init__(self, app: Flask, wsgi: Callable):
        self.app, self.wsgi = app, wsgi
        self.copies: OrderedDict[tuple, Copy] = OrderedDict()
        self.bytes = 0  # plain bodies held (a compressed copy adds about a tenth)
        self.lock = threading.Lock()
        self._signers: tuple = ()
        self.sessions: OrderedDict[str, tuple[dict, float]] = OrderedDict()
        self.tokens: OrderedDict[str, tuple[bytes, float]] = OrderedDict()
        self.static = (app.static_url_path or "/static") + "/"

    def _signing(self) -> tuple:
        """The session cookie's and Flask-WTF's serializers, made again if the secret key changes."""
        cfg = self.app.config
        secrets_now = (self.app.secret_key, cfg.get("WTF_CSRF_SECRET_KEY"), cfg.get("SECRET_KEY_FALLBACKS"))
        if not self._signers or self._signers[0] != secrets_now:
            sessions = self.app.session_interface.get_signing_serializer(self.app)  # type: ignore[attr-defined]
            # Flask-WTF's generate_csrf signs the session's secret exactly so (flask_wtf/csrf.py).
            csrf = URLSafeTimedSerializer(cfg.get("WTF_CSRF_SECRET_KEY") or self.app.secret_key or "",
                                          salt="wtf-csrf-token")
            self._signers = (secrets_now, sessions, csrf)
            with self.lock:  # nothing verified or signed under the old keys is used again
                self.sessions.clear()
                self.tokens.clear()
        return self._signers[1:]

    def _session(self, signed: str) -> dict | None:
        """The session cookie's contents, or None if its signature or age is wrong.

        A cookie that verified once is remembered with its signing time: a phone sends the same cookie
        until the idle clock moves (once a minute), and verifying it again gave a fifth of an answer's
        time. Its age is checked on every request, as itsdangerous would.
        """
        serializer = self._signing()[0]  # first: a changed secret key forgets what was verified under the old
        max_age = int(self.app.permanent_session_lifetime.total_seconds())
        now = time.time()
        with self.lock:
            known = self.sessions.get(signed)
        if known is not None and 0 <= now - known[1] <= max_age:
            return known[0]
        try:
            data, signed_at = serializer.loads(signed, max_age=max_age, return_timestamp=True)
        except BadSignature:
            return None
        with self.lock:
            self.sessions[signed] = (data, signed_at.timestamp())
            while len(self.sessions) > _VERIFIED_COOKIES:
                self.sessions.popitem(last=False)
        return data

    def _csrf_token(self, secret: str) -> bytes:
        """The session's CSRF token, signed as Flask-WTF signs it, reused for up to a minute (of its hour)."""
        now = time.monotonic()
        with self.lock:
            known = self.tokens.get(secret)
        if known is not None and now - known[1] < _TOKEN_REUSE_SECONDS:
            return known[0]
        token = self._signing()[1].dumps(secret).encode()
        with self.lock:
            self.tokens[secret] = (token, now)
            while len(self.tokens) > _VERIFIED_COOKIES:
                self.tokens.popitem(last=False)
        return token

    def _size(self) -> int:
        cfg = self.app.config
        return cfg["PAGE_MEMO_ENTRIES"] if cfg["PAGE_CACHE_ENTRIES"] > 0 else 0

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        if not self._size() or environ.get("REQUEST_METHOD") != "GET" or any(h in environ for h in _CONDITIONAL) \
                or environ.get("PATH_INFO", "").startswith(self.static):
            return self.wsgi(environ, start_response)
        try:
            found = self._key(environ)
        except Exception as error:  # never worse than without the copy: Flask answers, and reports what is wrong
            log.warning("page memo: could not key the request (%s); Flask answers it", error)
            found = None
        if found is None:
            return self.wsgi(environ, start_response)
        key, secret = found
        with self.lock:
            copy = self.copies.get(key)
            if copy is not None:
                self.copies.move_to_end(key)
        if copy is not None and (len(copy.parts) == 1 or secret is not None):
            # The session's own CSRF token where the copied page had its caller's (a form on the page).
            token = self._csrf_token(secret) if secret is not None and len(copy.parts) > 1 else b""
            headers, chunks = copy.answer(token, accepts_gzip(environ.get("HTTP_ACCEPT_ENCODING")))
            start_response(copy.status, headers)
            return chunks
        environ[KEY] = key
        return self._remember(environ, start_response, key)

    def _key(self, environ: dict) -> tuple[tuple, str | None] | None:
        """The copy's key and the session's CSRF secret (None for none), or None for Flask to answer."""
        cfg = self.app.config
        cookies = parse_cookie(environ)
        common = (environ.get("PATH_INFO", ""), environ.get("QUERY_STRING", ""), environ.get("SCRIPT_NAME", ""),
                  environ.get("wsgi.url_scheme"), cookies.get(LANG_COOKIE),
                  *(environ.get(name) for name in _VARYING_HEADERS))
        signed = cookies.get(cfg["SESSION_COOKIE_NAME"])
        if signed is None:
            match = _PARENT_PAGE.fullmatch(environ.get("PATH_INFO", ""))
            if match is None or cfg["DEVICE_COOKIE_NAME"] in cookies:
                return None
            with get_db(self.app).engine(write=False).connect() as conn:
                klass = publication.linked_class(conn, match.group(1))
            environ[publication.LINK_ENVIRON_KEY] = (match.group(1), klass)  # the view, on a miss, reads no second time
            if klass is None:
                return None
            return ("parent", klass, self._today(klass.timezone), *common), None
        data = self._session(signed)
        if data is None:
            return None
        uid = data.get("uid")
        if uid is None or not (_PLAIN_SESSION | {cfg.get("WTF_CSRF_FIELD_NAME", "csrf_token")}).issuperset(data):
            return None
        if auth.session_state(data, int(time.time()), self.app.config) != auth.FRESH:
            return None
        row = auth.read_account(self.app, uid)
        environ[auth.ACCOUNT_ENVIRON_KEY] = (uid, row)  # Flask's path, on a miss, reads no second time
        if not auth.live(row, data) or row.must_change_password:
            return None
        secret = data.get(cfg.get("WTF_CSRF_FIELD_NAME", "csrf_token"))
        key = ("signed-in", tuple(row), self._today(row.timezone), *common)
        return key, secret if isinstance(secret, str) else None

    def _today(self, zone: str | None):
        # clock.today_in_zone without an application context: TODAY in the config pins it.
        return calendar.parse_iso_day(self.app.config.get("TODAY")) or calendar.today_in(
            zone or self.app.config["DEFAULT_TIMEZONE"])

    def _remember(self, environ: dict, start_response: Callable, key: tuple) -> Iterable[bytes]:
        seen: list[tuple[str, list[tuple[str, str]]]] = []

        def capture(status, headers, exc_info=None):
            seen.append((status, headers))
            return start_response(status, headers, exc_info) if exc_info else start_response(status, headers)

        result = self.wsgi(environ, capture)
        candidate = environ.pop(_CANDIDATE, None)
        status, headers = seen[-1] if seen else ("", [])
        cfg = self.app.config
        if candidate is not None and status.startswith("200 ") and \
                not any(name.lower() == "set-cookie" for name, _ in headers) and \
                sum(map(len, candidate)) <= cfg["PAGE_MEMO_MAX_BODY"]:
            kept = [(n, v) for n, v in headers if n.lower() not in _PER_RESPONSE]
            copy = Copy(status, kept, candidate)
            with self.lock:
                old = self.copies.pop(key, None)
                self.bytes += copy.size - (old.size if old else 0)
                self.copies[key] = copy
                # Bounded in entries and in bytes: copies are per account and URL, pages up to ~200 KB.
                while self.copies and (len(self.copies) > self._size() or self.bytes > cfg["PAGE_MEMO_BYTES"]):
                    self.bytes -= self.copies.popitem(last=False)[1].size
        return result


def _offer(response):
    """after_request: hand the middleware this answer's body, the CSRF token taken out, if it may be copied."""
    if request.environ.get(KEY) is not None or g.get(MEMOIZABLE):
        response.vary.add("Accept-Encoding")  # a copy of this URL may be answered compressed
    if (request.environ.get(KEY) is None or not g.get(MEMOIZABLE) or response.status_code != 200
            or response.is_streamed or session.modified or "_flashes" in session):
        return response
    body = response.get_data()
    token = g.get(current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token"))
    if isinstance(token, str) and token:
        parts = body.split(token.encode())
        if TOKEN_PLACEHOLDER.encode() in body:  # never expected; a copy must not hold a stale marker
            return response
    else:
        parts = [body]
    request.environ[_CANDIDATE] = parts
    return response


class RememberedSessions(SecureCookieSessionInterface):
    """Flask's signed-cookie session, verified through the memo's remembered cookies (Memo._session): a
    write request (a teacher's save) verified its unchanged cookie again and built a new serializer to do
    it, and to sign the answer's cookie (#12). Contents are copied: a request may change its session."""

    def __init__(self, memo: Memo):
        self.memo = memo
        self._serializer: tuple = ()

    def get_signing_serializer(self, app: Flask):
        secrets_now = (app.secret_key, app.config.get("SECRET_KEY_FALLBACKS"))
        if not self._serializer or self._serializer[0] != secrets_now:
            self._serializer = (secrets_now, super().get_signing_serializer(app))
        return self._serializer[1]

    def open_session(self, app: Flask, request):
        signed = request.cookies.get(self.get_cookie_name(app))
        if not signed or not app.secret_key:
            return super().open_session(app, request)
        data = self.memo._session(signed)
        return self.session_class(copy.deepcopy(data) if data is not None else None)


def init_app(app: Flask) -> None:
    """Before security.init_app: ProxyFix must wrap this, and this after_request must run after its headers."""
    app.after_request(_offer)
    memo = Memo(app, app.wsgi_app)
    app.wsgi_app = memo  # type: ignore[method-assign]
    app.session_interface = RememberedSessions(memo)
