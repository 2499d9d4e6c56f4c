"""In the browser: a township starts from nothing (issue 20).

An empty database made by ``new-township`` and its first administrator: every page says what it
lacks; on the Data page the village boundaries create the villages, the fill-in table lists them
until a villages file gives their population, then the first month's appeals arrive, the next
month's with channels of their own translated, and the map and the appeals page show them.
"""

from __future__ import annotations

import hashlib
import json

import duckdb
import pytest

from cockpit.auth.users import add_user
from cockpit.sample import catalog
from cockpit.store.new_township import create_township
from tests import importer_fixtures as fx
from tests.auth_fixtures import FAST
from tests.e2e import conftest
from tests.e2e.conftest import APP_SCRIPT, save_screenshot, start_streamlit, wait_for_app_idle
from tests.e2e.test_data_import import _choose, _click, _metric, _upload

ADMIN, PASSWORD = "zhou.admin", "new-township-admin-pw"
VILLAGES = [("350781105201", "溪口村", "村", "农村", 1182), ("350781105202", "城关社区", "社区", "城镇", 3400),
            ("350781105203", "长乐村", "村", "农村", 905)]


@pytest.fixture(scope="module")
def new_township(tmp_path_factory, server_logs):
    folder = tmp_path_factory.mktemp("e2e_new_township")
    db = folder / "xinan.duckdb"
    reference = {"domains": catalog.domains_frame(), "departments": catalog.departments_frame(),
                 "categories": catalog.categories_frame(), "norms": catalog.norms_frame()}
    create_township(db, "新安镇", "Xin'an Town", reference, actor="cli:test")
    with duckdb.connect(str(db)) as con:
        add_user(con, ADMIN, PASSWORD, "administrator", params=FAST)
        add_user(con, "zhou.head", PASSWORD, "leader", params=FAST)
    env = {"COCKPIT_DB": str(db), "COCKPIT_GEODATA": str(folder / "xinan.geojson"),
           "COCKPIT_IMPORTS_DIR": str(folder / "imports")}
    with start_streamlit(APP_SCRIPT, env=env, log_registry=server_logs) as url:
        yield url, folder, db


def _files(folder):
    features = [fx.feature(None, fx.square(118.0 + 0.02 * i, 27.0, 118.02 + 0.02 * i, 27.02),
                           {"adcode": int(vid), "name": name})
                for i, (vid, name, *_rest) in enumerate(VILLAGES)]
    boundaries = folder / "行政区划_datav.json"
    boundaries.write_bytes(fx.as_bytes(fx.collection(features)))
    villages = folder / "村情.csv"
    villages.write_text("行政区划代码,村名,类型,城乡分类,户籍人口\n"
                        + "".join(f"{v},{n},{k},{g},{p}\n" for v, n, k, g, p in VILLAGES), encoding="utf-8")
    cases = folder / "12345工单_2026年11月.csv"
    cases.write_text(fx.cases_csv([
        "N001,2026-11-03 09:00,2026-11-05 10:00,溪口村,water,水管漏水,,,",
        "N002,2026-11-10 14:30,,长乐村,roads,路面坑洼,,,",
        "N003,2026-11-12 08:15,2026-11-12 17:00,城关社区,sanitation,垃圾清运,,,"]), encoding="utf-8")
    return boundaries, villages, cases


def _choose_in_grid(page, key: str, row: int, column: int, option: str) -> None:
    """Pick ``option`` in the selectbox cell (``row``, ``column``) of the data editor ``key``: the
    grid is drawn on a canvas, so the cell is found by position (header and rows 35 px high, the
    columns' left edges read from the grid's header cells) and edited from the keyboard."""
    grid = page.locator(f".st-key-{key} [data-testid='stDataFrameResizable']")
    grid.scroll_into_view_if_needed()
    box = grid.bounding_box()
    headers = page.locator(f".st-key-{key} th[role='columnheader']")
    n = headers.count()
    x = box["x"] + box["width"] * (column + 0.5) / n
    y = box["y"] + 35 * (row + 1) + 17
    page.mouse.dblclick(x, y)
    page.wait_for_timeout(400)
    page.keyboard.type(option)
    page.keyboard.press("Enter")
    wait_for_app_idle(page)


