"""The parents' read-only class page, opened from a link or QR code (作业公示).

No account and no session: the token in the URL is the only credential, so the pages keep it out of
Referer headers and shared caches. Only GET (and HEAD) are routed; every other method is a 405, and
Flask's automatic OPTIONS answer is turned off so that "read-only" has no exception (R-HW-06).
"""

from __future__ import annotations

import io

import segno
from babel.dates import format_skeleton
from flask import Blueprint, abort, current_app, g, make_response, render_template, request, url_for
from flask_babel import force_locale, get_locale
from flask_babel import gettext as _

from edulite.db import get_session
from edulite.reports import publication
from edulite.web import cache, clock
from edulite.web.memo import GZIP_ETAG_SUFFIX

bp = Blueprint("parent", __name__, url_prefix="/c")
READ_ONLY = {"methods": ["GET"], "provide_automatic_options": False}


def _linked_class(token: str) -> publication.LinkedClass:
    klass = publication.class_for_token(get_session(), token, request.environ.get(publication.LINK_ENVIRON_KEY))
    if klass is None:
        abort(404)
    return klass


def _revalidating(response, etag: str | None = None):
    """Cheap refreshes: a minute from the phone's own cache, then a 304 while nothing changed."""
    response.cache_control.private = True  # the URL is a secret: no shared proxy may keep a copy
    response.cache_control.max_age = current_app.config["PARENT_CACHE_SECONDS"]
    response.vary.add("Cookie")  # the language cookie changes the page
    if etag:
        response.set_etag(etag)
    else:
        response.add_etag()
    return response.make_conditional(request)


@bp.route("/<token>", **READ_ONLY)
def week(token: str):
    """Show one week of a class's homework by day, each day's total against the cap."""
    session = get_session()
    klass = _linked_class(token)
    today = clock.today_in_zone(klass.timezone)
    start = publication.week_of(request.args.get("week"), today)
    # Every family of the class opens the same page in the same evening minutes: it is computed once
    # per data version, and a phone that has it already gets a 304 without any of it.
    # full_path: the language switch links back to it (parent/base.html).
    key = ("parent-week", token, start, today, str(get_locale()), klass.data_version, request.full_path)
    tag = cache.etag(key)
    # The compressed copy (edulite/web/memo.py) names itself with a suffix: the same page either way.
    for held in (tag, tag + GZIP_ETAG_SUFFIX):
        if held in request.if_none_match:
            return _revalidating(make_response("", 304), held)  # the tag of the copy the phone holds

    def page() -> str:
        shown = publication.class_week(session, klass=klass, start=start, today=today)
        return render_template("parent/week.html", klass=klass, week=shown, token=token)

    response = make_response(cache.cached(key, page))
    if g.get("user") is None:  # a signed-in caller's copy would be keyed by their own school, not this one
        cache.memoizable()
    return _revalidating(response, tag)


@bp.route("/<token>/qr.svg", **READ_ONLY)
def qr(token: str):
    """Return the page's address as a printable SVG QR code for the class notice board."""
    _linked_class(token)
    buffer = io.BytesIO()
    code = segno.make(url_for("parent.week", token=token, _external=True), error="m")
    code.save(buffer, kind="svg", scale=10, border=4, dark="#000", light="#fff", xmldecl=False)
    return _revalidating(make_response(buffer.getvalue(), 200, {"Content-Type": "image/svg+xml"}))


@bp.errorhandler(404)
def not_found(_err):
    """One page for unknown and revoked links alike, in both languages: it must not tell which it was."""
    other = "en" if str(get_locale()) == "zh" else "zh"
    with force_locale(other):
        text = _("This class page does not exist or is no longer available.") + " " + _(
            "Please ask the school for the current link or QR code.")
    page = render_template("parent/not_found.html", other_language={"code": other, "text": text})
    return page, 404, {"Cache-Control": "no-store"}


@bp.after_request
def _private(response):
    response.headers["Referrer-Policy"] = "no-referrer"  # the token must not reach other sites
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    return response


@bp.app_template_filter("parent_day")
def parent_day(day) -> str:
    """A short date with its weekday: 11月19日周四 / Thu, Nov 19."""
    return format_skeleton("MMMEd", day, locale=str(get_locale()))
