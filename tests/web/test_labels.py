"""Every code the domain can store or report has its words in web/labels.py, in both languages."""

import ast
from pathlib import Path

import pytest
from flask import render_template_string

from edulite.core.afterschool_rules import ACTIVITIES
from edulite.core.calendar import DayKind
from edulite.core.rule_ids import ALERT_RULES as RULES
from edulite.core.rules import KINDS, LOCATIONS
from edulite.homework.input import CODES, MAX_MINUTES, InvalidHomework, Problem
from edulite.imports import sheets
from edulite.models import ALERT_STATES
from edulite.web import labels

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(("table", "codes"), [
    (labels.KIND_LABELS, KINDS), (labels.KIND_WORDS, KINDS), (labels.KIND_MINUTES, KINDS),
    (labels.LOCATION_LABELS, LOCATIONS), (labels.LOCATION_WORDS, LOCATIONS),
    (labels.ACTIVITY_LABELS, ACTIVITIES), (labels.ACTIVITY_WORDS, ACTIVITIES),
    (labels.RULE_NAMES, RULES), (labels.STATE_LABELS, ALERT_STATES),
    (labels.DAY_KIND_LABELS, tuple(k.value for k in DayKind)),
])
def test_every_code_of_the_core_has_words_and_no_words_name_an_unknown_code(table, codes):
    assert set(table) == set(codes)


def test_after_school_short_names_cover_the_after_school_rules():
    assert set(labels.RULE_SHORT_NAMES) == {r for r in RULES if r.startswith("R-AS-")}


def test_templates_name_codes_in_the_readers_language_and_show_unknown_codes_as_stored(app, client):
    template = "{{ kind_label('oral') }}|{{ location_word('class') }}|{{ rule_name('R-HW-04') }}|{{ kind_word('x') }}"
    with app.test_request_context():
        assert render_template_string(template) == "口头|课内完成|周末或节假日：超出上限|x"
    with app.test_request_context(headers={"Cookie": "lang=en"}):
        assert render_template_string(template) == "Oral|in class|Weekend or holiday: over the cap|x"


def test_the_teachers_chips_offer_every_kind_and_location_with_home_first(app):
    with app.test_request_context():
        assert render_template_string("{{ kinds|join(',') }}") == ",".join(KINDS)
        assert render_template_string("{{ locations|join(',') }}") == "home,after_school,class"


def _after_school_codes() -> set[str]:
    """The codes afterschool/input.py reports: the first string of each (code, params) pair it builds."""
    tree = ast.parse((ROOT / "edulite" / "afterschool" / "input.py").read_text(encoding="utf-8"))
    return {node.elts[0].value for node in ast.walk(tree)
            if isinstance(node, ast.Tuple) and len(node.elts) == 2 and isinstance(node.elts[0], ast.Constant)
            and isinstance(node.elts[0].value, str) and isinstance(node.elts[1], ast.Dict)}


def test_every_validation_code_of_the_domain_has_a_message_and_every_message_a_code():
    assert set(labels.HOMEWORK_MESSAGES) == CODES
    assert {"time_outside", "pupils_over", "plan_empty"} <= _after_school_codes()
    assert set(labels.AFTER_SCHOOL_MESSAGES) == _after_school_codes()


def test_every_message_id_is_english_text_ending_with_a_full_stop(app):
    with app.test_request_context(headers={"Cookie": "lang=en"}):
        texts = [str(t) for t in (*labels.HOMEWORK_MESSAGES.values(), *labels.AFTER_SCHOOL_MESSAGES.values())]
    assert all(text[0].isupper() or text.startswith("%") for text in texts)
    assert all(text.endswith(".") for text in texts)


def test_messages_quote_the_figures_the_domain_returns_with_the_code(app):
    error = InvalidHomework({"minutes": [Problem("minutes")], "form": [Problem("blocked")]})
    with app.test_request_context(headers={"Cookie": "lang=en"}):
        worded = labels.homework_messages(error)
        assert worded["minutes"] == [f"Minutes must be a whole number from 1 to {MAX_MINUTES}."]
        assert labels.after_school_messages({"note": ("note_long", {"max": 300})}) == {
            "note": "Keep the note under 300 characters."}
    with app.test_request_context():
        chinese = labels.homework_messages(error)
        assert str(MAX_MINUTES) in chinese["minutes"][0] and not chinese["form"][0].startswith("Your school")


def test_spreadsheet_imports_read_every_kind_and_location_by_code_or_chinese_name():
    assert set(sheets.KIND_NAMES) == set(KINDS) and set(sheets.LOCATION_NAMES) == set(LOCATIONS)
