"""The district supervisor's default policy (#16): the same form as a school's, judged against the national
floor, stored by edulite.school.settings.set_district_policy (audited, the district's schools judged again).

Its own blueprint under /district/policy, so that the supervisor's read-only overview module stays as it is.
"""

from __future__ import annotations

from flask import Blueprint, g, redirect, render_template, request, url_for
from flask_babel import gettext as _

from edulite.auth import login_required
from edulite.core.policy import NATIONAL, PolicyLooser
from edulite.db import get_session
from edulite.homework.loads import district_policy
from edulite.school.settings import set_district_policy
from edulite.web.clock import local_today
from edulite.web.principal import policy as policy_form

bp = Blueprint("district_policy", __name__, url_prefix="/district/policy")


def _page(form, status=200, saved=False):
    return render_template("district/policy.html", form=form, saved=saved, base=NATIONAL,
                           fields=policy_form.FIELDS), status


@bp.get("/")
@login_required("district")
def policy():
    """Show the district's default policy in force, field by field, next to the national floor."""
    today = local_today()
    current = district_policy(get_session(), district_id=g.scope.district_id, day=today)
    return _page(policy_form.initial(current, [], today), saved=request.args.get("saved") == "1")


@bp.post("/")
@login_required("district")
def policy_submit():
    """Store a district default from a date on; anything looser than the national floor is refused by its field."""
    session, today = get_session(), local_today()
    form = policy_form.parse(request.form, base=NATIONAL, subjects=[], today=today, national=True)
    if form.errors:
        return _page(form, 422)
    try:
        set_district_policy(session, district_id=g.scope.district_id, data=form.override,
                            effective_from=form.effective_from, user_id=g.user.id)
    except PolicyLooser as err:
        session.rollback()
        form.errors["effective_from"] = _("Looser than the national policy (%(rules)s).",
                                          rules=", ".join(rule for _k, rule in err.problems))
        return _page(form, 422)
    return redirect(url_for("district_policy.policy", saved=1), 303)
