"""The double-reduction policy as data: national defaults and stricter-only overrides (一校一策).

Every number or word list that POLICY.md marks configurable lives in a Policy; rules.py reads it.
Pure: standard library only. Every bad value raises ValueError naming its key (never TypeError),
so that forms and JSON loaders catch one exception type.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any, cast

from .calendar import DayKind, FrozenDict, parse_day_kind, parse_iso_day
from .rule_ids import SCHOOL_DAY_CAP_RULE

BANDS = ("1-2", "3-6", "7-9")
STAGES = ("primary", "junior")
OVER_CAP_MODES = ("warn", "block")

_NUMERAL = "[0-9一二三四五六七八九十百两]"
# Doing something once ("再写一遍" after a correction) is not repetition (R-HW-08).
_MORE_THAN_ONCE = rf"(?![1一]\s*遍){_NUMERAL}+\s*遍"

PARENT_WORDS = (
    "家长签字", "家长检查", "家长批改", "家长批阅", "家长检查签字", "家长听写", "家长默写",
    "家长打分", "请家长", "家长在群里打卡", "签名", "签字",
    "parent signature", "parent's signature", "parents check", "parent to check",
    "parents to check", "parents grade", "signed by parent", "parent to sign", "parents to sign",
)

# Asking pupils or parents to use a phone for homework: photographs, recordings, uploads to a chat group (R-HW-12).
PHONE_WORDS = (
    "拍照上传", "拍照发", "拍照片发", "拍视频", "录视频", "录制视频", "录音上传", "录音发", "上传到群",
    "发到群里", "发群里", "发到班级群", "上传至群", "用手机", "手机拍", "手机打卡", "小程序打卡", "钉钉打卡",
    "upload a photo", "send a photo", "take a photo", "photo to the group", "record a video",
    "upload a video", "on the phone", "using a phone",
)

PUNITIVE_PATTERNS = (
    r"罚(?:抄|写|做|背)",
    # Copying with a short object between verb and count: 抄写课文三遍, 课文抄五遍, 生字抄写10遍.
    rf"抄写?[^\s，。；、,;.!?！？]{{0,8}}?{_MORE_THAN_ONCE}",
    rf"写\s*{_MORE_THAN_ONCE}",
    (r"\b(?:copy|write\s+out)\b[^.;!?\n]{0,40}?"
     r"\b(?:[2-9]|\d{2,}|two|three|four|five|six|seven|eight|nine|ten|twenty|fifty|hundred)"
     r"\s+times\b"),
)

_HHMM = re.compile(r"([01]?\d|2[0-3]):([0-5]\d)")


def band_of(grade: int) -> str:
    """Return the grade band whose cap applies (R-HW-01 1–2, R-HW-02 3–6, R-HW-03 7–9)."""
    if isinstance(grade, bool) or not isinstance(grade, int) or not 1 <= grade <= 9:
        raise ValueError(f"grade must be a whole number from 1 to 9, got {grade!r}")
    return "1-2" if grade <= 2 else "3-6" if grade <= 6 else "7-9"


def stage_of(grade: int) -> str:
    """Return "primary" (grades 1–6) or "junior" (7–9): bedtime and class size go by stage."""
    return "junior" if band_of(grade) == "7-9" else "primary"


def parse_hhmm(text: str) -> time:
    """Read a policy clock time such as "17:30"."""
    match = _HHMM.fullmatch(text) if isinstance(text, str) else None
    if not match:
        raise ValueError(f"expected a time as HH:MM, got {text!r}")
    return time(int(match[1]), int(match[2]))


def _whole(key: str, value: Any, minimum: int, maximum: int | None = None) -> int:
    whole = isinstance(value, int) and not isinstance(value, bool)
    if not whole or value < minimum or (maximum is not None and value > maximum):
        upper = f" and at most {maximum}" if maximum is not None else ""
        raise ValueError(f"{key}: must be a whole number of at least {minimum}{upper}, "
                         f"got {value!r}")
    return cast(int, value)


def _mapping(key: str, value: Any) -> Mapping[Any, Any]:
    if not isinstance(value, Mapping):
        raise ValueError(f"{key}: must be a mapping, got {value!r}")  # noqa: TRY004
    return value


def _fixed_keys(key: str, value: Any, keys: tuple[str, ...], read: Callable[[str, Any], Any]) -> FrozenDict:
    value = _mapping(key, value)
    unknown = [k for k in value if k not in keys]
    if unknown:
        raise ValueError(f"{key}: unknown key {unknown[0]!r}, expected {', '.join(keys)}")
    missing = [k for k in keys if k not in value]
    if missing:
        raise ValueError(f"{key}: missing {missing[0]!r}")
    return FrozenDict({k: read(f"{key}.{k}", value[k]) for k in keys})


def _band_ints(key: str, value: Any, minimum: int = 0) -> FrozenDict:
    return _fixed_keys(key, value, BANDS, lambda k, v: _whole(k, v, minimum))


def _open_ints(key: str, value: Any, allowed: tuple[str, ...] | None = None) -> FrozenDict:
    result = {}
    for name, number in _mapping(key, value).items():
        if not isinstance(name, str) or not name.strip() or (allowed and name not in allowed):
            expected = ", ".join(allowed) if allowed else "non-empty text"
            raise ValueError(f"{key}: unknown key {name!r}, expected {expected}")
        result[name.strip()] = _whole(f"{key}.{name}", number, 0)
    return FrozenDict(result)


def _hhmm(key: str, value: Any) -> str:
    try:
        return parse_hhmm(value).strftime("%H:%M")
    except ValueError:
        raise ValueError(f"{key}: expected a time as HH:MM, got {value!r}") from None


def _texts(key: str, value: Any) -> tuple[str, ...]:
    # A lone string would otherwise be read as a list of single characters.
    if isinstance(value, str) or not isinstance(value, (list, tuple)):
        raise ValueError(f"{key}: must be a list of text, got {value!r}")  # noqa: TRY004
    result: list[str] = []
    for text in value:
        if not isinstance(text, str) or not text.strip():
            raise ValueError(f"{key}: entries must be non-empty text, got {text!r}")
        if text.strip() not in result:
            result.append(text.strip())
    return tuple(result)


def _patterns(key: str, value: Any) -> tuple[str, ...]:
    patterns = _texts(key, value)
    for pattern in patterns:
        try:
            re.compile(pattern)
        except re.error as error:
            raise ValueError(f"{key}: invalid regular expression {pattern!r}: {error}") from None
    return patterns


def _optional_cap(key: str, value: Any) -> int | None:
    return None if value is None else _whole(key, value, 0)


def _mode(key: str, value: Any) -> str:
    if value not in OVER_CAP_MODES:
        raise ValueError(f"{key}: must be 'warn' or 'block', got {value!r}")
    return cast(str, value)


def _day(key: str, value: Any) -> date | None:
    if value is None:
        return None
    day = parse_iso_day(value.date() if isinstance(value, datetime) else value)
    if day is None:
        raise ValueError(f"{key}: expected an ISO date (YYYY-MM-DD) from 2000 to 2099, got {value!r}")
    return day


_READERS: dict[str, Callable[[str, Any], Any]] = {
    "caps_school_day": _band_ints,
    "caps_weekend": _band_ints,
    "caps_holiday": _band_ints,
    "subject_caps": _open_ints,
    "subject_cap_default": _optional_cap,
    "max_subjects_per_day": lambda k, v: _open_ints(k, v, BANDS),
    "over_cap_mode": _mode,
    "after_school_end_earliest": _hhmm,
    "after_school_end_latest": _hhmm,
    "after_school_min_minutes": lambda k, v: _whole(k, v, 0, 24 * 60),
    "after_school_days_per_week": lambda k, v: _whole(k, v, 0, 7),
    "bedtime": lambda k, v: _fixed_keys(k, v, STAGES, _hhmm),
    "class_size_max": lambda k, v: _fixed_keys(k, v, STAGES, lambda kk, vv: _whole(kk, vv, 1)),
    "parent_words": _texts,
    "phone_words": _texts,
    "punitive_patterns": _patterns,
    "effective_from": _day,
    "survey_min_answers": lambda k, v: _whole(k, v, 1, 1000),
    "survey_over_evenings": lambda k, v: _whole(k, v, 1, 7),
    "survey_check_share_max": lambda k, v: _whole(k, v, 0, 100),
    "survey_bedtime_kept_min": lambda k, v: _whole(k, v, 0, 100),
}
# Maps whose keys are always every band or stage: a partial one can only mean "change these".
_COMPLETE_MAPS = ("caps_school_day", "caps_weekend", "caps_holiday", "bedtime", "class_size_max")


def _caps(one_two: int, three_six: int, seven_nine: int) -> Any:
    return field(default_factory=lambda: FrozenDict({"1-2": one_two, "3-6": three_six,
                                                     "7-9": seven_nine}))


@dataclass(frozen=True)
class Policy:
    """One school's or district's rules; defaults are the national floor (POLICY.md)."""

    caps_school_day: Mapping[str, int] = _caps(0, 60, 90)  # R-HW-01, R-HW-02, R-HW-03
    caps_weekend: Mapping[str, int] = _caps(0, 60, 90)  # R-HW-04: no more than a school day
    caps_holiday: Mapping[str, int] = _caps(0, 60, 90)  # R-HW-04
    subject_caps: Mapping[str, int] = field(default_factory=FrozenDict)  # R-LOC-01
    # The cap of every subject subject_caps does not name ("all other subjects"); None: no cap (R-LOC-01).
    subject_cap_default: int | None = None
    max_subjects_per_day: Mapping[str, int] = field(default_factory=FrozenDict)  # R-LOC-01
    over_cap_mode: str = "warn"
    after_school_end_earliest: str = "17:30"  # R-AS-02
    after_school_end_latest: str = "18:00"  # R-AS-02
    after_school_min_minutes: int = 120  # R-AS-01
    after_school_days_per_week: int = 5  # R-AS-01
    bedtime: Mapping[str, str] = field(
        default_factory=lambda: FrozenDict({"primary": "21:20", "junior": "22:00"}))  # R-HW-10
    class_size_max: Mapping[str, int] = field(
        default_factory=lambda: FrozenDict({"primary": 45, "junior": 50}))  # R-CL-01
    parent_words: tuple[str, ...] = PARENT_WORDS  # R-HW-06
    phone_words: tuple[str, ...] = PHONE_WORDS  # R-HW-12
    punitive_patterns: tuple[str, ...] = PUNITIVE_PATTERNS  # R-HW-08
    effective_from: date | None = None
    # The family survey (#13): no figure rests on fewer answers (R-SV-00), and its alerts' thresholds.
    survey_min_answers: int = 5  # R-SV-00
    survey_over_evenings: int = 2  # R-SV-01
    survey_check_share_max: int = 5  # R-SV-02, percent of answers
    survey_bedtime_kept_min: int = 90  # R-SV-03, percent of answers

    def __post_init__(self) -> None:
        # Frozen copies: a caller mutating NATIONAL's caps would silently change every school.
        for name, read in _READERS.items():
            object.__setattr__(self, name, read(name, getattr(self, name)))
        if self.after_school_end_earliest > self.after_school_end_latest:
            raise ValueError("after_school_end_earliest: must not be later than "
                             f"after_school_end_latest ({self.after_school_end_latest})")


NATIONAL = Policy()


def _plain(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, tuple):
        return [_plain(v) for v in value]
    if isinstance(value, date):
        return value.isoformat()
    return value


def policy_to_dict(p: Policy) -> dict[str, Any]:
    """Return p as plain JSON-ready data (dates as ISO strings)."""
    return {f.name: _plain(getattr(p, f.name)) for f in dataclasses.fields(p)}


def _check_keys(d: object) -> Mapping[str, Any]:
    if not isinstance(d, Mapping):
        raise ValueError(f"policy must be a mapping, got {d!r}")  # noqa: TRY004
    for key in d:
        if key not in _READERS:
            raise ValueError(f"unknown policy key {key!r}")
    return d


def policy_from_dict(d: Mapping[str, Any], base: Policy = NATIONAL) -> Policy:
    """Read a policy stored as JSON; keys it leaves out keep base's values."""
    changes = {}
    for key, value in _check_keys(d).items():
        if key in _COMPLETE_MAPS and isinstance(value, Mapping):
            value = {**getattr(base, key), **value}
        changes[key] = value
    return dataclasses.replace(base, **changes)


