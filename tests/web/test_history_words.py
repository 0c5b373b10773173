"""An entry's history and the audit trail in words: the principal reads what changed, not stored codes."""

import ast
import re
from pathlib import Path

import pytest
from flask import render_template_string

from edulite.alerts.actions import TRANSITIONS
from tests.support.teacher import entry, items, today

ROOT = Path(__file__).resolve().parents[2]
# The revision actions of homework.py, audited as homework_<action>.
HOMEWORK_ACTIONS = ("create", "edit", "withdraw", "graded", "ungraded")


@pytest.fixture
def edited(app, client, auth, world):
    """A teacher logs 15 minutes and changes it to 25 oral minutes; then the principal signs in."""
    auth.login("teacher")
    client.post(f"/teacher/class/{world.class3.id}", data=entry(world, minutes=15))
    (item,) = items(app)
    client.post(f"/teacher/item/{item.id}/edit", data=entry(world, minutes=25, kind="oral"))
    auth.logout()
    auth.login("principal")
    return item


def test_the_principals_class_day_shows_each_change_from_before_to_after_in_words(client, edited, world):
    page = client.get(f"/principal/classes/{world.class3.id}/{today().isoformat()}").get_data(as_text=True)
    assert "<del>15</del> → <ins>25</ins>" in page
    assert "<del>书面</del> → <ins>口头</ins>" in page
    assert "登记" in page and "修改" in page
    assert "over_cap_reason" not in page and "None" not in page and "kind: written" not in page


def test_the_audit_trail_names_actions_entities_fields_and_values_in_chinese(client, edited):
    page = client.get("/principal/audit").get_data(as_text=True)
    assert "登记作业" in page and "修改作业" in page and "作业 #" in page
    assert "<strong>分钟</strong>: <del>15</del> → 25" in page
    assert "<strong>类型</strong>: <del>书面</del> → 口头" in page
    assert "<strong>必做或选做</strong>: 必做" in page  # a boolean in words, not "true"
    assert '<option value="homework_item">作业</option>' in page


def test_the_audit_trail_reads_in_english_too(client, edited):
    client.set_cookie("lang", "en")
    page = client.get("/principal/audit").get_data(as_text=True)
    assert "Logged homework" in page and "Changed homework" in page
    assert "<strong>Type</strong>: <del>Written</del> → Oral" in page


def _audited_actions() -> set[str]:
    """Every action written by an audit(...) call in edulite/, f-strings expanded by their known suffixes."""
    found: set[str] = set()
    for path in (ROOT / "edulite").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and getattr(node.func, "id", getattr(node.func, "attr", "")) == "audit"):
                continue
            for kw in (k for k in node.keywords if k.arg == "action"):
                found |= {c.value for c in ast.walk(kw.value) if isinstance(c, ast.Constant)
                          and isinstance(c.value, str) and re.fullmatch(r"[a-z_]+", c.value)}
    prefixes = {"alert_": TRANSITIONS, "homework_": HOMEWORK_ACTIONS}
    return {p + s for p, suffixes in prefixes.items() for s in suffixes} | (found - set(prefixes))


def test_every_action_the_code_audits_has_a_name_in_words(app):
    actions = _audited_actions()
    assert {"homework_edit", "alert_acknowledge", "calendar_set", "import", "password_changed"} <= actions
    template = '{% from "macros/history.html" import audit_action %}{{ audit_action(a) }}'
    with app.test_request_context():
        unnamed = [a for a in sorted(actions) if render_template_string(template, a=a) == a]
    assert unnamed == []
    with app.test_request_context():
        assert render_template_string(template, a="something_new") == "something_new"


def test_a_logged_entry_in_the_audit_trail_lists_its_fields_in_reading_order_without_internal_ids(client, edited):
    page = client.get("/principal/audit").get_data(as_text=True)
    created = page[page.index("登记作业"):]
    assert "subject_id" not in page
    assert created.index("<strong>学科</strong>: 数学") < created.index("<strong>作业内容</strong>") \
        < created.index("<strong>分钟</strong>: 15")
