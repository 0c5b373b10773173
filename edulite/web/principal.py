"""The principal's pages: the school's week, alerts, records and settings."""

from __future__ import annotations

from flask import Blueprint, g, render_template

from edulite import queries
from edulite.auth import login_required
from edulite.db import get_session

bp = Blueprint("principal", __name__, url_prefix="/principal")


@bp.get("/")
@login_required("principal")
def dashboard():
    """Show the school's classes."""
    session = get_session()
    return render_template(
        "principal/dashboard.html",
        school=queries.school_name(session, school_id=g.scope.school_id),
        classes=queries.school_classes(session, school_id=g.scope.school_id),
    )