def subject_cap(policy: Policy, subject: str) -> int | None:
    """The daily cap of one subject's counted minutes (R-LOC-01): its own, else the default for all others."""
    return policy.subject_caps.get(subject, policy.subject_cap_default)


def amend(current: Mapping[str, Any], change: Mapping[str, Any]) -> dict[str, Any]:
    """A stored override amended by a change (a policy file without --replace): maps merge key by key,
    word and pattern lists gain the new entries, other values are replaced. Keys are not checked here."""
    result = dict(current)
    for key, value in change.items():
        old = result.get(key)
        if isinstance(old, Mapping) and isinstance(value, Mapping):
            result[key] = {**old, **value}
        elif isinstance(old, list) and isinstance(value, list):
            result[key] = old + [v for v in value if v not in old]
        else:
            result[key] = value
    return result


def cap_for(policy: Policy, grade: int, day_kind: DayKind | str) -> int:
    """Return the daily written-homework cap (R-HW-01..04) for grade on that kind of day."""
    caps = {
        DayKind.SCHOOL_DAY: policy.caps_school_day,
        DayKind.WEEKEND: policy.caps_weekend,
        DayKind.HOLIDAY: policy.caps_holiday,
    }[parse_day_kind(day_kind)]
    return caps[band_of(grade)]


