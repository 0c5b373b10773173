"""The teacher's pages: today's classes with their budget, and logging homework against it."""

from __future__ import annotations

from datetime import date, timedelta

from babel.dates import format_skeleton
from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from sqlalchemy.exc import OperationalError

from edulite.auth import login_required
from edulite.core.calendar import parse_iso_day
from edulite.db import RETRY_AFTER_SECONDS, get_session, is_busy, reads_first
from edulite.homework import queries as homework_queries
from edulite.homework import service as homework
from edulite.homework.history import item_history
from edulite.homework.input import InvalidHomework, parse_homework
from edulite.survey import reads as survey_reads
from edulite.web import cache
from edulite.web.htmx import render, wants_fragment
from edulite.web.labels import BUSY_SAVE, homework_messages
from edulite.web.params import db_id
from edulite.web.teacher import bp
from edulite.web.teacher import entry as ef

# A one-tap write (204, nothing swapped) announces itself at once: the meter and the evening refresh.
LOGGED = {"HX-Trigger": "homework-logged"}
# A save swaps in a fresh form with a fresh meter: announced after the swap, the old form's meter is gone and
# the new one not yet listening, so only the evening refreshes (announced before, the old meter would send
# one more request with the values just saved). htmx never fires After-Swap on a 204: LOGGED stays for those.
SAVED = {"HX-Trigger-After-Swap": "homework-logged"}


@bp.app_template_filter("add_days")
def add_days(day: date, days: int) -> date:
    return day + timedelta(days=days)


@bp.app_template_filter("day_label")
def day_label(day: date | str, skeleton: str = "MMMEd") -> str:
    """A short local date ("11月24日周二", "Tue, Nov 24"); a form's ISO text too; a dash if unreadable."""
    value = parse_iso_day(day)
    return "—" if value is None else format_skeleton(skeleton, value, locale=get_locale())


def _class_day(class_id: int, day: date):
    found = homework_queries.class_day(get_session(), scope=g.scope, class_id=class_id, day=day,
                                       today=ef.school_today())
    if found is None:
        abort(403)
    return found


def _entry_page(cd, form: ef.EntryForm, status: int = 200, fragment: str = "teacher/_entry_form.html",
                notice: str | None = None):
    """The class page (or one of its fragments) with the form as given and its budget preview."""
    sources = homework_queries.copy_sources(get_session(), scope=g.scope, class_id=cd.class_id, day=cd.day)
    # What families report (#13) sits beside the meter on the class page; the live preview does without.
    survey = None if fragment == "teacher/_meter_preview.html" else survey_reads.teacher_figures(
        get_session(), school_id=g.scope.school_id, class_id=cd.class_id, today=ef.school_today())
    return render("teacher/entry.html", fragment, status, cd=cd, form=form, check=ef.budget_check(form, cd),
                  sources=sources, today=ef.school_today(), quick=ef.QUICK_MINUTES, notice=notice, survey=survey,
                  also=ef.also_classes(form, cd))


def _back_url(class_id: int, day: date) -> str:
    if request.form.get("back") == "today":
        return url_for("teacher.today", day=day.isoformat())
    return url_for("teacher.entry", class_id=class_id, day=day.isoformat())


def _done(class_id: int, day: date, message: str):
    """After a save: a plain post goes back (303); htmx gets a fresh form and the homework-logged event."""
    if not wants_fragment():
        flash(message)
        return redirect(_back_url(class_id, day), 303)
    cd = _class_day(class_id, day)
    fresh = ef.blank_form(cd)
    fresh.saved = message
    body, status = _entry_page(cd, fresh)
    return body, status, {**SAVED, "HX-Replace-Url": url_for("teacher.entry", class_id=class_id,
                                                                day=day.isoformat())}


def _act(class_id: int, day: date, action, message: str):
    """Run a one-tap write (withdraw, graded, no homework): 204 + homework-logged for htmx, else 303."""
    try:
        action()
    except homework.Forbidden:
        abort(403)
    except InvalidHomework as error:
        text = " ".join(m for ms in homework_messages(error).values() for m in ms)
        if not wants_fragment():
            flash(text, "error")
            return redirect(_back_url(class_id, day), 303)
        cd = _class_day(class_id, day)
        return _entry_page(cd, ef.blank_form(cd), 422, "teacher/_class_day.html", notice=text)
    if wants_fragment():
        return "", 204, LOGGED
    flash(message)
    return redirect(_back_url(class_id, day), 303)


