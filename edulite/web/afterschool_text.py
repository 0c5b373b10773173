"""Words for after-school pages: the message for each input error code and the rule warnings."""

from __future__ import annotations

from flask_babel import gettext as _

from edulite.core.policy import Policy, parse_hhmm
from edulite.core.rules import Alert

# Functions, so that each message is looked up in the language of the request that shows it.
MESSAGES = {
    "date_invalid": lambda **p: _("Enter a date as YYYY-MM-DD.", **p),
    "not_school_day": lambda **p: _("%(day)s is not a school day.", **p),
    "day_future": lambda **p: _("This day has not come yet: log the session once it has taken place.", **p),
    "time_invalid": lambda **p: _("Enter a time as HH:MM.", **p),
    "time_outside": lambda **p: _("Enter a time between %(earliest)s and %(latest)s.", **p),
    "end_before_start": lambda **p: _("The end must be after the start.", **p),
    "activity_invalid": lambda **p: _("Pick an activity.", **p),
    "pupils_invalid": lambda **p: _("Enter a whole number of pupils.", **p),
    "pupils_negative": lambda **p: _("The number of pupils cannot be negative.", **p),
    "pupils_over": lambda **p: _("This class has only %(headcount)s pupils.", **p),
    "no_pupils": lambda **p: _("Enter the pupils of at least one class.", **p),
    "note_long": lambda **p: _("Keep the note under %(max)s characters.", **p),
    "term_reversed": lambda **p: _("The term must end after it starts.", **p),
    "term_overlaps": lambda **p: _("This term overlaps the term %(start)s – %(end)s.", **p),
    "plan_new_lesson": lambda **p: _("New lessons are not allowed in after-school service (R-AS-03).", **p),
    "activities_missing": lambda **p: _("Tick at least one activity for this day.", **p),
    "plan_empty": lambda **p: _("Enter the times of at least one weekday.", **p),
}

def warning(alert: Alert, policy: Policy) -> str:
    """What an alert the rules would raise means, for the teacher before (or just after) saving."""
    if alert.rule_id == "R-AS-02":
        if parse_hhmm(str(alert.figure)) < parse_hhmm(policy.after_school_end_earliest):
            return _("The day's service ends at %(end)s, before %(earliest)s (R-AS-02).", end=alert.figure,
                     earliest=policy.after_school_end_earliest)
        return _("The day's service ends at %(end)s, after %(latest)s (R-AS-02).", end=alert.figure,
                 latest=policy.after_school_end_latest)
    if alert.rule_id == "R-AS-01":
        return _("The day's service lasts %(minutes)s min in all, less than %(least)s (R-AS-01).",
                 minutes=alert.figure, least=alert.limit)
    return _("New lessons are not allowed in after-school service (R-AS-03).")


def service_hint(policy: Policy) -> str:
    """The rule the warning checks, shown while there is nothing to warn about."""
    return _("The day's service should end between %(earliest)s and %(latest)s and last at least %(least)s min "
             "in all.", earliest=policy.after_school_end_earliest, latest=policy.after_school_end_latest,
             least=policy.after_school_min_minutes)


def messages(errors: dict[str, tuple[str, dict]]) -> dict[str, str]:
    """The message for each bad field, in the user's language."""
    return {field: MESSAGES[code](**params) for field, (code, params) in errors.items()}

