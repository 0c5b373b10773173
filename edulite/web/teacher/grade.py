"""The grade leader's week (年级组长): every class of the grade they lead, day by day against the cap."""

from __future__ import annotations

from flask import abort, g, render_template

from edulite.auth import login_required
from edulite.db import get_session
from edulite.homework import loads
from edulite.reports import week as dashboard
from edulite.web.params import week_context
from edulite.web.teacher import bp
from edulite.web.teacher.entry import school_today


@bp.get("/grade")
@login_required("teacher")
def grade_week():
    """Show the week of the classes of the grade the teacher leads, to coordinate subjects."""
    if g.scope.lead_grade is None:
        abort(403)
    week = week_context()
    session, today = get_session(), school_today()
    grade_classes = [c.class_id for c in loads.classes(session, school_id=g.scope.school_id)
                     if c.grade == g.scope.lead_grade]
    view = dashboard.week_view(session, school_id=g.scope.school_id, start=week["start"], today=today,
                               class_ids=grade_classes)
    return render_template("teacher/grade.html", view=view, classes=view.classes, week=week, today=today,
                           grade=g.scope.lead_grade)
