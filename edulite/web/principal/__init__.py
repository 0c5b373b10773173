"""The principal's pages: one blueprint, a module per page group (each adds its routes to `bp`)."""

from flask import Blueprint

from edulite.web.principal.common import init_templates

bp = Blueprint("principal", __name__, url_prefix="/principal")
bp.record_once(init_templates)

# Imported after bp exists: each module registers its views on it.
from edulite.web.principal import (  # noqa: E402, F401
    afterschool,
    alerts,
    audit,
    classes,
    dashboard,
    exports,
    records,
    settings,
    survey,
)
