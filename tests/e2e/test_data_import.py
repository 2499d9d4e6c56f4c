"""In the browser: upload a villages CSV with a new village and its boundary, map a column, read the
report, load, and find the new village on the map; the report of a messy file in Chinese.

The first import turns the sample into real data, after which the demo accounts are refused: the
module's server has a regular (non-demo) account with the leader role, made in its database copy
before the server starts, and every page is opened signed in as that account.
"""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import duckdb
import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from cockpit.auth.users import add_user
from tests import importer_fixtures as fx
from tests.auth_fixtures import FAST
from tests.e2e import conftest
from tests.e2e.conftest import APP_SCRIPT, PROJECT_ROOT, save_screenshot, start_streamlit, wait_for_app_idle

# A regular account with the leader role (may import and export): demo accounts stop working at the first import.
LEADER, LEADER_PASSWORD = "wang.zhen", "import-leader-pw"


@pytest.fixture(scope="module")
def import_server(sample_db, tmp_path_factory, server_logs):
    """A server of its own: the import writes to its database, boundary file and imports folder."""
    folder = tmp_path_factory.mktemp("e2e_import")
    db, geodata = folder / "cockpit.duckdb", folder / "villages.geojson"
    shutil.copy2(sample_db, db)
    shutil.copy2(PROJECT_ROOT / "geodata" / "villages.geojson", geodata)
    con = duckdb.connect(str(db))
    try:
        add_user(con, LEADER, LEADER_PASSWORD, "leader", display_name="王镇长", params=FAST)
    finally:
        con.close()
    env = {"COCKPIT_DB": str(db), "COCKPIT_GEODATA": str(geodata), "COCKPIT_IMPORTS_DIR": str(folder / "imports")}
    with start_streamlit(APP_SCRIPT, env=env, log_registry=server_logs) as url:
        yield url, folder


def open_page(page, url: str) -> None:
    """Open ``url`` signed in as the module's regular leader account (not a demo account)."""
    conftest.open_page(page, url, user=LEADER, password=LEADER_PASSWORD)


def _choose(page, key: str, option: str) -> None:
    """Pick ``option`` in the selectbox of widget key ``key``: open its list, click the option.

    A click during a rerun or an expander's animation may not open the list (or close it again):
    then blur, wait and retry, typing the option's text to filter the list on later tries."""
    box = page.locator(f".st-key-{key} [role='combobox']")
    box.wait_for()
    box.evaluate("e => e.scrollIntoView({block: 'start'})")   # room below it for the option list
    choice = page.get_by_role("option", name=option, exact=True)
    for attempt in range(6):
        wait_for_app_idle(page)
        box.click()
        if attempt >= 2:
            page.keyboard.type(option)
        try:
            choice.wait_for(timeout=3_000)
            break
        except PlaywrightTimeout:
            page.keyboard.press("Escape")
            page.locator("h1").first.click()
            page.wait_for_timeout(500)
    choice.click()
    wait_for_app_idle(page)
    assert box.evaluate("e => e.value") == option


def _upload(page, path: Path) -> None:
    page.locator("[data-testid='stFileUploader'] input[type='file']").set_input_files(str(path))
    wait_for_app_idle(page)


def _click(page, name: str) -> None:
    page.get_by_role("button", name=name, exact=True).click()
    wait_for_app_idle(page)


def _metric(page, label: str) -> str:
    tile = page.locator('[data-testid="stMetric"]').filter(has=page.get_by_text(label, exact=True)).first
    tile.wait_for()
    return tile.locator('[data-testid="stMetricValue"]').inner_text().strip()


def test_new_village_with_boundary_appears_on_the_map(browser_page, import_server):
    url, folder = import_server
    page = browser_page
    villages = folder / "村情_2026年10月.csv"
    header = ("行政区划代码", "村名", "英文名", "类型", "城乡分类", "人数合计", "户数", "老龄化率", "经度", "纬度")
    villages.write_bytes(fx.villages_csv([fx.new_village_row()], header=header).encode("gbk"))
    boundary = folder / "xinfeng.geojson"
    boundary.write_bytes(fx.as_bytes(fx.new_village_geojson()))

    open_page(page, f"{url}/data?lang=en")   # signed in as the regular leader account
    _choose(page, "imp_kind", "Villages and communities")
    _upload(page, villages)
    summary = page.get_by_text("1 row(s) ·")
    summary.wait_for()
    assert "encoding GB18030" in summary.inner_text()
    sha = hashlib.sha256(villages.read_bytes()).hexdigest()[:10]
    _choose(page, f"imp_map_{sha}_villages_population", "人数合计")   # 人数合计 is no synonym: mapped by hand
    _click(page, "Check the file")
    assert _metric(page, "Rows in the file") == "1" and _metric(page, "Rejected rows") == "0"
    _click(page, "Load into the database")
    page.get_by_text("Import #1 loaded: 1 new").wait_for()

    _choose(page, "imp_kind", "Village boundaries (GeoJSON)")
    _upload(page, boundary)
    _click(page, "Check the file")
    page.get_by_text("No problems found.").wait_for()
    _click(page, "Load into the database")
    page.get_by_text("Import #2 loaded: 1 new").wait_for()

    open_page(page, f"{url}/map?lang=en&village={fx.NEW_VILLAGE}")
    card = page.locator(".st-key-village_card")
    card.get_by_text("Xinfeng Village").wait_for()
    assert fx.NEW_VILLAGE in card.inner_text()
    page.wait_for_timeout(1500)
    save_screenshot(page, "data_import_new_village_on_map")


def test_messy_file_report_in_chinese(browser_page, import_server):
    url, folder = import_server
    page = browser_page
    messy = folder / "12345工单_2026年10月.csv"
    messy.write_bytes(fx.messy_cases_csv().encode("gbk"))
    open_page(page, f"{url}/data?lang=zh")
    _choose(page, "imp_kind", "民生诉求工单（CSV、Excel 或 Open311 JSON）")
    _upload(page, messy)
    _click(page, "校验文件")
    assert (_metric(page, "文件行数"), _metric(page, "有效行"), _metric(page, "拒收行")) == ("11", "6", "5")
    download = page.get_by_role("button", name="下载校验报告（CSV）")
    download.scroll_into_view_if_needed()
    assert download.is_visible()
    save_screenshot(page, "data_import_report_zh")
