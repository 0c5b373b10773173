"""Reading a family's survey form: every field checked, every problem a code next to its field.

Codes, not words (edulite/web/labels.py has the words). A refused answer changes nothing.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, time

from edulite.core.calendar import parse_iso_day
from edulite.core.policy import parse_hhmm
from edulite.core.survey_rules import BEDTIME_BANDS, EARLIEST_BEDTIME, MAX_MINUTES

YES_NO = {"yes": True, "no": False}


@dataclass(frozen=True)
class AnswerInput:
    evening: date
    minutes: int
    finished: bool
    bedtime: str
    asked_to_check: bool
    phone_used: bool


def _minutes(form: Mapping[str, str]) -> tuple[int | None, str | None]:
    # A typed figure wins over a chip: the chips are shortcuts for the same field.
    text = (form.get("minutes_other") or "").strip() or (form.get("minutes") or "").strip()
    if not text:
        return None, "minutes_missing"
    if not text.isascii() or not text.isdigit() or len(text) > 5:
        return None, "minutes_number"
    value = int(text)
    if value > MAX_MINUTES:
        return None, "minutes_too_long"
    return value, None


def _bedtime(text: str) -> tuple[str | None, str | None]:
    if text in BEDTIME_BANDS:
        return text, None
    try:
        clock = parse_hhmm(text)
    except ValueError:
        return None, "bedtime_choose"
    # Between 04:00 and 18:00 is no evening's bedtime (after midnight is late, not early).
    if time(4) <= clock < parse_hhmm(EARLIEST_BEDTIME):
        return None, "bedtime_too_early"
    return None, "bedtime_choose"


def parse(form: Mapping[str, str], *, evenings: Sequence[date]) -> tuple[AnswerInput | None, dict[str, str]]:
    """The answer, or None and {field: code} for every field that is missing or implausible."""
    errors: dict[str, str] = {}
    evening = parse_iso_day(form.get("evening"))
    if evening is None or evening not in evenings:
        errors["evening"] = "evening_choose"
    minutes, problem = _minutes(form)
    if problem:
        errors["minutes"] = problem
    bedtime, problem = _bedtime((form.get("bedtime") or "").strip())
    if problem:
        errors["bedtime"] = problem
    flags = {}
    for name in ("finished", "asked_to_check", "phone_used"):
        value = YES_NO.get((form.get(name) or "").strip())
        if value is None:
            errors[name] = "yes_no"
        flags[name] = value
    if errors or evening is None or minutes is None or bedtime is None:
        return None, errors
    return AnswerInput(evening, minutes, bool(flags["finished"]), bedtime, bool(flags["asked_to_check"]),
                       bool(flags["phone_used"])), {}
