"""The one guard on "next" addresses that sign-in and forms send the browser back to."""

from __future__ import annotations

from typing import overload
from urllib.parse import urlsplit


@overload
def safe_next(target: str | None, fallback: str) -> str: ...
@overload
def safe_next(target: str | None, fallback: None = None) -> str | None: ...


def safe_next(target: str | None, fallback: str | None = None) -> str | None:
    """target if it is a path on this site, else fallback: an open redirect would let a phishing link
    borrow our pages.

    Browsers drop tabs and newlines inside a URL and read a backslash as a slash, so "/\\tevil" and
    "/\\\\evil" are another site: any control character, space or backslash is refused outright.
    """
    if not target:
        return fallback
    if "\\" in target or any(ord(c) < 0x21 or ord(c) == 0x7F for c in target):
        return fallback
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return fallback
    return target
