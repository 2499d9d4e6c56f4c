"""The real app in Chromium: KPI values on the overview, a click on the map opens a card."""

from __future__ import annotations

import math

import pytest

from cockpit import settings

from cockpit.geo import boundaries as geo

from cockpit.metrics import snapshot
from cockpit.text.numbers import format_value
from cockpit.store import Store
from cockpit.ui.map_view import MAP_HEIGHT, MAP_VIEW_WIDTH
from tests.e2e.conftest import open_page, save_screenshot, wait_for_app_idle

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
    open_page(browser_page, f"{app_server}/?lang=en")
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


def _village_on_screen(page, village_id: str) -> tuple[float, float]:
    """Where the label point of ``village_id`` is drawn, once the map has its first frame."""
    gdf = geo.load_villages_geojson(settings.path("geodata_path"))
    view = geo.view_state(gdf, width_px=MAP_VIEW_WIDTH, height_px=MAP_HEIGHT)
    canvas = page.locator('[data-testid="stDeckGlJsonChart"] canvas').first
    canvas.wait_for(state="visible")
    page.wait_for_timeout(1500)  # let deck.gl draw the first frame
    box = canvas.bounding_box()
    point = geo.label_points(gdf).set_index("village_id").loc[village_id]
    x, y = _pixel(point["lon"], point["lat"], view, box)
    assert box["x"] < x < box["x"] + box["width"] and box["y"] < y < box["y"] + box["height"]
    return x, y


def test_click_village_opens_card(browser_page, app_server, truth):
    page = browser_page
    outside = []
    page.on("request", lambda r: outside.append(r.url)
            if not r.url.startswith(("http://127.0.0.1", "data:", "blob:")) else None)
    open_page(page, f"{app_server}/map?lang=zh")
    vt = truth["villages"].set_index("village_id")
    target = vt[vt["kind"] == "village"].sort_values("population").index[-1]
    x, y = _village_on_screen(page, target)
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
    assert outside == [], f"the map fetched from outside: {outside}"


XSS_NAME = "<img src=x onerror=alert(1)>"


@pytest.fixture(scope="module")
def hostile_server(sample_db, tmp_path_factory):
    """A server whose largest village is named like an HTML injection."""
    import shutil

    import duckdb

    from tests.e2e.conftest import APP_SCRIPT, start_streamlit

    db = tmp_path_factory.mktemp("hostile") / "cockpit.duckdb"
    shutil.copy2(sample_db, db)
    con = duckdb.connect(str(db))
    village_id = con.execute(
        "SELECT village_id FROM villages WHERE kind = 'village' ORDER BY population DESC LIMIT 1"
    ).fetchone()[0]
    con.execute("UPDATE villages SET name_zh = ? WHERE village_id = ?", [XSS_NAME, village_id])
    con.close()
    with start_streamlit(APP_SCRIPT, env={"COCKPIT_DB": str(db)}) as url:
        yield url, village_id


def test_hostile_village_name_is_text_in_tooltip_and_card(browser_page, hostile_server):
    url, village_id = hostile_server
    page = browser_page
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    open_page(page, f"{url}/map?lang=zh&village={village_id}")
    x, y = _village_on_screen(page, village_id)
    page.mouse.move(x, y)
    tooltip = page.locator(".deck-tooltip")
    tooltip.wait_for(state="visible", timeout=10_000)
    assert XSS_NAME in tooltip.inner_text()
    assert tooltip.locator("img").count() == 0
    assert XSS_NAME in page.locator(".st-key-village_card").inner_text()
    assert page.locator("img[src='x']").count() == 0
    assert dialogs == []
    save_screenshot(page, "map_hostile_name")
