"""The words for every code the domain stores or returns, in one place: English message ids here, Chinese
in translations/zh/*.po. Views, templates (as Jinja globals) and exports all name a code through this module.

Some codes have two forms because pages need both: a label stands alone (a chip, a heading: "Written"),
a word sits inside a sentence or a table cell ("written", "physical exercise"). A code without words is
shown as stored, so a new code is visible on the page rather than an error.
"""

from __future__ import annotations

from collections.abc import Mapping

from flask import Flask
from flask_babel import lazy_gettext as _l

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
}
# The badges of the after-school pages, which already say "after-school" around them.
RULE_SHORT_NAMES = {"R-AS-01": _l("Too short"), "R-AS-02": _l("End time outside the window"),
                    "R-AS-03": _l("New lesson")}
STATE_LABELS = {"open": _l("Open"), "acknowledged": _l("Acknowledged"), "resolved": _l("Resolved")}
DAY_KIND_LABELS = {"school_day": _l("School day"), "weekend": _l("Weekend"), "holiday": _l("Holiday")}
WEEKDAY_LABELS = (_l("Monday"), _l("Tuesday"), _l("Wednesday"), _l("Thursday"), _l("Friday"), _l("Saturday"),
                  _l("Sunday"))
WEEKDAY_SHORT = (_l("Mon"), _l("Tue"), _l("Wed"), _l("Thu"), _l("Fri"), _l("Sat"), _l("Sun"))


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


def init_app(app: Flask) -> None:
    app.jinja_env.globals.update(
        kinds=tuple(KIND_LABELS), locations=tuple(LOCATION_LABELS), kind_label=kind_label, kind_word=kind_word,
        location_label=location_label, location_word=location_word, activity_label=activity_label,
        activity_word=activity_word, rule_name=rule_name, rule_short_name=rule_short_name, state_name=state_name,
        day_kind_name=day_kind_name, weekday_labels=WEEKDAY_LABELS, weekday_short=WEEKDAY_SHORT)
