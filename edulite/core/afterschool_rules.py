"""After-school service rules (课后服务, R-AS-01..03): end-time window and length of each day's service,
coverage of the week, activity of each session, and participation.

Pure: standard library only.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from .calendar import FrozenDict, SchoolCalendar
from .calendar import week_start as monday_of
from .policy import Policy, parse_hhmm
from .rules import Alert

ACTIVITIES = ("supervised_homework", "tutoring", "reading", "sports", "arts", "clubs", "science",
              "new_lesson")


@dataclass(frozen=True)
class Session:
    """One after-school session; participants maps class ID to pupils taking part."""

    id: int | None
    school_id: int
    date: date
    start: time
    end: time
    activity: str
    participants: Mapping[int, int] = field(default_factory=FrozenDict)

    def __post_init__(self) -> None:
        if self.activity not in ACTIVITIES:
            raise ValueError(f"activity: expected one of {', '.join(ACTIVITIES)}, "
                             f"got {self.activity!r}")
        if self.end <= self.start:
            raise ValueError(f"end: {self.end} must be after start {self.start}")
        if any(pupils < 0 for pupils in self.participants.values()):
            raise ValueError("participants: pupil counts must not be negative")
        object.__setattr__(self, "participants", FrozenDict(self.participants))

    @property
    def minutes(self) -> int:
        span = datetime.combine(self.date, self.end) - datetime.combine(self.date, self.start)
        return int(span.total_seconds() // 60)


@dataclass(frozen=True)
class ServiceDayAlert(Alert):
    """R-AS-01 (too short) or R-AS-02 (end outside the window) of a school's service on one day.

    Its key names the day's service, because the week's coverage alert (R-AS-01) is dated a
    Monday too and the two must never be matched to each other's stored alert.
    """

    @property
    def key(self) -> str:
        return f"{super().key}|service"


def merge_spans(times: Iterable[tuple[time, time]]) -> tuple[tuple[time, time], ...]:
    """The union of (start, end) times, earliest first: the one definition of a day's service (#16).

    The alerts (service_day_alerts), the district's compliance figures and the loads command's
    after-school minutes all measure a day's service through this: parallel sessions count once, a gap
    in which no session runs is no service.
    """
    spans: list[tuple[time, time]] = []
    for start, end in sorted(times):
        if spans and start <= spans[-1][1]:
            spans[-1] = (spans[-1][0], max(spans[-1][1], end))
        else:
            spans.append((start, end))
    return tuple(spans)


def service_spans(sessions: Iterable[Session]) -> tuple[tuple[time, time], ...]:
    """The times at which at least one session runs, earliest first (overlapping ones merged)."""
    return merge_spans((s.start, s.end) for s in sessions)


def service_minutes(times: Iterable[tuple[time, time]]) -> int:
    """Minutes of service of a day's (start, end) times: the length of their union, never first start to last end."""
    return span_minutes(merge_spans(times))


def ends_in_window(end: time, policy: Policy) -> bool:
    """Whether a day's service, ending when its last session ends, ends inside the R-AS-02 window (ends included)."""
    return parse_hhmm(policy.after_school_end_earliest) <= end <= parse_hhmm(policy.after_school_end_latest)


def spans_text(spans: Iterable[tuple[time, time]]) -> str:
    """Clock times only, the same in every language: "15:40–16:30, 17:00–17:40"."""
    return ", ".join(f"{a:%H:%M}–{b:%H:%M}" for a, b in spans)


