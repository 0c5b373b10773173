"""The double-reduction engine for homework: daily loads, caps and alerts (POLICY.md).

Pure functions over plain data, standard library only. After-school rules are in
rules_afterschool.py.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from .calendar import DayKind, FrozenDict, SchoolCalendar, parse_day_kind
from .policy import Policy, band_of, cap_for, stage_of, subject_cap
from .rule_ids import SCHOOL_DAY_CAP_RULE

KINDS = ("written", "oral", "reading", "practical", "exercise", "arts")
LOCATIONS = ("class", "after_school", "home")
# Everyday compounds that contain a banned word: 签字笔 is the usual name for a gel pen.
BENIGN_WORDS = ("签字笔", "签名笔")
# Words that turn a parent or phone request into its opposite when they come before it in the same clause:
# "无需家长签字" asks for no signature (R-HW-06, R-HW-12). Not a policy field: a school adding one could only
# silence the rule, and policies may only be stricter.
NEGATIONS = ("无需", "无须", "不需要", "不需", "不用", "不必", "不要求", "请勿", "勿需", "毋需", "毋须", "禁止",
             "no need", "not need", "don't need", "do not need", "not required", "not necessary", "without",
             "do not ask", "don't ask", "not ask", "no ")
# A clause ends at punctuation: "不用抄写，请家长签字" still asks for a signature.
_CLAUSE_END = re.compile(r"[，。；！？：,;.!?:\n]")
# How far before a match a negation is looked for, in characters of its clause (English words are longer).
NEGATION_REACH = 12
NEGATION_REACH_LATIN = 24


@dataclass(frozen=True)
class Item:
    """One homework entry as the teacher logged it."""

    id: int | None
    class_id: int
    subject: str
    kind: str
    required: bool
    location: str
    minutes: int
    set_date: date
    due_date: date | None = None
    description: str = ""

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"kind: expected one of {', '.join(KINDS)}, got {self.kind!r}")
        if self.location not in LOCATIONS:
            raise ValueError(f"location: expected one of {', '.join(LOCATIONS)}, "
                             f"got {self.location!r}")
        if isinstance(self.minutes, bool) or not isinstance(self.minutes, int) or self.minutes < 0:
            raise ValueError(f"minutes: must be a whole number of at least 0, got {self.minutes!r}")


def last_evening(set_date: date, due_date: date | None) -> date:
    """Return the last evening an item set on set_date and due on due_date is done on."""
    if due_date is not None and due_date < set_date:
        raise ValueError(f"due date {due_date} is before set date {set_date}")
    if due_date is None or due_date <= set_date + timedelta(days=1):
        return set_date
    return due_date - timedelta(days=1)


def evening_dates(set_date: date, due_date: date | None) -> list[date]:
    """Return the evenings of an entry: the set date, or each day before a later due date."""
    last = last_evening(set_date, due_date)
    return [set_date + timedelta(days=n) for n in range((last - set_date).days + 1)]


def evenings(item: Item) -> list[date]:
    """Return the evenings on which item is done (evening_dates)."""
    return evening_dates(item.set_date, item.due_date)


def spread_minutes(minutes: int, set_date: date, due_date: date | None) -> dict[date, int]:
    """Split minutes evenly over the evenings from set_date to due_date (POLICY "Counting, precisely").

    Floor division with the remainder given one minute each to the earliest evenings, so the
    total is exactly minutes: a load never loses or invents a minute.
    """
    days = evening_dates(set_date, due_date)
    share, extra = divmod(minutes, len(days))
    return {d: share + (1 if n < extra else 0) for n, d in enumerate(days)}


def spread(item: Item) -> dict[date, int]:
    """Split item's minutes evenly over its evenings (spread_minutes)."""
    return spread_minutes(item.minutes, item.set_date, item.due_date)


# The one kind and the one place whose minutes count toward the cap (R-HW-11, R-HW-09); the SQL form of
# counts_toward_cap (edulite/homework/counting.py) is built from these too.
COUNTED_KIND = "written"
COUNTED_LOCATION = "home"


def counts_toward_cap(*, kind: str, required: bool, location: str, withdrawn: bool = False,
                      no_homework: bool = False) -> bool:
    """Only required (R-HW-08), written (R-HW-11), at-home (R-HW-09) minutes of a live entry count.

    A withdrawn entry or a "no homework" marker never counts; the engine's Items are live entries
    already, so they leave both at False.
    """
    return (bool(required) and kind == COUNTED_KIND and location == COUNTED_LOCATION
            and not withdrawn and not no_homework)


