"""Month close (月结) in Chromium: in Chinese the leader closes the data's last month, the banner
names who and when, the closed and current figures are one click apart, reopening needs a reason
and removes the banner, closing again restates the month; the English page says the same; the
audit log holds every act. The server has a database copy of its own (the close writes to it).
"""

from __future__ import annotations

import json
import shutil

import duckdb
import pytest
from playwright.sync_api import expect

from cockpit.auth.audit_log import read_audit
from cockpit.i18n import Translator
from cockpit.store import Store
from tests.e2e.conftest import APP_SCRIPT, open_page, save_screenshot, start_streamlit, wait_for_app_idle

ZH, EN = Translator("zh"), Translator("en")


def _prefix(t, key: str) -> str:
    """The catalog text of ``key`` up to its figure (the closure rate by the period's end)."""
    return t(key, by_end="\x00").split("\x00")[0]


@pytest.fixture
def close_db(sample_db, tmp_path):
    """A database copy of the test's own (the close writes to it) and the month to close."""
    db = tmp_path / "cockpit.duckdb"
    shutil.copy2(sample_db, db)
    store = Store(db)
    try:
        period = store.meta()["data_end"]
    finally:
        store.close()
    return db, period


def test_close_read_reopen_and_restate(browser_page, close_db, server_logs):
    page = browser_page
    db, period = close_db
    with start_streamlit(APP_SCRIPT, env={"COCKPIT_DB": str(db)}, log_registry=server_logs) as url:
        _close_read_reopen_restate(page, url, period)
    # the server has let go of the file: every act is in the audit log, in order
    con = duckdb.connect(str(db), read_only=True)
    try:
        log = read_audit(con)
    finally:
        con.close()
    acts = log[log["event"].str.startswith("month_")].iloc[::-1]
    assert [(e, json.loads(d)["version"]) for e, d in zip(acts["event"], acts["detail"])] == [
        ("month_close", 1), ("month_reopen", 1), ("month_close", 2)]
    assert json.loads(acts.iloc[1]["detail"])["reason"] == "补录10月办结件"


def _close_read_reopen_restate(page, url: str, period: str) -> None:
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

    # closing again restates the month: the banner says so
    page.get_by_text(ZH("close.title"), exact=True).click()
    page.get_by_role("button", name=ZH("close.button", period=label)).click()
    wait_for_app_idle(page)
    expect(banner).to_be_visible()
    expect(banner).to_contain_text(ZH("close.restated", version=2))

    # the same page in English: the banner, the choice and the convention in English
    open_page(page, f"{url}/cases?lang=en&period={period}")
    english = page.locator('[data-testid="stAlertContentInfo"]').filter(has_text="was closed")
    expect(english).to_contain_text(EN("close.restated", version=2))
    expect(page.get_by_role("radiogroup").get_by_text(EN("close.figures.closed"), exact=True)).to_be_visible()
    expect(page.get_by_text(EN("close.convention.closed", when="\x00", by_end="").split("\x00")[0])).to_be_visible()
