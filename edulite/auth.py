"""Sign-in state, roles and scope: who the caller is and what they may reach."""

from __future__ import annotations

import functools
import time
from dataclasses import dataclass

from flask import abort, current_app, g, redirect, request, session, url_for
from werkzeug.security import check_password_hash, generate_password_hash

from edulite.db import get_session
from edulite.models import User

# Verifying against this keeps a wrong username as slow as a wrong password (no user enumeration).
_DUMMY_HASH: dict[str, str] = {}


@dataclass(frozen=True)
class Scope:
    """What a signed-in user may see; every query that a role reaches takes one."""

    user_id: int
    role: str
    school_id: int | None
    district_id: int | None
    lead_grade: int | None = None


def hash_password(password: str) -> str:
    return generate_password_hash(password, method=current_app.config["PASSWORD_HASH_METHOD"])


def verify(user: User | None, password: str) -> bool:
    if user is None or not user.active:
        method = current_app.config["PASSWORD_HASH_METHOD"]
        if method not in _DUMMY_HASH:
            _DUMMY_HASH[method] = generate_password_hash("x", method=method)
        check_password_hash(_DUMMY_HASH[method], password)
        return False
    return check_password_hash(user.password_hash, password)


def sign_in(user: User) -> None:
    # A fresh session at sign-in: nothing planted before (session fixation) survives.
    session.clear()
    session.permanent = True
    now = int(time.time())
    session.update(uid=user.id, sv=user.session_version, iat=now, seen=now)


def sign_out() -> None:
    session.clear()


def load_user() -> None:
    """Resolve the session to a live user, enforcing idle and absolute timeouts and revocation."""
    g.user = None
    g.scope = None
    uid = session.get("uid")
    if uid is None:
        return
    now = int(time.time())
    cfg = current_app.config
    idle = now - int(session.get("seen", 0)) > cfg["SESSION_IDLE_MINUTES"] * 60
    too_old = now - int(session.get("iat", 0)) > cfg["SESSION_ABSOLUTE_HOURS"] * 3600
    user = get_session().get(User, uid)
    if idle or too_old or user is None or not user.active or user.session_version != session.get("sv"):
        session.clear()
        return
    # Refresh the idle clock at most once a minute so that reads do not rewrite the cookie each time.
    if now - int(session.get("seen", 0)) > 60:
        session["seen"] = now
    g.user = user
    g.scope = Scope(user.id, user.role, user.school_id, user.district_id, user.lead_grade)


def login_required(*roles: str):
    """Send anonymous callers to sign in; refuse (403) signed-in users of other roles."""

    def decorator(view):
        @functools.wraps(view)
        def wrapped(*args, **kwargs):
            if g.get("user") is None:
                return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
            if roles and g.user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        wrapped.roles = roles  # read by the access-control test to know each route's audience
        return wrapped

    return decorator


def home_endpoint(role: str) -> str:
    return {
        "teacher": "teacher.today",
        "principal": "principal.dashboard",
        "district": "district.overview",
        "admin": "admin.home",
    }[role]
