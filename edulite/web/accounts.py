"""Accounts without a shell (#15): principals manage their school's teachers, administrators everyone.

Add an account, reset a forgotten password, disable a leaver. Passwords handed out here are one-time: the
holder must choose their own at first sign-in (User.must_change_password), and each one is shown once,
on the answer to the write, never stored in clear. Every write is audited under the caller's name; a
class's teacher is fixed on the principal's Settings › Classes page (principal.settings_classes).
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _

from edulite.auth import hash_password, login_required
from edulite.db import get_session
from edulite.school import accounts
from edulite.web.labels import account_message
from edulite.web.params import db_id

bp = Blueprint("accounts", __name__, url_prefix="/accounts")


def _page(status: int = 200, *, values: dict | None = None, errors: dict | None = None,
          issued: tuple[str, str] | None = None):
    session = get_session()
    return render_template("accounts/people.html", people=accounts.managed_accounts(session, scope=g.scope),
                           schools=accounts.managed_schools(session, scope=g.scope), values=values or {},
                           errors=errors or {}, issued=issued), status


@bp.get("/")
@login_required("principal", "admin")
def people():
    """List the accounts the caller manages, with the form to add a teacher."""
    return _page()


@bp.post("/")
@login_required("principal", "admin")
def people_submit():
    """Add an account with a one-time password, shown once on the answer."""
    values = {name: request.form.get(name, "")[:200] for name in ("username", "display_name", "school_id", "role")}
    try:
        password = accounts.add_account(get_session(), scope=g.scope, username=values["username"],
                                        display_name=values["display_name"],
                                        school_id=db_id(values["school_id"]) if values["school_id"] else None,
                                        role=values["role"] or "teacher", hash_password=hash_password)
    except accounts.AccountProblem as problem:
        get_session().rollback()
        return _page(422, values=values, errors={problem.field: account_message(problem.code)})
    return _page(201, issued=(values["username"].strip(), password))


def _account_id(user_id: int) -> int:
    if not 0 < user_id < 2**31:
        abort(404)
    return user_id


@bp.post("/<int:user_id>/password")
@login_required("principal", "admin")
def password_reset_submit(user_id: int):
    """Give an account a new one-time password (its sessions end; it must be changed at sign-in)."""
    session = get_session()
    try:
        password = accounts.reset_password_of(session, scope=g.scope, user_id=_account_id(user_id),
                                              hash_password=hash_password)
    except PermissionError:
        abort(403)
    username = next(p.username for p in accounts.managed_accounts(session, scope=g.scope) if p.id == user_id)
    return _page(200, issued=(username, password))


@bp.post("/<int:user_id>/active")
@login_required("principal", "admin")
def active_submit(user_id: int):
    """Disable a leaver (signed out at once) or enable the account again."""
    active = request.form.get("active") == "1"
    try:
        user = accounts.set_active_of(get_session(), scope=g.scope, user_id=_account_id(user_id), active=active)
    except PermissionError:
        abort(403)
    flash(_("%(name)s can sign in again.", name=user.display_name) if active
          else _("%(name)s is disabled and signed out.", name=user.display_name))
    return redirect(url_for("accounts.people") + f"#account-{user_id}", 303)
