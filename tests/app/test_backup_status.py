"""AppTest: the Data page says how the backups stand (cockpit/ui/backup_view.py)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from streamlit.testing.v1 import AppTest

from cockpit.i18n import Translator
from cockpit.text.literal import literal
from cockpit.store.backup import record_last

ROOT = Path(__file__).resolve().parents[2]
EN = Translator("en")


def _data_page() -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.switch_page("pages/data.py")
    at.query_params["lang"] = "en"
    return at.run()


def test_the_last_backup_and_its_result(sample_db, tmp_path, monkeypatch):
    out = tmp_path / "backups"
    monkeypatch.setenv("COCKPIT_BACKUP_DIR", str(out))
    record_last(out, dt.datetime(2026, 12, 3, 2, 0), True, out / "cockpit-backup-x", rows=23_456)
    at = _data_page()
    assert not at.exception
    assert at.success[0].value == EN("backup.ok", at="2026-12-03 02:00:00", rows="23,456", n=0, folder=literal(out))  # plain text
    record_last(out, dt.datetime(2026, 12, 4, 2, 0), False, error="disk full")
    at = _data_page()
    assert "The last backup (2026-12-04 02:00:00) failed: disk full" in at.error[0].value


def test_backups_switched_off_are_said(sample_db, monkeypatch):
    monkeypatch.setenv("COCKPIT_BACKUP_DIR", "")
    at = _data_page()
    assert at.warning[0].value == EN("backup.off")
