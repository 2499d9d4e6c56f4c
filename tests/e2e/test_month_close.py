"""Month close (月结) in Chromium, in Chinese: the leader closes the data's last month, the banner
names who and when, the closed and current figures are one click apart, and reopening with a
reason removes the banner. The server has a database copy of its own (the close writes to it).
"""

from __future__ import annotations

import shutil

import pytest
from playwright.sync_api import expect

from cockpit.i18n import Translator
from cockpit.store import Store
from tests.e2e.conftest import APP_SCRIPT, open_page, save_screenshot, start_streamlit, wait_for_app_idle

ZH, EN = Translator("zh"), Translator("en")


def _prefix(t, key: str) -> str:
    """The catalog text of ``key`` up to its figure (the closure rate by the period's end)."""
    return t(key, by_end="\x00").split("\x00")[0]


@pytest.fixture(scope="module")
def close_server(sample_db, tmp_path_factory, server_logs):
    db = tmp_path_factory.mktemp("e2e_close") / "cockpit.duckdb"
    shutil.copy2(sample_db, db)
    store = Store(db)
    try:
        period = store.meta()["data_end"]
    finally:
        store.close()
    with start_streamlit(APP_SCRIPT, env={"COCKPIT_DB": str(db)}, log_registry=server_logs) as url:
        yield url, period


def test_close_read_and_reopen(browser_page, close_server):
    page = browser_page
    url, period = close_server
    open_page(page, f"{url}/cases?lang=zh&period={period}")
    label = ZH.period(period)
    expect(page.get_by_text(_prefix(ZH, "close.convention.now"))).to_be_visible()

    page.get_by_text(ZH("close.title"), exact=True).click()
    page.get_by_role("button", name=ZH("close.button", period=label)).click()
    wait_for_app_idle(page)
    banner = page.locator('[data-testid="stAlertContentInfo"]').filter(has_text=f"{label}已于")
    expect(banner).to_be_visible()
    assert "由leader月结" in banner.inner_text()
    expect(page.get_by_text(ZH("close.done", period=label))).to_be_visible()
    radio = page.get_by_role("radiogroup")
    expect(radio.get_by_text(ZH("close.figures.closed"), exact=True)).to_be_visible()
    save_screenshot(page, "month_close_zh", full_page=False)

    # as of now: the convention caption follows the choice
    radio.get_by_text(ZH("close.figures.now"), exact=True).click()
    wait_for_app_idle(page)
    expect(page.get_by_text(_prefix(ZH, "close.convention.now"))).to_be_visible()

    # reopening: refused without a reason, then done with one
    page.get_by_text(ZH("close.reopen"), exact=True).click()
    reopen = page.get_by_role("button", name=ZH("close.reopen_button", period=label))
    reopen.click()
    wait_for_app_idle(page)
    expect(page.get_by_text(ZH("close.error.reason"))).to_be_visible()
    page.get_by_label(ZH("close.reopen_reason")).fill("补录10月办结件")
    reopen.click()
    wait_for_app_idle(page)
    expect(page.get_by_text(ZH("close.reopened", period=label))).to_be_visible()
    expect(banner).to_have_count(0)

    # the same page in English names the convention in English
    open_page(page, f"{url}/cases?lang=en&period={period}")
    expect(page.get_by_text(_prefix(EN, "close.convention.now"))).to_be_visible()
