"""Who is calling, and the headers every response carries (pages, fragments, errors, static)."""

from __future__ import annotations

from flask import Flask, g, request, url_for
from werkzeug.middleware.proxy_fix import ProxyFix

from edulite.auth import load_user, password_change_redirect
from edulite.ops.assets import ASSETS, script_src


def content_security_policy(config) -> str:
    """Only our own origin, plus in "cdn" mode the pinned files' exact URLs (not the CDN's whole origin,
    which serves any script of any package: #17); nothing inline, no eval."""
    scripts = ["'self'"]
    if config["ASSET_MODE"] == "cdn":
        scripts += [asset.cdn_url(config["ASSET_CDN_BASE"]) for asset in ASSETS.values()]
    return "; ".join([
        "default-src 'self'",
        "script-src " + " ".join(scripts),
        "style-src 'self'",
        # data: for images only (the parent page's empty favicon); an image cannot run script.
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
        "form-action 'self'",
    ])


def security_headers(response, *, csp: str, secure: bool, signed_in: bool):
    h = response.headers
    h["Content-Security-Policy"] = csp
    h["X-Content-Type-Options"] = "nosniff"
    # same-origin keeps the Referer that CSRF's HTTPS origin check needs, and leaks nothing outside;
    # a blueprint may ask for stricter (the parent page's URL is a secret: no-referrer).
    h.setdefault("Referrer-Policy", "same-origin")
    h["X-Frame-Options"] = "DENY"
    h["Cross-Origin-Opener-Policy"] = "same-origin"
    h["Cross-Origin-Resource-Policy"] = "same-origin"
    h["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()"
    h.add("Vary", "HX-Request")
    # Browsers ignore HSTS over plain HTTP, and sending it there would claim what we cannot prove.
    if secure:
        h["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
    if signed_in:
        # Signed-in pages must not linger in shared caches or the back button of a shared phone.
        h["Cache-Control"] = "no-store"
    return response


def init_app(app: Flask) -> None:
    proxies = int(app.config.get("PROXY_COUNT", 0))
    if proxies:
        # Behind nginx the client's address and scheme arrive in X-Forwarded-*: without this every
        # sign-in would count against the proxy's one address, and HTTPS would go unnoticed.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies)

    @app.before_request
    def _load_user():
        if request.endpoint != "static":
            load_user()
        return password_change_redirect()

    @app.after_request
    def _forget_dead_device(response):
        # A device cookie that signs nobody in any more (signed out, expired, password changed) is dropped.
        if g.get("forget_device"):
            response.delete_cookie(app.config["DEVICE_COOKIE_NAME"], httponly=True, samesite="Lax",
                                   secure=app.config["SESSION_COOKIE_SECURE"])
        return response

    policies: dict[tuple, str] = {}  # the policy depends on two settings only: built once, not per response

    @app.after_request
    def _headers(response):
        settings = (app.config["ASSET_MODE"], app.config["ASSET_CDN_BASE"])
        if settings not in policies:
            policies[settings] = content_security_policy(app.config)
        return security_headers(response, csp=policies[settings], secure=request.is_secure,
                                signed_in=g.get("user") is not None)

    @app.context_processor
    def _assets():
        def asset_tag(name: str) -> dict:
            return {
                "src": script_src(name, mode=app.config["ASSET_MODE"], cdn_base=app.config["ASSET_CDN_BASE"],
                                  static_url=lambda p: url_for("static", filename=p)),
                "integrity": ASSETS[name].integrity,
                # The pinned copy Edulite serves itself when the CDN fails (static/js/fallback.js, #15).
                "fallback": (url_for("static", filename=f"vendor/{ASSETS[name].filename}")
                             if app.config["ASSET_MODE"] == "cdn" else None),
            }

        return {"asset": asset_tag, "current_user": g.get("user")}
