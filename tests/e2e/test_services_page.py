"""The services page (均等化) and the village profile (村情档案) in Chromium, in Chinese.

The coverage heatmap, composite ranking, equity panel, norm gaps and accessibility table render;
the equity figures and the other tables equal what cockpit.services / cockpit.services.norms compute on the
test database; accessibility is a layer of the map; a village clicked on the map opens its profile
through the card's link, and the profile's own selector switches to another village.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from cockpit import settings
from cockpit.services import figures as services
from cockpit.text.numbers import format_value
from cockpit.i18n import Translator
from cockpit.services.norms import norm_gaps
from cockpit.services.index import index_definition
from cockpit.services.figures import INDEX_ID
from cockpit.store import Store
from cockpit.ui.services_view import EQUITY_FIGURES
from tests.e2e.conftest import open_page, wait_for_app_idle
from tests.e2e.page_checks import english_words, save_whole_page, unchecked_radios
from tests.e2e.test_browser import _village_on_screen

ZH = Translator("zh")
TILE = '[data-testid="stMetric"]'
# Technical names the Chinese UI keeps (e.g. "熵权法（min-max 标准化）", "按TOPSIS贴近度排序").
ALLOWED_LATIN = {"min", "max", "TOPSIS"}

_TRACE_JS = """([key, type]) => {
  const gd = document.querySelector(`.st-key-${key} .js-plotly-plot`);
  const trace = gd && gd._fullData.find(t => t.type === type);
  return trace ? {x: Array.from(trace.x), y: Array.from(trace.y)} : null;
}"""


@pytest.fixture(scope="module")
def truth(sample_db):
    """The figures the services page shows, from the functions its data layer calls."""
    store = Store(sample_db)
    try:
        period = store.periods()[-1]
        villages, domains = store.villages(), store.domains()
        long = services.coverage_long(store.coverage_all(), villages)
        equity = services.equity_trend(services.with_index(long, index_definition(store).series()))
        gaps = norm_gaps(villages, store.facilities(), store.coverage(period), store.norms())
        access = services.village_accessibility(villages, store.facilities(), list(domains["domain_id"]),
                                                threshold_km=settings.number("access_threshold_km"), method="e2sfca")
        yield {"period": period, "periods": store.periods(), "villages": villages.set_index("village_id"),
               "domains": domains, "equity": equity, "gaps": gaps, "norms": store.norms().set_index("norm_id"),
               "access": access}
    finally:
        store.close()


def _tile_value(page, label: str) -> str:
    tile = page.locator(TILE).filter(has=page.get_by_text(label, exact=True)).first
    return tile.locator('[data-testid="stMetricValue"]').inner_text().strip()


def _equity_row(truth, domain_id: str):
    e = truth["equity"]
    return e[(e["period"] == truth["period"]) & (e["domain_id"] == domain_id)].iloc[0]


def _assert_equity_tiles(page, row) -> None:
    for column, key, fmt in EQUITY_FIGURES:
        assert _tile_value(page, ZH(f"equity.{key}.label")) == fmt.format(row[column]), key


def _grid(page, header: str):
    """The data grid with a column headed exactly ``header``."""
    th = page.locator('th[role="columnheader"]', has_text=re.compile(rf"^{re.escape(header)}$"))
    return page.locator('[data-testid="stDataFrame"]').filter(has=th)


def _choose(page, label: str, option: str, within=None) -> None:
    """Pick ``option`` in the selectbox labelled ``label``."""
    (within or page).locator('[data-testid="stSelectbox"]').filter(has_text=label).click()
    page.get_by_role("option", name=option, exact=True).click()
    wait_for_app_idle(page)


def test_services_page_shows_the_data_layers_figures(browser_page, app_server, truth):
    page = browser_page
    open_page(page, f"{app_server}/services?lang=zh&period={truth['period']}")
    page.get_by_role("heading", name=ZH("services.title")).wait_for()
    villages, domains = truth["villages"], truth["domains"]

    # coverage heatmap: every village (marked urban or rural) × every domain
    heat = page.locator(".st-key-services_heatmap .js-plotly-plot")
    expect(heat).to_be_visible()
    drawn = page.evaluate(_TRACE_JS, ["services_heatmap", "heatmap"])
    assert drawn["x"] == list(domains["name_zh"])
    rows = [f"{ZH('group.' + g)} · {n}" for g, n in zip(villages["area_group"], villages["name_zh"])]
    labels = page.evaluate("() => document.querySelector('.st-key-services_heatmap .js-plotly-plot').layout.yaxis.ticktext")
    assert sorted(labels) == sorted(rows)                      # labelled by name
    assert sorted(drawn["y"]) == sorted(villages.index)          # placed by id

    # composite index ranking: a row per village
    ranking = _grid(page, ZH("services.index"))
    expect(ranking).to_be_visible()
    assert ranking.locator("table").get_attribute("aria-rowcount") == str(len(villages) + 1)

    # equity panel of the composite index (default) and of one domain, as the store says
    _assert_equity_tiles(page, _equity_row(truth, INDEX_ID))
    trend = page.locator(".st-key-equity_trend .js-plotly-plot")
    expect(trend).to_be_visible()
    assert page.evaluate(_TRACE_JS, ["equity_trend", "scatter"])["x"] == truth["periods"]
    period_rows = truth["equity"][truth["equity"]["period"] == truth["period"]].set_index("domain_id")
    worst = period_rows.drop(index=INDEX_ID)["gini"].idxmax()  # a domain whose figures differ
    _choose(page, ZH("services.equity_of"), domains.set_index("domain_id").at[worst, "name_zh"])
    _assert_equity_tiles(page, _equity_row(truth, worst))

    # norm gaps: count, and a table naming village, norm, the village's value and the norm's value
    gaps = truth["gaps"]
    short = gaps[~gaps["met"]].reset_index(drop=True)
    assert page.get_by_text(ZH("services.norms_caption", n=len(short), total=len(gaps)), exact=True).is_visible()
    norms_grid = _grid(page, ZH("services.actual"))
    headers = norms_grid.locator('th[role="columnheader"]').all_inner_texts()
    assert headers == [ZH("party.village"), ZH("services.norm"), ZH("services.actual"), ZH("services.norm_threshold"),
                       ZH("services.profile")]
    first = norms_grid.locator('tbody tr').first.locator("td").all_inner_texts()
    gap = short.iloc[0]
    unit = "count" if gap["measure"] == "facility_count" else "percent"
    assert first == [villages.at[gap["village_id"], "name_zh"], truth["norms"].at[gap["norm_id"], "name_zh"],
                     format_value(gap["actual"], unit, "zh"), format_value(gap["threshold"], unit, "zh"),
                     f"village?village={gap['village_id']}&lang=zh&period={truth['period']}"]  # shown as its label

    # accessibility (enhanced 2SFCA at the default reach): the first village's row
    access_grid = _grid(page, domains["name_zh"].iloc[-1])
    expect(access_grid).to_be_visible()
    row = truth["access"].iloc[0].round(2)
    cells = access_grid.locator('tbody tr').first.locator("td").all_inner_texts()
    assert cells[0] == villages.at[truth["access"].index[0], "name_zh"]
    assert [float(c) for c in cells[1:]] == pytest.approx(list(row), abs=0.006)

    english = english_words(page, ALLOWED_LATIN)
    assert not english, f"English words in the Chinese page: {sorted(english)}"
    assert unchecked_radios(page) == []
    save_whole_page(page, "services_zh")


def test_accessibility_layer_and_village_profile_from_the_map(browser_page, app_server, truth):
    page = browser_page
    open_page(page, f"{app_server}/map?lang=zh&period={truth['period']}")
    health = truth["domains"]["domain_id"].iloc[1]
    label = ZH("metric.access.label", domain=truth["domains"].set_index("domain_id").at[health, "name_zh"])
    _choose(page, ZH("map.metric"), label)
    expect(page.locator('[data-testid="stDeckGlJsonChart"] canvas').first).to_be_visible()
    legend = page.locator('[data-testid="stMarkdownContainer"]').filter(has_text=label).first
    expect(legend).to_be_visible()
    values = truth["access"][health]  # the legend's classes span the villages' accessibility
    assert f"{values.max():.2f}" in legend.inner_text() and f"{values.min():.2f}" in legend.inner_text()

    villages = truth["villages"]
    rural = villages[villages["kind"] == "village"]
    target = rural["population"].idxmax()
    x, y = _village_on_screen(page, target)
    page.mouse.move(x, y)
    page.wait_for_timeout(300)
    page.mouse.click(x, y)
    card = page.locator(".st-key-village_card")
    card.wait_for(state="visible", timeout=15_000)
    assert villages.at[target, "name_zh"] in card.inner_text()

    card.get_by_role("link", name=ZH("overview.open_profile")).click()
    page.wait_for_url(re.compile(rf"/village\?.*village={target}"))
    wait_for_app_idle(page)
    page.get_by_role("heading", name=ZH("profile.title", name=villages.at[target, "name_zh"])).wait_for()
    assert _tile_value(page, ZH("card.population")) == format_value(villages.at[target, "population"], "count")
    save_whole_page(page, "village_profile_zh")

    other = rural.drop(index=target)["population"].idxmin()
    _choose(page, ZH("profile.village"), villages.at[other, "name_zh"], within=page.get_by_test_id("stSidebar"))
    page.get_by_role("heading", name=ZH("profile.title", name=villages.at[other, "name_zh"])).wait_for()
    assert _tile_value(page, ZH("card.population")) == format_value(villages.at[other, "population"], "count")
    assert f"village={other}" in page.url
