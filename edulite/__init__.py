"""Edulite: homework and after-school load monitor for the double-reduction policy."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Flask

ROOT = Path(__file__).resolve().parent.parent


def create_app(test_config: dict | None = None) -> Flask:
    # Imported here so that the pure engine modules can be imported without Flask.
    from flask import Flask

    app = Flask(
        __name__,
        instance_path=str(ROOT / "instance"),
        instance_relative_config=True,
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
    )
    load_config(app, test_config)
    from edulite.web.params import install_id_converter

    install_id_converter(app)

    from edulite import cli, db, i18n
    from edulite.homework import summary
    from edulite.school import versions
    from edulite.web import cache, cleaning, errors, extensions, labels, memo, nav, security

    db.init_app(app)
    summary.install()
    versions.install()
    extensions.init_app(app)
    cleaning.init_app(app)
    i18n.init_app(app)
    memo.init_app(app)  # before security: inside its ProxyFix, after its headers
    security.init_app(app)
    cache.init_app(app)
    errors.init_app(app)
    nav.init_app(app)
    labels.init_app(app)
    register_blueprints(app)
    cli.init_app(app)
    return app


def load_config(app: Flask, test_config: dict | None) -> None:
    """Defaults, then instance/config.py, then FLASK_* and DATABASE_URL variables, then tests' dict."""
    app.config.from_object("edulite.config.Config")
    app.config.from_pyfile("config.py", silent=True)
    app.config.from_prefixed_env()
    if os.environ.get("DATABASE_URL"):
        app.config["DATABASE_URL"] = os.environ["DATABASE_URL"]
    if os.environ.get("REDIS_URL"):
        app.config["RATELIMIT_STORAGE_URI"] = os.environ["REDIS_URL"]
    if test_config:
        app.config.update(test_config)
    if app.config["PREFERRED_URL_SCHEME"] == "https":
        app.config["SESSION_COOKIE_SECURE"] = True
    from edulite.config import DEFAULT_SECRET_KEY

    if app.config["SECRET_KEY"] == DEFAULT_SECRET_KEY and not (app.debug or app.testing):
        raise RuntimeError(
            "Refusing to start with the default SECRET_KEY. Run `python -m edulite.ops.instance` "
            "(writes a random key to instance/config.py) or set FLASK_SECRET_KEY."
        )


def register_blueprints(app: Flask) -> None:
    from edulite.web import accounts, admin, auth, district, district_policy, parent, principal, survey, teacher

    for module in (auth, teacher, principal, district, admin, parent, survey, accounts, district_policy):
        app.register_blueprint(module.bp)
