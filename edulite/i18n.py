"""Interface language: Simplified Chinese by default, English on request, remembered in a cookie.

English strings are the message ids. The Chinese text lives in translations/zh/*.po, one file per
area so that areas are edited independently; they are merged and compiled into a .mo at start-up
whenever a source is newer than the compiled file.
"""

from __future__ import annotations

import logging
import os
import tempfile
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask import Flask, current_app, request
from flask_babel import Babel, get_locale

LANG_COOKIE = "lang"
ROOT = Path(__file__).resolve().parent.parent
SOURCES = ROOT / "translations"
COMPILED = Path(__file__).resolve().parent / "translations"
babel = Babel()
log = logging.getLogger(__name__)


def select_locale() -> str:
    offered = current_app.config["LANGUAGES"]
    chosen = request.cookies.get(LANG_COOKIE)
    if chosen in offered:
        return chosen
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def merged_catalog(locale: str) -> Catalog:
    catalog = Catalog(locale=locale)
    for po in sorted((SOURCES / locale).glob("*.po")):
        with po.open("rb") as fh:
            for message in read_po(fh, locale=locale):
                if message.id and message.string:
                    catalog[message.id] = message
    return catalog


def compile_catalogs(force: bool = False) -> None:
    for src_dir in sorted(p for p in SOURCES.glob("*") if p.is_dir()):
        target = COMPILED / src_dir.name / "LC_MESSAGES" / "messages.mo"
        newest = max((p.stat().st_mtime for p in src_dir.glob("*.po")), default=0)
        if not force and target.exists() and target.stat().st_mtime >= newest:
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        # Write then rename, so that workers starting together never read half a file.
        fd, tmp = tempfile.mkstemp(dir=target.parent, suffix=".mo")
        with os.fdopen(fd, "wb") as fh:
            write_mo(fh, merged_catalog(src_dir.name))
        os.replace(tmp, target)


def init_app(app: Flask) -> None:
    try:
        compile_catalogs()
    except OSError:
        log.exception("could not compile translations; serving the last compiled ones")
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", str(COMPILED))
    app.config.setdefault("BABEL_DEFAULT_TIMEZONE", app.config["DEFAULT_TIMEZONE"])
    babel.init_app(app, locale_selector=select_locale)
    app.jinja_env.globals["get_locale"] = get_locale
    app.jinja_env.globals["lang"] = lambda: str(get_locale())
