"""Sign-in, sign-out, the password page, the language switch and the front door."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, g, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from werkzeug.exceptions import TooManyRequests
from wtforms import PasswordField
from wtforms.validators import DataRequired, EqualTo, Length

from edulite.auth import device_max_age, home_endpoint, login_required, login_throttle, sign_in, sign_out, verify
from edulite.db import begin_writes, get_session, reads_first
from edulite.i18n import LANG_COOKIE
from edulite.models import User
from edulite.school import audit as services
from edulite.school import devices, queries
from edulite.web.forms import LoginForm
from edulite.web.redirects import safe_next

bp = Blueprint("auth", __name__)

PASSWORD_REASONS = {
    "wrong": _l("The current password is not right."),
    "short": _l("Use at least %(n)s characters."),
    "username": _l("The password must not contain your username."),
    "same": _l("Choose a password different from the current one."),
    "common": _l("This password is public or among the most common ones: choose another."),
}


class PasswordForm(FlaskForm):
    old = PasswordField(_l("Current password"), validators=[DataRequired(_l("Enter your current password.")),
                                                            Length(max=200)])
    new = PasswordField(_l("New password"), validators=[DataRequired(_l("Enter a new password.")),
                                                        Length(max=200)])
    confirm = PasswordField(_l("New password again"), validators=[
        DataRequired(_l("Enter the new password again.")), EqualTo("new", _l("The two new passwords differ."))])


@bp.get("/")
def index():
    """Send a signed-in user to their home page, everyone else to sign in."""
    if g.user is None:
        return redirect(url_for("auth.login"))
    return redirect(url_for(home_endpoint(g.user.role)))


@bp.get("/login")
def login():
    """Show the sign-in form."""
    return render_template("auth/login.html", form=LoginForm(), next=safe_next(request.args.get("next")))


@bp.post("/login")
@reads_first
def login_submit():
    """Check the password and start a fresh session; failures are counted per account and address."""
    form = LoginForm()
    next_url = safe_next(request.form.get("next"))
    if not form.validate_on_submit():
        return render_template("auth/login.html", form=form, next=next_url), 422
    username, address = form.username.data.strip(), request.remote_addr
    throttle = login_throttle()
    if throttle.blocked(username=username, address=address):
        # The same page whichever limit was hit: it must not confirm that an account exists.
        raise TooManyRequests(retry_after=60)
    user = queries.user_by_username(get_session(), username=username)
    # The read ends here: the password hash (PBKDF2, a large part of a second on purpose) runs with no
    # transaction open, and the failure's audit row is a short write transaction of its own (#17).
    begin_writes(get_session())
    if not verify(user, form.password.data):
        throttle.failed(username=username, address=address)
        services.audit_failed_login(get_session(), username=username, address=address)
        # One generic message: it must not tell which of the two was wrong.
        form.password.errors.append(_("Wrong username or password."))
        return render_template("auth/login.html", form=form, next=next_url), 401
    sign_in(user)
    response = redirect(next_url or url_for(home_endpoint(user.role)), 303)
    if form.remember.data:
        label = (request.user_agent.string or "")[:120]
        token, session["dev"] = devices.remember(get_session(), user=user, label=label)
        response.set_cookie(current_app.config["DEVICE_COOKIE_NAME"], token,
                            max_age=int(device_max_age().total_seconds()), httponly=True, samesite="Lax",
                            secure=current_app.config["SESSION_COOKIE_SECURE"])
    return response


@bp.post("/logout")
def logout():
    """End the session everywhere: the stored version bump revokes copies of the cookie."""
    if g.user is not None:
        services.revoke_sessions(get_session(), user_id=g.user.id)
    sign_out()
    response = redirect(url_for("auth.login"), 303)
    # This phone forgets its device login too (others stay, listed on the account page).
    token = request.cookies.get(current_app.config["DEVICE_COOKIE_NAME"])
    if token:
        devices.forget(get_session(), token=token)
        response.delete_cookie(current_app.config["DEVICE_COOKIE_NAME"], httponly=True, samesite="Lax",
                               secure=current_app.config["SESSION_COOKIE_SECURE"])
    return response


def _password_page(form, status: int = 200):
    """The account page: change the password, and the phones remembered for this account (#15)."""
    remembered = devices.devices_of(get_session(), user_id=g.user.id, max_age=device_max_age(),
                                    current_id=session.get("dev"))
    return render_template("auth/password.html", form=form, min_length=_min_length(), devices=remembered), status


@bp.get("/account/password")
@login_required()
def password():
    """Show the form to change one's own password and the list of remembered phones."""
    return _password_page(PasswordForm())


@bp.post("/account/devices/<int:device_id>/sign-out")
@login_required()
def device_sign_out_submit(device_id: int):
    """Sign one remembered phone out; it must sign in with the password again."""
    if not devices.sign_out_device(get_session(), user_id=g.user.id, device_id=device_id):
        abort(404)
    flash(_("That phone is signed out."))
    return redirect(url_for("auth.password"), 303)


@bp.post("/account/password")
@login_required()
def password_submit():
    """Change the password, end every other session of the account and keep this one."""
    form = PasswordForm()
    if not form.validate_on_submit():
        return _password_page(form, 422)
    session, throttle = get_session(), login_throttle()
    forced = g.user.must_change_password
    # Guessing the current password from a borrowed session counts against the same limits as sign-in.
    if throttle.blocked(username=g.user.username, address=request.remote_addr):
        raise TooManyRequests(retry_after=60)
    try:
        services.change_password(session, user_id=g.user.id, old=form.old.data, new=form.new.data,
                                 min_length=_min_length(), hash_method=current_app.config["PASSWORD_HASH_METHOD"])
    except services.PasswordRejected as err:
        if err.reason == "wrong":
            throttle.failed(username=g.user.username, address=request.remote_addr)
        form[err.field].errors.append(str(PASSWORD_REASONS[err.reason]) % {"n": _min_length()})
        return _password_page(form, 422)
    sign_in(session.get(User, g.user.id))
    flash(_("Your password was changed. Other devices have been signed out."))
    # After the one-time password, on to the work the sign-in was for.
    return redirect(url_for(home_endpoint(g.user.role)) if forced else url_for("auth.password"), 303)


def _min_length() -> int:
    return current_app.config["PASSWORD_MIN_LENGTH"]


@bp.get("/lang/<code>")
def language(code: str):
    """Switch the interface language (a cookie on this device; nothing on the server changes)."""
    target = safe_next(request.args.get("next")) or url_for("auth.index")
    response = redirect(target)
    if code in current_app.config["LANGUAGES"]:
        response.set_cookie(LANG_COOKIE, code, max_age=365 * 24 * 3600, samesite="Lax",
                            secure=current_app.config["SESSION_COOKIE_SECURE"], httponly=True)
    return response
