"""The principal's pages on a 360 px phone (#15): every tap target at least 44 px tall, the heat map's header
row and class column stay in view when it scrolls, weekend and not-yet days are told apart."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from edulite.ops.demo import DEMO_PASSWORD
from tests.e2e.conftest import login

MIN_TAP = 44
# Tap targets: links and buttons in the page's content and menus (inline links inside running text are
# exempt, as WCAG 2.5.8 allows; none of these pages has any).
TARGETS = """() => [...document.querySelectorAll('main a[href], main button, main summary, main input, main select')]
  .filter(e => e.offsetParent !== null && e.type !== 'hidden')
  .map(e => { const r = e.getBoundingClientRect();
              return {what: (e.tagName + ' ' + (e.textContent || e.name || '').trim()).slice(0, 40), h: r.height}; })
  .filter(t => t.h < MIN)""".replace("MIN", str(MIN_TAP))


@pytest.mark.parametrize("path", ["/principal/", "/principal/alerts"])
def test_every_tap_target_on_the_principals_phone_pages_is_at_least_44_px_tall(demo_live_server, page, path):
    login(page, demo_live_server, "principal", DEMO_PASSWORD)
    page.goto(demo_live_server + path)
    small = page.evaluate(TARGETS)
    assert small == [], f"tap targets under {MIN_TAP} px on {path}: {small[:12]}"


def test_the_heat_maps_header_and_class_column_stay_in_view_when_it_scrolls(demo_live_server, page):
    login(page, demo_live_server, "principal", DEMO_PASSWORD)
    page.goto(demo_live_server + "/principal/")
    heat = page.locator("table.heat").first
    expect(heat).to_be_visible()
    first_head = heat.locator("thead th").first
    first_col = heat.locator("tbody th").first
    assert first_head.evaluate("e => getComputedStyle(e).position") == "sticky"
    assert first_col.evaluate("e => getComputedStyle(e).position") == "sticky"
    wrap = heat.locator("xpath=ancestor::div[contains(@class,'table-wrap')][1]")
    left = first_col.bounding_box()["x"]
    wrap.evaluate("e => { e.scrollLeft = 400; }")
    page.wait_for_timeout(100)
    # Stuck to the left edge of its box (the table's 2 px border spacing aside), not scrolled away with the rest.
    assert abs(first_col.bounding_box()["x"] - left) <= 3


def test_weekend_and_not_yet_days_have_distinct_marks_with_enough_contrast(demo_live_server, page):
    login(page, demo_live_server, "principal", DEMO_PASSWORD)
    page.goto(demo_live_server + "/principal/")
    marks = page.evaluate("""() => {
      const cell = cls => document.querySelector('table.heat td.' + cls);
      const text = c => c ? c.textContent.trim() : null;
      return {off: text(cell('heat-off')), future: text(cell('heat-future'))}; }""")
    if marks["off"] and marks["future"]:
        assert marks["off"] != marks["future"]
    ratio = page.evaluate("""() => {
      const lum = rgb => { const [r, g, b] = rgb.match(/\\d+/g).slice(0, 3).map(Number).map(v => v / 255)
        .map(v => v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4); return 0.2126*r + 0.7152*g + 0.0722*b; };
      const worst = [];
      for (const cls of ['heat-off', 'heat-future']) {
        const c = document.querySelector('table.heat td.' + cls) || document.querySelector('.swatch.' + cls);
        if (!c) continue;
        const s = getComputedStyle(c); let bg = s.backgroundColor;
        if (bg === 'rgba(0, 0, 0, 0)') bg = 'rgb(255, 255, 255)';
        const [a, b] = [lum(s.color), lum(bg)].sort((x, y) => y - x);
        worst.push((a + 0.05) / (b + 0.05));
      }
      return Math.min(...worst); }""")
    assert ratio >= 4.5
