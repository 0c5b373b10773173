"""Chart configs and heat-map states are pure data built from numbers; the digest's clock and robot formats."""

import json
from pathlib import Path

import pytest

from edulite.alerts.digest import in_quiet_hours, robot_payload
from edulite.core import charts
from tests.unit.test_pure_imports import impure_imports

SOURCE = Path(__file__).resolve().parents[2] / "edulite" / "core" / "charts.py"


def test_charts_imports_only_the_standard_library():
    assert impure_imports(SOURCE.read_text(encoding="utf-8")) == []


@pytest.mark.parametrize(("args", "state"), [
    ({"counted": 61, "cap": 60}, "over"),
    ({"counted": 49, "cap": 60}, "near"),
    ({"counted": 48, "cap": 60}, "ok"),  # exactly 80 %: ok, as on the teacher's meter (rules.load_state)
    ({"counted": 0, "cap": 60, "logged": False, "past": True}, "missing"),
    ({"counted": 0, "cap": 60, "logged": False, "past": False}, "ok"),
    ({"counted": 0, "cap": 60, "logged": False, "past": False, "future": True}, "future"),
    ({"counted": 0, "cap": 60, "school_day": False}, "off"),
    ({"counted": 30, "cap": 60, "school_day": False}, "ok"),
    ({"counted": 5, "cap": 0}, "over"),
    ({"counted": 0, "cap": 0}, "ok"),
])
def test_each_class_day_gets_one_heat_map_state(args, state):
    full = {"school_day": True, "logged": True, "past": True, **args}
    assert charts.cell_state(**full) == state


def test_the_weekly_chart_stacks_subjects_and_keeps_the_cap_line_out_of_the_stack():
    config = charts.stacked_week_chart(labels=[["周一", "11/16"], "周二"],
                                       by_subject={"数学": [20, 0], "语文": [15, 30]}, caps=[60, 60],
                                       cap_label="上限", y_title="分钟", colours={"语文": "#123456"})
    bars = [d for d in config["data"]["datasets"] if d["type"] == "bar"]
    (line,) = [d for d in config["data"]["datasets"] if d["type"] == "line"]
    assert {d["stack"] for d in bars} == {"load"} and line["stack"] == "cap" and line["data"] == [60, 60]
    assert bars[1]["backgroundColor"] == "#123456" and config["data"]["labels"][0] == ["周一", "11/16"]
    assert config["options"]["scales"]["y"]["stacked"] is True
    assert json.loads(json.dumps(config)) == config


def test_a_series_of_the_wrong_length_is_refused():
    with pytest.raises(ValueError):
        charts.stacked_week_chart(labels=["a"], by_subject={"x": [1, 2]}, caps=[1], cap_label="", y_title="")
    with pytest.raises(ValueError):
        charts.trend_chart(labels=["a", "b"], series={"g": [1.0]}, caps={}, y_title="")


def test_the_trend_keeps_gaps_and_draws_one_dashed_line_per_distinct_cap():
    groups = charts.cap_groups({3: [60, 60], 4: [60, 60], 7: [90, 90], 1: [0, 0]})
    assert groups == [((1,), (0, 0)), ((3, 4), (60, 60)), ((7,), (90, 90))]
    config = charts.trend_chart(labels=["9/1", "9/8"], series={"3年级": [None, 41.5]},
                                caps={"上限": [60, 60]}, y_title="分钟")
    grade, cap = config["data"]["datasets"]
    assert grade["data"] == [None, 41.5] and grade["spanGaps"] is False and cap["borderDash"]


@pytest.mark.parametrize(("hour", "quiet"), [(21, True), (23, True), (0, True), (6, True), (7, False), (20, False)])
def test_quiet_hours_wrap_around_midnight(hour, quiet):
    assert in_quiet_hours(hour, 21, 7) is quiet


def test_quiet_hours_can_be_turned_off_or_kept_within_a_day():
    assert not any(in_quiet_hours(h, 0, 0) for h in range(24))
    assert in_quiet_hours(13, 12, 14) and not in_quiet_hours(14, 12, 14)


def test_wecom_and_dingtalk_robots_get_their_own_markdown_shapes():
    wecom = robot_payload("https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k", "标题", "内容")
    dingtalk = robot_payload("https://oapi.dingtalk.com/robot/send?access_token=t", "标题", "内容")
    assert wecom == {"msgtype": "markdown", "markdown": {"content": "**标题**\n\n内容"}}
    assert dingtalk["markdown"]["title"] == "标题" and dingtalk["markdown"]["text"].endswith("内容")
