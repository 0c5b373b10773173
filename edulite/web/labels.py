"""The words for every code the domain stores or returns, in one place: English message ids here, Chinese
in translations/zh/*.po. Views, templates (as Jinja globals) and exports all name a code through this module.

Some codes have two forms because pages need both: a label stands alone (a chip, a heading: "Written"),
a word sits inside a sentence or a table cell ("written", "physical exercise"). A code without words is
shown as stored, so a new code is visible on the page rather than an error.
"""

from __future__ import annotations

from collections.abc import Mapping

from flask import Flask
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from edulite.core.policy import Policy, parse_hhmm
from edulite.core.rules import Alert
from edulite.core.share import evening_share
from edulite.homework.input import InvalidHomework

# Dictionaries keep their order: it is the order of the chips on the teacher's form.
KIND_LABELS = {"written": _l("Written"), "oral": _l("Oral"), "reading": _l("Reading"),
               "practical": _l("Practical"), "exercise": _l("Exercise"), "arts": _l("Arts")}
KIND_WORDS = {"written": _l("written"), "oral": _l("oral"), "reading": _l("reading"),
              "practical": _l("practical"), "exercise": _l("physical exercise"), "arts": _l("arts")}
# Export columns of minutes per kind.
KIND_MINUTES = {"written": _l("Written minutes"), "oral": _l("Oral minutes"), "reading": _l("Reading minutes"),
                "practical": _l("Practical minutes"), "exercise": _l("Physical exercise minutes"),
                "arts": _l("Arts minutes")}
# At home first: it is where most homework is done, and the only place that counts toward the cap.
LOCATION_LABELS = {"home": _l("At home"), "after_school": _l("After-school service"), "class": _l("In class")}
LOCATION_WORDS = {"home": _l("at home"), "class": _l("in class"), "after_school": _l("in after-school service")}
ACTIVITY_LABELS = {
    "supervised_homework": _l("Supervised homework"), "tutoring": _l("Tutoring"), "reading": _l("Reading"),
    "sports": _l("Sports"), "arts": _l("Arts"), "clubs": _l("Clubs"), "science": _l("Science"),
    "new_lesson": _l("New lesson (not allowed)"),
}
ACTIVITY_WORDS = {
    "supervised_homework": _l("supervised homework"), "tutoring": _l("tutoring"), "reading": _l("reading"),
    "sports": _l("sports"), "arts": _l("arts"), "clubs": _l("clubs"), "science": _l("science"),
    "new_lesson": _l("new lesson"),
}
RULE_NAMES = {
    "R-HW-01": _l("Grades 1–2: written homework to do at home"),
    "R-HW-02": _l("Grades 3–6: over the daily cap"),
    "R-HW-03": _l("Grades 7–9: over the daily cap"),
    "R-HW-04": _l("Weekend or holiday: over the cap"),
    "R-HW-06": _l("Homework that asks parents to check, sign or grade"),
    "R-HW-08": _l("Punitive or repetitive homework"),
    "R-LOC-01": _l("Local limit: minutes per subject or subjects per day"),
    "R-CL-01": _l("Class larger than allowed"),
    "R-AS-01": _l("After-school service: too few days or too short"),
    "R-AS-02": _l("After-school service ends outside the allowed window"),
    "R-AS-03": _l("New lesson taught during after-school service"),
    "R-SV-01": _l("Families report more than the cap while the logged load stays within it"),
    "R-SV-02": _l("Families say a teacher asked them to check, grade or sign homework"),
    "R-SV-03": _l("Too few pupils in bed by bedtime, as families report"),
    "R-HW-12": _l("Homework that needs a phone (photos, recordings, uploads)"),
}
# The badges of the after-school pages, which already say "after-school" around them.
RULE_SHORT_NAMES = {"R-AS-01": _l("Too short"), "R-AS-02": _l("End time outside the window"),
                    "R-AS-03": _l("New lesson")}
