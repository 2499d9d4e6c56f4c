"""The real app in Chromium: KPI values on the overview, a click on the map opens a card."""

from __future__ import annotations

import math

import pytest

from cockpit import geo, snapshot
from cockpit.fmt import format_value
from cockpit.store import Store
from cockpit.ui.map_view import MAP_HEIGHT
from tests.e2e.conftest import save_screenshot, wait_for_app_idle

TILE = '[data-testid="stMetric"]'


@pytest.fixture(scope="module")
def truth(sample_db):
    store = Store(sample_db)
    period = store.periods()[-1]
    yield {"series": snapshot.township_series(store).loc[period],
           "villages": snapshot.village_table(store, period)}
    store.close()


def _tile_value(page, label: str) -> str:
    tile = page.locator(TILE).filter(has=page.get_by_text(label, exact=True)).first
    return tile.locator('[data-testid="stMetricValue"]').inner_text().strip()


def test_overview_shows_store_figures(app_page, truth):
    assert _tile_value(app_page, "按期结案率") == format_value(truth["series"]["on_time_rate"], "percent")
    assert _tile_value(app_page, "超期诉求") == format_value(truth["series"]["overdue_at_end"], "count")
    save_screenshot(app_page, "overview_zh")


def test_overview_in_english_by_url(browser_page, app_server, truth):
    browser_page.goto(f"{app_server}/?lang=en")
    wait_for_app_idle(browser_page)
    assert _tile_value(browser_page, "Response rate") == format_value(truth["series"]["response_rate"], "percent")
    save_screenshot(browser_page, "overview_en")


def _pixel(lon: float, lat: float, view: dict, box: dict) -> tuple[float, float]:
    """Screen position of (lon, lat) in a deck.gl web-mercator view centred in ``box``."""
    world = 512 * 2 ** view["zoom"]

    def merc(lo, la):
        y = math.log(math.tan(math.pi / 4 + math.radians(la) / 2))
        return (lo + 180) / 360 * world, (1 - y / math.pi) / 2 * world

    cx, cy = merc(view["longitude"], view["latitude"])
    x, y = merc(lon, lat)
    return box["x"] + box["width"] / 2 + (x - cx), box["y"] + box["height"] / 2 + (y - cy)


def test_click_village_opens_card(browser_page, app_server, truth):
    page = browser_page
    page.goto(f"{app_server}/map?lang=zh")
    wait_for_app_idle(page)
    gdf = geo.load_villages_geojson(__import__("cockpit.settings", fromlist=["path"]).path("geodata_path"))
    view = geo.view_state(gdf, width_px=1100, height_px=MAP_HEIGHT)
    canvas = page.locator('[data-testid="stDeckGlJsonChart"] canvas').first
    canvas.wait_for(state="visible")
    page.wait_for_timeout(1500)  # let deck.gl draw the first frame
    box = canvas.bounding_box()
    vt = truth["villages"].set_index("village_id")
    target = vt[vt["kind"] == "village"].sort_values("population").index[-1]
    point = geo.label_points(gdf).set_index("village_id").loc[target]
    x, y = _pixel(point["lon"], point["lat"], view, box)
    assert box["x"] < x < box["x"] + box["width"] and box["y"] < y < box["y"] + box["height"]
    page.mouse.move(x, y)
    page.wait_for_timeout(300)
    page.mouse.click(x, y)
    wait_for_app_idle(page)
    page.wait_for_timeout(500)
    wait_for_app_idle(page)
    card = page.locator(".st-key-village_card")
    card.wait_for(state="visible", timeout=15_000)
    assert vt.loc[target, "name_zh"] in card.inner_text()
    save_screenshot(page, "map_card_zh")
