"""In Chromium: the sample county's page, a township chosen in its ranking opens that township's
villages on the map, the sidebar's township choice goes back to the whole county, and the county's
planner moves funding and staff from township to township."""

from __future__ import annotations

import re

import pandas as pd
import pytest
from playwright.sync_api import expect

from cockpit.geo import boundaries as geo
from cockpit.sample.county import generate_county
from cockpit.store import Store
from cockpit.ui.map_view import MAP_VIEW_WIDTH
from tests.e2e.test_browser import _pixel
from tests.e2e.conftest import APP_SCRIPT, open_page, save_screenshot, start_streamlit, wait_for_app_idle

XIKOU = "350781102"   # the second township of the sample county


@pytest.fixture(scope="module")
def county_out(tmp_path_factory):
    out = tmp_path_factory.mktemp("e2e_county") / "county"
    generate_county(out, townships=3, months=3, end="2026-10")
    store = Store(out / "county.duckdb")    # read before the server holds the file
    try:
        (out / "townships.csv").write_text(store.townships().to_csv(index=False), encoding="utf-8")
    finally:
        store.close()
    return out


@pytest.fixture(scope="module")
def county_server(county_out, server_logs):
    env = {"COCKPIT_DB": str(county_out / "county.duckdb"), "COCKPIT_GEODATA": str(county_out / "county.geojson")}
    with start_streamlit(APP_SCRIPT, env=env, log_registry=server_logs) as url:
        yield url


def _grid_texts(page, key: str) -> list[str]:
    return page.evaluate(f"""() => [...document.querySelectorAll('.st-key-{key} [role="gridcell"]')]
        .map(c => c.innerText.trim())""")


def test_a_township_opens_from_the_county_and_the_county_comes_back(browser_page, county_server):
    page = browser_page
    open_page(page, f"{county_server}/county?lang=zh")
    page.get_by_role("heading", name="县域总览：各乡镇比较").wait_for()
    grid = page.locator(".st-key-county_ranking [data-testid='stDataFrameResizable']")
    grid.wait_for()
    page.locator(".st-key-county_ranking [role='gridcell']").first.wait_for(state="attached")
    cells = _grid_texts(page, "county_ranking")
    towns = [c for c in cells if c in ("城关镇", "溪口镇", "青山乡")]
    assert sorted(towns) == ["城关镇", "溪口镇", "青山乡"]
    save_screenshot(page, "county_page", full_page=False)
    grid.scroll_into_view_if_needed()
    page.wait_for_timeout(300)
    box = grid.bounding_box()
    row = towns.index("溪口镇")
    page.mouse.click(box["x"] + 18, box["y"] + 35 * (row + 1) + 17)      # the row's selection box
    page.wait_for_url(re.compile(rf"/map\?.*township={XIKOU}"), timeout=60_000)
    wait_for_app_idle(page)
    page.locator('[data-testid="stDeckGlJsonChart"] canvas').first.wait_for()
    choice = page.locator('[data-testid="stSidebar"] [data-testid="stSelectbox"]').filter(has_text="乡镇")
    shown = lambda: choice.evaluate("e => e.innerText + ' ' + [...e.querySelectorAll('input')].map(i => i.value).join(' ')")  # noqa: E731
    assert "溪口镇" in shown()
    page.wait_for_timeout(1500)
    save_screenshot(page, "county_township_map", full_page=False)
    choice.click()
    page.get_by_role("option", name="全县").click()
    wait_for_app_idle(page)
    page.wait_for_timeout(500)
    assert "township=" not in page.url
    assert "全县" in shown()


def test_a_click_on_a_township_on_the_county_map_opens_it(browser_page, county_server, county_out):
    page = browser_page
    open_page(page, f"{county_server}/county?lang=en")
    gdf = geo.load_villages_geojson(county_out / "county.geojson")
    groups = pd.read_csv(county_out / "townships.csv", dtype=str).rename(columns={"township_code": "group_id"})
    shapes = geo.dissolve(gdf, groups)
    view = geo.view_state(shapes, width_px=MAP_VIEW_WIDTH, height_px=560)
    canvas = page.locator(".st-key-county_map canvas").first
    canvas.wait_for(state="visible")
    canvas.scroll_into_view_if_needed()
    page.wait_for_timeout(1500)
    box = canvas.bounding_box()
    point = geo.label_points(shapes).set_index("village_id").loc["350781103"]
    x, y = _pixel(point["lon"], point["lat"], view, box)
    page.mouse.click(x, y)
    page.wait_for_url(re.compile(r"/map\?.*township=350781103"), timeout=60_000)
    wait_for_app_idle(page)
    save_screenshot(page, "county_map_clicked", full_page=False)


def test_the_county_planner_moves_funding_from_township_to_township(browser_page, county_server):
    page = browser_page
    open_page(page, f"{county_server}/planner?lang=zh")
    form = page.locator(".st-key-planner_township_move")
    form.wait_for()
    expect(form.get_by_text("乡镇间调配", exact=True)).to_be_visible()
    wan = form.get_by_label("调配资金（万元/年）")
    wan.fill("50")
    wan.press("Enter")
    wait_for_app_idle(page)
    staff = form.get_by_label("调配人员（全时当量）")
    staff.fill("2")
    staff.press("Enter")
    wait_for_app_idle(page)
    form.get_by_role("button", name="在乡镇间调配").click()
    wait_for_app_idle(page)
    page.get_by_role("tab", name="按乡镇").click()
    page.locator("[role='tabpanel']:visible [role='gridcell']").first.wait_for(state="attached")
    cells = page.evaluate("""() => [...document.querySelectorAll('[role="tabpanel"] [role="gridcell"]')]
        .map(c => c.innerText.trim())""")
    # each row: the township, its funding and staff change, then the rates (as far as the grid draws them)
    moved = {name: (round(float(cells[i + 1]), 6), round(float(cells[i + 2]), 6))
             for i, name in enumerate(cells) if name in ("城关镇", "溪口镇", "青山乡")}
    assert moved["城关镇"] == (-50.0, -2.0) and moved["溪口镇"] == (50.0, 2.0) and moved["青山乡"] == (0, 0), cells
    form.scroll_into_view_if_needed()
    page.wait_for_timeout(800)
    save_screenshot(page, "county_planner_township_move", full_page=False)
