"""Backups, restores and the health check (cockpit/store/backup.py, cockpit/store/health.py)."""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from cockpit.store.backup import BackupError, make_backup, restore_backup, verify_backup
from cockpit.store.health import check_database
from cockpit.store.owner import OwnerLock

ROOT = Path(__file__).resolve().parents[2]


def _health(db: Path):
    con = duckdb.connect(str(db), read_only=True)
    try:
        return check_database(con)
    finally:
        con.close()


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_the_sample_is_healthy(fresh_db):
    health = _health(fresh_db)
    assert health.ok and health.schema_version >= 7
    con = duckdb.connect(str(fresh_db), read_only=True)
    assert health.rows["cases"] == con.execute("SELECT count(*) FROM cases").fetchone()[0] > 0
    con.close()


def test_check_finds_broken_references(fresh_db):
    con = duckdb.connect(str(fresh_db))
    con.execute("UPDATE cases SET village_id = 'nowhere' WHERE case_id IN (SELECT case_id FROM cases LIMIT 3)")
    con.close()
    done = subprocess.run([sys.executable, "-m", "cockpit", "check", "--db", str(fresh_db)], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 1
    assert "broken reference: cases.village_id -> villages: 3 rows" in done.stdout and "PROBLEMS FOUND" in done.stdout


def test_a_backup_holds_the_database_the_originals_and_a_manifest(fresh_db, tmp_path):
    imports = tmp_path / "imports"
    imports.mkdir()
    (imports / "abc.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    backup = make_backup(fresh_db, tmp_path / "backups", imports, by="cli:test")
    manifest = json.loads((backup.folder / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["rows"] == _health(fresh_db).rows and manifest["made_by"] == "cli:test"
    assert set(manifest["files"]) >= {"cockpit.duckdb", "imports/abc.csv"}
    assert manifest["files"]["imports/abc.csv"] == _digest(imports / "abc.csv")
    assert verify_backup(backup.folder).manifest == manifest


def test_a_changed_or_unfinished_backup_is_refused(fresh_db, tmp_path):
    backup = make_backup(fresh_db, tmp_path / "b")
    partial = tmp_path / "b" / ".cockpit-backup-x.partial"
    partial.mkdir()
    with pytest.raises(BackupError, match="unfinished"):
        verify_backup(partial)
    db = backup.folder / "cockpit.duckdb"
    db.chmod(0o644)
    with open(db, "r+b") as f:
        f.seek(5000)
        f.write(b"\x00tampered")
    with pytest.raises(BackupError, match="checksum"):
        verify_backup(backup.folder)
    before = _digest(fresh_db)
    with pytest.raises(BackupError):
        restore_backup(backup.folder, fresh_db)
    assert _digest(fresh_db) == before


def test_restore_puts_the_backup_back_and_keeps_what_it_replaced(fresh_db, tmp_path):
    backup = make_backup(fresh_db, tmp_path / "b")
    rows = _health(fresh_db).rows
    con = duckdb.connect(str(fresh_db))
    con.execute("DELETE FROM cases")
    con.close()
    kept = restore_backup(backup.folder, fresh_db)
    assert _health(fresh_db).rows == rows
    assert _health(kept).rows["cases"] == 0


def test_restore_refuses_while_an_app_owns_the_database(fresh_db, tmp_path):
    backup = make_backup(fresh_db, tmp_path / "b")
    holder = subprocess.Popen([sys.executable, "-c", "import sys, time\nfrom cockpit.store.owner import OwnerLock\n"
                               "OwnerLock(sys.argv[1]).acquire(); print('ready', flush=True); time.sleep(60)",
                               str(fresh_db)], cwd=ROOT, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "ready"
        with pytest.raises(BackupError, match="in use by the cockpit app"):
            restore_backup(backup.folder, fresh_db)
    finally:
        holder.kill()
        holder.wait()


def _tables(db: Path) -> dict:
    """The changing tables' whole contents, in a stable order."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        return {t: con.execute(f"SELECT * FROM {t} ORDER BY ALL").fetchall() for t in ("cases", "import_batches")}
    finally:
        con.close()


@pytest.mark.slow
def test_a_backup_taken_during_an_import_is_the_before_or_the_after(fresh_db, tmp_path):
    before = _health(fresh_db).rows
    before_tables = _tables(fresh_db)
    importer = subprocess.Popen([sys.executable, "-m", "cockpit", "import", "cases",
                                 str(ROOT / "sample_data" / "cases.csv"), "--db", str(fresh_db)],
                                cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        backups = []
        while importer.poll() is None and len(backups) < 3:
            backups.append(make_backup(fresh_db, tmp_path / "b", attempts=20))
    finally:
        importer.wait(timeout=300)
    after = _health(fresh_db).rows
    after_tables = _tables(fresh_db)
    assert after_tables != before_tables  # the import did change them
    backups.append(make_backup(fresh_db, tmp_path / "b2"))
    for backup in backups:
        assert verify_backup(backup.folder).manifest["rows"] in (before, after)
        assert _tables(backup.folder / "cockpit.duckdb") in (before_tables, after_tables)


def test_kill_9_during_a_backup_leaves_the_database_untouched_and_nothing_restorable(sample_db, tmp_path):
    db = tmp_path / "cockpit.duckdb"
    db.write_bytes(sample_db.read_bytes())
    before = _digest(db)
    proc = subprocess.Popen([sys.executable, "-m", "cockpit", "backup", "--out", str(tmp_path / "b"), "--db", str(db)],
                            cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(0.3)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert _digest(db) == before
    for folder in (tmp_path / "b").glob("*") if (tmp_path / "b").exists() else []:
        if folder.name.endswith(".partial"):
            with pytest.raises(BackupError):
                verify_backup(folder)
        else:  # the backup had finished before the kill
            verify_backup(folder)


@pytest.mark.slow
def test_the_schedule_backs_up_when_due_keeps_n_and_records_the_outcome(fresh_db, tmp_path, monkeypatch):
    import datetime as dt

    from cockpit.store.backup import list_backups, read_last
    from cockpit.web.backup_schedule import BackupSchedule

    out = tmp_path / "backups"
    monkeypatch.setenv("COCKPIT_DB", str(fresh_db))
    monkeypatch.setenv("COCKPIT_BACKUP_DIR", str(out))
    monkeypatch.setenv("COCKPIT_BACKUP_KEEP", "2")
    monkeypatch.setenv("COCKPIT_IMPORTS_DIR", str(tmp_path / "imports"))
    schedule, t0 = BackupSchedule(), dt.datetime(2026, 12, 1, 2, 0)
    assert schedule.run_once(t0)
    assert not schedule.run_once(t0 + dt.timedelta(hours=23))  # not due yet
    assert schedule.run_once(t0 + dt.timedelta(hours=24))
    assert schedule.run_once(t0 + dt.timedelta(hours=48))
    assert len(list_backups(out)) == 2  # the newest two kept
    last = read_last(out)
    assert last["ok"] and last["at"] == "2026-12-03 02:00:00" and last["rows"] > 0
    monkeypatch.setenv("COCKPIT_DB", str(tmp_path / "gone.duckdb"))
    assert not schedule.run_once(t0 + dt.timedelta(hours=72))
    assert not read_last(out)["ok"] and "no database" in read_last(out)["error"]
