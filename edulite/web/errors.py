"""Friendly error pages in the user's language; never a stack trace."""

from __future__ import annotations

import logging

from flask import Flask, render_template
from flask.globals import request_ctx
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

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

    @app.errorhandler(Exception)
    def _unexpected(_err):
        log.exception("unhandled error")
        try:
            return render_template("errors/error.html", code=500, reason=None), 500
        except Exception:
            log.exception("error page failed")
            return "<!doctype html><title>500</title><p>Server error / 服务器错误</p>", 500
