"""Chart.js configurations and heat-map states built from plain numbers (PURE: standard library only).

The server builds the whole config; static/js/charts.js only hands it to Chart.js. Labels arrive
already translated, so nothing here knows about languages, Flask or the database.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from .rules import load_state

# Okabe–Ito: distinguishable with the common colour-vision deficiencies; the ninth is a dark grey.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000", "#7F7F7F")
# Point shapes repeat the colour information for readers who cannot tell the colours apart.
POINT_STYLES = ("circle", "triangle", "rect", "rectRot", "star", "cross", "crossRot", "rectRounded", "line")
CAP_COLOUR = "#c53030"


def cell_state(*, counted: int, cap: int, school_day: bool, logged: bool, past: bool, future: bool = False) -> str:
    """The heat-map state of one class-day: over, near or ok as the teacher's meter reads it (rules.load_state),
    or missing (a past school day with no log), off (a day off with nothing to do) or future (nothing due yet)."""
    state = load_state(counted, cap)
    if state == "over":
        return state
    if school_day and past and not logged:
        return "missing"
    if not school_day and counted == 0:
        return "off"
    if future and counted == 0:
        return "future"
    return state


def colour(index: int) -> str:
    return PALETTE[index % len(PALETTE)]


def _base_options(*, y_title: str, stacked: bool, title: str | None = None) -> dict[str, Any]:
    plugins: dict[str, Any] = {
        "legend": {"position": "bottom", "labels": {"boxWidth": 8, "boxHeight": 8, "usePointStyle": True}}}
    if title:
        plugins["title"] = {"display": True, "text": title}
    return {
        "responsive": True,
        "maintainAspectRatio": False,
        # Charts are redrawn on every week change; an animation only delays reading (and printing).
        "animation": False,
        "interaction": {"mode": "index", "intersect": False},
        "scales": {
            # Every day (or week) keeps its label; multi-line labels fit a phone without rotating.
            "x": {"stacked": stacked, "ticks": {"autoSkip": False, "maxRotation": 0}},
            "y": {"stacked": stacked, "beginAtZero": True, "title": {"display": True, "text": y_title}},
        },
        "plugins": plugins,
    }


def subject_colours(subjects: Sequence[str]) -> dict[str, str]:
    """One colour per subject for the whole page, so 数学 is the same colour in every class's chart."""
    return {subject: colour(n) for n, subject in enumerate(subjects)}


def stacked_week_chart(*, labels: Sequence[str | Sequence[str]], by_subject: Mapping[str, Sequence[int]],
                       caps: Sequence[int], cap_label: str, y_title: str, colours: Mapping[str, str] | None = None,
                       title: str | None = None) -> dict[str, Any]:
    """Counted minutes per day stacked by subject, with the day's cap as a dashed line."""
    if any(len(values) != len(labels) for values in by_subject.values()) or len(caps) != len(labels):
        raise ValueError("every series needs one value per label")
    datasets = [
        {"type": "bar", "label": subject, "data": list(values),
         "backgroundColor": (colours or {}).get(subject, colour(n)), "stack": "load", "order": 2}
        for n, (subject, values) in enumerate(by_subject.items())
    ]
    # Its own stack keeps the cap line from being added on top of the bars.
    datasets.append({"type": "line", "label": cap_label, "data": list(caps), "borderColor": CAP_COLOUR,
                     "backgroundColor": CAP_COLOUR, "borderDash": [6, 4], "borderWidth": 2, "pointRadius": 0,
                     "pointStyle": "line", "stepped": "middle", "fill": False, "stack": "cap", "order": 1})
    return {"type": "bar", "data": {"labels": [lb if isinstance(lb, str) else list(lb) for lb in labels],
                                     "datasets": datasets},
            "options": _base_options(y_title=y_title, stacked=True, title=title)}


def trend_chart(*, labels: Sequence[str], series: Mapping[str, Sequence[float | None]],
                caps: Mapping[str, Sequence[int | None]], y_title: str) -> dict[str, Any]:
    """Weekly averages per grade as solid lines, and each distinct cap as a dashed line; gaps stay gaps."""
    for values in (*series.values(), *caps.values()):
        if len(values) != len(labels):
            raise ValueError("every series needs one value per label")
    datasets = [
        {"type": "line", "label": name, "data": list(values), "borderColor": colour(n), "backgroundColor": colour(n),
         "pointStyle": POINT_STYLES[n % len(POINT_STYLES)], "pointRadius": 4, "borderWidth": 2,
         "spanGaps": False, "fill": False, "tension": 0}
        for n, (name, values) in enumerate(series.items())
    ]
    datasets += [
        {"type": "line", "label": name, "data": list(values), "borderColor": CAP_COLOUR, "backgroundColor": CAP_COLOUR,
         "borderDash": [6, 4] if n == 0 else [2, 3], "borderWidth": 1.5, "pointRadius": 0, "pointStyle": "line",
         "fill": False}
        for n, (name, values) in enumerate(caps.items())
    ]
    return {"type": "line", "data": {"labels": list(labels), "datasets": datasets},
            "options": _base_options(y_title=y_title, stacked=False)}


def cap_groups(caps: Mapping[int, Sequence[int | None]]) -> list[tuple[tuple[int, ...], tuple[int | None, ...]]]:
    """Grades whose cap series are equal share one cap line: nine grades usually need only three."""
    groups: dict[tuple[int | None, ...], list[int]] = {}
    for grade, series in sorted(caps.items()):
        groups.setdefault(tuple(series), []).append(grade)
    return [(tuple(grades), series) for series, grades in groups.items()]
