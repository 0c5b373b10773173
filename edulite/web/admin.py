"""The administrator's page; most admin work is on the command line (flask edulite ...)."""

from __future__ import annotations

from flask import Blueprint, render_template
from sqlmodel import func, select

from edulite.auth import login_required
from edulite.db import get_session
from edulite.models import School, SchoolClass, User

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.get("/")
@login_required("admin")
def home():
    """Show what the installation holds."""
    session = get_session()
    counts = {
        "schools": session.exec(select(func.count()).select_from(School)).one(),
        "classes": session.exec(select(func.count()).select_from(SchoolClass)).one(),
        "users": session.exec(select(func.count()).select_from(User)).one(),
    }
    return render_template("admin/home.html", counts=counts)
