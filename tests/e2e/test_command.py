"""The command screen on wall displays: nothing overflows at 1080p or 4K; it refreshes itself."""

from __future__ import annotations

import shutil

import pytest

from tests.e2e.conftest import APP_SCRIPT, open_page, save_screenshot, start_streamlit, wait_for_app_idle

OVERFLOW_JS = """() => {
  const bad = [];
  const root = document.scrollingElement;
  if (root.scrollWidth > window.innerWidth + 1) bad.push('page ' + root.scrollWidth);
  for (const el of document.querySelectorAll('.cmd-value, .cmd-title, .cmd-tile, .cmd-panel')) {
    if (el.scrollWidth > el.clientWidth + 1) bad.push(el.className + ': ' + el.textContent);
  }
  const tiles = [...document.querySelectorAll('.cmd-tile')].map(e => e.getBoundingClientRect());
  for (let i = 1; i < tiles.length; i++) {
    if (tiles[i].left < tiles[i - 1].right - 1 && tiles[i].top < tiles[i - 1].bottom - 1) bad.push('tiles overlap ' + i);
  }
  return bad;
}"""


@pytest.mark.parametrize("width,height,scale", [(1920, 1080, 1), (3840, 2160, 2)])
def test_wall_display_fits(chromium_browser, app_server, width, height, scale):
    context = chromium_browser.new_context(viewport={"width": width // scale, "height": height // scale},
                                           device_scale_factor=scale, locale="zh-CN")
    page = context.new_page()
    try:
        open_page(page, f"{app_server}/command?lang=zh&kiosk=1")
        page.locator(".cmd-wall").wait_for(state="visible")
        page.wait_for_timeout(1500)
        assert page.get_by_test_id("stSidebar").count() == 0 or not page.get_by_test_id("stSidebar").is_visible()
        assert page.locator(".cmd-tile").count() == 8
        assert page.evaluate(OVERFLOW_JS) == []
        save_screenshot(page, f"command_{width}x{height}", full_page=False)
    finally:
        context.close()


@pytest.fixture(scope="module")
def fast_server(sample_db, tmp_path_factory):
    db = tmp_path_factory.mktemp("fast") / "cockpit.duckdb"
    shutil.copy2(sample_db, db)
    env = {"COCKPIT_DB": str(db), "COCKPIT_COMMAND_REFRESH": "2", "COCKPIT_COMMAND_ROTATION": "0"}
    with start_streamlit(APP_SCRIPT, env=env) as url:
        yield url


def test_refreshes_by_itself(browser_page, fast_server):
    page = browser_page
    open_page(page, f"{fast_server}/command?lang=en&kiosk=1")
    stamp = page.get_by_test_id("last-refresh")
    first = stamp.inner_text()
    page.wait_for_function(
        "(t) => { const e = document.querySelector('[data-testid=\"last-refresh\"]');"
        " return e && e.textContent !== t; }", arg=first, timeout=10_000)
    assert stamp.inner_text().startswith("refreshed ")
