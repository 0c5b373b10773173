"""The teacher's entry form as the page holds it: typed values, messages by field (worded by web/labels.py),
and the budget meter's candidate built from whatever has been typed so far."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta

from flask import g

from edulite.core import rules
from edulite.core.calendar import parse_iso_day
from edulite.core.entry import MAX_SPREAD_DAYS
from edulite.db import get_session
from edulite.homework import budget, loads, queries
from edulite.homework.input import clean_text
from edulite.homework.queries import ClassDay
from edulite.models import HomeworkItem
from edulite.web import clock

FIELDS = ("subject_id", "description", "kind", "required", "location", "minutes", "set_date", "due_date",
          "over_reason", "version")
QUICK_MINUTES = (5, 10, 15, 20, 30)
NUMBER_CAP = 10**6
# Pages look at most a year either way; anything further is a typo in the address.
DAY_RANGE = timedelta(days=366)


@dataclass
class EntryForm:
    """What the form shows: values as typed (strings), messages by field, and which entry it edits."""

    class_id: int
    values: dict[str, str]
    errors: dict[str, list[str]] = field(default_factory=dict)
    item_id: int | None = None
    confirm_over: bool = False
    saved: str | None = None
    # A blank form may be refilled from the phone's saved draft; one showing typed values may not.
    fresh: bool = False
    # An edit refused because the entry changed meanwhile: the entry as it is now, shown beside the form.
    current: HomeworkItem | None = None
    # One entry for several classes (#15): the other classes ticked, and those confirmed over a cap.
    also: list[int] = field(default_factory=list)
    also_confirmed: set[int] = field(default_factory=set)

    def value(self, name: str) -> str:
        return self.values.get(name, "")


def school_today() -> date:
    return clock.school_today(get_session(), g.scope.school_id)


def parse_day(text: str | None, today: date) -> date:
    """The day a page shows: ?day=YYYY-MM-DD within a year of today, else today."""
    day = parse_iso_day(text)
    return day if day is not None and abs(day - today) <= DAY_RANGE else today


def next_school_day(day: date) -> date:
    return loads.school_calendar(get_session(), school_id=g.scope.school_id).next_school_day(day)


def blank_form(cd: ClassDay, *, subject_id: int | None = None) -> EntryForm:
    """A new entry for the class and day, subject preselected: the one asked for, else the first not
    yet logged that day, else the first the teacher teaches there."""
    ids = [sid for sid, _ in cd.my_subjects]
    if subject_id not in ids:
        open_ids = [sid for sid in ids if not cd.logged(sid)]
        subject_id = (open_ids or ids)[0]
    # Grades 1–2 may not have written homework at home (R-HW-01): their form starts in class, so that an
    # entry does not begin as a violation (#15).
    location = "class" if cd.grade <= 2 else "home"
    return EntryForm(cd.class_id, {
        "subject_id": str(subject_id), "kind": "written", "required": "1", "location": location,
        "minutes": "", "description": "", "set_date": cd.day.isoformat(),
        "due_date": next_school_day(cd.day).isoformat()}, fresh=True)


def item_form(item: HomeworkItem, *, class_id: int, day: date | None = None) -> EntryForm:
    """The form filled from an entry: to edit it (day None) or to copy it onto class_id and day."""
    values = {"subject_id": str(item.subject_id), "description": item.description, "kind": item.kind,
              "required": "1" if item.required else "0", "location": item.location,
              "minutes": str(item.minutes), "over_reason": item.over_cap_reason or ""}
    if day is None:
        # The version the form was opened on: a save from an older form is refused (#15).
        values["version"] = str(item.version)
        values |= {"set_date": item.set_date.isoformat(),
                   "due_date": item.due_date.isoformat() if item.due_date else ""}
        return EntryForm(class_id, values, item_id=item.id)
    values |= {"set_date": day.isoformat(), "due_date": next_school_day(day).isoformat(), "over_reason": ""}
    return EntryForm(class_id, values)


def submitted_form(class_id: int, data: Mapping[str, str], *, item_id: int | None = None) -> EntryForm:
    values = {name: str(data.get(name, "")) for name in FIELDS}
    values["required"] = "0" if values["required"] == "0" else "1"
    form = EntryForm(class_id, values, item_id=item_id, confirm_over=data.get("confirm_over") in ("1", "on"))
    if item_id is None:
        form.also = _ids(data, "also", class_id)
        form.also_confirmed = set(_ids(data, "confirm_class", class_id))
    return form


# More classes than any teacher teaches one subject in: a longer list is not a form a person sent.
MAX_ALSO = 12


def _ids(data: Mapping[str, str], name: str, own: int) -> list[int]:
    getlist = getattr(data, "getlist", None)
    texts = getlist(name) if getlist else []
    ids = [n for n in (_number(text) for text in texts[:MAX_ALSO]) if 0 < n < 2**31 and n != own]
    return list(dict.fromkeys(ids))


@dataclass(frozen=True)
class AlsoClass:
    """Another class of the same subject on the form: ticked or not, with its own meter once ticked."""

    class_id: int
    name: str
    ticked: bool
    confirmed: bool
    check: budget.BudgetCheck | None


def also_classes(form: EntryForm, cd: ClassDay) -> list[AlsoClass]:
    """The teacher's other classes of the form's subject; each ticked one previewed against its own budget."""
    if form.item_id is not None:
        return []
    subject_id = _number(form.value("subject_id"))
    if subject_id not in dict(cd.my_subjects):
        return []
    here = candidate(form, cd)
    out = []
    for other in queries.parallel_classes(get_session(), scope=g.scope, class_id=cd.class_id,
                                          subject_id=subject_id):
        check = None
        if other.class_id in form.also:
            check = budget.check(get_session(), school_id=g.scope.school_id, grade=other.grade,
                                 candidate=dataclasses.replace(here, class_id=other.class_id))
        out.append(AlsoClass(other.class_id, other.name, check is not None,
                             other.class_id in form.also_confirmed, check))
    return out


def _number(text: str) -> int:
    """A whole number from typed text, 0 if unreadable; capped because a 400-digit "minutes" would
    overflow the engine's ratio and the meter only needs to say "over"."""
    try:
        return min(max(int(clean_text(text)), 0), NUMBER_CAP)
    except ValueError:
        return 0


def _day(text: str, default: date | None) -> date | None:
    return parse_iso_day(text) or default


def candidate(form: EntryForm, cd: ClassDay) -> rules.Item:
    """The entry as typed so far; unreadable fields fall back to harmless values so the meter still shows."""
    subject = dict(cd.my_subjects).get(_number(form.value("subject_id")), cd.my_subjects[0][1])
    set_date = _day(form.value("set_date"), cd.day)
    due = _day(form.value("due_date"), None)
    if due is not None and not set_date <= due <= set_date + timedelta(days=MAX_SPREAD_DAYS):
        due = None
    kind = form.value("kind") if form.value("kind") in rules.KINDS else "written"
    location = form.value("location") if form.value("location") in rules.LOCATIONS else "home"
    return rules.Item(form.item_id, cd.class_id, subject, kind, form.value("required") != "0", location,
                      _number(form.value("minutes")), set_date, due, clean_text(form.value("description")))


def budget_check(form: EntryForm, cd: ClassDay) -> budget.BudgetCheck:
    return budget.check(get_session(), school_id=g.scope.school_id, grade=cd.grade,
                        candidate=candidate(form, cd), replacing_id=form.item_id)
