"""The real sign-in page (``/auth/login``, cockpit/web/login_page.py) in Chromium.

In Chinese and in English, with the demo accounts listed on the synthetic sample (that the table
disappears once real data are imported is proven in test_sessions.py); a wrong password refused
with its message and the name kept; a sign-in landing on the page the browser first asked for; the
sidebar's sign-out button ending the session, with the signed-out notice. The audit log of the
server's own database copy is read after the server has stopped.
"""

from __future__ import annotations

import contextlib
import shutil
from types import SimpleNamespace
from urllib.parse import parse_qs, urlsplit

import duckdb
import pytest
from playwright.sync_api import expect

from cockpit.auth.demo import DEMO_ACCOUNTS
from cockpit.i18n import Translator
from tests.e2e.conftest import APP_SCRIPT, save_screenshot, sign_in, start_streamlit, wait_for_app_idle

ZH, EN = Translator("zh"), Translator("en")
SIGN_IN_EVENTS = ("login_success", "login_failure", "logout")


@pytest.fixture
def own_server(sample_db, tmp_path, server_logs):
    """A server on a private copy of the sample database: ``url``, ``db``, and ``stop()``, which
    ends the server so that its database file can be read."""
    db = tmp_path / "cockpit.duckdb"
    shutil.copy2(sample_db, db)
    with contextlib.ExitStack() as stack:
        url = stack.enter_context(start_streamlit(APP_SCRIPT, env={"COCKPIT_DB": str(db)}, log_registry=server_logs))
        yield SimpleNamespace(url=url, db=db, stop=stack.close)


def _demo_table(page) -> list[list[str]]:
    rows = page.locator("#demo-accounts tbody tr")
    return [rows.nth(i).locator("td").all_inner_texts() for i in range(rows.count())]


def test_sign_in_page_in_chinese_and_english(browser_page, app_server):
    page = browser_page
    page.goto(f"{app_server}/map?lang=zh")
    assert urlsplit(page.url).path == "/auth/login"
    assert parse_qs(urlsplit(page.url).query)["next"] == ["/map?lang=zh"]
    page.goto(f"{app_server}/auth/login?next=%2Fmap%3Flang%3Dzh&lang=zh")
    assert page.locator("html").get_attribute("lang") == "zh-CN"
    expect(page.get_by_role("heading", name=ZH("auth.title"), exact=True)).to_be_visible()
    expect(page.get_by_label(ZH("auth.name"), exact=True)).to_be_visible()
    expect(page.get_by_label(ZH("auth.password"), exact=True)).to_have_attribute("type", "password")
    expect(page.get_by_role("button", name=ZH("auth.submit"))).to_be_visible()
    expect(page.get_by_role("heading", name=ZH("auth.demo_title"))).to_be_visible()
    table = _demo_table(page)
    assert [row[:2] for row in table] == [[a.name, a.password] for a in DEMO_ACCOUNTS]
    assert table[1][2] == ZH("role.leader")
    save_screenshot(page, "login_zh")

    page.get_by_role("link", name="English").click()
    page.wait_for_url(lambda u: parse_qs(urlsplit(u).query).get("lang") == ["en"])
    assert page.locator("html").get_attribute("lang") == "en"
    assert parse_qs(urlsplit(page.url).query)["next"] == ["/map?lang=zh"]  # the language link keeps next
    expect(page.get_by_role("heading", name=EN("auth.title"), exact=True)).to_be_visible()
    expect(page.get_by_label(EN("auth.name"), exact=True)).to_be_visible()
    expect(page.get_by_label(EN("auth.password"), exact=True)).to_have_attribute("type", "password")
    expect(page.get_by_role("heading", name=EN("auth.demo_title"))).to_be_visible()
    assert [row[2] for row in _demo_table(page)][1] == EN("role.leader")


def test_wrong_password_then_sign_in_lands_on_next_then_sign_out(browser_page, own_server):
    page = browser_page
    target = "/cases?lang=zh"
    page.goto(own_server.url + target)
    assert parse_qs(urlsplit(page.url).query)["next"] == [target]

    with page.expect_response(lambda r: r.request.method == "POST") as posted:
        error = sign_in(page, "leader", "wrong password")
    assert posted.value.status == 401
    assert error == ZH("auth.error.bad_credentials")
    expect(page.locator("#name")).to_have_value("leader")  # the name stays typed in
    expect(page.locator("#password")).to_have_value("")
    assert not any(c["name"] == "cockpit_session" for c in page.context.cookies())

    assert sign_in(page, "leader", "demo-leader") is None
    assert page.url == own_server.url + target  # where the browser first wanted to go
    cookie = next(c for c in page.context.cookies() if c["name"] == "cockpit_session")
    assert cookie["httpOnly"] and cookie["sameSite"] == "Strict"
    wait_for_app_idle(page)
    expect(page.get_by_role("heading", name=ZH("cases.title"))).to_be_visible()
    sidebar = page.get_by_test_id("stSidebar")
    expect(sidebar).to_contain_text(ZH("role.leader"))

    sidebar.locator(".st-key-auth_logout button").click()
    wait_for_app_idle(page)
    expect(page.get_by_role("heading", name=ZH("auth.title"), exact=True)).to_be_visible()
    expect(page.get_by_text(ZH("auth.signed_out"), exact=True)).to_be_visible()
    expect(page.get_by_role("heading", name=ZH("cases.title"))).to_have_count(0)
    page.locator("a.cockpit-signin").click()  # same tab, back to the sign-in page
    page.wait_for_url(lambda u: urlsplit(u).path == "/auth/login")
    expect(page.locator(".notice", has_text=ZH("auth.signed_out"))).to_be_visible()
    page.goto(own_server.url + target)  # the session is over server-side
    assert urlsplit(page.url).path == "/auth/login"

    own_server.stop()
    con = duckdb.connect(str(own_server.db), read_only=True)
    try:
        events = con.execute("SELECT event, detail FROM audit_log WHERE user_name = 'leader' AND event IN (?, ?, ?) "
                             "ORDER BY event_id", list(SIGN_IN_EVENTS)).fetchall()
        ended = con.execute("SELECT end_reason FROM web_sessions WHERE user_name = 'leader'").fetchall()
    finally:
        con.close()
    assert [e for e, _ in events] == ["login_failure", "login_success", "logout"]
    assert '"bad_credentials"' in events[0][1]
    assert ended == [("user",)]
