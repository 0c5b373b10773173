"""The district supervisor's read-only view of all its schools."""

from __future__ import annotations

from flask import Blueprint, g, render_template

from edulite import queries
from edulite.auth import login_required
from edulite.db import get_session

bp = Blueprint("district", __name__, url_prefix="/district")


@bp.get("/")
@login_required("district")
def overview():
    """List the district's schools."""
    schools = queries.district_schools(get_session(), district_id=g.scope.district_id)
    return render_template("district/overview.html", schools=schools)
