"""Pages computed once per data version: a small in-process LRU keyed by what the page shows.

Every key ends with the school's (or district's) data version (edulite.school.versions), so a write
makes the old entries unreachable; they simply age out. Each worker keeps its own copy: a miss costs
one render, never a wrong page. Only what depends on no session goes in (no CSRF token, no name).

Whole signed-in pages go in through page(): their layout carries the session's CSRF token, so it is
rendered with a placeholder (random per worker, never shown) and the caller's own token is put in on the
way out. A page that would hold the real token anyway (a WTForms field renders its own) is not kept.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable

from flask import Flask, current_app, g, request, session
from flask_babel import get_locale
from flask_wtf.csrf import generate_csrf

from edulite.web.htmx import wants_fragment

_lock = threading.Lock()
log = logging.getLogger(__name__)


class LRU:
    def __init__(self) -> None:
        self.entries: OrderedDict[Hashable, object] = OrderedDict()

    def get(self, key: Hashable, build: Callable[[], object], size: int) -> object:
        with _lock:
            if key in self.entries:
                self.entries.move_to_end(key)
                return self.entries[key]
        value = build()  # outside the lock: two threads may both build on a miss, never block each other
        with _lock:
            self.entries[key] = value
            self.entries.move_to_end(key)
            while len(self.entries) > size:
                self.entries.popitem(last=False)
        return value


def cached(key: tuple, build: Callable[[], object]):
    """build()'s value for key, computed at most once per worker while it stays in the cache."""
    size = current_app.config["PAGE_CACHE_ENTRIES"]
    if size <= 0:
        return build()
    store = current_app.extensions.setdefault("edulite_page_cache", LRU())
    return store.get(key, build, size)


def etag(key: tuple) -> str:
    return hashlib.sha256(repr(key).encode()).hexdigest()[:32]


# g's flag for edulite/web/memo.py: this answer is a function of the page cache's key alone.
MEMOIZABLE = "edulite_memoizable"


def memoizable() -> None:
    """Let the answer be copied and served before Flask (ADR 0016): call only when everything the
    response holds came from the page cache (or from what its key names) and nothing from the session."""
    setattr(g, MEMOIZABLE, True)


# Random per worker process: page text (a homework description, a school's name) cannot contain it.
TOKEN_PLACEHOLDER = f"csrf-{secrets.token_hex(16)}"
_RENDERING = "edulite_cache_rendering"


def csrf_token() -> str:
    """The templates' csrf_token(): the placeholder while a page is rendered for the cache."""
    return TOKEN_PLACEHOLDER if g.get(_RENDERING) else generate_csrf()


def page(key: tuple, render: Callable[[], str], *, memo: bool = False) -> str:
    """A whole page for this URL and caller's kind, rendered at most once per key, with the caller's token.

    key says what data the page shows (school or teacher, data version, today); the layout's own inputs
    are added here: the URL (the language switch links back to it), full page or htmx fragment, language,
    role and whether the grade-lead menu entry shows. Flashed messages are per session: such a request is
    rendered for itself.

    memo=True lets the answer be copied before Flask (ADR 0016): only for a view that checks nothing per
    request beyond the account row and whose data changes only with the caller's own data version (a
    view that checks, say, that a school is in the caller's district on every request must not).
    """
    size = current_app.config["PAGE_CACHE_ENTRIES"]
    if size <= 0 or "_flashes" in session:
        return render()
    user = g.get("user")
    full = ("page", *key, request.full_path, wants_fragment(), str(get_locale()),
            user and user.role, user is not None and user.lead_grade is not None)
    store: LRU = current_app.extensions.setdefault("edulite_page_cache", LRU())
    with _lock:
        html = store.entries.get(full)
        if html is not None:
            store.entries.move_to_end(full)
    if html is None:
        g.setdefault(_RENDERING, False)
        setattr(g, _RENDERING, True)
        try:
            html = render()
        finally:
            setattr(g, _RENDERING, False)
        if generate_csrf() in html:  # a token not placed by csrf_token(): keep it to this session
            log.warning("page %s holds a session's CSRF token: not cached", key[0])
            return html
        with _lock:
            store.entries[full] = html
            while len(store.entries) > size:
                store.entries.popitem(last=False)
    if memo:
        memoizable()
    return str(html).replace(TOKEN_PLACEHOLDER, generate_csrf())


def init_app(app: Flask) -> None:
    # Replaces Flask-WTF's global and context value of the same name (CSRFProtect binds both before this
    # runs; a later context processor wins).
    app.jinja_env.globals["csrf_token"] = csrf_token
    app.context_processor(lambda: {"csrf_token": csrf_token})