def test_a_township_from_nothing_to_its_map_and_appeals(browser_page, new_township):
    url, folder, db = new_township
    page = browser_page
    boundaries, villages, cases = _files(folder)
    conftest.open_page(page, f"{url}/?lang=zh", user=ADMIN, password=PASSWORD)
    page.get_by_text("本页暂无可显示内容").wait_for()
    save_screenshot(page, "new_township_overview_empty")

    page.goto(f"{url}/data?lang=zh")
    wait_for_app_idle(page)
    _choose(page, "imp_kind", "村界（GeoJSON）")
    _upload(page, boundaries)
    assert page.locator(".st-key-imp_create_villages input[type='checkbox']").is_checked()
    _click(page, "校验文件")
    assert _metric(page, "拒收行") == "0"
    _click(page, "导入数据库")
    page.get_by_text("已根据村界新建 3 个村").wait_for()
    page.get_by_role("heading", name="待补填的村").wait_for()
    save_screenshot(page, "new_township_villages_to_fill")

    _choose(page, "imp_kind", "行政村与社区")
    _upload(page, villages)
    _click(page, "校验文件")
    assert _metric(page, "拒收行") == "0"
    _click(page, "导入数据库")
    page.get_by_text("更新 3 行").wait_for()
    assert page.get_by_role("heading", name="待补填的村").count() == 0

    _choose(page, "imp_kind", "民生诉求工单（CSV、Excel 或 Open311 JSON）")
    _upload(page, cases)
    _click(page, "校验文件")
    assert _metric(page, "拒收行") == "0"
    _click(page, "导入数据库")
    page.get_by_text("新增 3 行").wait_for()

    odd = folder / "12345工单_2026年12月.csv"              # its own channel names: asked what they mean
    odd.write_text("工单编号,受理时间,所属村,诉求类别,来源渠道\nD001,2026-12-01 09:00,溪口村,water,Voice In\n"
                   "D002,2026-12-02 10:00,长乐村,roads,Mobile App\n", encoding="utf-8")
    _upload(page, odd)
    page.get_by_text("文件取值对照").wait_for()
    page.get_by_text("文件取值对照").scroll_into_view_if_needed()
    page.wait_for_timeout(1000)
    sha = hashlib.sha256(odd.read_bytes()).hexdigest()[:10]
    for row, code in ((0, "hotline"), (1, "app")):          # "Voice In" is the hotline, "Mobile App" the app
        _choose_in_grid(page, f"values_{sha}_channel", row, 2, code)
    save_screenshot(page, "new_township_value_translations")
    _click(page, "校验文件")
    assert _metric(page, "拒收行") == "0"
    _click(page, "导入数据库")
    page.get_by_text("新增 2 行").wait_for()

    page.goto(f"{url}/map?lang=zh")
    wait_for_app_idle(page)
    page.get_by_role("heading", name="全镇一张图").first.wait_for()
    deck = page.locator("[data-testid='stDeckGlJsonChart']")
    deck.wait_for()
    page.wait_for_timeout(1500)
    save_screenshot(page, "new_township_map")
    head = page.context.browser.new_page(viewport=conftest.VIEWPORT, locale="zh-CN")
    try:                                                   # the administrator sees no appeals: the leader does
        conftest.open_page(head, f"{url}/cases?lang=zh&period=2026-11", user="zhou.head", password=PASSWORD)
        assert _metric(head, "受理诉求") == "3"
        head.goto(f"{url}/cases?lang=zh&period=2026-12")       # the month whose channels were translated
        wait_for_app_idle(head)
        assert _metric(head, "受理诉求") == "2"
        save_screenshot(head, "new_township_cases")
    finally:
        head.close()
    assert json.loads((folder / "xinan.geojson").read_text(encoding="utf-8"))["features"][1]["properties"][
        "name_en"] == "Chengguan Community"
