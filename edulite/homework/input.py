"""What a teacher typed, validated before any row is built; errors as codes next to each field.

No Flask: the web layer words each code in the reader's language (web/labels.py).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta

from pydantic import BaseModel, ConfigDict, Field, ValidationError, ValidationInfo, field_validator
from pydantic_core import PydanticCustomError

from edulite.core.calendar import parse_iso_day
from edulite.core.entry import MAX_SPREAD_DAYS
from edulite.core.rules import KINDS, LOCATIONS
from edulite.core.text import strip_unsafe

MAX_MINUTES = 240
MAX_DESCRIPTION = 500
MAX_REASON = 300
# A teacher logs today's homework, catches up on last week's or prepares next week's; no further.
SET_DATE_WINDOW_DAYS = 7
# What can be wrong, by code; the web layer words each code (web/labels.py). Codes named after a field are
# also what pydantic's own errors on that field (not a number, not a date ...) are reported as.
CODES = frozenset({
    "form", "subject_id", "description", "description_long", "kind", "required", "location", "minutes", "set_date",
    "set_date_window", "due_date", "due_before_set", "due_too_far", "confirm_over", "over_reason", "blocked",
    "locked", "withdrawn", "already_logged",
    # One entry for several classes (#15): a ticked class where the teacher does not teach the subject.
    "also_subject",
    # An edit made on a form opened before the entry last changed (#15).
    "stale",
    # Written homework at home in grades 1–2 (R-HW-01): a ban, which no reason overrides (#15).
    "banned",
})
PARAMS = {"description_long": {"max": MAX_DESCRIPTION}, "minutes": {"max": MAX_MINUTES},
          "set_date_window": {"days": SET_DATE_WINDOW_DAYS}, "due_too_far": {"days": MAX_SPREAD_DAYS},
          "over_reason": {"max": MAX_REASON}}


@dataclass(frozen=True)
class Problem:
    """One problem with one field: a code and the figures its message quotes."""

    code: str

    @property
    def params(self) -> dict:
        return PARAMS.get(self.code, {})


@dataclass
class InvalidHomework(ValueError):
    """Bad input: problems by field name ("form" for the entry as a whole). Nothing was written."""

    problems: dict[str, list[Problem]] = field(default_factory=dict)

    @classmethod
    def one(cls, field_name: str, code: str) -> InvalidHomework:
        return cls({field_name: [Problem(code)]})

    def __str__(self) -> str:
        return "; ".join(f"{k}: {p.code}" for k, ps in self.problems.items() for p in ps)


def clean_text(value: object) -> str:
    """Strip control characters (the one rule: core/text.py) and surrounding space."""
    return strip_unsafe(str(value or "")).strip()


class HomeworkInput(BaseModel):
    """One entry as typed; building it validates everything that does not depend on today's date."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    # Declared first: the checks of description and minutes below read it.
    no_homework: bool = False
    class_id: int
    # Bounded: a 20-digit id would overflow the database's integer instead of meaning "not yours".
    subject_id: int = Field(ge=1, le=2**31 - 1)
    description: str = ""
    kind: str = "written"
    required: bool = True
    location: str = "home"
    minutes: int
    set_date: date
    due_date: date | None = None

    @field_validator("description", mode="before")
    @classmethod
    def _clean(cls, value: object) -> str:
        return clean_text(value)

    @field_validator("description")
    @classmethod
    def _described(cls, text: str, info: ValidationInfo) -> str:
        if len(text) > MAX_DESCRIPTION:
            raise PydanticCustomError("description_long", "too long")
        if not text and not info.data.get("no_homework"):
            raise PydanticCustomError("description", "required")
        return text

    @field_validator("kind")
    @classmethod
    def _known_kind(cls, kind: str) -> str:
        if kind not in KINDS:
            raise PydanticCustomError("kind", "unknown kind")
        return kind

    @field_validator("location")
    @classmethod
    def _known_location(cls, location: str) -> str:
        if location not in LOCATIONS:
            raise PydanticCustomError("location", "unknown location")
        return location

    @field_validator("minutes", mode="before")
    @classmethod
    def _digits(cls, value: object) -> object:
        # Chinese input methods often type full-width digits (１５).
        return unicodedata.normalize("NFKC", value).strip() if isinstance(value, str) else value

    @field_validator("minutes")
    @classmethod
    def _in_range(cls, minutes: int, info: ValidationInfo) -> int:
        lowest = 0 if info.data.get("no_homework") else 1
        if not lowest <= minutes <= MAX_MINUTES:
            raise PydanticCustomError("minutes", "out of range")
        return minutes

    @field_validator("set_date", "due_date", mode="before")
    @classmethod
    def _iso_day(cls, value: object, info: ValidationInfo) -> object:
        # Typed dates go through the one parser every page uses (YYYY-MM-DD, supported years only).
        if not isinstance(value, str):
            return value
        if not value.strip() and info.field_name == "due_date":
            return None
        day = parse_iso_day(value)
        if day is None:
            raise PydanticCustomError(info.field_name or "date", "not a date")
        return day

    @field_validator("due_date")
    @classmethod
    def _after_set(cls, due: date | None, info: ValidationInfo) -> date | None:
        set_date = info.data.get("set_date")
        if due is None or set_date is None:
            return due
        if due < set_date:
            raise PydanticCustomError("due_before_set", "due before set")
        if due > set_date + timedelta(days=MAX_SPREAD_DAYS):
            raise PydanticCustomError("due_too_far", "due too far")
        return due


def parse_homework(raw: Mapping[str, object], *, class_id: int) -> HomeworkInput:
    """Build a HomeworkInput from form fields, or raise InvalidHomework listing every field's problem.

    `no_homework` is never read from the form: a smuggled no_homework=true skipped the description and
    minutes checks (#17). Only log_no_homework, behind its own route, builds a no-homework marker.
    """
    data = {k: v for k, v in raw.items() if k in HomeworkInput.model_fields and k not in ("class_id", "no_homework")}
    data["class_id"] = class_id
    try:
        return HomeworkInput.model_validate(data)
    except ValidationError as error:
        problems: dict[str, list[Problem]] = {}
        for err in error.errors():
            name = str(err["loc"][0]) if err["loc"] else "form"
            # Our own checks name their message; pydantic's (not a number, not a date ...) get the field's.
            code = err["type"] if err["type"] in CODES else name if name in CODES else "form"
            problems.setdefault(name, []).append(Problem(code))
        raise InvalidHomework(problems) from None


def check_dates(data: HomeworkInput, *, today: date) -> None:
    """The set date must be near today: a typo in the year must not file homework in another term."""
    if abs((data.set_date - today).days) > SET_DATE_WINDOW_DAYS:
        raise InvalidHomework.one("set_date", "set_date_window")


def clean_reason(reason: str | None) -> str:
    return clean_text(reason)
