"""A village secretary in Chromium: the map shows their own village only, and a link naming another
village is refused."""

from __future__ import annotations

import math
import re

import duckdb
import pytest

from cockpit import settings

from cockpit.geo import boundaries as geo
from cockpit.auth import get_user
from cockpit.i18n import Translator
from cockpit.ui.map_view import MAP_HEIGHT, MAP_VIEW_WIDTH
from tests.e2e.conftest import open_page, save_screenshot
from tests.meeting.test_briefing import _squash, _text


@pytest.fixture(scope="module")
def villages(sample_db):
    con = duckdb.connect(str(sample_db), read_only=True)
    try:
        (own,) = get_user(con, "secretary").villages
        rows = con.execute("SELECT village_id, name_zh, name_en FROM villages").fetchall()
    finally:
        con.close()
    return own, {v: (zh, en) for v, zh, en in rows}


def _on_screen(page, village_id: str) -> tuple[float, float]:
    """Screen position of the village's label point, in a view fitted to that village alone."""
    gdf = geo.load_villages_geojson(settings.path("geodata_path"))
    gdf = gdf[gdf["village_id"] == village_id]
    view = geo.view_state(gdf, width_px=MAP_VIEW_WIDTH, height_px=MAP_HEIGHT)
    point = geo.label_points(gdf).set_index("village_id").loc[village_id]
    canvas = page.locator('[data-testid="stDeckGlJsonChart"] canvas').first
    canvas.wait_for(state="visible")
    page.wait_for_timeout(1500)  # let deck.gl draw the first frame
    box = canvas.bounding_box()
    world = 512 * 2 ** view["zoom"]

    def merc(lon, lat):
        y = math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))
        return (lon + 180) / 360 * world, (1 - y / math.pi) / 2 * world

    (cx, cy), (x, y) = merc(view["longitude"], view["latitude"]), merc(point["lon"], point["lat"])
    return box["x"] + box["width"] / 2 + (x - cx), box["y"] + box["height"] / 2 + (y - cy)


def test_secretary_map_shows_own_village_only(browser_page, app_server, villages):
    own, names = villages
    other = next(v for v in names if v != own)
    page = browser_page
    open_page(page, f"{app_server}/map?lang=zh&village={other}", user="secretary")
    body = page.locator("body")
    assert Translator("zh")("scope.refused") in body.inner_text()
    x, y = _on_screen(page, own)
    page.mouse.move(x, y)
    tooltip = page.locator(".deck-tooltip")
    tooltip.wait_for(state="visible", timeout=10_000)
    assert names[own][0] in tooltip.inner_text()
    text = body.inner_text()
    assert names[own][0] in text
    leaked = [n for v, pair in names.items() if v != own for n in (v, *pair) if n in text]
    assert leaked == [], f"other villages on the page: {leaked}"
    save_screenshot(page, "map_village_secretary")


def test_secretary_downloads_own_village_file_naming_no_other(browser_page, app_server, villages):
    own, names = villages
    page = browser_page
    t = Translator("zh")
    open_page(page, f"{app_server}/village?lang=zh", user="secretary")
    button = page.get_by_role("button", name=t("village_pdf.download"))
    button.wait_for()
    button.scroll_into_view_if_needed()
    save_screenshot(page, "village_profile_secretary", full_page=False)
    with page.expect_download(timeout=60_000) as info:
        button.click()
    download = info.value
    assert re.fullmatch(rf"village-{own}-\d{{4}}-\d{{2}}-zh\.pdf", download.suggested_filename)
    with open(download.path(), "rb") as fh:
        pdf = fh.read()
    assert pdf[:5] == b"%PDF-"
    text = _text(pdf)
    assert _squash(names[own][0]) in text
    leaked = [n for v, pair in names.items() if v != own for n in (v, *pair) if _squash(n) in text]
    assert leaked == [], f"other villages in the PDF: {leaked}"
