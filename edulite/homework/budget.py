"""A class's homework budget before saving (R-HW-05): the engine's preview over individual items.

The class-evening summaries (loads.class_loads) cannot leave out the one item being edited, and the
wording check needs each item's text. A class has a handful of items per evening, so the preview loads
them one by one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, select

from edulite.core import rule_ids, rules
from edulite.core.calendar import zone_of
from edulite.core.entry import MAX_SPREAD_DAYS
from edulite.homework import loads
from edulite.models import HomeworkItem, School, Subject


def school_zone(session: Session, *, school_id: int) -> ZoneInfo:
    school = session.get(School, school_id)
    return zone_of(school.timezone if school else None)


def local_date(moment: datetime, zone: ZoneInfo) -> date:
    """The school-local date of a stored moment; SQLite hands back UTC times without their zone."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(zone).date()


def class_items(session: Session, *, class_id: int, first: date, last: date) -> list[rules.Item]:
    """Live items of one class with an evening in [first, last], each with its id and text."""
    rows = session.exec(
        select(HomeworkItem.id, HomeworkItem.class_id, Subject.name, HomeworkItem.kind, HomeworkItem.required,
               HomeworkItem.location, HomeworkItem.minutes, HomeworkItem.set_date, HomeworkItem.due_date,
               HomeworkItem.description)
        .join(Subject, Subject.id == HomeworkItem.subject_id)
        .where(HomeworkItem.class_id == class_id, col(HomeworkItem.withdrawn).is_(False),
               col(HomeworkItem.no_homework).is_(False), HomeworkItem.set_date <= last,
               HomeworkItem.set_date >= first - timedelta(days=MAX_SPREAD_DAYS),
               HomeworkItem.last_evening >= first)
    ).all()
    return [rules.Item(iid, cid, subject, kind, bool(req), loc, minutes, day, due, text or "")
            for iid, cid, subject, kind, req, loc, minutes, day, due, text in rows]


@dataclass(frozen=True)
class BudgetCheck:
    """What saving an entry would do, and whether the school lets it be saved."""

    preview: rules.Preview
    # Cap rules that this entry breaks, or pushes further over (R-HW-01..04, R-LOC-01).
    over_cap: tuple[rules.Alert, ...]
    wording: tuple[rules.Alert, ...]
    mode: str
    # The entry's minutes by evening (rules.spread): due after the next day, it is split over several.
    spread: dict[date, int]

    @property
    def state(self) -> str:
        return self.preview.state

    @property
    def needs_confirmation(self) -> bool:
        return bool(self.over_cap or self.wording)

    @property
    def banned(self) -> bool:
        """The entry breaks a ban (R-HW-01: written homework at home in grades 1–2): no reason overrides it."""
        return any(alert.rule_id in rule_ids.BAN_RULES for alert in self.over_cap)

    @property
    def blocked(self) -> bool:
        return self.banned or (self.mode == "block" and bool(self.over_cap))

    @property
    def problem(self) -> str | None:
        """What the meter's badge names (#15): the kind of problem, not just "over the cap"."""
        if self.banned:
            return "banned"
        if any(a.rule_id == "R-LOC-01" and a.subject for a in self.over_cap):
            return "subject_cap"
        if any(a.rule_id == "R-LOC-01" for a in self.over_cap):
            return "subjects"
        if self.over_cap:
            return "cap"
        return "wording" if self.wording else None

    @property
    def each(self) -> int:
        """The most minutes the entry puts on one of its evenings (the earliest get the remainder)."""
        return max(self.spread.values())


def check(session: Session, *, school_id: int, grade: int, candidate: rules.Item,
          replacing_id: int | None = None, items: list[rules.Item] | None = None) -> BudgetCheck:
    """Preview candidate against its class's other items under the policy in force on its set date.

    items: class_items of the candidate's evenings, when the caller has them already (the teacher's save).
    """
    days = rules.evenings(candidate)
    if items is None:
        items = class_items(session, class_id=candidate.class_id, first=days[0], last=days[-1])
    calendar = loads.school_calendar(session, school_id=school_id)
    policy = loads.policy_in_force(session, school_id=school_id, day=candidate.set_date)
    evenings = rules.evening_loads(items, candidate, grade=grade, calendar=calendar, policy=policy,
                                   replacing_id=replacing_id)
    shown = rules.preview(items, candidate, grade=grade, calendar=calendar, policy=policy,
                          replacing_id=replacing_id, loads=evenings)
    # preview's alerts are only the new ones; adding minutes to a day already over counts too. Without
    # the entry means without the item it replaces too: for a new entry, preview's "before" (#12).
    others = [item for item in items if replacing_id is None or item.id != replacing_id]
    over: dict[str, rules.Alert] = {}
    for day, before, with_it in evenings:
        if replacing_id is None:
            without = before
        else:
            (without,) = rules.day_loads(others, class_id=candidate.class_id, grade=grade, calendar=calendar,
                                         policy=policy, start=day, end=day + timedelta(days=1))
        old = {a.key: a.figure for a in rules.class_day_alerts(without, grade=grade, policy=policy)}
        for alert in rules.class_day_alerts(with_it, grade=grade, policy=policy):
            if alert.rule_id in rule_ids.CAP_RULES and (alert.key not in old or alert.figure > old[alert.key]):
                over.setdefault(alert.key, alert)
    wording = tuple(a for a in shown.alerts if a.rule_id not in rule_ids.CAP_RULES)
    return BudgetCheck(shown, tuple(rules.sort_alerts(over.values())), wording, policy.over_cap_mode,
                       rules.spread(candidate))
