"""Downloads whose audit entry cannot be written (cockpit/ui/downloads.py): the file has left, the
page does not break, and the next run says "download not logged" once. Each page's download is
clicked in an AppTest while the audit write fails the way a busy or read-only database fails."""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from cockpit.i18n import Translator
from cockpit.store import StoreError
from cockpit.ui import downloads, shell
from cockpit.ui.connection import WriteUnavailable
from tests.app.conftest import sign_in

ROOT = Path(__file__).resolve().parents[2]
TIMEOUT = 60

# page, download button key, audit event, what the entry says was downloaded
DOWNLOADS = [
    ("pages/presenter.py", "presenter_pdf", "export", "briefing_pdf"),
    ("pages/village.py", "village_pdf", "export", "village_pdf"),
    ("pages/cases.py", "download_overdue", "download", "overdue cases"),
]
FAILURES = [WriteUnavailable("database open elsewhere for writing"),
            duckdb.IOException("Could not set lock on file"),
            StoreError("read-only")]


def _page(page: str) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT)
    sign_in(at, "leader")
    at.switch_page(page)
    at.query_params["lang"] = "en"
    return at.run()


def _warnings(at: AppTest) -> list[str]:
    return [w.value for w in at.warning]


def _audit_rows(db: Path, event: str) -> list[dict]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        rows = con.execute("SELECT detail FROM audit_log WHERE event = ?", [event]).fetchall()
    finally:
        con.close()
    return [json.loads(r[0]) for r in rows]


@pytest.mark.parametrize(("page", "key", "event", "what"), DOWNLOADS)
def test_download_is_audited(fresh_db, page, key, event, what):
    at = _page(page)
    assert not at.exception, at.exception
    before = len(_audit_rows(fresh_db, event))
    at.download_button(key=key).click().run()
    assert not at.exception, at.exception
    rows = _audit_rows(fresh_db, event)
    assert len(rows) == before + 1 and rows[-1]["what"] == what
    assert Translator("en")("cases.download_not_logged") not in _warnings(at)


@pytest.mark.parametrize(("page", "key", "event", "what"), DOWNLOADS)
@pytest.mark.parametrize("failure", FAILURES, ids=lambda e: type(e).__name__)
def test_failed_audit_write_is_said_on_the_next_run(fresh_db, monkeypatch, page, key, event, what, failure):
    message = Translator("en")("cases.download_not_logged")
    at = _page(page)
    assert not at.exception, at.exception
    assert message not in _warnings(at)
    before = len(_audit_rows(fresh_db, event))

    def failing_audit(con, user, event, detail=None):
        raise failure

    with monkeypatch.context() as mp:
        mp.setattr(shell, "audit", failing_audit)  # what PageContext.audit calls
        at.download_button(key=key).click().run()
    assert not at.exception, at.exception  # said, not raised
    assert _warnings(at).count(message) == 1
    assert len(_audit_rows(fresh_db, event)) == before
    at.run()
    assert message not in _warnings(at), "the warning is shown once, on the run after the click"


def test_other_errors_are_not_swallowed():
    """Only database failures are caught; a programming error still surfaces."""
    def audit(event, detail):
        raise ValueError("audit detail must not carry secrets: ['password']")

    ctx = SimpleNamespace(audit=audit)
    with pytest.raises(ValueError, match="secrets"):
        downloads.record_download(ctx, "export", {"password": "x"})


def test_no_page_keeps_its_own_copy():
    """One helper: the views call cockpit.ui.downloads, none catches audit failures itself."""
    for name in ("cases_view", "presenter_view", "profile_view"):
        text = (ROOT / "cockpit" / "ui" / f"{name}.py").read_text(encoding="utf-8")
        assert "on_click=record_download" in text and "not_logged_warning(ctx)" in text, name
        assert "_record_export" not in text and "_record_download" not in text, name


def test_a_download_is_made_on_click_and_served_to_this_session_only(fresh_db, click_download):
    from cockpit.web.gatekeeper import gatekeeper

    at = _page("pages/cases.py")
    data = click_download(at, "download_overdue")
    assert data.decode("utf-8-sig").startswith(Translator("en")("cases.col.case_id"))
    assert gatekeeper().granted("test:leader", data)  # the AppTest seam's session of the leader
    assert not gatekeeper().granted("test:secretary", data)


@pytest.mark.parametrize("failure", FAILURES, ids=lambda e: type(e).__name__)
def test_an_unmasking_that_cannot_be_logged_is_not_shown(fresh_db, monkeypatch, click_download, failure):
    """The leader may see callers' data only when the unmasking is recorded: when the audit entry
    cannot be written, the list and its CSV stay masked and the page says why."""
    def failing_audit(con, user, event, detail=None):
        if event == "unmask":
            raise failure

    monkeypatch.setattr(shell, "audit", failing_audit)
    at = _page("pages/cases.py")
    assert not at.exception, at.exception
    assert Translator("en")("cases.unmask_not_logged") in _warnings(at)
    import csv as csv_module
    import io
    import re

    rows = list(csv_module.DictReader(io.StringIO(click_download(at, "download_overdue").decode("utf-8-sig"))))
    phones = [r[Translator("en")("cases.col.phone")] for r in rows]
    assert rows and all(re.fullmatch(r"1\d{2}\*{4}\d{4}|", p) for p in phones), phones[:5]
