"""An import killed between staging and commit leaves the database as it was, and usable."""

from __future__ import annotations

import pytest

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pandas as pd

from cockpit.importer.pipeline import PAUSE_ENV
from cockpit.store.schema import APP_TABLES, TABLES

ROOT = Path(__file__).resolve().parents[2]


def _digest(db: Path) -> dict[str, str]:
    con = duckdb.connect(str(db))
    try:
        tables = [t.name for t in (*TABLES, *APP_TABLES)]
        return {t: con.execute(f"SELECT count(*) || ':' || coalesce(md5(string_agg(CAST(x AS VARCHAR), '|' "
                               f"ORDER BY CAST(x AS VARCHAR))), '') FROM {t} x").fetchall()[0][0] for t in tables}
    finally:
        con.close()


def _cases_file(path: Path, rows: int) -> Path:
    cases = pd.read_csv(ROOT / "sample_data" / "cases.csv", dtype=str).head(rows).copy()
    cases["case_id"] = "K" + cases["case_id"]
    cases.to_csv(path, index=False)
    return path


def _import(db: Path, file: Path, tmp: Path, pause: str | None) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop(PAUSE_ENV, None)
    if pause:
        env[PAUSE_ENV] = pause
    return subprocess.Popen([sys.executable, "-m", "cockpit", "import", "cases", str(file), "--db", str(db),
                             "--imports-dir", str(tmp / "imports"), "--user", "killed"],
                            cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


@pytest.mark.slow
def test_killed_import_leaves_the_database_unchanged(sample_db, tmp_path):
    db = tmp_path / "cockpit.duckdb"
    shutil.copy(sample_db, db)
    file = _cases_file(tmp_path / "cases.csv", 5000)
    before = _digest(db)

    proc = _import(db, file, tmp_path, pause="120")
    deadline = time.monotonic() + 120
    seen = ""
    while "paused before commit" not in seen:
        line = proc.stderr.readline()
        assert line or proc.poll() is None, f"the import ended before its pause: {proc.communicate()}"
        seen += line
        assert time.monotonic() < deadline, "the import never reached its pause"
    proc.send_signal(signal.SIGKILL)   # no cleanup, no rollback: the process just dies
    proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL

    assert _digest(db) == before       # opens (replaying the log) and holds exactly what it held

    done = _import(db, file, tmp_path, pause=None)
    out, err = done.communicate(timeout=120)
    assert done.returncode == 0, err
    assert "5,000 new" in out
    con = duckdb.connect(str(db), read_only=True)
    assert con.execute("SELECT count(*) FROM cases WHERE case_id LIKE 'K%'").fetchall() == [(5000,)]
    assert con.execute("SELECT status, user_name FROM import_batches").fetchall() == [("loaded", "killed")]
    con.close()
