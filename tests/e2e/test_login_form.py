"""The real login form in Chromium: demo accounts listed, a wrong password refused, sign-in and sign-out.

Served by a small page behind ``auth_view.require`` (login_probe.py) with a private copy of the
sample database; once the shell calls ``require``, the same steps work on app.py.
"""

from __future__ import annotations

import shutil

import duckdb
import pytest
from playwright.sync_api import expect

from cockpit.auth.audit_log import AuditFilter, read_audit
from tests.e2e.conftest import E2E_DIR, save_screenshot, start_streamlit, wait_for_app_idle


@pytest.fixture(scope="module")
def probe(sample_db, tmp_path_factory):
    db = tmp_path_factory.mktemp("login_e2e") / "cockpit.duckdb"
    shutil.copy2(sample_db, db)
    with start_streamlit(E2E_DIR / "login_probe.py", env={"COCKPIT_DB": str(db)}) as url:
        yield url, db


SIGN_IN_EVENTS = {"login_success", "login_failure", "logout"}


def _sign_in(page, name, password):
    page.get_by_label("用户名").fill(name)
    page.get_by_label("密码", exact=True).fill(password)
    page.get_by_role("button", name="登录").click()
    wait_for_app_idle(page)


def test_sign_in_and_out_through_the_real_form(browser_page, probe):
    url, db = probe
    page = browser_page
    page.goto(url)
    wait_for_app_idle(page)
    expect(page.get_by_role("heading", name="登录")).to_be_visible()
    expect(page.get_by_text("演示账号", exact=True)).to_be_visible()
    expect(page.get_by_text("demo-leader", exact=True)).to_be_visible()
    expect(page.get_by_label("密码", exact=True)).to_have_attribute("type", "password")
    save_screenshot(page, "login_zh")

    _sign_in(page, "leader", "wrong password")
    expect(page.get_by_text("用户名或密码错误。")).to_be_visible()

    _sign_in(page, "leader", "demo-leader")
    expect(page.get_by_role("heading", name="probe: leader")).to_be_visible()  # the sign-in reruns the page
    expect(page.get_by_test_id("stSidebar")).to_contain_text("（乡镇领导）")

    page.get_by_role("button", name="退出登录").click()
    expect(page.get_by_role("heading", name="登录")).to_be_visible()
    wait_for_app_idle(page)

    server_done = duckdb.connect(str(db), read_only=True)
    try:
        events = list(read_audit(server_done, AuditFilter(user="leader"))["event"])
        # other tests in the run may have recorded leader events (unmasking) in the shared sample database
        events = [event for event in events if event in SIGN_IN_EVENTS]
    finally:
        server_done.close()
    assert events == ["logout", "login_success", "login_failure"]