def bedtime_for(policy: Policy, grade: int) -> str:
    """Return the homework cut-off (R-HW-10, 作业熔断) for grade."""
    return policy.bedtime[stage_of(grade)]


class PolicyLooser(ValueError):
    """An override that would relax a rule; .problems lists (field key, rule ID) pairs."""

    def __init__(self, problems: list[tuple[str, str]], details: list[str]):
        self.problems = list(dict.fromkeys(problems))
        self.details = list(details)
        super().__init__("policy may only be stricter than its base: " + "; ".join(details))


def _bedtime_minutes(hhmm: str) -> int:
    # A cut-off after midnight ("00:30") is later than 22:00, not earlier.
    clock = parse_hhmm(hhmm)
    minutes = clock.hour * 60 + clock.minute
    return minutes + 24 * 60 if clock.hour < 12 else minutes


def _loosenings(base: Policy, new: Policy) -> list[tuple[str, str, str]]:
    found = []

    def higher(key: str, rule_of: Callable[[str], Any], old_map: Mapping[str, Any], new_map: Mapping[str, Any],
               sense: Callable[[Any, Any], bool] = lambda a, b: a > b) -> None:
        for k, old in old_map.items():
            if k not in new_map:
                found.append((key, rule_of(k), f"{key}.{k} removed (was {old})"))
            elif sense(new_map[k], old):
                found.append((key, rule_of(k), f"{key}.{k} {new_map[k]} is looser than {old}"))

    higher("caps_school_day", SCHOOL_DAY_CAP_RULE.get, base.caps_school_day, new.caps_school_day)
    for key in ("caps_weekend", "caps_holiday"):
        higher(key, lambda _: "R-HW-04", getattr(base, key), getattr(new, key))
    for key in ("subject_caps", "max_subjects_per_day"):
        higher(key, lambda _: "R-LOC-01", getattr(base, key), getattr(new, key))
    higher("bedtime", lambda _: "R-HW-10", base.bedtime, new.bedtime,
           lambda a, b: _bedtime_minutes(a) > _bedtime_minutes(b))
    higher("class_size_max", lambda _: "R-CL-01", base.class_size_max, new.class_size_max)
    scalars: tuple[tuple[str, str, Callable[[Any, Any], bool]], ...] = (
        # over_cap_mode is the budget meter's behaviour before saving (R-HW-05).
        ("over_cap_mode", "R-HW-05", lambda a, b: a == "warn" and b == "block"),
        ("after_school_end_earliest", "R-AS-02", lambda a, b: a < b),
        ("after_school_end_latest", "R-AS-02", lambda a, b: a > b),
        ("after_school_min_minutes", "R-AS-01", lambda a, b: a < b),
        ("after_school_days_per_week", "R-AS-01", lambda a, b: a < b),
        # Fewer answers behind a figure would tell more about fewer families (the privacy floor).
        ("survey_min_answers", "R-SV-00", lambda a, b: a < b),
        ("survey_over_evenings", "R-SV-01", lambda a, b: a > b),
        ("survey_check_share_max", "R-SV-02", lambda a, b: a > b),
        ("survey_bedtime_kept_min", "R-SV-03", lambda a, b: a < b),
    )
    # A default subject cap is a cap on every subject not named: removing or raising it loosens, and so does
    # a named subject's cap above the base's default (R-LOC-01).
    if base.subject_cap_default is not None:
        if new.subject_cap_default is None or new.subject_cap_default > base.subject_cap_default:
            found.append(("subject_cap_default", "R-LOC-01", f"subject_cap_default {new.subject_cap_default} "
                          f"is looser than {base.subject_cap_default}"))
        for subject, cap in new.subject_caps.items():
            if subject not in base.subject_caps and cap > base.subject_cap_default:
                found.append(("subject_caps", "R-LOC-01", f"subject_caps.{subject} {cap} is looser than "
                              f"the default subject cap {base.subject_cap_default}"))
    for key, rule, looser in scalars:
        old, value = getattr(base, key), getattr(new, key)
        if looser(value, old):
            found.append((key, rule, f"{key} {value} is looser than {old}"))
    return found


