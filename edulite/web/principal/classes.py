"""School settings, part two: classes, teacher assignments, and the parent links with their QR codes.

The parent page itself (/c/<token>) belongs to the parent blueprint; here links are issued, revoked
and printed.
"""

from __future__ import annotations

import io

import segno
from flask import Response, abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _

from edulite.auth import login_required
from edulite.db import get_session
from edulite.homework import loads
from edulite.school import admin as school_admin
from edulite.survey.links import link_states as survey_links_of
from edulite.web.principal import bp
from edulite.web.principal.common import school_id, school_today
from edulite.web.principal.forms import AssignmentForm, ClassForm, choices


def survey_url(token: str) -> str:
    return f"{request.host_url}s/{token}"


def parent_url(token: str) -> str:
    return f"{request.host_url}c/{token}"


def _assignment_form(session, **kwargs) -> AssignmentForm:
    form = AssignmentForm(**kwargs)
    form.class_id.choices = choices((c.class_id, c.name) for c in loads.classes(session, school_id=school_id()))
    form.subject_id.choices = choices(school_admin.subjects(session))
    form.teacher_id.choices = choices(school_admin.teachers(session, school_id=school_id()))
    return form


def _classes_page(session, *, new_form=None, failed=None, assign_form=None, status=200):
    """failed: (class_id, form) of a class edit that did not validate, shown with its messages."""
    return render_template("principal/settings_classes.html",
                           classes=school_admin.class_settings(session, school_id=school_id()),
                           new_form=new_form or ClassForm(formdata=None, prefix="new"), failed=failed or (None, None),
                           assign_form=assign_form or _assignment_form(session, formdata=None),
                           ClassForm=ClassForm), status


@bp.get("/settings/classes")
@login_required("principal")
def settings_classes():
    """List the classes with their teachers; edit names, grades and headcounts; add a class."""
    return _classes_page(get_session())


@bp.post("/settings/classes", defaults={"class_id": None})
@bp.post("/settings/classes/<int:class_id>")
@login_required("principal")
def class_submit(class_id: int | None):
    """Add a class, or change one's name, grade or headcount (class size is judged again)."""
    session = get_session()
    if class_id is not None:
        try:  # scope before validation: another school's class is not found, whatever the form says
            school_admin.own_class(session, school_id(), class_id)
        except school_admin.NotInSchool:
            abort(404)
    form = ClassForm(prefix=f"c{class_id}" if class_id else "new")
    if form.validate_on_submit():
        try:
            school_admin.save_class(session, school_id=school_id(), user_id=g.user.id, class_id=class_id,
                                    name=form.name.data.strip(), grade=form.grade.data,
                                    headcount=form.headcount.data, today=school_today(session))
            return redirect(url_for("principal.settings_classes") + (f"#class-{class_id}" if class_id else ""), 303)
        except school_admin.NotInSchool:
            abort(404)
        except school_admin.NameTaken:
            session.rollback()
            form.name.errors = [*form.name.errors, _("Another class already has this name.")]
    if class_id is None:
        return _classes_page(session, new_form=form, status=422)
    return _classes_page(session, failed=(class_id, form), status=422)


@bp.post("/settings/assignments")
@login_required("principal")
def assignment_submit():
    """Make a teacher the class's teacher of a subject (another school's class or teacher is refused)."""
    session = get_session()
    form = _assignment_form(session)
    if not form.validate_on_submit():
        return _classes_page(session, assign_form=form, status=422)
    try:
        school_admin.assign_teacher(session, school_id=school_id(), user_id=g.user.id, class_id=form.class_id.data,
                                    subject_id=form.subject_id.data, teacher_id=form.teacher_id.data)
    except school_admin.NotInSchool:
        abort(404)
    flash(_("Teacher assigned: they can log homework for this class and subject now."))
    return redirect(url_for("principal.settings_classes") + f"#class-{form.class_id.data}", 303)


@bp.post("/settings/assignments/<int:assignment_id>/delete")
@login_required("principal")
def assignment_delete(assignment_id: int):
    """Remove a teacher assignment."""
    try:
        school_admin.remove_assignment(get_session(), school_id=school_id(), user_id=g.user.id,
                                       assignment_id=assignment_id)
    except school_admin.NotInSchool:
        abort(404)
    return redirect(url_for("principal.settings_classes"), 303)


@bp.get("/settings/links")
@login_required("principal")
def settings_links():
    """List each class's parent link and QR code, with a button to replace the link."""
    return links_page()


def links_page(confirm: int | None = None, confirm_survey: int | None = None) -> str:
    """The parent links and survey links of every class; confirm / confirm_survey: the class whose parent
    or survey link's replacement is being asked."""
    session = get_session()
    survey_closed, survey_links = survey_links_of(session, school_id=school_id())
    return render_template("principal/settings_links.html", parent_url=parent_url, confirm=confirm,
                           confirm_survey=confirm_survey,
                           classes=school_admin.class_settings(session, school_id=school_id()),
                           survey_closed=survey_closed, survey={s.class_id: s for s in survey_links},
                           survey_url=survey_url)


@bp.post("/settings/links/<int:class_id>")
@login_required("principal")
def link_regenerate(class_id: int):
    """Revoke the class's parent link and issue a new one (the old link and QR code stop working).

    Replacing a live link kills every printed QR code, so it needs confirm=1: the page's button asks
    first (a confirmation step without JavaScript), and a message says what happened (#14).
    """
    session = get_session()
    try:
        had_link = school_admin.live_token(session, school_id=school_id(), class_id=class_id) is not None
    except school_admin.NotInSchool:
        abort(404)
    if had_link and request.form.get("confirm") != "1":
        return links_page(confirm=class_id), 200
    school_admin.regenerate_link(session, school_id=school_id(), user_id=g.user.id, class_id=class_id)
    flash(_("New parent link issued. The old link and its printed QR codes no longer work: print and share the new "
            "one.") if had_link else _("Parent link created: share it or print its QR code."))
    return redirect(url_for("principal.settings_links") + f"#link-{class_id}", 303)


@bp.get("/settings/links/<int:class_id>/qr.svg")
@login_required("principal")
def class_qr(class_id: int):
    """The class's parent link as an SVG QR code, to print for the classroom door or the parents' group."""
    try:
        token = school_admin.live_token(get_session(), school_id=school_id(), class_id=class_id)
    except school_admin.NotInSchool:
        abort(404)
    if token is None:
        abort(404)
    out = io.BytesIO()
    segno.make(parent_url(token), error="m").save(out, kind="svg", scale=6, border=2, xmldecl=False,
                                                   title="QR")
    return Response(out.getvalue(), mimetype="image/svg+xml")
