"""What families report about an evening's homework (#13): the indicators and the R-SV rules (PURE).

The Ministry judges double reduction by what families report, not by what teachers estimate. This
module turns anonymous answers into the national indicators (on-time completion, median and 90th
percentile minutes, bedtime kept, parents asked to check, phones used) and the R-SV alerts, with
the privacy floor (R-SV-00) applied here, once: below it a figure is None, whatever page asks.

Standard library only; the database and the web never decide a figure or a threshold.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from .policy import Policy, parse_hhmm
from .rules import Alert

# "In bed by" bands offered on the form; "later" is after the last one.
BEDTIME_BANDS = ("20:00", "20:30", "21:00", "21:30", "22:00", "22:30", "23:00", "later")
# Quick choices for the minutes (a family may type any other number).
MINUTE_CHIPS = (0, 15, 30, 45, 60, 90, 120)
# Longer than this is not an evening's homework but a mistake or stuffing (#13).
MAX_MINUTES = 6 * 60
# A bedtime before this is not plausible for an evening's answer (#13).
EARLIEST_BEDTIME = "18:00"
# A family may answer about any of the last this many evenings.
EVENINGS_BACK = 7


@dataclass(frozen=True)
class Answer:
    """One stored answer with what judging it needs: the class-evening's cap, bedtime and logged minutes."""

    class_id: int
    evening: date
    device: str
    minutes: int
    finished: bool
    bedtime: str  # one of BEDTIME_BANDS
    asked_to_check: bool
    phone_used: bool
    cap: int  # the class's cap that evening (R-HW-01..04)
    bedtime_limit: str  # R-HW-10 for the class's stage, "HH:MM"
    logged: int  # the teachers' counted minutes of that class-evening
    grade: int = 0
    revision: int = 0  # a later answer from the same device wins; ties by content, so order never matters

    @property
    def key(self) -> tuple[int, date, str]:
        return self.class_id, self.evening, self.device


def clock_minutes(hhmm: str) -> int:
    """Minutes after noon of the day, so that a time after midnight ("00:30") is later than 23:00."""
    clock = parse_hhmm(hhmm)
    minutes = clock.hour * 60 + clock.minute
    return minutes + 24 * 60 if clock.hour < 12 else minutes


def bedtime_kept(band: str, limit: str) -> bool:
    """In bed by the band's time, and that time no later than the cut-off of R-HW-10."""
    return band != "later" and clock_minutes(band) <= clock_minutes(limit)


def on_time(answer: Answer) -> bool:
    """Written homework took no longer than the class's cap for that evening (the national indicator)."""
    return answer.minutes <= answer.cap


def unique(answers: Iterable[Answer]) -> list[Answer]:
    """One answer per device, class and evening: the latest revision, whatever order they come in."""
    chosen: dict[tuple[int, date, str], Answer] = {}
    for answer in answers:
        old = chosen.get(answer.key)
        if old is None or _rank(answer) > _rank(old):
            chosen[answer.key] = answer
    return sorted(chosen.values(), key=_rank)


def _rank(a: Answer) -> tuple[int, int, bool, str, bool, bool, date, int, str, int, int, str, int]:
    # Every field: two answers that differ in anything never tie, so the winner never depends on order.
    return (a.revision, a.minutes, a.finished, a.bedtime, a.asked_to_check, a.phone_used, a.evening, a.class_id,
            a.device, a.cap, a.logged, a.bedtime_limit, a.grade)