@bp.get("/")
@login_required("teacher")
def today():
    """Show each class the teacher teaches with the evening's budget: who set what, the cap, what is left."""
    now = ef.school_today()
    day = ef.parse_day(request.args.get("day"), now)

    def page() -> str:
        days = homework_queries.class_days(get_session(), scope=g.scope, day=day, today=now)
        return render_template("teacher/today.html", days=days, day=day, today=now)

    # The same until the school's next write (the version came with the account, auth.load_user); the
    # teacher's own classes and subjects are school data, so an assignment changes the version too.
    return cache.page(("teacher-today", g.scope.user_id, day, now, g.data_version), page, memo=True)


@bp.get("/class/<int:class_id>")
@login_required("teacher")
def entry(class_id: int):
    """Show one class's evening and the entry form (blank, for a subject, or copied from an earlier entry)."""
    cd = _class_day(class_id, ef.parse_day(request.args.get("day"), ef.school_today()))
    source_id = request.args.get("copy", type=db_id)
    source = source_id and homework_queries.my_item(get_session(), scope=g.scope, item_id=source_id)
    form = ef.blank_form(cd, subject_id=request.args.get("subject", type=db_id))
    if source:
        copied = ef.item_form(source, class_id=cd.class_id, day=cd.day)
        if int(copied.value("subject_id")) in dict(cd.my_subjects):
            form = copied
    return _entry_page(cd, form)


@bp.post("/class/<int:class_id>")
@login_required("teacher")
@reads_first
def entry_submit(class_id: int):
    """Save a new entry: 303 back to the page, or a fresh form and a homework-logged event for htmx."""
    form = ef.submitted_form(class_id, request.form)
    try:
        data = parse_homework(request.form, class_id=class_id)
        if form.also:
            # One entry for several classes (#15): all saved, or none with each class's problem shown.
            confirmed = form.also_confirmed | ({class_id} if form.confirm_over else set())
            saved = homework.log_homework_for_classes(
                get_session(), scope=g.scope, data=data, class_ids=form.also, today=ef.school_today(),
                confirmed=confirmed, reason=form.value("over_reason"))
        else:
            saved = [homework.log_homework(get_session(), scope=g.scope, data=data, today=ef.school_today(),
                                           confirm_over=form.confirm_over, reason=form.value("over_reason"))]
    except homework.Forbidden:
        abort(403)
    except InvalidHomework as error:
        form.errors = homework_messages(error)
        # Built only for the error page: a save that succeeds redirects and never shows it.
        cd = _class_day(class_id, ef.parse_day(request.form.get("set_date"), ef.school_today()))
        return _entry_page(cd, form, 422)
    except OperationalError as error:
        if not is_busy(error):
            raise
        # The write lock stayed taken (a long import) past the busy timeout: nothing was saved. The form
        # comes back as typed, with a 503 and Retry-After (#17); htmx leaves the form on screen as it is.
        get_session().rollback()
        form.errors = {"form": [str(BUSY_SAVE)]}
        cd = _class_day(class_id, ef.parse_day(request.form.get("set_date"), ef.school_today()))
        body, status = _entry_page(cd, form, 503)
        return body, status, {"Retry-After": str(RETRY_AFTER_SECONDS)}
    if len(saved) > 1:
        names = homework_queries.class_names(get_session(), scope=g.scope, class_ids=[i.class_id for i in saved])
        return _done(class_id, data.set_date, _("Saved for %(n)s classes: %(names)s.", n=len(saved),
                                                names="、".join(names)))
    return _done(class_id, data.set_date, _("Saved. Log the next one, or go back to your classes."))


@bp.route("/class/<int:class_id>/meter", methods=["GET", "POST"])
@login_required("teacher")
def meter(class_id: int):
    """Show what the entry as typed would do to the class's budget, before saving."""
    values = request.values
    cd = _class_day(class_id, ef.parse_day(values.get("set_date"), ef.school_today()))
    item_id = values.get("item_id", type=db_id)
    if item_id and homework_queries.my_item(get_session(), scope=g.scope, item_id=item_id) is None:
        abort(403)
    form = ef.submitted_form(class_id, values, item_id=item_id)
    return _entry_page(cd, form, fragment="teacher/_meter_preview.html")


@bp.get("/class/<int:class_id>/day")
@login_required("teacher")
def class_day(class_id: int):
    """Show the class's evening: the meter and every subject's entries (refreshed after each save)."""
    cd = _class_day(class_id, ef.parse_day(request.args.get("day"), ef.school_today()))
    return _entry_page(cd, ef.blank_form(cd), fragment="teacher/_class_day.html")


