"""Friendly error pages in the user's language; never a stack trace."""

from __future__ import annotations

import logging

from flask import Flask, render_template
from flask.globals import request_ctx
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import OperationalError
from werkzeug.exceptions import HTTPException

from edulite.db import RETRY_AFTER_SECONDS, is_busy
from edulite.web.labels import BUSY_MESSAGE

log = logging.getLogger(__name__)
# Headers an error must keep: what is allowed instead, and when to try again.
KEPT_HEADERS = ("Allow", "Retry-After")


def init_app(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def _csrf(_err):
        return render_template("errors/error.html", code=400, reason="csrf"), 400

    @app.errorhandler(HTTPException)
    def _http(err):
        kept = {k: v for k, v in err.get_headers() if k in KEPT_HEADERS}
        if request_ctx.url_adapter is None:
            # A Host outside TRUSTED_HOSTS (#17): no URL can be built for it, so no page with links either.
            return "<!doctype html><title>400</title><p>Bad request / 请求无效</p>", err.code, kept
        return render_template("errors/error.html", code=err.code, reason=None), err.code, kept

    @app.errorhandler(OperationalError)
    def _database(err):
        # A long write (an import, a backup) held SQLite's lock past the busy timeout: nothing was
        # written, the request can simply be sent again (#17). Anything else is a real error.
        if not is_busy(err):
            return _unexpected(err)
        log.warning("database busy: answered 503 to retry")
        return (render_template("errors/error.html", code=503, reason="busy", busy_message=BUSY_MESSAGE), 503,
                {"Retry-After": str(RETRY_AFTER_SECONDS)})

    @app.errorhandler(Exception)
    def _unexpected(_err):
        log.exception("unhandled error")
        try:
            return render_template("errors/error.html", code=500, reason=None), 500
        except Exception:
            log.exception("error page failed")
            return "<!doctype html><title>500</title><p>Server error / 服务器错误</p>", 500
