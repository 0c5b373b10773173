"""The school policy form (一校一策): read the fields, keep what differs from the district's policy,
and refuse field by field anything looser, naming the rule, before edulite.school.settings stores it."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from flask_babel import gettext as _

from edulite.core.calendar import parse_iso_day
from edulite.core.policy import BANDS, STAGES, Policy, PolicyLooser, tighten
from edulite.web.params import whole

# (policy key, sub-keys or None for a single value, kind of value)
FIELDS = (
    ("caps_school_day", BANDS, "minutes"), ("caps_weekend", BANDS, "minutes"), ("caps_holiday", BANDS, "minutes"),
    ("max_subjects_per_day", BANDS, "optional"), ("bedtime", STAGES, "time"), ("class_size_max", STAGES, "size"),
    ("after_school_end_earliest", None, "time"), ("after_school_end_latest", None, "time"),
    ("after_school_min_minutes", None, "minutes"), ("after_school_days_per_week", None, "days"),
    ("over_cap_mode", None, "mode"),
)
_HHMM = re.compile(r"([01]\d|2[0-3]):[0-5]\d")


@dataclass
class PolicyForm:
    raw: dict[str, str]
    errors: dict[str, str] = field(default_factory=dict)
    override: dict = field(default_factory=dict)
    effective_from: date | None = None


def name_of(key: str, sub: str | None) -> str:
    return key if sub is None else f"{key}.{sub}"


def initial(policy: Policy, subjects: list[str], today: date) -> PolicyForm:
    """The form filled with the school's policy in force."""
    raw = {}
    for key, subs, _kind in FIELDS:
        value = getattr(policy, key)
        for sub in subs or (None,):
            v = value if sub is None else value.get(sub)
            raw[name_of(key, sub)] = "" if v is None else str(v)
    for subject in subjects:
        cap = policy.subject_caps.get(subject)
        raw[name_of("subject_caps", subject)] = "" if cap is None else str(cap)
    extra = [w for w in policy.parent_words if w not in Policy().parent_words]
    raw["parent_words"] = "\n".join(extra)
    raw["phone_words"] = "\n".join(w for w in policy.phone_words if w not in Policy().phone_words)  # R-HW-12
    raw["effective_from"] = today.isoformat()
    return PolicyForm(raw)


def _parse(kind: str, text: str):
    if kind == "time":
        if not _HHMM.fullmatch(text):
            raise ValueError(_("Enter a time as HH:MM, for example 17:30."))
        return text
    if kind == "mode":
        if text not in ("warn", "block"):
            raise ValueError(_("Choose warn or block."))
        return text
    if kind == "optional" and text == "":
        return None
    limits = {"minutes": 1440, "optional": 20, "size": 200, "days": 7}
    number = whole(text, high=limits[kind])
    if number is None or (kind == "size" and number < 1):
        raise ValueError(_("Enter a whole number from %(low)d to %(high)d.", low=1 if kind == "size" else 0,
                           high=limits[kind]))
    return number


def _looser(base: Policy, key: str, sub: str | None, value, national: bool = False) -> str | None:
    try:
        tighten(base, {key: value} if sub is None else {key: {sub: value}})
    except PolicyLooser as err:
        old = getattr(base, key) if sub is None else getattr(base, key).get(sub)
        rules = ", ".join(dict.fromkeys(rule for _k, rule in err.problems))
        if national:  # the district's own form (edulite.web.district_policy)
            return _("Looser than the national %(old)s: a district may only be stricter (%(rule)s).",
                     old=old if old is not None else _("limit"), rule=rules)
        return _("Looser than the district's %(old)s: a school may only be stricter (%(rule)s).",
                 old=old if old is not None else _("limit"), rule=rules)
    except ValueError:
        return _("This value is not allowed.")
    return None


def parse(form, *, base: Policy, subjects: list[str], today: date, national: bool = False) -> PolicyForm:
    """Validate every field; .override holds only what is stricter than the district, .errors what is not."""
    specs = [(key, sub, kind) for key, subs, kind in FIELDS for sub in (subs or (None,))]
    specs += [("subject_caps", s, "optional") for s in subjects]
    result = PolicyForm({name_of(k, s): (form.get(name_of(k, s)) or "").strip() for k, s, _kind in specs})
    for key, sub, kind in specs:
        name = name_of(key, sub)
        try:
            value = _parse(kind, result.raw[name])
        except ValueError as err:
            result.errors[name] = str(err)
            continue
        old = getattr(base, key) if sub is None else getattr(base, key).get(sub)
        if value == old or (value is None and kind == "optional" and old is None):
            continue
        problem = _looser(base, key, sub, value, national)
        if problem:
            result.errors[name] = problem
        elif sub is None:
            result.override[key] = value
        else:
            result.override.setdefault(key, {})[sub] = value
    earliest = result.override.get("after_school_end_earliest", base.after_school_end_earliest)
    latest = result.override.get("after_school_end_latest", base.after_school_end_latest)
    if earliest > latest and "after_school_end_latest" not in result.errors:
        result.errors["after_school_end_latest"] = _("The latest end must not be before the earliest end.")
    for key in ("parent_words", "phone_words"):  # R-HW-06, R-HW-12: words are only ever added
        result.raw[key] = form.get(key) or ""
        words = [w.strip() for w in result.raw[key].splitlines() if w.strip()]
        extra = [w[:50] for w in words if w not in getattr(base, key)]
        if extra:
            result.override[key] = extra
    result.raw["effective_from"] = (form.get("effective_from") or "").strip()
    effective_from = parse_iso_day(result.raw["effective_from"])
    if effective_from is None:
        result.errors["effective_from"] = _("Enter the first day the policy applies, as YYYY-MM-DD.")
    else:
        result.effective_from = effective_from
        if result.effective_from < today:
            result.errors["effective_from"] = _("Past weeks keep the policy they were judged by: "
                                                "choose today or later.")
    return result
