"""The drop folder with the real server (cockpit/web/inbox_watcher.py): a file dropped in
inbox/cases/ is imported within one round and moved to done/; the overview shows it to a leader."""

from __future__ import annotations

import os
import shutil
import time

import duckdb
from playwright.sync_api import expect

from cockpit.auth.users import add_user
from tests.auth_fixtures import FAST
from tests.e2e.conftest import PROJECT_ROOT, open_page, save_screenshot, start_streamlit, wait_for_app_idle
from tests.importer.test_importer_inbox import GOOD


def test_a_dropped_file_is_imported_moved_and_shown_on_the_overview(browser_page, sample_db, tmp_path):
    db = tmp_path / "cockpit.duckdb"
    shutil.copy2(sample_db, db)
    con = duckdb.connect(str(db))
    add_user(con, "zhao.ming", "zhao password", "leader", params=FAST)  # the import ends the demo accounts
    before = con.execute("SELECT count(*) FROM cases").fetchone()[0]
    con.close()
    inbox = tmp_path / "inbox"
    env = {"COCKPIT_DB": str(db), "COCKPIT_INBOX": str(inbox), "COCKPIT_INBOX_SECONDS": "1",
           "COCKPIT_IMPORTS_DIR": str(tmp_path / "imports")}
    with start_streamlit(PROJECT_ROOT / "serve.py", env=env) as url:
        assert (inbox / "cases").is_dir() and (inbox / "done").is_dir()  # made when the server started
        dropped = inbox / "cases" / "12345-2026-10.csv"
        dropped.write_text(GOOD, encoding="utf-8")
        os.utime(dropped, (time.time() - 60, time.time() - 60))
        deadline = time.monotonic() + 30
        while dropped.exists() and time.monotonic() < deadline:
            time.sleep(0.5)
        assert not dropped.exists(), "the file was not taken within 30 s"
        done = [p.name for p in (inbox / "done").iterdir()]
        assert any(n.endswith("-12345-2026-10.csv") for n in done) and any(n.endswith(".report.csv") for n in done)
        page = browser_page
        open_page(page, f"{url}/?lang=zh", "zhao.ming", "zhao password")
        expect(page.get_by_role("heading", name="投递文件夹收到的文件")).to_be_visible()
        expect(page.get_by_text("近 7 天收到 1 个文件，其中 0 个未导入")).to_be_visible()
        wait_for_app_idle(page)
        save_screenshot(page, "overview_inbox_zh")
    con = duckdb.connect(str(db), read_only=True)
    assert con.execute("SELECT count(*) FROM cases").fetchone()[0] == before + 2
    con.close()