def item_counts(item: Item) -> bool:
    """Whether an engine Item's minutes count toward the cap (counts_toward_cap)."""
    return counts_toward_cap(kind=item.kind, required=item.required, location=item.location)


def load_state(counted: int, cap: int) -> str:
    """Read a load against its cap as "ok", "near" or "over": the one reading every meter, heat map,
    chart and page shows.

    Over is more than the cap (POLICY "Over cap"); near is more than four fifths of it, in integers so
    that 48 of 60 (exactly 80 %) is still ok. A cap of 0 (grades 1–2) has no near: nothing or over.
    """
    if counted > cap:
        return "over"
    return "near" if counted * 5 > cap * 4 else "ok"


@dataclass(frozen=True)
class DayLoad:
    """One class's homework for one evening, measured against that day's cap."""

    class_id: int
    date: date
    day_kind: DayKind
    counted: int
    cap: int
    over: bool
    by_kind: Mapping[str, int] = field(default_factory=FrozenDict)
    by_subject: Mapping[str, int] = field(default_factory=FrozenDict)
    written_subjects: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        # Loads built by callers (e.g. from SQL sums) get the same immutable, hashable shape.
        object.__setattr__(self, "day_kind", parse_day_kind(self.day_kind))
        object.__setattr__(self, "by_kind", FrozenDict(self.by_kind))
        object.__setattr__(self, "by_subject", FrozenDict(self.by_subject))
        object.__setattr__(self, "written_subjects", tuple(self.written_subjects))


def day_loads(items: Iterable[Item], *, class_id: int, grade: int, calendar: SchoolCalendar,
              policy: Policy, start: date, end: date) -> list[DayLoad]:
    """Return one DayLoad per date in [start, end), weekends and holidays included."""
    kinds: dict[date, dict[str, int]] = {}
    subjects: dict[date, dict[str, int]] = {}
    for item in items:
        if item.class_id != class_id:
            continue
        for day, minutes in spread(item).items():
            if not start <= day < end:
                continue
            by_kind = kinds.setdefault(day, dict.fromkeys(KINDS, 0))
            by_kind[item.kind] += minutes
            if item_counts(item) and minutes:
                by_subject = subjects.setdefault(day, {})
                by_subject[item.subject] = by_subject.get(item.subject, 0) + minutes
    loads = []
    for offset in range((end - start).days):
        day = start + timedelta(days=offset)
        day_kind = calendar.kind(day)
        cap = cap_for(policy, grade, day_kind)
        by_subject = dict(sorted(subjects.get(day, {}).items()))
        counted = sum(by_subject.values())
        loads.append(DayLoad(
            class_id=class_id, date=day, day_kind=day_kind, counted=counted, cap=cap,
            over=counted > cap,  # grades 1–2 have cap 0, so any counted minute is over (R-HW-01)
            by_kind=FrozenDict(kinds.get(day, dict.fromkeys(KINDS, 0))),
            by_subject=FrozenDict(by_subject),
            written_subjects=tuple(by_subject),
        ))
    return loads


