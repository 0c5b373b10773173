"""Pages computed once per data version: a small in-process LRU keyed by what the page shows.

Every key ends with the school's (or district's) data version (edulite.school.versions), so a write
makes the old entries unreachable; they simply age out. Each worker keeps its own copy: a miss costs
one render, never a wrong page. Only what depends on no session goes in (no CSRF token, no name).
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable

from flask import current_app

_lock = threading.Lock()


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
