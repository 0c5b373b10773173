"""The rule-ID lists in core.rule_ids fit together: each stored alert belongs to exactly one recomputation."""

from edulite.core import rule_ids


def test_every_alert_rule_is_owned_by_exactly_one_recomputation():
    assert not set(rule_ids.HOMEWORK_RULES) & set(rule_ids.AFTER_SCHOOL_RULES)
    assert not set(rule_ids.SURVEY_RULES) & (set(rule_ids.HOMEWORK_RULES) | set(rule_ids.AFTER_SCHOOL_RULES))
    assert set(rule_ids.ALERT_RULES) == (set(rule_ids.HOMEWORK_RULES) | set(rule_ids.AFTER_SCHOOL_RULES)
                                         | set(rule_ids.SURVEY_RULES))


def test_the_cap_rules_are_homework_rules_and_include_every_bands_school_day_cap():
    assert set(rule_ids.SCHOOL_DAY_CAP_RULE.values()) <= set(rule_ids.CAP_RULES) <= set(rule_ids.HOMEWORK_RULES)
    assert set(rule_ids.AFTER_SCHOOL_DAY_RULES) <= set(rule_ids.AFTER_SCHOOL_RULES)