def span_minutes(spans: Iterable[tuple[time, time]]) -> int:
    seconds = sum((datetime.combine(date.min, b) - datetime.combine(date.min, a)).total_seconds() for a, b in spans)
    return int(seconds // 60)


def service_day_alerts(sessions: Iterable[Session], policy: Policy) -> list[Alert]:
    """Judge each school-day's service as a whole: its length (R-AS-01) and its end (R-AS-02).

    POLICY.md asks the *service* of a day to last 2 hours and end in the window, not each session:
    a 16:00–17:00 reading group beside a 15:40–17:40 session breaks nothing. The service is the
    union of the day's sessions: parallel sessions count once, and a gap in which no session runs is
    no service (nobody supervises the pupils then), which first-start-to-last-end would count. It
    ends when its last session ends. The detail is the service's clock times (language-neutral).
    """
    by_day: dict[tuple[int, date], list[Session]] = {}
    for s in sessions:
        by_day.setdefault((s.school_id, s.date), []).append(s)
    alerts: list[Alert] = []
    for (_school, day), group in sorted(by_day.items()):
        spans = service_spans(group)
        detail, end, minutes = spans_text(spans), spans[-1][1], span_minutes(spans)
        if not ends_in_window(end, policy):
            alerts.append(ServiceDayAlert("R-AS-02", "school", None, day, end.strftime("%H:%M"),
                                          f"{policy.after_school_end_earliest}–{policy.after_school_end_latest}",
                                          detail=detail))
        if minutes < policy.after_school_min_minutes:
            alerts.append(ServiceDayAlert("R-AS-01", "school", None, day, minutes, policy.after_school_min_minutes,
                                          detail=detail))
    return alerts


def new_lesson_alerts(s: Session) -> list[Alert]:
    """R-AS-03, judged per session: a new lesson taught in it. The figure is the session's clock times."""
    if s.activity != "new_lesson":
        return []
    return [Alert("R-AS-03", "school", None, s.date, spans_text([(s.start, s.end)]), None, session_id=s.id)]


def day_preview(sessions: Iterable[Session], candidate: Session, policy: Policy) -> list[Alert]:
    """What the rules would say of candidate's day with candidate saved (replacing its stored version)."""
    day = [s for s in sessions if s.school_id == candidate.school_id and s.date == candidate.date
           and (candidate.id is None or s.id != candidate.id)]
    return service_day_alerts([*day, candidate], policy) + new_lesson_alerts(candidate)


def week_coverage_alerts(sessions: Iterable[Session], *, school_id: int,
                         calendar: SchoolCalendar, policy: Policy, week_start: date,
                         today: date | None = None) -> list[Alert]:
    """Return an R-AS-01 alert if the school offered service on too few school days that week.

    Only school days are required, so a holiday is never a missing day. With today given, days
    after it are still to come: the week is short only once the remaining days cannot make up.
    """
    monday = monday_of(week_start)
    school_days = calendar.school_days(monday, monday + timedelta(days=7))
    required = min(policy.after_school_days_per_week, len(school_days))
    judged = [d for d in school_days if today is None or d <= today]
    offered_days = {s.date for s in sessions if s.school_id == school_id}
    offered = [d for d in judged if d in offered_days]
    still_to_come = len(school_days) - len(judged)
    if len(offered) + still_to_come >= required:
        return []
    missing = [d.isoformat() for d in judged if d not in offered_days]
    return [Alert("R-AS-01", "school", None, monday, len(offered), required,
                  detail=", ".join(missing))]


@dataclass(frozen=True)
class Share:
    """Participation as pupil-days taking part out of pupil-days offered (R-AS-01 is voluntary).

    A class is judged only on the days it has a logged count: pupils is the sum of its counts on
    those days (each at most its headcount), places its headcount times the number of those days.
    A grade is the sum of its classes, so each class weighs by its size and its logged days.
    """

    pupils: int = 0
    places: int = 0

    def __add__(self, other: Share) -> Share:
        return Share(self.pupils + other.pupils, self.places + other.places)

    @property
    def rate(self) -> float | None:
        """pupils ÷ places; None when nothing was logged (unknown, which is not 0 %)."""
        return round(min(1.0, self.pupils / self.places), 3) if self.places > 0 else None


def day_counts(sessions: Iterable[Session]) -> dict[int, dict[date, int]]:
    """Each class's logged pupils per day: its largest group in any one session that day.

    The largest group, so pupils moving between sessions are not counted twice. A day on which the
    class is in no session is absent, never 0: the class's session may simply not be logged yet.
    """
    counts: dict[int, dict[date, int]] = {}
    for s in sessions:
        for class_id, pupils in s.participants.items():
            days = counts.setdefault(class_id, {})
            days[s.date] = max(days.get(s.date, 0), pupils)
    return counts


def class_share(counts: Mapping[date, int], headcount: int) -> Share:
    """A class's share over the days in counts (day -> pupils), the days it has a logged count."""
    if headcount <= 0:
        return Share()
    return Share(sum(min(pupils, headcount) for pupils in counts.values()), headcount * len(counts))


def participation(sessions: Iterable[Session], headcounts: Mapping[int, int]) -> dict[int, Share]:
    """Each class's share of its pupils in after-school service over the days it has a logged count."""
    counts = day_counts(sessions)
    return {class_id: class_share(counts.get(class_id, {}), headcount)
            for class_id, headcount in headcounts.items()}
