"""Web sessions in Chromium, against the real server (``streamlit run serve.py``).

What the unit tests of the HTTP side (tests/web/test_web_guard.py) prove against a stand-in, proven
here against Streamlit itself:

- a session survives a reload, a new tab and a server restart; signing out in one tab signs the
  other tab out at its next action; an idle session times out and the sign-in page says why;
- without a cookie nothing is served (pages redirect, the websocket, metrics and static files are
  refused); a download's file goes only to the session that clicked, and not after it signed out;
- a second person signing in on the same tab finds nothing of the first: their own viewing of
  personal data is audited under their own name;
- a registered wall display sees the command screen only (masked), survives a reload, stops when
  an administrator revokes it, and keeps no person's session alive;
- after an import of real data the demo accounts are refused and no longer listed;
- a burst of wrong sign-ins from one address is refused (429) while another address signs in.

Every test that changes what the server holds (sessions, displays, accounts, data) runs against a
server of its own, on its own copy of the ``sample_db`` fixture; a test that reads the audit log or
the sessions table does so after its server has stopped (one process owns the file).
"""

from __future__ import annotations

import base64
import datetime as dt
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from email.message import Message
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlsplit

import duckdb
import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import expect

from cockpit.auth import displays, sessions
from cockpit.auth.users import add_user
from cockpit.i18n import Translator
from cockpit.values.periods import month_bounds
from cockpit.text.privacy import mask_text
from cockpit.store import Store
from cockpit.ui.command_view import ROWS_SHOWN
from tests import importer_fixtures as fx
from tests.auth_fixtures import FAST
from tests.e2e.conftest import (APP_SCRIPT, PROJECT_ROOT, VIEWPORT, on_sign_in_page, open_page, save_screenshot,
                                session_cookie, sign_in, start_streamlit, wait_for_app_idle)

ZH, EN = Translator("zh"), Translator("en")
COOKIE = sessions.COOKIE
# A regular (non-demo) account with the leader role: may see personal data, and survives an import.
ZHOU, ZHOU_PASSWORD = "zhou.li", "zhou-leader-pw"
DISPLAY_NAME, DISPLAY_METRIC = "指挥中心东墙", "on_time_rate"


# --- helpers ---------------------------------------------------------------------------------

