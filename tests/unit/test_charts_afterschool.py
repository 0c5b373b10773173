"""The participation chart config is built whole on the server, from plain numbers."""

import json
from pathlib import Path

import pytest

from edulite.afterschool.week import ParticipationRow
from edulite.core.charts_afterschool import BAR, EMPTY, LOW, chart_height, participation_chart
from tests.unit.test_pure_imports import impure_imports


def chart(labels=("三年级(1)班", "三年级(2)班", "三年级(3)班"), rates=(0.75, 0.4, None)):
    return participation_chart(list(labels), list(rates), title="Participation by class", axis_label="% of pupils")


def test_rates_become_whole_percentages_and_a_class_without_pupils_logged_gets_no_bar():
    config = chart()
    dataset = config["data"]["datasets"][0]
    assert config["data"]["labels"] == ["三年级(1)班", "三年级(2)班", "三年级(3)班"]
    assert dataset["data"] == [75, 40, None]


def test_a_share_under_half_is_drawn_in_the_warning_colour():
    assert chart(rates=(0.5, 0.499, None))["data"]["datasets"][0]["backgroundColor"] == [BAR, LOW, EMPTY]


def test_bars_are_horizontal_on_a_fixed_zero_to_hundred_scale_with_the_given_words():
    config = chart()
    options = config["options"]
    assert (config["type"], options["indexAxis"]) == ("bar", "y")
    assert (options["scales"]["x"]["min"], options["scales"]["x"]["max"]) == (0, 100)
    assert options["plugins"]["title"]["text"] == "Participation by class"
    assert options["scales"]["x"]["title"]["text"] == "% of pupils"


def test_the_config_is_plain_json_with_no_functions():
    assert json.loads(json.dumps(chart())) == chart()


def test_labels_and_rates_must_pair_up():
    with pytest.raises(ValueError, match="same length"):
        participation_chart(["a"], [0.1, 0.2], title="t", axis_label="a")


def test_an_empty_chart_is_still_a_valid_config():
    assert participation_chart([], [], title="t", axis_label="a")["data"]["labels"] == []


def test_the_chart_grows_with_its_bars_so_labels_stay_readable():
    assert chart_height(0) == chart_height(1) < chart_height(20)


def test_the_builder_imports_only_the_standard_library():
    source = (Path(__file__).resolve().parents[2] / "edulite" / "core" / "charts_afterschool.py").read_text(
        encoding="utf-8")
    assert impure_imports(source) == []


def test_the_participation_table_flags_exactly_the_rows_the_chart_draws_in_the_warning_colour():
    rates = (0.5, 0.499, None, 0.0)
    colours = chart(labels=("a", "b", "c", "d"), rates=rates)["data"]["datasets"][0]["backgroundColor"]
    rows = [ParticipationRow("x", 3, 1, 40, (), rate) for rate in rates]
    assert [row.low for row in rows] == [colour == LOW for colour in colours] == [False, True, False, True]
