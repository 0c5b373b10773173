"""The one rule for what text may hold, for every form field and every imported cell (#17).

Control characters (NUL made PostgreSQL refuse a row and turned sign-in, notes and names into 500s),
bidirectional overrides (U+202E shows "gpj.exe" as "exe.jpg") and zero-width characters (two names that
look the same but differ) are removed; Windows and old Mac line ends become newlines, which stay.
"""

from __future__ import annotations

import re

# C0 controls but the newline, DEL and C1 controls; zero-width space/joiners and direction marks; the
# bidirectional embeddings, overrides and isolates; word joiner and invisible operators; the BOM.
UNSAFE = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]")


def strip_unsafe(text: str) -> str:
    """The text without unsafe characters; line ends normalised to \\n; nothing else changes (spaces stay)."""
    return UNSAFE.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


def has_unsafe(text: str) -> bool:
    return bool(UNSAFE.search(text.replace("\r\n", "\n").replace("\r", "\n")))
