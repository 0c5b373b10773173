"""The family survey, principal's side (#13): each class's survey link and QR code (printed on the same
card as the parent link), and closing or reopening a class's or the whole school's survey."""

from __future__ import annotations

import io

import segno
from flask import Response, abort, flash, g, redirect, request, url_for
from flask_babel import gettext as _

from edulite.auth import login_required
from edulite.db import get_session
from edulite.survey import links
from edulite.web.principal import bp
from edulite.web.principal.classes import links_page, survey_url
from edulite.web.principal.common import school_id


def _back(class_id: int | None = None):
    return redirect(url_for("principal.settings_links") + (f"#link-{class_id}" if class_id else "#survey"), 303)


@bp.post("/settings/survey/<int:class_id>/link")
@login_required("principal")
def survey_link_regenerate(class_id: int):
    """Issue a new survey link for the class (the old link and QR code stop working; answers stay).

    Like the parent link's (#14): replacing a live link kills its printed QR codes, so it asks first.
    """
    session = get_session()
    try:
        had_link = links.live_token(session, school_id=school_id(), class_id=class_id) is not None
        if had_link and request.form.get("confirm") != "1":
            return links_page(confirm_survey=class_id), 200
        links.regenerate(session, school_id=school_id(), user_id=g.user.id, class_id=class_id)
    except links.ClassNotFound:
        abort(404)
    flash(_("New survey link issued. The old link and its printed QR codes no longer work: print and share the "
            "new one.") if had_link else _("Survey link created: print its QR code on the class's card."))
    return _back(class_id)


@bp.post("/settings/survey/<int:class_id>/state")
@login_required("principal")
def survey_class_state(class_id: int):
    """Close (closed=1) or reopen (closed=0) one class's survey."""
    try:
        links.set_closed(get_session(), school_id=school_id(), user_id=g.user.id, class_id=class_id,
                         closed=request.form.get("closed") == "1")
    except links.ClassNotFound:
        abort(404)
    return _back(class_id)


@bp.post("/settings/survey/state")
@login_required("principal")
def survey_school_state():
    """Close (closed=1) or reopen (closed=0) the survey of every class of the school."""
    links.set_closed(get_session(), school_id=school_id(), user_id=g.user.id, class_id=None,
                     closed=request.form.get("closed") == "1")
    return _back()


@bp.get("/settings/survey/<int:class_id>/qr.svg")
@login_required("principal")
def survey_qr(class_id: int):
    """The class's survey link as an SVG QR code, for the same printed card as the parent page's."""
    try:
        token = links.live_token(get_session(), school_id=school_id(), class_id=class_id)
    except links.ClassNotFound:
        abort(404)
    if token is None:
        abort(404)
    out = io.BytesIO()
    segno.make(survey_url(token), error="m").save(out, kind="svg", scale=6, border=2, xmldecl=False, title="QR")
    return Response(out.getvalue(), mimetype="image/svg+xml")
