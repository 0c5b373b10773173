"""The alerts command (#16): negated parent requests raise nothing, real ones R-HW-06, phones R-HW-12."""

import json
from datetime import date

from edulite.db import session_scope
from tests.support.factories import add_item


def test_the_alerts_command_reports_phone_wording_and_skips_negated_parent_words(any_app, any_world):
    with session_scope(any_app) as s:
        add_item(s, any_world, day=date(2026, 11, 16), minutes=10, description="无需家长签字")
        add_item(s, any_world, day=date(2026, 11, 17), minutes=10, description="不用抄写，请家长签字")
        add_item(s, any_world, day=date(2026, 11, 18), minutes=10, description="朗读课文，拍照上传到群里")
    result = any_app.test_cli_runner().invoke(args=["edulite", "alerts", "--school", "测试小学", "--from",
                                                    "2026-11-16", "--to", "2026-11-20", "--json"])
    assert result.exit_code == 0, result.output
    wording = [(r["date"], r["rule_id"], r["figure"]) for r in json.loads(result.output)
               if r["rule_id"] in ("R-HW-06", "R-HW-12")]
    assert wording == [("2026-11-17", "R-HW-06", "请家长签字"), ("2026-11-18", "R-HW-12", "拍照上传到群")]
