"""The cases page (接诉即办) in Chromium, signed in as the demo township leader.

KPI tiles equal what the cases data layer computes on the test database; the 条块 heatmap is
drawn; a click on a heatmap cell narrows the overdue list to that department and village; the
CSV of the list downloads through the browser (UTF-8 with BOM) and holds exactly the rows shown;
the page switches to Chinese. The leader's role may see callers' personal data (each unmasking
and download is recorded in the audit log); when the audit log cannot be written, the list and
its CSV stay masked.
"""

from __future__ import annotations

import csv
import io
import re
import time

import duckdb
import pytest
from playwright.sync_api import expect

from cockpit import settings
from cockpit.values.case_filter import CaseFilter
from cockpit.cases.matrix import cell_filter
from cockpit.cases.overdue import overdue_list
from cockpit.cases.page import load_case_page
from cockpit.cases.scorecard import overall_score
from cockpit.text.csv_export import FORMULA_PREFIXES
from cockpit.text.numbers import format_value
from cockpit.i18n import Translator
from cockpit.metrics.cases import parse_weights
from cockpit.metrics.catalog import metric
from cockpit.store import Store
from tests.e2e.conftest import open_page, save_screenshot, wait_for_app_idle
from tests.e2e.page_checks import english_words, save_whole_page, unchecked_radios

EN, ZH = Translator("en"), Translator("zh")
BOM = b"\xef\xbb\xbf"
TILE = '[data-testid="stMetric"]'

# Centre of the heatmap cell (village name, department name) on the screen, from Plotly's own axes.
_CELL_JS = """([village, department]) => {
  const gd = document.querySelector('.st-key-cases_matrix .js-plotly-plot');
  const heat = gd._fullData.find(t => t.type === 'heatmap');
  const xi = gd.layout.xaxis.ticktext.indexOf(village), yi = gd.layout.yaxis.ticktext.indexOf(department);
  if (xi < 0 || yi < 0) return null;
  const xa = gd._fullLayout.xaxis, ya = gd._fullLayout.yaxis;
  const box = gd.querySelector('.main-svg').getBoundingClientRect();
  return {x: box.left + xa._offset + xa.l2p(xi), y: box.top + ya._offset + ya.l2p(yi), z: heat.z[yi][xi]};
}"""
_HEATMAP_JS = """() => {
  const gd = document.querySelector('.st-key-cases_matrix .js-plotly-plot');
  const heat = gd && gd._fullData.find(t => t.type === 'heatmap');
  if (!heat) return null;
  const total = Array.from(heat.z, row => Array.from(row)).flat().reduce((a, b) => a + b, 0);
  return {x: gd.layout.xaxis.ticktext, y: gd.layout.yaxis.ticktext, total: total};
}"""


@pytest.fixture(scope="module")
def truth(sample_db):
    """What the page should show, from the functions its data layer calls (cockpit.ui.data)."""
    store = Store(sample_db)
    try:
        period = store.periods()[-1]
        page = load_case_page(store, period, CaseFilter(), weights=parse_weights(settings.get("three_rates_weights")))
        overdue = overdue_list(store, period, CaseFilter(), allowed=True)
        # the department × village cell with the most overdue cases (first in list order on a tie)
        pairs = overdue.groupby(["department_id", "village_id"], sort=False).size()
        department, village = pairs.idxmax()
        cell = cell_filter(CaseFilter(), department, village)
        yield {
            "period": period,
            "kpis": page.kpis.set_index("metric"),
            "matrix": page.matrix,
            "overdue": overdue,
            "cell": (department, village),
            "cell_rows": overdue_list(store, period, cell, allowed=True),
            "cell_rows_masked": overdue_list(store, period, cell, allowed=False),
            "villages": store.villages().set_index("village_id"),
            "departments": store.departments().set_index("department_id"),
        }
    finally:
        store.close()


@pytest.fixture(scope="module")
def server_db(app_server, sample_db, tmp_path_factory):
    """The database file the session's app server runs on (conftest copies sample_db to e2e_db*/)."""
    found = sorted({p.resolve() for p in tmp_path_factory.getbasetemp().glob(f"e2e_db*/{sample_db.name}")})
    assert len(found) == 1, f"cannot tell the app server's database copy: {found}"
    return found[0]


def _tile(page, label: str):
    return page.locator(TILE).filter(has=page.get_by_text(label, exact=True)).first


def _overdue_grid(page, t: Translator):
    """The overdue list's data grid (the only one with a days-overdue column)."""
    name = re.compile(rf"^{re.escape(t('cases.col.days_overdue'))}$")
    header = page.locator('th[role="columnheader"]', has_text=name)
    return page.locator('[data-testid="stDataFrame"]').filter(has=header)


def _click_cell(page, truth, lang: str) -> int:
    """Click the heatmap cell of the truth's department and village; return its drawn value."""
    department, village = truth["cell"]
    names = (truth["villages"].at[village, f"name_{lang}"], truth["departments"].at[department, f"name_{lang}"])
    chart = page.locator(".st-key-cases_matrix .js-plotly-plot")
    chart.scroll_into_view_if_needed()
    page.wait_for_timeout(300)
    where = page.evaluate(_CELL_JS, list(names))
    assert where is not None, f"no heatmap cell for {names}"
    page.mouse.move(where["x"], where["y"])
    page.wait_for_timeout(200)
    page.mouse.click(where["x"], where["y"])
    t = Translator(lang)
    page.get_by_text(t("cases.cell_filter", department=names[1], village=names[0]), exact=True).wait_for()
    wait_for_app_idle(page)
    return where["z"]


def _download_csv(page) -> bytes:
    with page.expect_download() as info:
        page.locator(".st-key-download_overdue button").click()
    path = info.value.path()
    with open(path, "rb") as f:
        return f.read()