STATE_LABELS = {"open": _l("Open"), "acknowledged": _l("Acknowledged"), "resolved": _l("Resolved")}
DAY_KIND_LABELS = {"school_day": _l("School day"), "weekend": _l("Weekend"), "holiday": _l("Holiday")}
WEEKDAY_LABELS = (_l("Monday"), _l("Tuesday"), _l("Wednesday"), _l("Thursday"), _l("Friday"), _l("Saturday"),
                  _l("Sunday"))
WEEKDAY_SHORT = (_l("Mon"), _l("Tue"), _l("Wed"), _l("Thu"), _l("Fri"), _l("Sat"), _l("Sun"))


# Validation messages by the code the domain reports (homework/input.py, afterschool/input.py); "%(max)s" and
# the like are filled from the figures the domain returns with the code.
HOMEWORK_MESSAGES = {
    "form": _l("Check the entry and try again."),
    "subject_id": _l("Choose one of the subjects you teach in this class."),
    "description": _l("Describe the homework in a few words."),
    "description_long": _l("The description can be at most %(max)s characters."),
    "kind": _l("Choose a type."),
    "required": _l("Choose required or optional."),
    "location": _l("Choose where it is to be done."),
    "minutes": _l("Minutes must be a whole number from 1 to %(max)s."),
    "set_date": _l("Enter the date it is set, as year-month-day."),
    "set_date_window": _l("The set date must be within %(days)s days of today."),
    "due_date": _l("Enter the due date as year-month-day, or leave it empty."),
    "due_before_set": _l("The due date cannot be before the set date."),
    "due_too_far": _l("The due date can be at most %(days)s days after the set date."),
    "confirm_over": _l("This entry goes against the rules shown above: tick the box and give a reason to save "
                       "it anyway."),
    "over_reason": _l("Give a reason (at most %(max)s characters)."),
    "blocked": _l("Your school does not allow saving homework over the limit. Shorten it, have it done "
                  "in class or in after-school service, or set it for another day."),
    "locked": _l("This entry can no longer be changed: entries can be edited on the day they are set."),
    "withdrawn": _l("This entry was withdrawn."),
    "already_logged": _l("You have already logged homework for this subject on this day; withdraw it first."),
    "also_subject": _l("You do not teach this subject in one of the classes ticked: untick it."),
    "banned": _l("Grades 1–2 may not have written homework at home. This is a ban, not a cap: a reason "
                 "cannot override it. Have it done in class or in after-school service."),
    "stale": _l("This entry was changed since you opened it, so your changes were not saved. Its current "
                "values are shown below: keep them, or save yours over them."),
}
AFTER_SCHOOL_MESSAGES = {
    "date_invalid": _l("Enter a date as YYYY-MM-DD."),
    "not_school_day": _l("%(day)s is not a school day."),
    "day_future": _l("This day has not come yet: log the session once it has taken place."),
    "time_invalid": _l("Enter a time as HH:MM."),
    "time_outside": _l("Enter a time between %(earliest)s and %(latest)s."),
    "end_before_start": _l("The end must be after the start."),
    "activity_invalid": _l("Pick an activity."),
    "pupils_invalid": _l("Enter a whole number of pupils."),
    "pupils_negative": _l("The number of pupils cannot be negative."),
    "pupils_over": _l("This class has only %(headcount)s pupils."),
    "no_pupils": _l("Enter the pupils of at least one class."),
    "note_long": _l("Keep the note under %(max)s characters."),
    "term_reversed": _l("The term must end after it starts."),
    "term_overlaps": _l("This term overlaps the term %(start)s – %(end)s."),
    "plan_new_lesson": _l("New lessons are not allowed in after-school service (R-AS-03)."),
    "activities_missing": _l("Tick at least one activity for this day."),
    "plan_empty": _l("Enter the times of at least one weekday."),
}


