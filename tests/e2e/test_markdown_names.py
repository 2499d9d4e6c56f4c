"""Imported text is shown as text, in Chromium (issue 13).

The sample's villages, departments, categories, domains and party branches are renamed to
Markdown links and images pointing at a listener on a loopback port, HTML, a right-to-left
override and a 20 kB name; a decision and its owner get the same. Every page each role may open is
opened as that role: the listener must receive no request, no dialog may open, no page may grow
wider than the window, and the hostile text must be on screen as plain text. One screenshot of
the overview is kept (screenshots/markdown_names_overview.png).
"""

from __future__ import annotations

import datetime as dt
import http.server
import shutil
import socket
import threading
from pathlib import Path

import duckdb
import pytest

from cockpit.auth.roles import role
from cockpit.store import decisions
from cockpit.ui.pages import PAGES
from tests.e2e.conftest import APP_SCRIPT, open_page, save_screenshot, start_streamlit, wait_for_app_idle

USERS = ("leader", "secretary", "party", "planner", "admin", "viewer")
ROLE_OF = {"leader": "leader", "secretary": "village_secretary", "party": "party", "planner": "planner",
           "admin": "administrator", "viewer": "viewer"}


class _Listener(http.server.BaseHTTPRequestHandler):
    hits: list[str] = []

    def do_GET(self):  # noqa: N802 - http.server's name
        type(self).hits.append(self.path)
        self.send_response(204)
        self.end_headers()

    do_POST = do_GET

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def listener():
    """An HTTP server on a free loopback port that records every request it gets."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), _Listener)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield port, _Listener.hits
    finally:
        server.shutdown()


def _md(port: int, tag: str) -> str:
    url = f"http://127.0.0.1:{port}/{tag}.png"
    return f"{tag} [clickme](javascript:alert(1)) ![img]({url}) <img src={url} onerror=alert(2)> **b** :red[r]"


@pytest.fixture(scope="module")
def hostile_server(sample_db, tmp_path_factory, listener, server_logs):
    port, _ = listener
    db = tmp_path_factory.mktemp("hostile") / "cockpit.duckdb"
    shutil.copy2(sample_db, db)
    con = duckdb.connect(str(db))
    try:
        secretary = con.execute("SELECT village_ids FROM users WHERE user_name = 'secretary'").fetchone()[0].split()[0]
        ids = [secretary] + [v for (v,) in con.execute("SELECT village_id FROM villages ORDER BY 1").fetchall()
                             if v != secretary]
        for i, vid in enumerate(ids):
            con.execute("UPDATE villages SET name_en = ?, name_zh = ? WHERE village_id = ?",
                        [_md(port, f"v{i}"), _md(port, f"村{i}"), vid])
        con.execute("UPDATE villages SET name_en = ? WHERE village_id = ?", ["Long" + "长" * 10_000, ids[1]])
        con.execute("UPDATE villages SET name_en = ? WHERE village_id = ?",
                    ["RTL \u202eevil\u202c مرحبا " + _md(port, "rtl"), ids[2]])
        for table, key in (("departments", "department_id"), ("categories", "category_id"),
                           ("party_branches", "branch_id"), ("domains", "domain_id")):
            for i, (k,) in enumerate(con.execute(f"SELECT {key} FROM {table}").fetchall()):
                con.execute(f"UPDATE {table} SET name_en = ?, name_zh = ? WHERE {key} = ?",
                            [_md(port, f"{table[:4]}{i}"), _md(port, f"{table[:4]}{i}"), k])
        con.execute("UPDATE party_branches SET secretary = ?", [_md(port, "sec")])
        meeting = decisions.create_meeting(con, dt.date(2026, 11, 5), _md(port, "meeting"), "2026-10")
        decisions.record_item(con, meeting, "action", _md(port, "decision"), owner=_md(port, "owner"),
                              village_id=secretary, slide="overdue")
    finally:
        con.close()
    with start_streamlit(APP_SCRIPT, env={"COCKPIT_DB": str(db), "COCKPIT_COMMAND_ROTATION": "0"},
                         log_registry=server_logs) as url:
        yield url


def _url(path: str) -> str:
    return "/" if path == "pages/overview.py" else "/" + Path(path).stem


_WIDTH_JS = """() => {
  const main = document.querySelector('[data-testid="stMain"]');
  return {page: document.documentElement.scrollWidth - window.innerWidth,
          main: main ? main.scrollWidth - main.clientWidth : 0};
}"""


@pytest.mark.parametrize("user", USERS)
def test_every_page_shows_hostile_names_as_text(browser_page, hostile_server, listener, user):
    port, hits = listener
    page = browser_page
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url) if f":{port}/" in r.url else None)
    allowed = [p for p in PAGES if p.name in role(ROLE_OF[user]).pages]
    assert allowed
    seen_text = False
    for spec in allowed:
        open_page(page, f"{hostile_server}{_url(spec.path)}?lang=en", user=user)
        if spec.name in ("presenter",):
            for slide in range(2, 8):  # every slide of the deck
                page.goto(f"{hostile_server}{_url(spec.path)}?lang=en&slide={slide}")
                wait_for_app_idle(page)
        page.wait_for_timeout(500)  # images in rendered Markdown would be requested by now
        where = f"{user} on {spec.name}"
        assert not requests and not hits, f"{where}: the listener was asked for {requests or hits}"
        assert not dialogs, f"{where}: a dialog opened: {dialogs}"
        width = page.evaluate(_WIDTH_JS)
        assert width["page"] <= 1 and width["main"] <= 1, f"{where}: wider than the window by {width}"
        body = page.locator("body").inner_text()
        bare = [line for line in body.splitlines() if line.count("clickme") != line.count("[clickme]")]
        assert not bare, f"{where}: a name's link was rendered: {bare[:5]}"
        rendered = page.locator(f'a[href^="javascript"], img[src*=":{port}/"], a[href*=":{port}/"], '
                                '[data-testid="stMarkdownContainer"] strong:text-is("b")')
        assert rendered.count() == 0, f"{where}: Markdown or HTML of a name was rendered"
        seen_text = seen_text or "![img](http://127.0.0.1" in body
        if user == "leader" and spec.name == "overview":
            shot = save_screenshot(page, "markdown_names_overview", full_page=False)
            assert shot.stat().st_size > 10_000
    assert seen_text, f"{user}: no hostile name was on screen as text"