def _db_copy(sample_db: Path, folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    db = folder / "cockpit.duckdb"
    shutil.copy2(sample_db, db)
    wal = sample_db.with_name(sample_db.name + ".wal")
    if wal.exists():
        shutil.copy2(wal, db.with_name(db.name + ".wal"))
    return db


def _add_zhou(con) -> None:
    add_user(con, ZHOU, ZHOU_PASSWORD, "leader", display_name="周立", params=FAST)


def _read(db: Path, sql: str, params=()) -> list[tuple]:
    """Rows of ``sql`` on ``db`` (call after its server has stopped)."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql, list(params)).fetchall()
    finally:
        con.close()


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None  # answer with the redirect itself


_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}), _NoRedirect())  # never via a proxy


@dataclass
class Reply:
    status: int
    headers: Message
    body: bytes

    def cookie(self, name: str) -> str | None:
        for header in self.headers.get_all("set-cookie") or ():
            if header.startswith(name + "="):
                return header.split(";", 1)[0].split("=", 1)[1]
        return None


def http(url: str, *, token: str | None = None, form: dict | None = None, cookies: dict | None = None,
         headers: dict | None = None) -> Reply:
    """One plain HTTP request (no browser, no proxy, redirects not followed); POST when ``form``."""
    jar = {**(cookies or {}), **({COOKIE: token} if token else {})}
    sent = {**(headers or {}), **({"Cookie": "; ".join(f"{k}={v}" for k, v in jar.items())} if jar else {})}
    body = urlencode(form).encode() if form is not None else None
    request = urllib.request.Request(url, data=body, headers=sent, method="POST" if form is not None else "GET")
    try:
        with _OPENER.open(request, timeout=60) as response:
            return Reply(response.status, response.headers, response.read())
    except urllib.error.HTTPError as error:
        return Reply(error.code, error.headers, error.read())


def http_sign_in(url: str, name: str, password: str, address: str | None = None) -> tuple[Reply, float]:
    """Sign in as a browser would (GET the form for its CSRF field and cookie, POST it), from
    ``address`` (sent as X-Forwarded-For); return the POST's reply and how long it took (s)."""
    page = http(f"{url}/auth/login?lang=en")
    assert page.status == 200, page.status
    field = re.search(r'name="csrf" value="([^"]+)"', page.body.decode()).group(1)
    start = time.monotonic()
    reply = http(f"{url}/auth/login?lang=en", form={"csrf": field, "next": "/", "name": name, "password": password},
                 cookies={"cockpit_csrf": page.cookie("cockpit_csrf")},
                 headers={"X-Forwarded-For": address} if address else None)
    return reply, time.monotonic() - start


def upgrade_status(url: str, token: str | None = None) -> int:
    """The HTTP status of a raw websocket upgrade request to Streamlit's ``/_stcore/stream``."""
    host = urlsplit(url)
    key = base64.b64encode(os.urandom(16)).decode()
    request = (f"GET /_stcore/stream HTTP/1.1\r\nHost: {host.netloc}\r\nUpgrade: websocket\r\n"
               f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n"
               f"Sec-WebSocket-Protocol: streamlit\r\n" + (f"Cookie: {COOKIE}={token}\r\n" if token else "") + "\r\n")
    with socket.create_connection((host.hostname, host.port), timeout=10) as sock:
        sock.sendall(request.encode("latin-1"))
        status_line = sock.recv(4096).split(b"\r\n", 1)[0]  # b"HTTP/1.1 101 Switching Protocols"
    return int(status_line.split()[1])


def _path(page) -> str:
    return urlsplit(page.url).path


def _new_page(browser, **options):
    context = browser.new_context(**{"viewport": VIEWPORT, "locale": "zh-CN", "timezone_id": "Asia/Shanghai",
                                     **options})
    context.set_default_timeout(30_000)
    return context, context.new_page()


def _signed_in_as(page, t: Translator, role: str) -> None:
    expect(page.get_by_test_id("stSidebar")).to_contain_text(t(f"role.{role}"))
    expect(page.get_by_test_id("stSidebar").locator(".st-key-auth_logout button")).to_be_visible()


def _shows_signed_out(page, t: Translator, notice: str) -> None:
    """The page script's signed-out page: the sign-in title, the reason, a same-tab link."""
    expect(page.get_by_role("heading", name=t("auth.title"), exact=True)).to_be_visible(timeout=20_000)
    expect(page.get_by_text(notice, exact=True)).to_be_visible()
    expect(page.locator("a.cockpit-signin")).to_have_attribute("target", "_self")


def _sign_out(page) -> None:
    page.get_by_test_id("stSidebar").locator(".st-key-auth_logout button").click()
    wait_for_app_idle(page)


_CONNECTION_JS = "() => document.querySelector('[data-testid=stApp]')?.getAttribute('data-test-connection-state')"


def _wait_for_wall(page, timeout_ms: float = 30_000) -> None:
    """Wait until the command screen's page is connected to the server, has run, and shows its wall."""
    try:
        page.wait_for_function(f"() => ({_CONNECTION_JS})() === 'CONNECTED'", timeout=timeout_ms)
    except PlaywrightTimeout:
        raise AssertionError(f"the page never connected to the server: connection state "
                             f"{page.evaluate(_CONNECTION_JS)!r} at {page.url}") from None
    wait_for_app_idle(page)
    page.locator(".cmd-wall").wait_for(state="visible")


def _choose_language(page, t: Translator, option: str) -> None:
    page.get_by_test_id("stSidebar").locator('[data-testid="stSelectbox"]').filter(has_text=t("app.language")).click()
    page.get_by_role("option", name=option).click()
    wait_for_app_idle(page)


# --- the module's server ---------------------------------------------------------------------

@pytest.fixture(scope="module")
def server(sample_db, tmp_path_factory, server_logs):
    """A server of this module: a regular leader account and a registered wall display (zh) in its
    database copy; the command screen refreshes every 2 s and shows both side panels at once.
    Yields (url, db, display token). The display is revoked by the last test of the module."""
    db = _db_copy(sample_db, tmp_path_factory.mktemp("sessions_e2e"))
    con = duckdb.connect(str(db))
    try:
        _add_zhou(con)
        token, _ = displays.register_display(con, DISPLAY_NAME, "zh", DISPLAY_METRIC, by="admin",
                                             now=dt.datetime.now().replace(microsecond=0))
    finally:
        con.close()
    env = {"COCKPIT_DB": str(db), "COCKPIT_COMMAND_REFRESH": "2", "COCKPIT_COMMAND_ROTATION": "0"}
    with start_streamlit(APP_SCRIPT, env=env, log_registry=server_logs) as url:
        yield url, db, token


# --- a session lives in the browser's cookie, across reloads and tabs ------------------------

def test_reload_new_tab_and_sign_out_in_the_other_tab(browser_page, server):
    url, _, _ = server
    first = browser_page
    open_page(first, f"{url}/map?lang=zh")
    _signed_in_as(first, ZH, "leader")
    token = session_cookie(first)
    assert token

    first.reload()
    assert _path(first) == "/map"  # not sent to the sign-in page
    wait_for_app_idle(first)
    _signed_in_as(first, ZH, "leader")

    link = first.get_by_test_id("stSidebar").locator('a[href*="cases"]').first
    href = link.evaluate("a => a.href")  # the sidebar's link to the cases page, opened in a new tab
    second = first.context.new_page()
    second.goto(href)
    assert _path(second) == "/cases"
    wait_for_app_idle(second)
    expect(second.get_by_role("heading", name=ZH("cases.title"))).to_be_visible()
    _signed_in_as(second, ZH, "leader")
    assert session_cookie(second) == token  # one session for both tabs

    _sign_out(second)
    _shows_signed_out(second, ZH, ZH("auth.signed_out"))

    # the first tab still shows the map; its next action finds the session ended
    expect(first.get_by_role("heading", name=ZH("auth.title"), exact=True)).to_have_count(0)
    _choose_language(first, ZH, "English")
    _shows_signed_out(first, EN, EN("auth.signed_out"))
    assert first.get_by_test_id("stDeckGlJsonChart").count() == 0
    assert http(f"{url}/map", token=token).status == 303


def test_a_session_survives_a_server_restart(chromium_browser, sample_db, tmp_path, server_logs):
    db = _db_copy(sample_db, tmp_path / "restart")
    with start_streamlit(APP_SCRIPT, env={"COCKPIT_DB": str(db)}, log_registry=server_logs) as url:
        context, page = _new_page(chromium_browser)
        try:
            open_page(page, f"{url}/map?lang=zh")
            _signed_in_as(page, ZH, "leader")
            token = session_cookie(page)
        finally:
            context.close()
    with start_streamlit(APP_SCRIPT, env={"COCKPIT_DB": str(db)}, log_registry=server_logs) as restarted:
        # a new process (on another port, as a rule): the cookie goes into a new context for its URL
        context, page = _new_page(chromium_browser)
        try:
            context.add_cookies([{"name": COOKIE, "value": token, "url": restarted, "httpOnly": True,
                                  "sameSite": "Strict"}])
            page.goto(f"{restarted}/cases?lang=zh")
            assert _path(page) == "/cases"  # no sign-in page
            wait_for_app_idle(page)
            expect(page.get_by_role("heading", name=ZH("cases.title"))).to_be_visible()
            _signed_in_as(page, ZH, "leader")
        finally:
            context.close()
        assert http(f"{restarted}/cases").status == 303  # and without the cookie, nothing


def test_an_idle_session_times_out_and_the_sign_in_page_says_why(chromium_browser, sample_db, tmp_path, server_logs):
    db = _db_copy(sample_db, tmp_path / "timeout")
    env = {"COCKPIT_DB": str(db), "COCKPIT_SESSION_TIMEOUT": "0.1"}  # 6 seconds
    timed_out_zh, timed_out_en = ZH("auth.timed_out", minutes="0.1"), EN("auth.timed_out", minutes="0.1")
    with start_streamlit(APP_SCRIPT, env=env, log_registry=server_logs) as url:
        context, page = _new_page(chromium_browser)
        try:
            open_page(page, f"{url}/map?lang=zh")
            _signed_in_as(page, ZH, "leader")
            token = session_cookie(page)
            page.wait_for_timeout(8_000)  # idle: no click, no request

            _choose_language(page, ZH, "English")  # the next action finds the session timed out
            _shows_signed_out(page, EN, timed_out_en)
            page.locator("a.cockpit-signin").click()
            page.wait_for_url(lambda u: urlsplit(u).path == "/auth/login")
            assert parse_qs(urlsplit(page.url).query)["reason"] == ["timeout"]
            expect(page.locator(".notice", has_text=timed_out_en)).to_be_visible()

            # a reload of a page with the old cookie: the guard sends it to the sign-in page, with the reason
            context.add_cookies([{"name": COOKIE, "value": token, "url": url}])
            page.goto(f"{url}/map?lang=zh")
            assert on_sign_in_page(page)
            assert parse_qs(urlsplit(page.url).query)["reason"] == ["timeout"]
            expect(page.locator(".notice", has_text=timed_out_zh)).to_be_visible()
            save_screenshot(page, "login_timed_out_zh")
        finally:
            context.close()
    ended = _read(db, "SELECT end_reason FROM web_sessions WHERE user_name = 'leader'")
    logged = _read(db, "SELECT detail FROM audit_log WHERE user_name = 'leader' AND event = 'logout'")
    assert ended == [("timeout",)]
    assert len(logged) == 1 and '"timeout"' in logged[0][0]


# --- nothing without a session ---------------------------------------------------------------

def test_without_a_cookie_nothing_is_served(server):
    url, _, _ = server
    page = http(f"{url}/map?lang=zh&village=1")
    assert page.status == 303
    assert page.headers["location"] == "/auth/login?next=%2Fmap%3Flang%3Dzh%26village%3D1"
    assert http(f"{url}/").status == 303
    assert http(f"{url}/_stcore/metrics").status == 401
    assert http(f"{url}/static/js/index.js").status == 401
    assert http(f"{url}/media/0123456789abcdef.png").status == 401
    assert upgrade_status(url) == 403  # not 101: the websocket is closed before it opens
    assert http(f"{url}/_stcore/health").status == 200  # open
    assert http(f"{url}/auth/login").status == 200  # open

    reply, _ = http_sign_in(url, ZHOU, ZHOU_PASSWORD)  # the same requests with a session
    token = reply.cookie(COOKIE)
    assert reply.status == 303 and token
    assert upgrade_status(url, token) == 101
    assert http(f"{url}/_stcore/metrics", token=token).status == 200
    assert http(f"{url}/map?lang=zh", token=token).status == 200
    assert http(f"{url}/map?lang=zh", token="forged-" + token[7:]).status == 303


def test_a_downloaded_file_goes_only_to_the_session_that_made_it(browser_page, server):
    url, _, _ = server
    page = browser_page
    open_page(page, f"{url}/cases?lang=zh")
    token = session_cookie(page)
    button = page.locator(".st-key-download_overdue button")
    button.scroll_into_view_if_needed()
    with page.expect_download() as info:
        button.click()
    download = info.value
    media = download.url
    assert urlsplit(media).path.startswith("/media/") and media.endswith(".csv"), media
    data = Path(download.path()).read_bytes()
    assert data.startswith(b"\xef\xbb\xbf" + ZH("cases.col.case_id").encode())
    wait_for_app_idle(page)

    assert http(media).status == 401  # no cookie
    own = http(media, token=token)
    assert own.status == 200 and own.body == data  # the session that clicked may fetch it again
    other, _ = http_sign_in(url, ZHOU, ZHOU_PASSWORD)  # another signed-in person (who may see the same data)
    assert other.status == 303
    assert http(media, token=other.cookie(COOKIE)).status == 403

    _sign_out(page)
    _shows_signed_out(page, ZH, ZH("auth.signed_out"))
    assert http(media, token=token).status == 401  # not after its own user signed out


# --- a wall display --------------------------------------------------------------------------

def _latest_rows(sample_db: Path) -> list[str]:
    """The latest-appeals rows the command screen must show (zh), masked as a public wall must."""
    store = Store(sample_db)
    try:
        period = store.periods()[-1]
        latest = store.latest_cases(month_bounds(period)[1], limit=ROWS_SHOWN)
        names = store.villages().set_index("village_id")["name_zh"]
    finally:
        store.close()
    rows = [(f"{r.received_at:%m-%d %H:%M} · {names[r.village_id]} · {mask_text(r.summary)}", r.summary)
            for r in latest.itertuples()]
    assert any(masked.rsplit(" · ", 1)[1] != raw for masked, raw in rows)  # something to mask
    return rows


def test_a_display_shows_the_command_screen_only_and_masked(chromium_browser, server, sample_db):
    url, _, token = server
    expected = _latest_rows(sample_db)
    context, page = _new_page(chromium_browser, viewport={"width": 1920, "height": 1080})
    try:
        page.goto(f"{url}/auth/display/{token}")
        assert _path(page) == "/command"
        assert parse_qs(urlsplit(page.url).query) == {"kiosk": ["1"], "lang": ["zh"], "metric": [DISPLAY_METRIC]}
        assert session_cookie(page) == token
        _wait_for_wall(page)
        assert page.get_by_test_id("stSidebar").count() == 0 or not page.get_by_test_id("stSidebar").is_visible()
        assert page.locator(".st-key-auth_logout").count() == 0

        ticker = page.locator(".cmd-panel").filter(has=page.get_by_role("heading", name=ZH("command.latest")))
        shown = ticker.locator(".cmd-row > span:first-child").all_inner_texts()
        assert shown == [masked for masked, _ in expected]
        text = page.locator("body").inner_text()
        assert not any(raw in text for masked, raw in expected if not masked.endswith(raw))
        page.locator('[data-testid="stDeckGlJsonChart"] canvas').first.wait_for(state="visible")
        page.wait_for_timeout(1500)  # the deck draws its layers after the canvas is there
        save_screenshot(page, "display_command_zh", full_page=False)

        page.reload()
        assert _path(page) == "/command"
        _wait_for_wall(page)

        for other in ("/map?lang=zh", "/cases", "/admin", "/"):
            page.goto(url + other)
            assert _path(page) == "/command" and parse_qs(urlsplit(page.url).query)["kiosk"] == ["1"], other
        _wait_for_wall(page)
        assert context.request.get(f"{url}/_stcore/metrics").status == 403
    finally:
        context.close()


def test_a_display_keeps_no_person_signed_in(chromium_browser, sample_db, tmp_path, server_logs):
    """The leader had signed in on the wall's browser ten minutes ago; then the display link is
    opened there and the display runs (refreshing every 2 s, reloaded once). The leader's session
    is not touched; a control session, used once meanwhile, is written back as active."""
    db = _db_copy(sample_db, tmp_path / "keepalive")
    before = dt.datetime.now().replace(microsecond=0) - dt.timedelta(minutes=10)
    con = duckdb.connect(str(db))
    try:
        leader, _ = sessions.start_session(con, "leader", before, client_address="127.0.0.1")
        control, _ = sessions.start_session(con, "planner", before, client_address="127.0.0.1")
        token, display = displays.register_display(con, DISPLAY_NAME, "zh", DISPLAY_METRIC, by="admin", now=before)
    finally:
        con.close()
    env = {"COCKPIT_DB": str(db), "COCKPIT_COMMAND_REFRESH": "2"}
    with start_streamlit(APP_SCRIPT, env=env, log_registry=server_logs) as url:
        context, page = _new_page(chromium_browser)
        try:
            context.add_cookies([{"name": COOKIE, "value": leader, "url": url}])
            page.goto(f"{url}/auth/display/{token}")
            assert _path(page) == "/command" and session_cookie(page) == token
            _wait_for_wall(page)
            page.wait_for_timeout(6_000)  # a few refreshes
            page.reload()
            _wait_for_wall(page)
            assert http(f"{url}/map?lang=zh", token=control).status == 200
        finally:
            context.close()
    seen = dict(_read(db, "SELECT user_name, last_seen FROM web_sessions WHERE ended_at IS NULL"))
    display_seen = _read(db, "SELECT last_seen FROM displays WHERE display_id = ?", [display.display_id])[0][0]
    print(f"last seen: leader {seen['leader']}, control {seen['planner']}, display {display_seen} (start {before})")
    assert seen["leader"] == before  # the display's requests did not touch it
    assert seen["planner"] > before  # activity is written back: the check above can fail
    assert display_seen is not None and display_seen > before


# --- a second person on the same tab ---------------------------------------------------------

def test_a_second_person_on_the_same_tab_sees_nothing_of_the_first(browser_page, sample_db, tmp_path, server_logs):
    db = _db_copy(sample_db, tmp_path / "second")
    con = duckdb.connect(str(db))
    try:
        _add_zhou(con)
        # the sample copy may carry entries of earlier tests (AppTests write to the shared sample)
        before = con.execute("SELECT coalesce(max(event_id), 0) FROM audit_log").fetchone()[0]
    finally:
        con.close()
    page = browser_page
    with start_streamlit(APP_SCRIPT, env={"COCKPIT_DB": str(db)}, log_registry=server_logs) as url:
        open_page(page, f"{url}/cases?lang=zh")  # the leader's role may see callers' data: shown, and audited
        caption = page.get_by_text(re.compile("^" + re.escape(ZH("cases.overdue_caption_unmasked", n="@")).replace(
            "@", r"[\d,]+") + "$"))
        expect(caption).to_be_visible()
        first_token = session_cookie(page)

        _sign_out(page)
        _shows_signed_out(page, ZH, ZH("auth.signed_out"))
        expect(caption).to_have_count(0)
        page.locator("a.cockpit-signin").click()  # the same tab
        page.wait_for_url(lambda u: urlsplit(u).path == "/auth/login")
        assert sign_in(page, ZHOU, ZHOU_PASSWORD) is None
        assert _path(page) == "/cases"
        wait_for_app_idle(page)
        _signed_in_as(page, ZH, "leader")
        expect(page.get_by_test_id("stSidebar")).to_contain_text("周立")
        expect(page.get_by_test_id("stSidebar")).not_to_contain_text("演示镇领导")
        expect(caption).to_be_visible()  # shown again only through the second person's own unmasking
        assert session_cookie(page) != first_token
    rows = _read(db, "SELECT user_name, event FROM audit_log WHERE event IN ('login_success', 'unmask', 'logout') "
                     "AND event_id > ? ORDER BY event_id", [before])
    assert rows == [("leader", "login_success"), ("leader", "unmask"), ("leader", "logout"),
                    (ZHOU, "login_success"), (ZHOU, "unmask")]


# --- demo accounts after real data -----------------------------------------------------------

def test_demo_accounts_are_refused_and_hidden_after_an_import(browser_page, sample_db, tmp_path, server_logs):
    folder = tmp_path / "real"
    db = _db_copy(sample_db, folder)
    con = duckdb.connect(str(db))
    try:
        _add_zhou(con)  # created before the import, as the README says
    finally:
        con.close()
    cases = folder / "12345工单_2026年10月.csv"
    cases.write_bytes(fx.cases_csv([
        "R001,2026-10-20 08:30,2026-10-21 17:00,岭头村,water,水管漏水,张三,18259831085,",
        "R002,2026-10-21 09:10,,350781105203,roads,路面坑洼,,,",
    ]).encode("utf-8"))
    done = subprocess.run([sys.executable, "-m", "cockpit", "import", "cases", str(cases), "--db", str(db),
                           "--imports-dir", str(folder / "imports"), "--user", ZHOU],
                          cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "loaded: 2 new" in done.stdout, done.stdout
    assert _read(db, "SELECT value FROM meta WHERE key = 'synthetic'") == [("false",)]

    page = browser_page
    with start_streamlit(APP_SCRIPT, env={"COCKPIT_DB": str(db)}, log_registry=server_logs) as url:
        page.goto(f"{url}/map?lang=zh")
        assert on_sign_in_page(page)
        expect(page.locator("#name")).to_be_visible()
        assert page.locator("#demo-accounts").count() == 0
        body = page.locator("body").inner_text()
        assert ZH("auth.demo_title") not in body and "demo-leader" not in body
        assert sign_in(page, "leader", "demo-leader") == ZH("auth.error.demo_disabled")
        assert sign_in(page, ZHOU, ZHOU_PASSWORD) is None  # a regular account still signs in
        assert _path(page) == "/map"
        wait_for_app_idle(page)
        _signed_in_as(page, ZH, "leader")


# --- a burst of wrong sign-ins from one address ----------------------------------------------

def test_a_burst_from_one_address_is_refused_while_another_signs_in(sample_db, tmp_path, server_logs):
    db = _db_copy(sample_db, tmp_path / "throttle")
    con = duckdb.connect(str(db))
    try:
        _add_zhou(con)
    finally:
        con.close()
    env = {"COCKPIT_DB": str(db), "COCKPIT_SIGNIN_ADDRESS_FAILURES": "3", "COCKPIT_TRUSTED_PROXY": "127.0.0.1"}
    with start_streamlit(APP_SCRIPT, env=env, log_registry=server_logs) as url:
        first, t_first = http_sign_in(url, ZHOU, ZHOU_PASSWORD, "10.0.0.1")  # also raises the stored hash's cost
        normal, t_normal = http_sign_in(url, ZHOU, ZHOU_PASSWORD, "10.0.0.2")
        assert first.status == normal.status == 303

        wrong = [http_sign_in(url, "nobody", "wrong password", "10.9.9.9") for _ in range(3)]
        refused = [http_sign_in(url, f"user{i}", "wrong password", "10.9.9.9") for i in range(3)]
        right_but_refused, t_right_refused = http_sign_in(url, ZHOU, ZHOU_PASSWORD, "10.9.9.9")
        other, t_other = http_sign_in(url, ZHOU, ZHOU_PASSWORD, "10.0.0.5")

        print(f"sign-in timings (s): first {t_first:.3f} (rehash), normal {t_normal:.3f}; "
              f"wrong {', '.join(f'{t:.3f}' for _, t in wrong)}; "
              f"refused {', '.join(f'{t:.3f}' for _, t in refused)}; right password while refused "
              f"{t_right_refused:.3f}; another address {t_other:.3f}")
        assert [r.status for r, _ in wrong] == [401, 401, 401]
        assert [r.status for r, _ in refused] == [429, 429, 429]
        assert all(r.headers["retry-after"] for r, _ in refused)
        assert EN("auth.throttled", time="@").split("@")[0] in refused[0][0].body.decode()
        assert right_but_refused.status == 429 and right_but_refused.cookie(COOKIE) is None
        assert other.status == 303 and other.cookie(COOKIE)
        assert t_other < 3 * t_normal + 0.5  # not slowed by the other address's burst
    attempts = _read(db, "SELECT user_name, outcome FROM login_attempts ORDER BY attempt_id")
    throttled = _read(db, "SELECT detail FROM audit_log WHERE event = 'login_throttled'")
    assert [a for a in attempts if a[0].startswith("user")] == []  # refused before any password check
    assert len(throttled) == 1 and "10.9.9.9" in throttled[0][0]


# --- revoking a display (last: it changes the module server's display) -----------------------

def test_a_display_revoked_by_the_administrator_stops(chromium_browser, server):
    url, _, token = server
    wall_context, wall = _new_page(chromium_browser, viewport={"width": 1920, "height": 1080})
    admin_context, admin = _new_page(chromium_browser)
    try:
        wall.goto(f"{url}/auth/display/{token}")
        _wait_for_wall(wall)

        open_page(admin, f"{url}/admin?lang=zh", user="admin")
        pick = admin.locator(".st-key-admin_display_pick [role='combobox']")
        pick.scroll_into_view_if_needed()
        expect(pick).to_have_value(DISPLAY_NAME)  # the one working display
        admin.locator(".st-key-admin_display_revoke button").click()
        wait_for_app_idle(admin)
        expect(admin.get_by_text(ZH("admin.display.revoked_done"))).to_be_visible()
        expect(admin.locator(".st-key-admin_display_pick")).to_have_count(0)  # no working display left

        # the open wall stops at its next refresh (every 2 s here), and says why
        _shows_signed_out(wall, ZH, ZH("auth.display_revoked"))
        assert wall.locator(".cmd-wall").count() == 0
        wall.reload()
        assert on_sign_in_page(wall)
        assert parse_qs(urlsplit(wall.url).query)["reason"] == ["revoked"]
        expect(wall.locator(".notice", has_text=ZH("auth.display_revoked"))).to_be_visible()
        assert http(f"{url}/auth/display/{token}").status == 403  # the link is dead
    finally:
        wall_context.close()
        admin_context.close()
