"""Every user-facing string in code and templates has its Chinese text."""

from tools.i18n_missing import missing


def test_every_message_has_a_chinese_translation():
    absent = missing("zh")
    assert not absent, "untranslated (run python tools/i18n_missing.py): " + ", ".join(sorted(absent)[:20])
