"""The survey's Chart.js configuration (#13): logged against reported minutes per class (PURE).

One point per class with enough answers: the teachers' counted minutes on the x axis, the families'
median on the y axis. Points above the "as logged" diagonal are classes whose homework takes longer
than estimated; the cap is a dashed line. Grouped by grade so that 36 classes need a legend of a few.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from .charts import CAP_COLOUR, POINT_STYLES, colour


def estimate_chart(*, points: Mapping[str, Sequence[tuple[float, float]]], caps: Mapping[str, int],
                   diagonal_label: str, x_title: str, y_title: str) -> dict[str, Any]:
    """points: {series label (a grade): [(logged, reported), ...]}; caps: {label: minutes}."""
    top = max([1.0] + [max(x, y) for series in points.values() for x, y in series]
              + [float(c) for c in caps.values()])
    top = float(int(top * 1.1) + 10)
    datasets: list[dict[str, Any]] = [
        {"type": "scatter", "label": name, "data": [{"x": x, "y": y} for x, y in series],
         "backgroundColor": colour(n), "borderColor": colour(n), "pointStyle": POINT_STYLES[n % len(POINT_STYLES)],
         "pointRadius": 6}
        for n, (name, series) in enumerate(points.items())
    ]
    datasets.append({"type": "line", "label": diagonal_label, "data": [{"x": 0, "y": 0}, {"x": top, "y": top}],
                     "borderColor": "#7F7F7F", "backgroundColor": "#7F7F7F", "borderWidth": 1, "pointRadius": 0,
                     "pointStyle": "line", "fill": False})
    datasets += [
        {"type": "line", "label": name, "data": [{"x": 0, "y": cap}, {"x": top, "y": cap}],
         "borderColor": CAP_COLOUR, "backgroundColor": CAP_COLOUR, "borderDash": [6, 4] if n == 0 else [2, 3],
         "borderWidth": 1.5, "pointRadius": 0, "pointStyle": "line", "fill": False}
        for n, (name, cap) in enumerate(caps.items())
    ]
    axis = {"type": "linear", "min": 0, "max": top, "beginAtZero": True}
    return {"type": "scatter", "data": {"datasets": datasets}, "options": {
        "responsive": True, "maintainAspectRatio": False, "animation": False,
        "scales": {"x": {**axis, "title": {"display": True, "text": x_title}},
                   "y": {**axis, "title": {"display": True, "text": y_title}}},
        "plugins": {"legend": {"position": "bottom",
                               "labels": {"boxWidth": 8, "boxHeight": 8, "usePointStyle": True}}}}}