def in_words(table: Mapping[str, object]) -> dict[str, str]:
    """A table's words in the language of the current request: for code that maps many values at once."""
    return {code: str(text) for code, text in table.items()}


def _word(table: Mapping[str, object], code: str) -> str:
    return str(table[code]) if code in table else code


def kind_label(code: str) -> str:
    return _word(KIND_LABELS, code)


def kind_word(code: str) -> str:
    return _word(KIND_WORDS, code)


def location_label(code: str) -> str:
    return _word(LOCATION_LABELS, code)


def location_word(code: str) -> str:
    return _word(LOCATION_WORDS, code)


def activity_label(code: str) -> str:
    return _word(ACTIVITY_LABELS, code)


def activity_word(code: str) -> str:
    return _word(ACTIVITY_WORDS, code)


def rule_name(rule_id: str) -> str:
    return _word(RULE_NAMES, rule_id)


def rule_short_name(rule_id: str) -> str:
    return _word(RULE_SHORT_NAMES, rule_id)


def state_name(state: str) -> str:
    return _word(STATE_LABELS, state)


def day_kind_name(code: str) -> str:
    return _word(DAY_KIND_LABELS, code)


def _say(text: object, params: Mapping[str, object]) -> str:
    # As gettext does: a message without figures is not %-formatted, so a literal "%" needs no escaping.
    return str(text) % params if params else str(text)


def homework_messages(error: InvalidHomework) -> dict[str, list[str]]:
    """The messages of a rejected homework entry, by field, in the reader's language."""
    return {name: [_say(HOMEWORK_MESSAGES[p.code], p.params) for p in problems]
            for name, problems in error.problems.items()}


def after_school_messages(errors: Mapping[str, tuple[str, dict]]) -> dict[str, str]:
    """The message for each bad field of an after-school form, in the reader's language."""
    return {field: _say(AFTER_SCHOOL_MESSAGES[code], params) for field, (code, params) in errors.items()}


def after_school_warning(alert: Alert, policy: Policy) -> str:
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


def after_school_hint(policy: Policy) -> str:
    """The rule the warning checks, shown while there is nothing to warn about."""
    return _("The day's service should end between %(earliest)s and %(latest)s and last at least %(least)s min "
             "in all.", earliest=policy.after_school_end_earliest, latest=policy.after_school_end_latest,
             least=policy.after_school_min_minutes)


# The families' survey form (#13), by the code edulite/survey/input.py or the view returns.
SURVEY_MESSAGES = {
    "evening_choose": _l("Choose one of the evenings shown."),
    "minutes_missing": _l("Choose or enter the minutes written homework took."),
    "minutes_number": _l("Enter the minutes as a whole number, for example 40."),
    "minutes_too_long": _l("More than 6 hours (360 minutes) is not plausible for one evening; please check."),
    "bedtime_choose": _l("Choose when your child was in bed."),
    "bedtime_too_early": _l("A bedtime before 18:00 is not plausible; please check."),
    "yes_no": _l("Choose yes or no."),
    "csrf": _l("Your form expired. Please send it again."),
    "cookie": _l("Your phone did not keep this page's cookie. Please send the answer again."),
    "closed": _l("The school has closed this survey for now. Thank you."),
}


def survey_messages(errors: Mapping[str, str]) -> dict[str, str]:
    """The message next to each refused field of the survey form, in the reader's language."""
    return {name: _word(SURVEY_MESSAGES, code) for name, code in errors.items()}


def init_app(app: Flask) -> None:
    app.jinja_env.globals.update(
        kinds=tuple(KIND_LABELS), locations=tuple(LOCATION_LABELS), kind_label=kind_label, kind_word=kind_word,
        location_label=location_label, location_word=location_word, activity_label=activity_label,
        activity_word=activity_word, rule_name=rule_name, rule_short_name=rule_short_name, state_name=state_name,
        day_kind_name=day_kind_name, weekday_labels=WEEKDAY_LABELS, weekday_short=WEEKDAY_SHORT)
    app.jinja_env.globals.update(survey_messages=survey_messages)
    init_trust_labels(app)


