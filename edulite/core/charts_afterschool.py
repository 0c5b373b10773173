"""Chart.js configurations for after-school participation, built whole on the server.

Pure: standard library only. The page puts the result in a JSON script tag and shows the same
numbers in a table; static/js/charts.js only hands the config to Chart.js.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

BAR = "#0b6e4f"
LOW = "#b7791f"
EMPTY = "#9aa5b1"
# Below this share the bar is drawn in the warning colour: few pupils use the service.
LOW_SHARE = 0.5


def is_low(rate: float | None) -> bool:
    """Whether a participation share is low enough to be flagged, in the chart and in the table."""
    return rate is not None and rate < LOW_SHARE


def percent(rate: float | None) -> int | None:
    return None if rate is None else round(rate * 100)


def participation_chart(labels: Sequence[str], rates: Sequence[float | None], *, title: str,
                        axis_label: str) -> dict[str, Any]:
    """A horizontal bar chart of participation in per cent (0–100), one bar per label.

    Horizontal, because class names are long and a phone is narrow. A missing rate (no pupils
    logged that week) is drawn as no bar rather than as zero.
    """
    if len(labels) != len(rates):
        raise ValueError("labels and rates must have the same length")
    values = [percent(r) for r in rates]
    colours = [EMPTY if r is None else LOW if is_low(r) else BAR for r in rates]
    return {
        "type": "bar",
        "data": {
            "labels": list(labels),
            "datasets": [{"label": axis_label, "data": values, "backgroundColor": colours,
                          "borderWidth": 0, "barPercentage": 0.8}],
        },
        "options": {
            "indexAxis": "y",
            "responsive": True,
            "maintainAspectRatio": False,
            "animation": False,
            "scales": {"x": {"min": 0, "max": 100, "title": {"display": True, "text": axis_label}},
                       "y": {"ticks": {"autoSkip": False}}},
            "plugins": {"legend": {"display": False}, "title": {"display": True, "text": title}},
        },
    }


def chart_height(bars: int) -> int:
    """Pixels the chart needs so that every bar and its label stay readable."""
    return 80 + 26 * max(bars, 1)
