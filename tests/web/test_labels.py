"""Every code the domain can store has its words in web/labels.py, in both languages, and templates use them."""

import pytest
from flask import render_template_string

from edulite.alerts.inbox import RULES
from edulite.core.afterschool_rules import ACTIVITIES
from edulite.core.calendar import DayKind
from edulite.core.rules import KINDS, LOCATIONS
from edulite.models import ALERT_STATES
from edulite.web import labels


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
