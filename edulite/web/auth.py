"""Sign-in, sign-out, the language switch and the front door."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, current_app, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlmodel import select

from edulite import services
from edulite.auth import home_endpoint, sign_in, sign_out, verify
from edulite.db import get_session
from edulite.i18n import LANG_COOKIE
from edulite.models import User
from edulite.web.extensions import limiter
from edulite.web.forms import LoginForm

bp = Blueprint("auth", __name__)


def _safe_next(target: str | None) -> str | None:
    """Only same-site paths: an open redirect would let a phishing link borrow our sign-in page."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target


def _login_failed(response) -> bool:
    return response.status_code == 401


def _username_key() -> str:
    return "user:" + (request.form.get("username") or "").strip().lower()[:64]


@bp.get("/")
def index():
    """Send a signed-in user to their home page, everyone else to sign in."""
    if g.user is None:
        return redirect(url_for("auth.login"))
    return redirect(url_for(home_endpoint(g.user.role)))


@bp.get("/login")
def login():
    """Show the sign-in form."""
    return render_template("auth/login.html", form=LoginForm(), next=_safe_next(request.args.get("next")))


@bp.post("/login")
@limiter.limit(lambda: current_app.config["LOGIN_RATE_LIMIT"], deduct_when=_login_failed)
@limiter.limit(lambda: current_app.config["LOGIN_RATE_LIMIT"], key_func=_username_key, deduct_when=_login_failed)
def login_submit():
    """Check the password and start a fresh session."""
    form = LoginForm()
    next_url = _safe_next(request.form.get("next"))
    if not form.validate_on_submit():
        return render_template("auth/login.html", form=form, next=next_url), 422
    username = form.username.data.strip()
    user = get_session().exec(select(User).where(User.username == username)).first()
    if not verify(user, form.password.data):
        services.audit_failed_login(get_session(), username=username, address=request.remote_addr)
        # One generic message: it must not tell which of the two was wrong.
        form.password.errors.append(_("Wrong username or password."))
        return render_template("auth/login.html", form=form, next=next_url), 401
    sign_in(user)
    return redirect(next_url or url_for(home_endpoint(user.role)), 303)


@bp.post("/logout")
def logout():
    """End the session everywhere: the stored version bump revokes copies of the cookie."""
    if g.user is not None:
        services.revoke_sessions(get_session(), user_id=g.user.id)
    sign_out()
    return redirect(url_for("auth.login"), 303)


@bp.get("/lang/<code>")
def language(code: str):
    """Switch the interface language (a cookie on this device; nothing on the server changes)."""
    target = _safe_next(request.args.get("next")) or url_for("auth.index")
    response = redirect(target)
    if code in current_app.config["LANGUAGES"]:
        response.set_cookie(LANG_COOKIE, code, max_age=365 * 24 * 3600, samesite="Lax",
                            secure=current_app.config["SESSION_COOKIE_SECURE"], httponly=True)
    return response
