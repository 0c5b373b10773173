"""Checks on what a teacher or principal types about after-school service, before any row is built.

No Flask and no database: the caller passes the texts and what they are checked against, and gets
plain values back or an Invalid naming each bad field with an error code (the web layer words it).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, time

from edulite.core.afterschool_rules import ACTIVITIES
from edulite.core.calendar import FrozenDict, SchoolCalendar, parse_iso_day

_WHOLE = re.compile(r"-?[0-9]{1,6}")

# Service runs in the afternoon; a time outside these is a typing slip (08:30 for 18:30).
EARLIEST = time(12, 0)
LATEST = time(21, 0)
# A plan offers what the service is for; "new_lesson" exists only so a session can be flagged.
PLAN_ACTIVITIES = tuple(a for a in ACTIVITIES if a != "new_lesson")
WEEKDAYS = range(5)
NOTE_MAX = 300


class Invalid(ValueError):
    """Bad input: errors maps a field name to (code, parameters for the message)."""

    def __init__(self, errors: Mapping[str, tuple[str, dict]]):
        super().__init__(", ".join(f"{field}: {code}" for field, (code, _p) in errors.items()))
        self.errors = dict(errors)


@dataclass(frozen=True)
class SessionTexts:
    """A session form as typed; pupils maps class ID to the text typed for it."""

    start: str | None
    end: str | None
    activity: str | None
    pupils: Mapping[int, str]
    note: str | None = None
    day: str | None = None


@dataclass(frozen=True)
class PlanTexts:
    """A term's plan as typed; days maps weekday (0 = Monday) to (start, end, activities)."""

    valid_from: str | None
    valid_to: str | None
    days: Mapping[int, tuple[str | None, str | None, Sequence[str]]]


@dataclass(frozen=True)
class SessionInput:
    day: date
    start: time
    end: time
    activity: str
    # class ID -> pupils taking part. A blank class is left out (not in this session); a 0 is kept: the
    # session was for the class and nobody came, a day that counts in its participation.
    pupils: Mapping[int, int]
    note: str | None


@dataclass(frozen=True)
class PlanDay:
    weekday: int
    start: time
    end: time
    activities: tuple[str, ...]


@dataclass(frozen=True)
class PlanInput:
    valid_from: date
    valid_to: date
    days: Mapping[int, PlanDay]


def day_or(text: str | None, default: date) -> date:
    """The date in text (YYYY-MM-DD), or default when it is missing, malformed or far off."""
    return parse_iso_day(text) or default


def _date(errors: dict, field: str, text: str | None) -> date | None:
    day = parse_iso_day(text)
    if day is None:
        errors[field] = ("date_invalid", {})
    return day


def _time(errors: dict, field: str, text: str | None) -> time | None:
    raw = (text or "").strip()
    try:
        value = time.fromisoformat(raw) if len(raw) in (5, 8) else None
    except ValueError:
        value = None
    if value is not None and value.tzinfo is not None:
        value = None  # "15:40+08" parses with a zone, and cannot be compared with the window (a 500)
    if value is None:
        errors[field] = ("time_invalid", {})
    elif not EARLIEST <= value <= LATEST:
        errors[field] = ("time_outside", {"earliest": f"{EARLIEST:%H:%M}", "latest": f"{LATEST:%H:%M}"})
        return None
    return value


def _span(errors: dict, prefix: str, start_text: str | None, end_text: str | None) -> tuple[time | None, time | None]:
    start = _time(errors, f"{prefix}start", start_text)
    end = _time(errors, f"{prefix}end", end_text)
    if start and end and end <= start:
        errors[f"{prefix}end"] = ("end_before_start", {})
    return start, end


def times_and_activity(start_text: str | None, end_text: str | None,
                       activity: str | None) -> tuple[time, time, str] | None:
    """The times and activity as typed, or None if saving would refuse them: for a warning before saving."""
    errors: dict[str, tuple[str, dict]] = {}
    start, end = _span(errors, "", start_text, end_text)
    if errors or start is None or end is None or activity not in ACTIVITIES:
        return None
    return start, end, activity


