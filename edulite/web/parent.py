"""The parents' read-only class page, opened from a link or QR code (作业公示)."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("parent", __name__, url_prefix="/c")
