"""Wording rules (#16): a negated request is no request (R-HW-06, R-HW-12), real requests still are,
and asking for a phone to do or hand in homework is flagged under R-HW-12 from a configurable list."""

from datetime import date

import pytest

from edulite.core.policy import NATIONAL, PHONE_WORDS, PolicyLooser, policy_from_dict, tighten
from edulite.core.rules import Item, negated, wording_alerts, wording_problems


@pytest.mark.parametrize("text", [
    "无需家长签字", "不需要家长签字", "不用家长检查", "不要求家长批改", "请勿让家长批阅", "作业无须家长签字。",
    "家长不用签字", "无需家长签字、家长批改", "No need for a parent signature", "You do not need a parent signature",
])
def test_a_negated_parent_request_does_not_raise_r_hw_06(text):
    assert [rule for rule, _ in wording_problems(text, NATIONAL)] == []


@pytest.mark.parametrize(("text", "matched"), [
    ("请家长签字", "请家长签字"),
    ("不用抄写，请家长签字", "请家长签字"),  # the negation belongs to the other clause
    ("不要求背诵。家长检查后签字", "家长检查"),
    ("不要忘记请家长签字", "请家长签字"),  # "don't forget" is no negation of the request
    ("完成练习册第3页，家长签字", "家长签字"),
    ("无需预习；家长批改", "家长批改"),
])
def test_a_real_parent_request_still_raises_r_hw_06(text, matched):
    assert ("R-HW-06", matched) in wording_problems(text, NATIONAL)


def test_a_negation_reaches_only_its_own_clause_and_a_few_characters():
    assert negated("无需家长签字", 2)
    assert not negated("无需预习，家长签字", 5)
    assert not negated("无需" + "读" * 20 + "家长签字", 22)


@pytest.mark.parametrize(("text", "matched"), [
    ("朗读课文并拍照上传到群里", "拍照上传到群"),
    ("背诵古诗，录视频发到班级群", "录视频"),
    ("Take a photo of your work and upload a photo to the group", "Take a photo"),
    ("用手机完成口算打卡", "用手机"),
])
def test_asking_for_a_phone_raises_r_hw_12(text, matched):
    found = wording_problems(text, NATIONAL)
    assert ("R-HW-12", matched) in found


@pytest.mark.parametrize("text", ["无需拍照上传", "不用录视频，书面完成即可", "阅读课文", "不要求用手机打卡"])
def test_no_phone_asked_for_is_no_r_hw_12(text):
    assert [rule for rule, _ in wording_problems(text, NATIONAL) if rule == "R-HW-12"] == []


def test_an_item_needing_a_phone_gets_one_r_hw_12_alert():
    item = Item(7, 1, "语文", "oral", True, "home", 10, date(2026, 11, 23), None, "朗读课文，拍照上传到群里，录视频")
    alerts = wording_alerts(item, NATIONAL)
    assert [(a.rule_id, a.figure, a.item_id) for a in alerts] == [("R-HW-12", "拍照上传到群、录视频", 7)]


def test_phone_words_are_configurable_and_a_school_may_only_add_to_them():
    school = tighten(NATIONAL, {"phone_words": ["微信接龙"]})
    assert school.phone_words == (*PHONE_WORDS, "微信接龙")
    assert wording_problems("完成后微信接龙", school) == [("R-HW-12", "微信接龙")]
    assert wording_problems("完成后微信接龙", NATIONAL) == []
    assert policy_from_dict({"phone_words": ["微信接龙"]}).phone_words == ("微信接龙",)
    with pytest.raises(ValueError, match="phone_words"):
        policy_from_dict({"phone_words": "微信接龙"})
    # Adding is all tighten does with a list: a school cannot remove a national phone word.
    assert "拍照上传" in tighten(NATIONAL, {"phone_words": []}).phone_words
    assert not issubclass(ValueError, PolicyLooser)