def _pupils(errors: dict, texts: Mapping[int, str], headcounts: Mapping[int, int]) -> dict[int, int]:
    pupils = {}
    for class_id, headcount in headcounts.items():
        # Full-width digits (１２) from Chinese input methods read as digits; "²" or "٣" pass isdigit() but
        # not int(), and 5,000 digits overflow int(): both were 500s, found by the fuzz suite (#17).
        raw = unicodedata.normalize("NFKC", texts.get(class_id) or "").strip()
        field = f"pupils-{class_id}"
        if not raw:
            continue
        if not _WHOLE.fullmatch(raw):
            errors[field] = ("pupils_invalid", {})
        elif int(raw) < 0:
            errors[field] = ("pupils_negative", {})
        elif int(raw) > headcount:
            errors[field] = ("pupils_over", {"headcount": headcount})
        else:
            pupils[class_id] = int(raw)
    return pupils


def parse_session(texts: SessionTexts, *, headcounts: Mapping[int, int], calendar: SchoolCalendar, today: date,
                  fixed_day: date | None = None) -> SessionInput:
    """Check a logged session; fixed_day is the day of a session being adjusted (not editable)."""
    errors: dict[str, tuple[str, dict]] = {}
    day = fixed_day or _date(errors, "day", texts.day)
    if day and not calendar.is_school_day(day):
        errors["day"] = ("not_school_day", {"day": day.isoformat()})
    elif day and day > today:
        errors["day"] = ("day_future", {})
    start, end = _span(errors, "", texts.start, texts.end)
    activity = texts.activity
    if activity not in ACTIVITIES:
        errors["activity"] = ("activity_invalid", {})
    pupils = _pupils(errors, texts.pupils, headcounts)
    if not any(pupils.values()) and not any(f.startswith("pupils-") for f in errors):
        errors["classes"] = ("no_pupils", {})
    note = (texts.note or "").strip()
    if len(note) > NOTE_MAX:
        errors["note"] = ("note_long", {"max": NOTE_MAX})
    if errors:
        raise Invalid(errors)
    return SessionInput(day, start, end, activity, FrozenDict(pupils), note or None)


def parse_plan(texts: PlanTexts, *, other_terms: Sequence[tuple[date, date]]) -> PlanInput:
    """Check a term's weekly plan; a weekday with neither time has no service (the plan says so)."""
    errors: dict[str, tuple[str, dict]] = {}
    valid_from = _date(errors, "valid_from", texts.valid_from)
    valid_to = _date(errors, "valid_to", texts.valid_to)
    if valid_from and valid_to and valid_to < valid_from:
        errors["valid_to"] = ("term_reversed", {})
    elif valid_from and valid_to:
        for a, b in other_terms:
            if a <= valid_to and valid_from <= b:
                errors["valid_from"] = ("term_overlaps", {"start": a.isoformat(), "end": b.isoformat()})
                break
    planned: dict[int, PlanDay] = {}
    for weekday in WEEKDAYS:
        start_text, end_text, activities = texts.days.get(weekday, (None, None, ()))
        if not (start_text or "").strip() and not (end_text or "").strip():
            continue
        start, end = _span(errors, f"{weekday}-", start_text, end_text)
        chosen = tuple(a for a in PLAN_ACTIVITIES if a in activities)
        if "new_lesson" in activities:
            errors[f"{weekday}-activities"] = ("plan_new_lesson", {})
        elif not chosen or any(a not in PLAN_ACTIVITIES for a in activities):
            errors[f"{weekday}-activities"] = ("activities_missing", {})
        if start and end:
            planned[weekday] = PlanDay(weekday, start, end, chosen)
    if not planned and not any(f[0].isdigit() for f in errors):
        errors["days"] = ("plan_empty", {})
    if errors:
        raise Invalid(errors)
    return PlanInput(valid_from, valid_to, FrozenDict(planned))
