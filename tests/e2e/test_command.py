"""The command screen on wall displays: it fits 1080p and 4K walls, it refreshes and rotates by itself.

The page is designed for 1920×1080 and scales with the viewport (cockpit/ui/command_view.py), so
a true 3840×2160 CSS viewport (a 4K wall at 100 % scaling) must show the same composition at twice
the size; 1920×1080 at device scale 2 (a 4K wall at 200 % scaling) is the 1080 layout, sharper.
"""

from __future__ import annotations

import shutil

import pytest

from tests.e2e.conftest import APP_SCRIPT, open_page, save_screenshot, start_streamlit

# Everything that would make the wall wrong, as a list of readable problems ([] when fine):
# horizontal or vertical overflow (kiosk: nothing below the screen's bottom edge, no scrolling,
# neither of the document nor of Streamlit's scrolling main area), text wider than its box,
# KPI tiles overlapping, the map overlapping the side panel, its indicator or its own legend.
OVERFLOW_JS = """() => {
  const bad = [];
  const root = document.scrollingElement;
  const W = window.innerWidth, H = window.innerHeight;
  if (root.scrollWidth > W + 1) bad.push('page width ' + root.scrollWidth);
  if (root.scrollHeight > H + 1) bad.push('page height ' + root.scrollHeight);
  const main = document.querySelector('[data-testid="stMain"]');
  if (main && main.scrollHeight > main.clientHeight + 1) bad.push('main scrolls ' + main.scrollHeight);
  for (const el of document.querySelectorAll('.cmd-value, .cmd-title, .cmd-tile, .cmd-panel')) {
    if (el.scrollWidth > el.clientWidth + 1) bad.push(el.className + ': ' + el.textContent);
  }
  const box = (el) => el.getBoundingClientRect();
  const seen = '.cmd-top, .cmd-wall, .cmd-panel, .cmd-dots, .map-legend, [data-testid="stDeckGlJsonChart"]';
  for (const el of document.querySelectorAll(seen)) {
    const r = box(el);
    const name = el.className || el.dataset.testid;
    if (r.bottom > H + 1 || r.right > W + 1) bad.push('off screen: ' + name + ' ' + r.bottom);
  }
  const tiles = [...document.querySelectorAll('.cmd-tile')].map(box);
  for (let i = 1; i < tiles.length; i++) {
    const [a, b] = [tiles[i - 1], tiles[i]];
    if (b.left < a.right - 1 && b.top < a.bottom - 1) bad.push('tiles overlap ' + i);
  }
  const overlap = (a, b) => a.left < b.right - 1 && b.left < a.right - 1
                         && a.top < b.bottom - 1 && b.top < a.bottom - 1;
  const map = document.querySelector('[data-testid="stDeckGlJsonChart"]');
  if (!map) { bad.push('no map'); return bad; }
  const m = box(map);
  if (m.height < 0.5 * H) bad.push('map only ' + m.height + ' of ' + H + ' px high');
  for (const el of document.querySelectorAll('.cmd-panel, .cmd-dots, .map-legend, .cmd-wall')) {
    if (overlap(m, box(el))) bad.push('map overlaps ' + el.className);
  }
  return bad;
}"""

WALL_URL = "/command?lang=zh&kiosk=1"


def _open_wall(browser, base_url: str, width: int, height: int, scale: int):
    """A kiosk command screen in a ``width``×``height`` CSS-pixel viewport, drawn and settled."""
    context = browser.new_context(viewport={"width": width, "height": height}, device_scale_factor=scale,
                                  locale="zh-CN", timezone_id="Asia/Shanghai")
    page = context.new_page()
    open_page(page, base_url + WALL_URL)
    page.locator(".cmd-wall").wait_for(state="visible")
    page.locator('[data-testid="stDeckGlJsonChart"] canvas').first.wait_for(state="visible")
    page.wait_for_timeout(1500)  # the deck draws its layers after the canvas is there
    return context, page


def _kpi_font_px(page) -> float:
    return page.evaluate("() => parseFloat(getComputedStyle(document.querySelector('.cmd-value')).fontSize)")


