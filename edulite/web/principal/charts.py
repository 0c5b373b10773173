"""Translated labels around the pure chart builders: the view hands these dicts to the template as JSON."""

from __future__ import annotations

from flask_babel import format_date
from flask_babel import gettext as _

from edulite.core import charts
from edulite.core.charts_survey import estimate_chart
from edulite.reports.week import ClassWeek, GradeTrend, WeekView
from edulite.survey.reads import SurveySpan
from edulite.web import labels
from edulite.web.principal.common import day_label_lines


def grade_name(grade: int) -> str:
    return labels.grade_name(grade)


def grades_label(grades: tuple[int, ...]) -> str:
    if len(grades) == 1:
        return grade_name(grades[0])
    if list(grades) == list(range(grades[0], grades[-1] + 1)):
        return _("Grades %(first)d–%(last)d", first=grades[0], last=grades[-1])
    return _("Grades %(list)s", list=", ".join(map(str, grades)))


def class_chart(cw: ClassWeek, view: WeekView, colours: dict[str, str]) -> dict:
    return charts.stacked_week_chart(
        labels=[day_label_lines(d) for d in view.days], by_subject=cw.by_subject, caps=[c.cap for c in cw.cells],
        cap_label=_("Cap"), y_title=_("Minutes"), colours=colours)


def week_charts(view: WeekView) -> dict[int, dict]:
    colours = charts.subject_colours(view.subjects)
    return {cw.klass.class_id: class_chart(cw, view, colours) for cw in view.classes}


def trend_chart(trend: GradeTrend) -> dict:
    caps = {f"{_('Cap')} · {grades_label(grades)}": series for grades, series in charts.cap_groups(trend.caps)}
    return charts.trend_chart(
        labels=[format_date(w, "M/d") for w in trend.weeks],
        series={grade_name(g): values for g, values in trend.averages.items()}, caps=caps,
        y_title=_("Average minutes per school day"))


def survey_chart(span: SurveySpan) -> dict | None:
    """Logged against reported minutes, one point per class with enough answers (#13); None if none has."""
    points: dict[str, list[tuple[float, float]]] = {}
    caps: dict[int, list[int]] = {}
    for c in span.classes:
        f = c.figures
        if f.enough and f.median is not None and f.logged_median is not None:
            points.setdefault(grade_name(c.klass.grade), []).append((f.logged_median, f.median))
            cap = span.caps.get(c.klass.class_id)
            if cap:
                caps.setdefault(cap, []).append(c.klass.grade)
    if not points:
        return None
    cap_lines = {f"{_('Cap')} · {grades_label(tuple(sorted(set(grades))))}": cap
                 for cap, grades in sorted(caps.items())}
    return estimate_chart(points=points, caps=cap_lines, diagonal_label=_("As logged"),
                          x_title=_("Logged minutes (teachers' estimate)"),
                          y_title=_("Reported minutes (families' median)"))
