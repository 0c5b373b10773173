"""One guard decides where "next" may send the browser: a path on this site, never another site."""

import pytest

from edulite.web.redirects import safe_next


@pytest.mark.parametrize("target", ["/principal/alerts?rule=R-HW-02", "/teacher/", "/c/abc#today"])
def test_a_path_on_this_site_is_kept(target):
    assert safe_next(target) == target and safe_next(target, "/home") == target


@pytest.mark.parametrize("target", [
    "https://evil.example/", "//evil.example/", "/\\evil.example", "\\\\evil.example", "/\t/evil.example",
    "/\n/evil.example", "/\r/evil.example", "/\x0b/evil.example", "/ /evil.example", "/\x00/x", "/\x7f/x",
    "javascript:alert(1)", "evil.example/x", "", None,
])
def test_another_site_or_a_control_character_falls_back(target):
    assert safe_next(target) is None and safe_next(target, "/home") == "/home"
