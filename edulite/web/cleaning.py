"""Every form field and query argument passes the one text rule (core/text.py) before any view reads it (#17).

Done where werkzeug parses the request, so no form can forget it: the principal's forms, notes, names,
sign-in and the after-school pages all get the same stripped values the homework form always had. Sign-in
with "teacher\\0" is then an ordinary failure for "teacher": counted and audited, not a PostgreSQL 500.
"""

from __future__ import annotations

from flask import Flask, Request
from werkzeug.datastructures import ImmutableMultiDict, MultiDict
from werkzeug.utils import cached_property

from edulite.core.text import strip_unsafe


def _cleaned(values: MultiDict) -> ImmutableMultiDict:
    return ImmutableMultiDict([(strip_unsafe(k), strip_unsafe(v)) for k, v in values.items(multi=True)])


class CleanRequest(Request):
    """Mixed over whatever request class the extensions installed (htmx-flask's, today)."""

    def _load_form_data(self) -> None:
        super()._load_form_data()
        if not getattr(self, "_edulite_cleaned", False):
            self.__dict__["form"] = _cleaned(self.__dict__["form"])
            self._edulite_cleaned = True

    @cached_property
    def args(self) -> ImmutableMultiDict:
        return _cleaned(super().args)


def init_app(app: Flask) -> None:
    """Call after the extensions: it wraps the request class they chose."""
    if not issubclass(app.request_class, CleanRequest):
        app.request_class = type("CleanRequest", (CleanRequest, app.request_class), {})