def _csv_rows(raw: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"), newline="")))


def _assert_no_formula(rows: list[dict[str, str]]) -> None:
    for row in rows:
        for key, value in row.items():
            assert not str(key).startswith(FORMULA_PREFIXES) and not value.startswith(FORMULA_PREFIXES), (key, value)


def test_kpis_heatmap_cell_filter_and_csv(browser_page, app_server, server_db, truth):
    page = browser_page
    open_page(page, f"{app_server}/cases?lang=en&period={truth['period']}")
    page.get_by_role("heading", name=EN("cases.title")).wait_for()

    # KPI row: every tile's value is the data layer's, formatted as the page formats it
    kpis = truth["kpis"]
    assert page.locator(TILE).count() == len(kpis) + 1  # and the score against targets
    for key, row in kpis.iterrows():
        shown = _tile(page, EN(f"metric.{key}.label")).locator('[data-testid="stMetricValue"]').inner_text().strip()
        assert shown == format_value(row["actual"], metric(key).unit, "en"), key
    score = _tile(page, EN("cases.score")).locator('[data-testid="stMetricValue"]').inner_text().strip()
    assert score == f"{overall_score(kpis):.2f}"

    # the 条块 heatmap: drawn, every department × every village, overdue counts as in the store
    chart = page.locator(".st-key-cases_matrix .js-plotly-plot")
    chart.scroll_into_view_if_needed()
    assert chart.is_visible() and chart.bounding_box()["height"] > 200
    drawn = page.evaluate(_HEATMAP_JS)
    assert drawn["y"] == list(truth["departments"]["name_en"])
    assert drawn["x"] == list(truth["villages"]["name_en"])
    assert drawn["total"] == truth["matrix"]["overdue_at_end"].sum() > 0

    # a click on the busiest cell narrows the overdue list to that department and village
    expected = truth["cell_rows"]
    assert _click_cell(page, truth, "en") == len(expected) > 1
    grid = _overdue_grid(page, EN)
    expect(grid.locator('tbody td[aria-colindex="1"]')).to_have_text(list(expected["case_id"]))
    assert page.get_by_text(EN("cases.overdue_caption_unmasked", n=str(len(expected))), exact=True).is_visible()
    villages = set(grid.locator('tbody td[aria-colindex="3"]').all_inner_texts())
    departments = set(grid.locator('tbody td[aria-colindex="4"]').all_inner_texts())
    department, village = truth["cell"]
    assert villages == {truth["villages"].at[village, "name_en"]}
    assert departments == {truth["departments"].at[department, "name_en"]}
    save_screenshot(page, "cases_cell_filter_en", full_page=False)

    # the CSV of the filtered list, downloaded by the browser
    raw = _download_csv(page)
    wait_for_app_idle(page)
    assert raw.startswith(BOM), raw[:16]
    assert b"\r\n" in raw  # RFC 4180 line ends
    rows = _csv_rows(raw)
    header = [EN(f"cases.col.{c}") for c in ("case_id", "days_overdue")] + [EN("party.village")] + [
        EN(f"cases.col.{c}") for c in ("department", "received", "due", "summary", "name", "phone", "address")]
    assert list(rows[0]) == header
    assert [r[EN("cases.col.case_id")] for r in rows] == list(expected["case_id"])
    assert {r[EN("party.village")] for r in rows} == {truth["villages"].at[village, "name_en"]}
    _assert_no_formula(rows)
    # the leader's role may see callers' data: the file holds what the list shows, and says so in the log
    assert [r[EN("cases.col.name")] for r in rows] == list(expected["citizen_name"])
    assert [r[EN("cases.col.phone")] for r in rows] == list(expected["phone"].astype(str))
    # the download's and the unmasking's audit entries are checked in tests/app/test_download_audit.py
    # (the server holds its live file alone: tests/e2e/test_owner.py)

    # "show all" lifts the cell filter
    page.get_by_role("button", name=EN("cases.clear_cell")).click()
    page.get_by_text(EN("cases.overdue_caption_unmasked", n=str(len(truth["overdue"]))), exact=True).wait_for()
    wait_for_app_idle(page)
    notice = EN("cases.cell_filter", department=truth["departments"].at[department, "name_en"],
                village=truth["villages"].at[village, "name_en"])
    assert page.get_by_text(notice, exact=True).count() == 0


def test_sidebar_switches_the_page_to_chinese(browser_page, app_server, truth):
    page = browser_page
    open_page(page, f"{app_server}/cases?lang=en&period={truth['period']}")
    page.get_by_role("heading", name=EN("cases.title")).wait_for()
    sidebar = page.get_by_test_id("stSidebar")
    sidebar.locator('[data-testid="stSelectbox"]').filter(has_text=EN("app.language")).click()
    page.get_by_role("option", name="简体中文").click()
    wait_for_app_idle(page)
    page.get_by_role("heading", name=ZH("cases.title")).wait_for()
    for key in ("cases.trend", "cases.matrix", "cases.ranking", "cases.overdue", "cases.repeats", "cases.quality"):
        assert page.get_by_role("heading", name=ZH(key)).is_visible(), key
    on_time = _tile(page, ZH("metric.on_time_rate.label")).locator('[data-testid="stMetricValue"]').inner_text()
    assert on_time.strip() == format_value(truth["kpis"].at["on_time_rate", "actual"], "percent", "zh")
    assert page.evaluate(_HEATMAP_JS)["y"] == list(truth["departments"]["name_zh"])
    english = english_words(page, allowed={"CSV"})
    assert not english, f"English words in the Chinese page: {sorted(english)}"
    save_whole_page(page, "cases_zh")
    # a radio whose labels change language keeps its choice (shell.translated_radio)
    assert unchecked_radios(page) == []
