"""School calendar: which dates are school days, weekends or holidays (R-HW-04, R-AS-01).

Pure: standard library only, so the rule engine can be tested without a server.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from enum import Enum
from typing import Any, NoReturn
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


class FrozenDict(dict[Any, Any]):
    """A dict that refuses changes and can be hashed.

    It subclasses dict (rather than wrapping one) so that json.dumps and Jinja's tojson accept it
    as is; it lives here because this is the lowest pure module that policy and rules build on.
    """

    def _refuse(self, *_args: object, **_kwargs: object) -> NoReturn:
        raise TypeError(f"{type(self).__name__} is immutable")

    __setitem__ = __delitem__ = __ior__ = _refuse
    clear = pop = popitem = setdefault = update = _refuse

    def __hash__(self) -> int:  # type: ignore[override]
        return hash(frozenset(self.items()))

    def __reduce__(self) -> tuple[Any, ...]:
        # The default dict pickling replays __setitem__, which this class refuses.
        return (type(self), (dict(self),))

    def __repr__(self) -> str:
        return f"{type(self).__name__}({dict.__repr__(self)})"


class DayKind(str, Enum):
    SCHOOL_DAY = "school_day"
    WEEKEND = "weekend"
    HOLIDAY = "holiday"


_DAY_KIND_WORDS = {
    "school_day": DayKind.SCHOOL_DAY,
    "上课日": DayKind.SCHOOL_DAY,
    "工作日": DayKind.SCHOOL_DAY,
    "调休": DayKind.SCHOOL_DAY,
    "weekend": DayKind.WEEKEND,
    "周末": DayKind.WEEKEND,
    "holiday": DayKind.HOLIDAY,
    "节假日": DayKind.HOLIDAY,
    "假日": DayKind.HOLIDAY,
    "放假": DayKind.HOLIDAY,
}


def parse_day_kind(text: str | DayKind) -> DayKind:
    """Read a day kind as written in a calendar import, in English or Chinese."""
    if isinstance(text, DayKind):
        return text
    if isinstance(text, str):
        # Spreadsheets write "School day", "school-day" or "school_day" for the same thing.
        key = "_".join(text.strip().lower().replace("-", " ").replace("_", " ").split())
        if key in _DAY_KIND_WORDS:
            return _DAY_KIND_WORDS[key]
    raise ValueError(
        f"unknown day kind {text!r}: expected school_day, weekend or holiday "
        "(上课日/工作日/调休, 周末, 节假日/假日/放假)"
    )


def week_start(d: date) -> date:
    """Return the Monday of d's week: weeks run Monday to Sunday in Chinese schools."""
    return d - timedelta(days=d.weekday())


def _dates(start: date, end: date) -> Iterable[date]:
    for offset in range((end - start).days):
        yield start + timedelta(days=offset)


def _frozen_overrides(overrides: Mapping[Any, Any]) -> FrozenDict:
    frozen = {}
    for day, kind in overrides.items():
        if not isinstance(day, date):
            raise ValueError(f"calendar override key must be a date, got {day!r}")  # noqa: TRY004
        frozen[day] = parse_day_kind(kind)
    return FrozenDict(frozen)


@dataclass(frozen=True)
class SchoolCalendar:
    """Mon–Fri school days and Sat/Sun weekends, corrected by overrides.

    Overrides carry the year's holidays and make-up working days (调休): a Saturday listed as a
    school day is judged with the school-day cap (R-HW-04 only covers days off).
    """

    overrides: Mapping[date, DayKind] = field(default_factory=FrozenDict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "overrides", _frozen_overrides(self.overrides))

    def kind(self, d: date) -> DayKind:
        if d in self.overrides:
            return self.overrides[d]
        return DayKind.WEEKEND if d.weekday() >= 5 else DayKind.SCHOOL_DAY

    def is_school_day(self, d: date) -> bool:
        return self.kind(d) is DayKind.SCHOOL_DAY

    def school_days(self, start: date, end: date) -> list[date]:
        """Return the school days in the half-open range [start, end)."""
        return [d for d in _dates(start, end) if self.is_school_day(d)]

    def days(self, start: date, end: date) -> list[tuple[date, DayKind]]:
        """Return every date in [start, end) with its kind, for heat maps and week pages."""
        return [(d, self.kind(d)) for d in _dates(start, end)]

    def next_school_day(self, d: date) -> date:
        """Return the first school day strictly after d.

        A calendar with no school day in a year is a data-entry mistake; returning d + 1 day
        keeps pages working instead of looping forever.
        """
        for offset in range(1, 367):
            candidate = d + timedelta(days=offset)
            if self.is_school_day(candidate):
                return candidate
        return d + timedelta(days=1)


# Dates a user can ask for, type or import: the one bound for every page, form, command and sheet. Far
# outside, week and range arithmetic overflows date's limits (year 1 and 9999), and nothing a school
# does lies there anyway.
FIRST_SUPPORTED = date(2000, 1, 1)
LAST_SUPPORTED = date(2099, 12, 31)


_ISO_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def is_supported(day: date) -> bool:
    """Whether day lies within the supported years (FIRST_SUPPORTED to LAST_SUPPORTED)."""
    return FIRST_SUPPORTED <= day <= LAST_SUPPORTED


def parse_iso_day(text: object) -> date | None:
    """A YYYY-MM-DD date (surrounding spaces ignored) within the supported years, else None.

    The one date parser for URLs, forms, commands and stored policies; a date (not a datetime)
    passes through, checked against the same years.
    """
    if isinstance(text, datetime):
        return None
    if isinstance(text, date):
        day = text
    else:
        # Only the extended form: since 3.11 fromisoformat also reads 20261123 and 2026-W48-1.
        if not isinstance(text, str) or not _ISO_DAY.fullmatch(text.strip()):
            return None
        try:
            day = date.fromisoformat(text.strip())
        except ValueError:
            return None
    return day if is_supported(day) else None


# Where a school is when its own time zone is missing or unknown (the product's default region).
DEFAULT_TIMEZONE = "Asia/Shanghai"


def zone_of(name: str | None) -> ZoneInfo:
    """The named time zone, or the default one for a missing or unknown name."""
    try:
        return ZoneInfo(name or DEFAULT_TIMEZONE)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(DEFAULT_TIMEZONE)


def today_in(name: str | None, now: datetime | None = None) -> date:
    """The local date in a school's time zone: a school day ends at local midnight, not UTC's."""
    zone = zone_of(name)
    return (now.astimezone(zone) if now else datetime.now(zone)).date()
