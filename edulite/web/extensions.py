"""Third-party Flask extensions, created once and bound in create_app."""

from __future__ import annotations

from flask import Flask
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_wtf.csrf import CSRFProtect
from htmx_flask import Htmx

csrf = CSRFProtect()
htmx = Htmx()
# No default limits: only the routes that need one (sign-in) are limited.
limiter = Limiter(key_func=get_remote_address, default_limits=[])


def init_app(app: Flask) -> None:
    htmx.init_app(app)
    csrf.init_app(app)
    limiter.init_app(app)