def weekly_average(loads: Iterable[DayLoad]) -> float | None:
    """Return the average counted load of the school days, to one decimal (POLICY "weekly average")."""
    school = [load.counted for load in loads if load.day_kind is DayKind.SCHOOL_DAY]
    if not school:
        return None
    # Half-up, as a principal checking by hand would round; float round() is half-even.
    mean = Decimal(sum(school)) / Decimal(len(school))
    return float(mean.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def week_average_so_far(loads: Iterable[DayLoad], today: date) -> tuple[float | None, int]:
    """The weekly average every page, export and command shows for one calendar week (Monday to Sunday)
    and the number of school days it averages (#16).

    loads are the whole week's, whatever range was asked for: a range cut mid-week still shows the week's
    figure. A week in progress is averaged over its school days before today (later evenings are not zeros
    yet, and today's homework is still being logged), so the count says how far the figure reaches.
    """
    done = [load for load in loads if load.date < today]
    return weekly_average(done), sum(1 for load in done if load.day_kind is DayKind.SCHOOL_DAY)


@dataclass(frozen=True)
class Alert:
    """A rule broken by a class or school: rule ID, where, when, the figure and the limit."""

    rule_id: str
    scope: str
    class_id: int | None
    day: date | None
    figure: float | int | str
    limit: float | int | str | None
    detail: str = ""
    item_id: int | None = None
    subject: str | None = None
    session_id: int | None = None

    @property
    def key(self) -> str:
        """A stable identity, so that a stored alert's acknowledgement survives recomputation."""
        parts = [self.rule_id, self.scope, "" if self.class_id is None else str(self.class_id),
                 "" if self.day is None else self.day.isoformat()]
        if self.subject is not None:
            parts.append(f"subject={self.subject}")
        if self.item_id is not None:
            parts.append(f"item={self.item_id}")
        if self.session_id is not None:
            parts.append(f"session={self.session_id}")
        return "|".join(parts)


def sort_alerts(alerts: Iterable[Alert]) -> list[Alert]:
    """Sort by day (undated first), rule ID and key; the rest breaks ties so input order never shows."""
    return sorted(alerts, key=lambda a: (
        a.day is not None, a.day or date.min, a.rule_id, a.key,
        str(a.figure), str(a.limit), a.detail))


def class_day_alerts(load: DayLoad, *, grade: int, policy: Policy) -> list[Alert]:
    """Return the cap alerts of one class-day (R-HW-01..04, R-LOC-01)."""
    band = band_of(grade)
    alerts = []

    def alert(rule_id: str, figure: int, limit: int, **extra: Any) -> None:
        alerts.append(Alert(rule_id, "class", load.class_id, load.date, figure, limit, **extra))

    if band == "1-2" and load.counted > 0:
        alert("R-HW-01", load.counted, 0)
    if load.day_kind is DayKind.SCHOOL_DAY:
        if band != "1-2" and load.counted > load.cap:
            alert(SCHOOL_DAY_CAP_RULE[band], load.counted, load.cap)
    elif load.counted > load.cap:
        alert("R-HW-04", load.counted, load.cap)
    for subject, minutes in load.by_subject.items():
        cap = subject_cap(policy, subject)
        if cap is not None and minutes > cap:
            alert("R-LOC-01", minutes, cap, subject=subject)
    most = policy.max_subjects_per_day.get(band)
    if most is not None and len(load.written_subjects) > most:
        alert("R-LOC-01", len(load.written_subjects), most, detail="、".join(load.written_subjects))
    return alerts


def negated(text: str, start: int) -> bool:
    """Whether a negation (NEGATIONS) stands before position start in the same clause ("无需家长签字")."""
    reach = NEGATION_REACH_LATIN if text[start:start + 1].isascii() else NEGATION_REACH
    clause = text[max(0, start - reach):start]
    ends = list(_CLAUSE_END.finditer(clause))
    if ends:
        clause = clause[ends[-1].end():]
    clause = clause.lower()
    return any(word in clause for word in NEGATIONS)


def _spans(text: str, patterns: Iterable[re.Pattern[str]], *, negatable: bool = False) -> list[str]:
    found = sorted(m.span() for p in patterns for m in p.finditer(text)
                   if m.end() > m.start() and not (negatable and negated(text, m.start())))
    merged: list[list[int]] = []
    for start, end in found:
        if merged and start < merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return [text[start:end] for start, end in merged]


def wording_problems(text: str, policy: Policy) -> list[tuple[str, str]]:
    """Return (rule ID, matched text) for parent-directed (R-HW-06), punitive (R-HW-08) and phone (R-HW-12)
    wording.

    Overlapping matches merge, so "请家长检查签字" is one finding, not four. A parent or phone word with a
    negation before it in its clause ("无需家长签字", "不用拍照上传") is no request and is not reported.
    """
    masked = text
    for word in BENIGN_WORDS:
        masked = masked.replace(word, "\0" * len(word))
    parent, any_parent = _patterns(policy.parent_words, literal=True)
    punitive, any_punitive = _patterns(policy.punitive_patterns, literal=False)
    phone, any_phone = _patterns(policy.phone_words, literal=True)
    # Most entries match nothing: one search of the combined pattern says so (an import judges thousands).
    return (([("R-HW-06", t) for t in _spans(masked, parent, negatable=True)] if any_parent.search(masked) else [])
            + ([("R-HW-08", t) for t in _spans(text, punitive)] if any_punitive.search(text) else [])
            + ([("R-HW-12", t) for t in _spans(text, phone, negatable=True)] if any_phone.search(text) else []))


@functools.lru_cache(maxsize=64)
def _patterns(sources: tuple[str, ...], *, literal: bool) -> tuple[list[re.Pattern[str]], re.Pattern[str]]:
    """Each pattern compiled once, and their alternation: no match of it means no match of any of them."""
    sources = tuple(re.escape(s) for s in sources) if literal else sources
    combined = "|".join(f"(?:{s})" for s in sources) or r"(?!)"
    return [re.compile(s, re.IGNORECASE) for s in sources], re.compile(combined, re.IGNORECASE)


def wording_alerts(item: Item, policy: Policy) -> list[Alert]:
    """Return at most one R-HW-06, one R-HW-08 and one R-HW-12 alert for item's description."""
    found: dict[str, list[str]] = {}
    for rule_id, matched in wording_problems(item.description, policy):
        found.setdefault(rule_id, []).append(matched)
    return [Alert(rule_id, "class", item.class_id, item.set_date, "、".join(texts), None,
                  item_id=item.id) for rule_id, texts in sorted(found.items())]


def class_size_alert(*, class_id: int, grade: int, headcount: int, policy: Policy) -> Alert | None:
    """Return an R-CL-01 alert if the class is larger than its stage allows."""
    most = policy.class_size_max[stage_of(grade)]
    if headcount > most:
        return Alert("R-CL-01", "class", class_id, None, headcount, most)
    return None


@dataclass(frozen=True)
class Preview:
    """The budget meter before saving (R-HW-05): the candidate's worst evening, before and after."""

    day: date
    before: DayLoad
    after: DayLoad
    alerts: tuple[Alert, ...]
    state: str


def day_state(load: DayLoad, alerts: Iterable[Alert]) -> str:
    """The meter's state of a class-day: over when any alert stands (a subject cap, R-LOC-01, can be
    broken under the daily cap), else load_state of its counted minutes."""
    return "over" if any(True for _ in alerts) else load_state(load.counted, load.cap)


def _pressure(load: DayLoad) -> float:
    if load.cap == 0:
        return float("inf") if load.counted else 0.0
    return load.counted / load.cap


def evening_loads(items: Iterable[Item], candidate: Item, *, grade: int, calendar: SchoolCalendar,
                  policy: Policy, replacing_id: int | None = None) -> list[tuple[date, DayLoad, DayLoad]]:
    """Each evening of candidate with its class's load before (every item as stored) and after saving it
    (replacing item replacing_id): what preview judges, computed once for its callers."""
    before_items = [item for item in items if item.class_id == candidate.class_id]
    after_items = [item for item in before_items
                   if replacing_id is None or item.id != replacing_id] + [candidate]
    out = []
    for day in evenings(candidate):
        span: dict[str, Any] = {"class_id": candidate.class_id, "grade": grade, "calendar": calendar,
                                "policy": policy, "start": day, "end": day + timedelta(days=1)}
        (before,) = day_loads(before_items, **span)
        (after,) = day_loads(after_items, **span)
        out.append((day, before, after))
    return out


def preview(items: Iterable[Item], candidate: Item, *, grade: int, calendar: SchoolCalendar,
            policy: Policy, replacing_id: int | None = None,
            loads: list[tuple[date, DayLoad, DayLoad]] | None = None) -> Preview:
    """Show what saving candidate would do to its class's budget, replacing item replacing_id.

    Every evening of a multi-evening candidate is judged and the worst one (then the earliest)
    is reported; alerts are the new ones of all its evenings plus its wording alerts.
    loads: evening_loads of the same arguments, when the caller has computed them.
    """
    if loads is None:
        loads = evening_loads(items, candidate, grade=grade, calendar=calendar, policy=policy,
                              replacing_id=replacing_id)
    wording = wording_alerts(candidate, policy)
    fresh_all: dict[str, Alert] = {}
    worst: tuple[tuple[int, float], Preview] | None = None
    for day, before, after in loads:
        known = {a.key for a in class_day_alerts(before, grade=grade, policy=policy)}
        fresh = [a for a in class_day_alerts(after, grade=grade, policy=policy)
                 if a.key not in known]
        fresh_all.update((a.key, a) for a in fresh)
        state = day_state(after, fresh + wording)
        rank = (("ok", "near", "over").index(state), _pressure(after))
        if worst is None or rank > worst[0]:
            worst = (rank, Preview(day, before, after, (), state))
    assert worst is not None  # evenings() always holds at least the set date
    chosen = worst[1]
    alerts = tuple(sort_alerts([*fresh_all.values(), *wording]))
    return Preview(chosen.day, chosen.before, chosen.after, alerts, chosen.state)
