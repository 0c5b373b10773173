"""The district supervisor's read-only view of all its schools."""

from __future__ import annotations

from flask import Blueprint, abort, g, render_template, request

from edulite.auth import login_required
from edulite.db import get_session
from edulite.reports import district
from edulite.reports import week as dashboard
from edulite.survey import district as survey_district
from edulite.web import cache
from edulite.web.clock import local_today
from edulite.web.params import week_context, whole

# A prefecture has hundreds of schools: a phone shows them a page at a time, the worst first if asked.
PAGE_SIZE = 50

bp = Blueprint("district", __name__, url_prefix="/district")


@bp.get("/")
@login_required("district")
def overview():
    """Compare the district's schools for one week."""
    week = week_context()
    sort = request.args.get("sort") if request.args.get("sort") in district.SORTS else "name"
    session, today = get_session(), local_today()
    # Recomputed once per change anywhere in the district, whatever the number of supervisors reading.
    # The district's version came with the caller's account (auth.load_user).
    key = ("district-week", g.scope.district_id, week["start"], today, sort, g.data_version)

    def render() -> str:
        # Only the page shown is built (the sorting and paging are done in SQL, #12).
        number = whole(request.args.get("page")) or 1
        found = cache.cached(key + (number,), lambda: district.district_page(
            session, district_id=g.scope.district_id, start=week["start"], end=week["end"], today=today, sort=sort,
            page=number, page_size=PAGE_SIZE))
        # The survey's rows are those of the schools shown, in the same order, below the district's own.
        shown = [(r.school_id, r.name) for r in found.rows]
        survey = cache.cached(("district-survey",) + key[1:] + (found.page,), lambda: survey_district.district_week(
            session, district_id=g.scope.district_id, start=week["start"], end=week["end"], schools=shown,
            policies=found.policies))
        return render_template("district/overview.html", rows=found.rows, total=found.total, week=week, sort=sort,
                               page=found.page, pages=found.pages, survey=survey)

    # Copied before Flask too (ADR 0016): nothing is checked per request but the account's district.
    return cache.page(key, render, memo=True)


@bp.get("/school/<int:school_id>")
@login_required("district")
def school(school_id: int):
    """Drill down into one school of the district: each class's week, as its principal sees it."""
    session = get_session()
    found = district.district_school(session, district_id=g.scope.district_id, school_id=school_id)
    if found is None:
        abort(404)
    week, today = week_context(), local_today()
    # Cached per the school's own version (its writes only), not the district's, which moves all evening.
    key = ("district-school", school_id, week["start"], today, found.version)

    def render() -> str:
        view = dashboard.week_view(session, school_id=school_id, start=week["start"], today=today)
        return render_template("district/school.html", school=found, view=view, week=week, today=today)

    # Not copied before Flask: that the school is in the caller's district is checked on every request.
    return cache.page(key, render)
