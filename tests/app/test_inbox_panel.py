"""AppTest: the overview tells those who import what the drop folder brought (cockpit/ui/inbox_view.py)."""

from __future__ import annotations

import contextlib
import os
import time
from pathlib import Path

import duckdb
from streamlit.testing.v1 import AppTest

from cockpit.auth.users import add_user
from cockpit.i18n import Translator
from cockpit.importer.inbox import prepare_inbox, process_inbox
from tests.app.conftest import sign_in
from tests.auth_fixtures import FAST
from tests.importer.test_importer_inbox import BAD, GEODATA, GOOD

ROOT = Path(__file__).resolve().parents[2]


def _drop_and_import(db: Path, tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    prepare_inbox(inbox)
    for name, text in (("good.csv", GOOD), ("bad.csv", BAD)):
        path = inbox / "cases" / name
        path.write_text(text, encoding="utf-8")
        os.utime(path, (time.time() - 60, time.time() - 60))
    connect = lambda: contextlib.closing(duckdb.connect(str(db)))  # noqa: E731
    process_inbox(connect, inbox, tmp_path / "imports", GEODATA, Translator("en"))
    # real data now: the demo accounts are off, so regular accounts look at it
    con = duckdb.connect(str(db))
    add_user(con, "wang", "wang password", "leader", params=FAST)
    add_user(con, "li", "li password", "viewer", params=FAST)
    con.close()


def _overview(user: str) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    sign_in(at, user)
    at.query_params["lang"] = "en"
    return at.run()


def test_leaders_see_what_arrived_and_what_was_refused(fresh_db, tmp_path):
    _drop_and_import(fresh_db, tmp_path)
    at = _overview("wang")
    assert not at.exception
    assert "Arrived in the drop folder" in [s.value for s in at.subheader]
    assert at.warning[-1].value.startswith("2 file(s) in the last 7 days; 1 refused")
    table = at.dataframe[-1].value
    assert sorted(table["File"]) == ["bad.csv", "good.csv"]
    assert dict(zip(table["File"], table["Result"])) == {"good.csv": "loaded", "bad.csv": "refused"}
    assert dict(zip(table["File"], table["Rows loaded"]))["good.csv"] == 2


def test_viewers_do_not(fresh_db, tmp_path):
    _drop_and_import(fresh_db, tmp_path)
    at = _overview("li")
    assert not at.exception
    assert "Arrived in the drop folder" not in [s.value for s in at.subheader]
