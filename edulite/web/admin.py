"""The administrator's page; most admin work is on the command line (flask edulite ...)."""

from __future__ import annotations

from flask import Blueprint, render_template

from edulite.auth import login_required
from edulite.db import get_session
from edulite.school import queries

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.get("/")
@login_required("admin")
def home():
    """Show what the installation holds."""
    return render_template("admin/home.html", counts=queries.installation_counts(get_session()))