@bp.post("/class/<int:class_id>/no-homework")
@login_required("teacher")
def no_homework_submit(class_id: int):
    """Publish "no homework" (作业：无) for one subject on one day with one tap."""
    day = request.form.get("day") or request.form.get("set_date")
    cd = _class_day(class_id, ef.parse_day(day, ef.school_today()))
    subject_id = request.form.get("subject_id", type=db_id)
    if not subject_id:
        abort(400)  # the button always names its subject: without one the request is malformed
    return _act(class_id, cd.day, lambda: homework.log_no_homework(
        get_session(), scope=g.scope, class_id=class_id, subject_id=subject_id, set_date=cd.day,
        today=ef.school_today()), _("Saved: no homework."))


def _my_item(item_id: int, *, any_subject: bool = False):
    """An entry the teacher may change (their class and subject) or, with any_subject, look at."""
    find = homework_queries.class_item if any_subject else homework_queries.my_item
    item = find(get_session(), scope=g.scope, item_id=item_id)
    if item is None:
        abort(403)
    return item


@bp.get("/item/<int:item_id>")
@login_required("teacher")
def item(item_id: int):
    """Show one entry with every change made to it."""
    found = _my_item(item_id, any_subject=True)
    revisions = item_history(get_session(), item_id=item_id, scope=g.scope)
    cd = _class_day(found.class_id, found.set_date)
    return render_template("teacher/item.html", item=found, revisions=revisions, cd=cd, today=ef.school_today())


@bp.get("/item/<int:item_id>/edit")
@login_required("teacher")
def item_edit(item_id: int):
    """Show the entry form filled with the entry, to change it on the day it is set."""
    found = _my_item(item_id)
    return _entry_page(_class_day(found.class_id, found.set_date), ef.item_form(found, class_id=found.class_id))


@bp.post("/item/<int:item_id>/edit")
@login_required("teacher")
def item_edit_submit(item_id: int):
    """Save changes to an entry; the old values stay in its history."""
    found = _my_item(item_id)
    form = ef.submitted_form(found.class_id, request.form, item_id=item_id)
    cd = _class_day(found.class_id, ef.parse_day(form.value("set_date"), found.set_date))
    try:
        data = parse_homework(request.form, class_id=found.class_id)
        homework.edit_homework(get_session(), scope=g.scope, item_id=item_id, data=data,
                               today=ef.school_today(), confirm_over=form.confirm_over,
                               reason=form.value("over_reason"), version=request.form.get("version", type=db_id))
    except homework.Forbidden:
        abort(403)
    except InvalidHomework as error:
        form.errors = homework_messages(error)
        if "stale" in {p.code for ps in error.problems.values() for p in ps}:
            # The choice: the current values are shown; saving again (now on the current version) keeps
            # the teacher's own, the link reopens the entry as it is.
            form.current = _my_item(item_id)
            form.values["version"] = str(form.current.version)
        return _entry_page(cd, form, 422)
    return _done(found.class_id, data.set_date, _("Changes saved."))


@bp.post("/item/<int:item_id>/withdraw")
@login_required("teacher")
def withdraw_submit(item_id: int):
    """Withdraw an entry (it stays in the history, marked withdrawn)."""
    found = _my_item(item_id)
    return _act(found.class_id, found.set_date, lambda: homework.withdraw_homework(
        get_session(), scope=g.scope, item_id=item_id, today=ef.school_today()), _("Entry withdrawn."))


@bp.post("/item/<int:item_id>/graded")
@login_required("teacher")
def graded_submit(item_id: int):
    """Mark an entry graded by the teacher (R-HW-07), or take the mark back."""
    found = _my_item(item_id)
    graded = request.form.get("graded", "1") != "0"
    return _act(found.class_id, found.set_date, lambda: homework.mark_graded(
        get_session(), scope=g.scope, item_id=item_id, graded=graded), _("Saved."))


@bp.post("/item/<int:item_id>/restore")
@login_required("teacher")
def restore_submit(item_id: int):
    """Bring a withdrawn entry back on the day it is set; the withdrawal stays in its history."""
    found = _my_item(item_id)
    return _act(found.class_id, found.set_date, lambda: homework.restore_homework(
        get_session(), scope=g.scope, item_id=item_id, today=ef.school_today()), _("Entry restored."))
