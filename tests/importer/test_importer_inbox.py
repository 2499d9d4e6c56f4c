"""The drop folder (cockpit/importer/inbox.py): a dropped file is imported as the Data page would,
then moved with its report; a bad one changes nothing; the same file twice is imported once."""

from __future__ import annotations

import contextlib
import os
import time
from pathlib import Path

import duckdb
import pytest

from cockpit.i18n import Translator
from cockpit.importer.inbox import INBOX_USER, pending_files, prepare_inbox, process_inbox
from tests import importer_fixtures as fx

ROOT = Path(__file__).resolve().parents[2]
GEODATA = ROOT / "geodata" / "villages.geojson"
GOOD = fx.cases_csv(["D001,2026-10-05 08:30,,350781105203,roads,路面坑洼,,,",
                     "D002,2026-10-06 09:00,,350781105203,water,停水,,,"])
BAD = fx.cases_csv(["D003,2026-02-30 10:00,,350781105203,roads,日期不存在,,,",
                    "D004,2026-10-09,,不存在村,roads,未知村,,,"])


@pytest.fixture
def inbox(tmp_path):
    folder = tmp_path / "inbox"
    prepare_inbox(folder)
    return folder


def _drop(inbox: Path, kind: str, name: str, text: str) -> Path:
    path = inbox / kind / name
    path.write_text(text, encoding="utf-8")
    old = time.time() - 60
    os.utime(path, (old, old))  # settled: copied in a minute ago
    return path


def _run(db: Path, inbox: Path, tmp_path: Path):
    connect = lambda: contextlib.closing(duckdb.connect(str(db)))  # noqa: E731
    return process_inbox(connect, inbox, tmp_path / "imports", GEODATA, Translator("en"))


def _cases(db: Path) -> int:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute("SELECT count(*) FROM cases").fetchone()[0]
    finally:
        con.close()


def test_a_dropped_file_is_imported_and_moved_with_its_report(fresh_db, inbox, tmp_path):
    before = _cases(fresh_db)
    _drop(inbox, "cases", "12345-export-2026-10.csv", GOOD)
    [result] = _run(fresh_db, inbox, tmp_path)
    assert (result.kind, result.status, result.file_name) == ("cases", "loaded", "12345-export-2026-10.csv")
    assert _cases(fresh_db) == before + 2
    assert result.moved_to.parent == inbox / "done" and result.moved_to.is_file()
    assert result.moved_to.with_name(result.moved_to.name + ".report.csv").is_file()
    assert not list((inbox / "cases").iterdir())
    con = duckdb.connect(str(fresh_db), read_only=True)
    user, file_name, mode = con.execute("SELECT user_name, file_name, mode FROM import_batches "
                                        "WHERE batch_id = ?", [result.batch_id]).fetchone()
    audited = con.execute("SELECT count(*) FROM audit_log WHERE event = 'import' AND user_name = ?",
                          [INBOX_USER]).fetchone()[0]
    con.close()
    assert (user, file_name, mode) == (INBOX_USER, "12345-export-2026-10.csv", "all_or_nothing") and audited == 1


def test_a_bad_file_goes_to_failed_with_its_report_and_changes_nothing(fresh_db, inbox, tmp_path):
    before = _cases(fresh_db)
    _drop(inbox, "cases", "broken.csv", BAD)
    [result] = _run(fresh_db, inbox, tmp_path)
    assert result.status == "rejected" and result.moved_to.parent == inbox / "failed"
    report = result.moved_to.with_name(result.moved_to.name + ".report.csv").read_text(encoding="utf-8-sig")
    assert "D004" in report or "不存在村" in report
    assert _cases(fresh_db) == before


def test_the_same_file_twice_is_imported_once(fresh_db, inbox, tmp_path):
    before = _cases(fresh_db)
    _drop(inbox, "cases", "a.csv", GOOD)
    first = _run(fresh_db, inbox, tmp_path)
    _drop(inbox, "cases", "a-again.csv", GOOD)
    [second] = _run(fresh_db, inbox, tmp_path)
    assert second.status == "duplicate" and second.batch_id == first[0].batch_id
    assert second.moved_to.parent == inbox / "done"
    assert _cases(fresh_db) == before + 2


def test_a_file_still_being_copied_waits(inbox):
    (inbox / "cases" / "arriving.csv").write_text(GOOD, encoding="utf-8")
    assert pending_files(inbox) == []
    assert pending_files(inbox, now=time.time() + 10) == [("cases", inbox / "cases" / "arriving.csv")]


def test_an_unreadable_file_is_moved_to_failed_with_the_reason(fresh_db, inbox, tmp_path):
    path = inbox / "cases" / "empty.csv"
    path.write_bytes(b"")
    os.utime(path, (time.time() - 60, time.time() - 60))
    [result] = _run(fresh_db, inbox, tmp_path)
    assert result.status == "failed" and result.moved_to.parent == inbox / "failed" and result.message
