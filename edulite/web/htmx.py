"""The one rule for htmx: a fragment for a swap, the whole page otherwise."""

from __future__ import annotations

from flask import render_template, request


def wants_fragment() -> bool:
    """True for an htmx swap; boosted and history-restore requests want the whole page."""
    htmx = request.htmx
    return bool(htmx) and not htmx.boosted and not htmx.history_restore_request


def render(page: str, fragment: str, status: int = 200, **context):
    """Render the fragment for an htmx swap, else the page that includes it."""
    template = fragment if wants_fragment() else page
    return render_template(template, **context), status