@pytest.mark.parametrize("width,height,scale,name", [
    (1920, 1080, 1, "command_1920x1080"),        # the wall it is designed for
    (3840, 2160, 1, "command_3840x2160"),        # a 4K wall at 100 %: a true 3840×2160 CSS viewport
    (1920, 1080, 2, "command_1920x1080_2x"),     # a 4K wall at 200 %: the 1080 layout, 3840×2160 pixels
])
def test_wall_display_fits(chromium_browser, app_server, width, height, scale, name):
    context, page = _open_wall(chromium_browser, app_server, width, height, scale)
    try:
        assert page.get_by_test_id("stSidebar").count() == 0 or not page.get_by_test_id("stSidebar").is_visible()
        assert page.locator(".cmd-tile").count() == 8
        # the map's full-screen button (a white square on the dark wall) is hidden
        assert not page.locator('[data-testid="stDeckGlJsonChart"] [data-testid="stElementToolbar"]').is_visible()
        assert page.evaluate(OVERFLOW_JS) == []
        save_screenshot(page, name, full_page=False)
    finally:
        context.close()


def test_4k_wall_shows_the_1080_composition_twice_as_large(chromium_browser, app_server):
    sizes = {}
    for width, height in [(1920, 1080), (3840, 2160)]:
        context, page = _open_wall(chromium_browser, app_server, width, height, 1)
        try:
            box = page.get_by_test_id("stDeckGlJsonChart").bounding_box()
            canvas = page.evaluate("() => { const c = document.querySelector("
                                   "'[data-testid=\"stDeckGlJsonChart\"] canvas'); return [c.width, c.height]; }")
            sizes[width] = (_kpi_font_px(page), box, canvas)
        finally:
            context.close()
    (font_1080, map_1080, _), (font_4k, map_4k, canvas_4k) = sizes[1920], sizes[3840]
    assert font_4k >= 1.8 * font_1080, (font_1080, font_4k)
    assert map_4k["height"] >= 1.8 * map_1080["height"], (map_1080, map_4k)
    assert map_4k["width"] >= 1.8 * map_1080["width"], (map_1080, map_4k)
    # the deck renders in device pixels at the zoomed size (sharp), not a 1080 canvas stretched
    assert canvas_4k[0] >= map_4k["width"] - 2 and canvas_4k[1] >= map_4k["height"] - 2, (canvas_4k, map_4k)


def _fast_server(sample_db, tmp_path_factory, rotation: str):
    db = tmp_path_factory.mktemp("fast") / "cockpit.duckdb"
    shutil.copy2(sample_db, db)
    env = {"COCKPIT_DB": str(db), "COCKPIT_COMMAND_REFRESH": "2", "COCKPIT_COMMAND_ROTATION": rotation}
    return start_streamlit(APP_SCRIPT, env=env)


@pytest.fixture(scope="module")
def fast_server(sample_db, tmp_path_factory):
    """Refresh every 2 s, no rotation (both side panels at once)."""
    with _fast_server(sample_db, tmp_path_factory, "0") as url:
        yield url


@pytest.fixture(scope="module")
def rotating_server(sample_db, tmp_path_factory):
    """Refresh every 2 s, the side panels rotating every 2 s."""
    with _fast_server(sample_db, tmp_path_factory, "2") as url:
        yield url


def test_refreshes_by_itself(browser_page, fast_server):
    page = browser_page
    page.set_viewport_size({"width": 1920, "height": 1080})
    open_page(page, f"{fast_server}/command?lang=en&kiosk=1")
    stamp = page.get_by_test_id("last-refresh")
    first = stamp.inner_text()
    page.wait_for_function(
        "(t) => { const e = document.querySelector('[data-testid=\"last-refresh\"]');"
        " return e && e.textContent !== t; }", arg=first, timeout=10_000)
    assert stamp.inner_text().startswith("refreshed ")
    # rotation off: both panels share the column and still fit the 1080 wall
    assert page.locator(".cmd-panel").count() == 2
    assert page.evaluate(OVERFLOW_JS) == []
    save_screenshot(page, "command_1920x1080_no_rotation", full_page=False)


def test_rotates_its_panels(browser_page, rotating_server):
    page = browser_page
    open_page(page, f"{rotating_server}/command?lang=en&kiosk=1")
    dots = page.locator(".cmd-dots")
    dots.wait_for(state="visible")
    first = dots.inner_text().strip()
    assert first in ("1 / 2", "2 / 2")
    heading = page.locator(".cmd-panel h3").inner_text()
    changed = ("(t) => { const e = document.querySelector('.cmd-dots');"
               " return e && e.textContent.trim() !== t; }")
    page.wait_for_function(changed, arg=first, timeout=10_000)
    second = dots.inner_text().strip()
    assert {first, second} == {"1 / 2", "2 / 2"}
    assert page.locator(".cmd-panel").count() == 1
    assert page.locator(".cmd-panel h3").inner_text() != heading  # the panel itself changed
    page.wait_for_function(changed, arg=second, timeout=10_000)  # and it comes round again
    assert dots.inner_text().strip() == first