def tighten(base: Policy, override: Mapping[str, Any] | Policy) -> Policy:
    """Apply a school's (or district's) override on top of base, refusing anything looser.

    Maps merge key by key (a subject cap set to None is a removal, refused under R-LOC-01);
    word and pattern lists are added to base's, never replace them (R-HW-06, R-HW-08, R-HW-12).
    """
    if isinstance(override, Policy):
        override = policy_to_dict(override)
    changes = {}
    for key, value in _check_keys(override).items():
        old = getattr(base, key)
        if isinstance(old, Mapping):
            merged = {**old, **_mapping(key, value)}
            value = {k: v for k, v in merged.items() if v is not None}
        elif isinstance(old, tuple):
            value = old + _READERS[key](key, value)
        changes[key] = value
    result = dataclasses.replace(base, **changes)
    problems = _loosenings(base, result)
    if problems:
        raise PolicyLooser([(key, rule) for key, rule, _ in problems],
                           [f"{text} ({rule})" for _, rule, text in problems])
    return result


def overlay(base: Policy, override: Mapping[str, Any]) -> tuple[Policy, list[str]]:
    """Apply an override stored earlier on top of base, keeping base's value wherever it would loosen.

    Why: a school's override was stricter than the district default when it was stored; a district default
    made stricter later must win, not make every page raise PolicyLooser. Returns the policy in force and
    the details of what the stricter base kept (rule IDs named), to tell the school.
    """
    try:
        return tighten(base, override), []  # the usual case, at the cost of one tighten
    except ValueError:  # PolicyLooser, or values that no longer fit together: key by key below
        pass
    kept: list[str] = []
    accepted: dict[str, Any] = {}
    for key, value in _check_keys(override).items():
        try:
            tighten(base, {key: value})
        except PolicyLooser as err:
            if not isinstance(value, Mapping):
                kept.extend(err.details)
                continue
            part = {}
            for sub, one in value.items():
                try:
                    tighten(base, {key: {sub: one}})
                    part[sub] = one
                except ValueError as sub_err:
                    kept.extend(sub_err.details if isinstance(sub_err, PolicyLooser) else [str(sub_err)])
            value = part
        except ValueError as err:  # fits no longer beside the base's values (an end window)
            kept.append(str(err))
            continue
        accepted[key] = value
    try:
        return tighten(base, accepted), kept
    except ValueError as err:  # e.g. the school's earliest end now after the district's latest end
        return base, [*kept, str(err)]