def percentile(values: Sequence[int], share: float) -> int:
    """Nearest-rank percentile: a figure some family actually reported, never an interpolation."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def ratio(reported: float | None, logged: float | None) -> float | None:
    """Reported over logged minutes, to two places; None when nothing was logged (no ratio of zero)."""
    if reported is None or logged is None or logged <= 0:
        return None
    return round(reported / logged, 2)


def share(count: int, total: int) -> float | None:
    """A percentage to one place, or None of nothing."""
    return round(100 * count / total, 1) if total else None


@dataclass(frozen=True)
class Figures:
    """The indicators over a set of answers; every figure is None below the privacy floor (R-SV-00)."""

    answers: int
    enough: bool
    on_time: float | None = None  # percent of answers within the evening's cap
    median: float | None = None  # reported minutes
    p90: int | None = None
    bedtime_kept: float | None = None  # percent
    finished: float | None = None  # percent finished before bedtime
    asked_to_check: float | None = None  # percent (R-HW-06)
    phone_used: float | None = None  # percent (R-HW-12)
    logged_median: float | None = None  # the teachers' counted minutes of the same evenings, per answer
    ratio: float | None = None  # median / logged_median


def figures(answers: Iterable[Answer], *, floor: int) -> Figures:
    """The indicators of answers (duplicates removed), or only their count when there are fewer than floor."""
    chosen = unique(answers)
    n = len(chosen)
    if n < max(floor, 1):
        return Figures(n, False)
    minutes = [a.minutes for a in chosen]
    median = float(statistics.median(minutes))
    logged = float(statistics.median(a.logged for a in chosen))
    return Figures(
        n, True,
        on_time=share(sum(on_time(a) for a in chosen), n),
        median=median,
        p90=percentile(minutes, 0.9),
        bedtime_kept=share(sum(bedtime_kept(a.bedtime, a.bedtime_limit) for a in chosen), n),
        finished=share(sum(a.finished for a in chosen), n),
        asked_to_check=share(sum(a.asked_to_check for a in chosen), n),
        phone_used=share(sum(a.phone_used for a in chosen), n),
        logged_median=logged,
        ratio=ratio(median, logged),
    )


@dataclass(frozen=True)
class Tally:
    """What figures() needs of a set of answers, counted (by SQL, edulite.survey.district): the number of
    answers, of those on time, in bed in time, finished, asked to check and with a phone, and how many
    answers reported each number of minutes and had each number of logged minutes. Unique answers only:
    storage keeps one per device, class and evening (the unique key), as unique() does."""

    answers: int
    on_time: int
    bedtime_kept: int
    finished: int
    asked_to_check: int
    phone_used: int
    minutes: Mapping[int, int]  # reported minutes -> number of answers
    logged: Mapping[int, int]  # the class-evening's logged minutes -> number of answers


def ranked(histogram: Mapping[int, int], index: int) -> int:
    """The value at index (from 0) of the values counted in histogram, sorted: sorted(values)[index]."""
    seen = 0
    for value in sorted(histogram):
        seen += histogram[value]
        if index < seen:
            return value
    raise IndexError(index)


def histogram_median(histogram: Mapping[int, int], n: int) -> float:
    """statistics.median of the n values counted in histogram: the middle one, or the mean of the two."""
    if n % 2:
        return float(ranked(histogram, n // 2))
    return (ranked(histogram, n // 2 - 1) + ranked(histogram, n // 2)) / 2


def tally_figures(tally: Tally, *, floor: int) -> Figures:
    """figures() of the answers tally counts: the same indicators, the same floor (R-SV-00), exactly."""
    n = tally.answers
    if n < max(floor, 1):
        return Figures(n, False)
    median = histogram_median(tally.minutes, n)
    logged = histogram_median(tally.logged, n)
    return Figures(
        n, True,
        on_time=share(tally.on_time, n),
        median=median,
        # percentile()'s nearest rank, from the counts.
        p90=ranked(tally.minutes, max(0, math.ceil(0.9 * n) - 1)),
        bedtime_kept=share(tally.bedtime_kept, n),
        finished=share(tally.finished, n),
        asked_to_check=share(tally.asked_to_check, n),
        phone_used=share(tally.phone_used, n),
        logged_median=logged,
        ratio=ratio(median, logged),
    )


def evenings_over(answers: Iterable[Answer], *, floor: int) -> list[date]:
    """Evenings whose reported median exceeds the cap while the logged minutes stay within it (R-SV-01).

    Each evening needs floor answers of its own: a figure under the floor may not even raise an alert.
    """
    by_evening: dict[date, list[Answer]] = {}
    for a in unique(answers):
        by_evening.setdefault(a.evening, []).append(a)
    found = []
    for evening, group in sorted(by_evening.items()):
        if len(group) < max(floor, 1):
            continue
        cap, logged = group[0].cap, group[0].logged
        if statistics.median(a.minutes for a in group) > cap and logged <= cap:
            found.append(evening)
    return found


def class_week_alerts(answers: Iterable[Answer], *, class_id: int, week: date, policy: Policy) -> list[Alert]:
    """R-SV-01..03 for one class and the week starting on week (a Monday), dated that Monday."""
    mine = [a for a in unique(answers) if a.class_id == class_id]
    floor = policy.survey_min_answers
    found: list[Alert] = []
    over = evenings_over(mine, floor=floor)
    if len(over) >= policy.survey_over_evenings:
        found.append(Alert("R-SV-01", "class", class_id, week, len(over), policy.survey_over_evenings,
                           detail=" ".join(d.isoformat() for d in over)))
    week_figures = figures(mine, floor=floor)
    if week_figures.enough:
        asked, kept = week_figures.asked_to_check, week_figures.bedtime_kept
        if asked is not None and asked > policy.survey_check_share_max:
            found.append(Alert("R-SV-02", "class", class_id, week, asked, policy.survey_check_share_max,
                               detail=str(week_figures.answers)))
        if kept is not None and kept < policy.survey_bedtime_kept_min:
            found.append(Alert("R-SV-03", "class", class_id, week, kept, policy.survey_bedtime_kept_min,
                               detail=str(week_figures.answers)))
    return found