# The database was busy with a long write (an import) past the busy timeout: nothing was saved (#17).
BUSY_MESSAGE = _l("Many changes are being saved at this moment. Nothing was lost: please try again in a few "
                  "seconds.")
BUSY_SAVE = _l("Many changes are being saved at this moment, so this entry was not saved yet. It is still "
               "here: tap Save again in a few seconds.")


# --- #14: alerts that clear, records signed early or changed after signing, flash messages -------------

TAB_LABELS = {"open": _l("Open"), "acknowledged": _l("Acknowledged"), "resolved": _l("Resolved"),
              "cleared": _l("Cleared"), "all": _l("All")}
# Why an alert stopped being found: the write that ran the recomputation (edulite.alerts.store.CLEAR_CAUSES).
CLEAR_CAUSE_LABELS = {
    "homework": _l("the class-day came back within the rules after a homework edit"),
    "import": _l("the class-day came back within the rules after an import"),
    "calendar": _l("the day's kind changed in the school calendar"),
    "policy": _l("the policy in force changed"),
    "class": _l("the class's details changed"),
    "after_school": _l("the after-school service changed"),
    "recomputed": _l("no longer found when the alerts were judged again"),
}


def tab_name(tab: str) -> str:
    return _word(TAB_LABELS, tab)


def clear_cause_name(code: str | None) -> str:
    return _word(CLEAR_CAUSE_LABELS, code or "recomputed")


def init_trust_labels(app: Flask) -> None:
    app.jinja_env.globals.update(tab_name=tab_name, clear_cause_name=clear_cause_name)
    init_share_words(app)
    init_grade_names(app)


def share_words(minutes: int, set_date, due_date, evening) -> str:
    """An item's minutes as an evening's list shows them: the share that evening carries when spread."""
    found = evening_share(minutes, set_date, due_date, evening)
    if not found.spread:
        return _("%(n)d min", n=found.total)
    return _("%(total)d min over %(n)d evenings, about %(share)d this evening", total=found.total, n=found.evenings,
             share=found.tonight)


def init_share_words(app: Flask) -> None:
    app.jinja_env.globals.update(share_words=share_words)


# What happened, in words, after a principal acts on an alert (#14).
ALERT_DONE = {
    "acknowledge": _l("Marked as noted (已知悉): it stays on record under \"Acknowledged\"."),
    "resolve": _l("Resolved: your note is kept with the alert."),
    "reopen": _l("Reopened: the alert is open again."),
}


def alert_done(action: str) -> str:
    return _word(ALERT_DONE, action)


# Grades as schools name them, as class names do (三年级(1)班, 初一(1)班): never "7年级" (#14).
GRADE_LABELS = {1: _l("Grade 1"), 2: _l("Grade 2"), 3: _l("Grade 3"), 4: _l("Grade 4"), 5: _l("Grade 5"),
                6: _l("Grade 6"), 7: _l("Grade 7"), 8: _l("Grade 8"), 9: _l("Grade 9")}


def grade_name(grade: int | str) -> str:
    number = int(grade)
    return str(GRADE_LABELS[number]) if number in GRADE_LABELS else _("Grade %(grade)d", grade=number)


def init_grade_names(app: Flask) -> None:
    app.jinja_env.globals.update(grade_name=grade_name)


# The accounts pages (#15): what can be wrong with an account to add, by code (school/accounts.py).
ACCOUNT_MESSAGES = {
    "username": _l("Use 2 to 64 letters, digits, dots, dashes or underscores."),
    "username_taken": _l("This username is taken: choose another."),
    "display_name": _l("Enter the name (at most 64 characters)."),
    "school": _l("Choose a school."),
    "role": _l("Choose a teacher or a principal."),
}


def account_message(code: str) -> str:
    return str(ACCOUNT_MESSAGES.get(code, code))
