"""The teacher's pages: today's classes and their homework budget."""

from __future__ import annotations

from flask import Blueprint, g, render_template

from edulite import queries
from edulite.auth import login_required
from edulite.db import get_session

bp = Blueprint("teacher", __name__, url_prefix="/teacher")


@bp.get("/")
@login_required("teacher")
def today():
    """Show the classes the teacher teaches."""
    classes = queries.taught_classes(get_session(), scope=g.scope)
    return render_template("teacher/today.html", classes=classes)
