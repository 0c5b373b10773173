"""After-school service rules (课后服务, R-AS-01..03): end-time window, length, coverage, activity.

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


def session_alerts(s: Session, policy: Policy) -> list[Alert]:
    """Return the alerts of one session: end window (R-AS-02), length (R-AS-01), new lesson (R-AS-03)."""
    alerts = []

    def alert(rule_id, figure, limit):
        alerts.append(Alert(rule_id, "school", None, s.date, figure, limit, session_id=s.id))

    earliest = parse_hhmm(policy.after_school_end_earliest)
    latest = parse_hhmm(policy.after_school_end_latest)
    if not earliest <= s.end <= latest:
        alert("R-AS-02", s.end.strftime("%H:%M"),
              f"{policy.after_school_end_earliest}–{policy.after_school_end_latest}")
    if s.minutes < policy.after_school_min_minutes:
        alert("R-AS-01", s.minutes, policy.after_school_min_minutes)
    if s.activity == "new_lesson":
        alert("R-AS-03", s.activity, None)
    return alerts


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
