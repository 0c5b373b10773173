"""The teacher's pages: one blueprint, a module per page group (each adds its routes to `bp`)."""

from flask import Blueprint

bp = Blueprint("teacher", __name__, url_prefix="/teacher")

# Imported after bp exists: each module registers its views on it.
from edulite.web.teacher import afterschool, grade, homework  # noqa: E402, F401
