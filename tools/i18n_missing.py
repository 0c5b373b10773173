"""Print, as .po entries, every message in the code and templates that has no Chinese translation yet.

Usage: python tools/i18n_missing.py >> translations/zh/<area>.po   (then fill in the msgstr lines)
"""

from __future__ import annotations

import sys
from pathlib import Path

from babel.messages.extract import extract_from_dir

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from edulite.i18n import merged_catalog  # noqa: E402

METHODS = [("edulite/**.py", "python"), ("templates/**.html", "jinja2")]
KEYWORDS = {"_": None, "gettext": None, "lazy_gettext": None, "_l": None, "ngettext": (1, 2)}


def extracted_ids() -> dict[str, str]:
    found: dict[str, str] = {}
    for filename, _lineno, message, _comments, _context in extract_from_dir(
        str(ROOT), METHODS, keywords=KEYWORDS, options_map={"templates/**.html": {"extensions": "jinja2.ext.i18n"}}
    ):
        ids = message if isinstance(message, tuple) else (message,)
        for msgid in ids:
            if msgid:
                found.setdefault(msgid, filename)
    return found


def missing(locale: str = "zh") -> dict[str, str]:
    catalog = merged_catalog(locale)
    return {m: f for m, f in extracted_ids().items() if m not in catalog}


def po_quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


if __name__ == "__main__":
    for msgid, filename in sorted(missing().items(), key=lambda kv: kv[1]):
        sys.stdout.write(f"#: {filename}\nmsgid {po_quote(msgid)}\nmsgstr \"\"\n\n")
