"""The navigation of each role; an entry shows once its page exists."""

from __future__ import annotations

from flask import Flask, current_app, g, request
from flask_babel import lazy_gettext as _l

NAV = {
    "teacher": [("teacher.today", _l("Today")), ("teacher.grade_week", _l("My grade")),
                ("teacher.after_school", _l("After-school"))],
    "principal": [
        ("principal.dashboard", _l("Week")), ("principal.alerts", _l("Alerts")),
        ("principal.records", _l("Inspection records")), ("principal.after_school", _l("After-school")),
        ("principal.exports", _l("Exports")), ("principal.settings", _l("Settings")),
        ("principal.audit", _l("Audit trail")),
    ],
    "district": [("district.overview", _l("Schools")), ("district_policy.policy", _l("District policy"))],
    "admin": [("admin.home", _l("Administration"))],
}


# Principals (their school's teachers) and administrators (everyone) manage accounts on the web (#15).
NAV["principal"].append(("accounts.people", _l("Accounts")))
NAV["admin"].append(("accounts.people", _l("Accounts")))

# Every signed-in role can change its own password.
ACCOUNT = [("auth.password", _l("Password"))]


def nav_entries() -> list[tuple[str, str, bool]]:
    user = g.get("user")
    if user is None:
        return []
    views = current_app.view_functions
    entries = [(e, label) for e, label in NAV.get(user.role, []) + ACCOUNT
               if e in views and (e != "teacher.grade_week" or user.lead_grade is not None)]
    return [(endpoint, str(label), request.endpoint == endpoint) for endpoint, label in entries]


def init_app(app: Flask) -> None:
    app.jinja_env.globals["nav_entries"] = nav_entries
