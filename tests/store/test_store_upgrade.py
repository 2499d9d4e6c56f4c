"""A database built by an earlier release opens and is upgraded, with its data intact and a copy of
it kept first (tests/fixtures/cockpit-v6.duckdb.gz: built by commit af033b8, schema version 6)."""

from __future__ import annotations

import datetime as dt
import gzip
import shutil
from pathlib import Path

import duckdb
import pandas as pd

from cockpit.store.schema import SCHEMA_VERSION
from cockpit.store import Store
from cockpit.store.build import upgrade_database
from tests.store.test_store_backup import _health

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "cockpit-v6.duckdb.gz"


def _unpack(tmp_path: Path) -> Path:
    db = tmp_path / "cockpit.duckdb"
    with gzip.open(FIXTURE, "rb") as src, open(db, "wb") as out:
        shutil.copyfileobj(src, out)
    return db


def test_an_earlier_release_s_database_is_upgraded_without_losing_a_row(tmp_path):
    db = _unpack(tmp_path)
    before = _health(db)
    assert before.schema_version == 6 and "web_sessions" not in before.rows
    applied = upgrade_database(db)
    assert applied == list(range(7, SCHEMA_VERSION + 1))
    after = _health(db)
    assert after.schema_version == SCHEMA_VERSION and after.ok
    assert {t: n for t, n in after.rows.items() if t in before.rows} == before.rows
    assert after.rows["web_sessions"] == 0 and after.rows["displays"] == 0
    kept = list(tmp_path.glob("cockpit.duckdb.before-v6-*"))
    assert len(kept) == 1 and _health(kept[0]).rows == before.rows  # the file as it was, kept first
    store = Store(db)
    assert store.schema_version == SCHEMA_VERSION and len(store.villages()) > 0
    store.close()
    assert upgrade_database(db) == []  # once only


def test_the_upgraded_database_takes_sessions(tmp_path):
    from cockpit.auth import sessions
    from cockpit.auth.audit_log import now

    db = _unpack(tmp_path)
    upgrade_database(db)
    con = duckdb.connect(str(db))
    token, _ = sessions.start_session(con, "someone", now())
    assert sessions.find_session(con, token).user_name == "someone"
    con.close()


def test_a_township_s_closes_survive_the_township_key(tmp_path):
    """Version 10 keys the month-close tables by township: a township's database of version 9 keeps
    its closes, their counts and cases under its own key '' and reads them as before."""
    from cockpit.metrics.month_close import ClosedFigures, close_month, standing_closes
    from cockpit.store.schema import MIGRATIONS
    from cockpit.store import build_database
    from tests.tiny_township import write_tiny_township

    db = tmp_path / "db.duckdb"
    build_database(write_tiny_township(tmp_path / "tiny"), db)
    with duckdb.connect(str(db)) as con:
        close_month(con, "2026-10", "leader", at=dt.datetime(2026, 11, 5, 10, 0))
    store = Store(db)
    before = (standing_closes(store), ClosedFigures(store, standing_closes(store)).case_counts("2026-10"),
              store.month_close_case_changes("2026-10", 1))
    store.close()
    with duckdb.connect(str(db)) as con:   # back to version 9: the tables as migration 8 made them
        kept = {t: con.execute(f"SELECT * EXCLUDE (township_code) FROM {t}").df()
                for t in ("month_closes", "month_close_counts", "month_close_cases")}
        for t in kept:
            con.execute(f"DROP TABLE {t}")
        for sql in MIGRATIONS[8][1]:
            con.execute(sql)
        for t, frame in kept.items():
            con.register("kept", frame)
            con.execute(f"INSERT INTO {t} SELECT * FROM kept")
            con.unregister("kept")
        con.execute("DELETE FROM schema_version WHERE version = 10")
        assert "township_code" not in {r[0] for r in con.execute("DESCRIBE month_closes").fetchall()}
    assert upgrade_database(db) == [10]
    store = Store(db)
    try:
        closes = standing_closes(store)
        assert closes == before[0] and closes["2026-10"].township == ""
        pd.testing.assert_frame_equal(ClosedFigures(store, closes).case_counts("2026-10"), before[1])
        pd.testing.assert_frame_equal(store.month_close_case_changes("2026-10", 1), before[2])
        assert set(store._df("SELECT DISTINCT township_code FROM month_close_counts", [])["township_code"]) == {""}
    finally:
        store.close()
    with duckdb.connect(str(db)) as con:   # and the township closes its next month as before
        close_month(con, "2026-09", "leader", at=dt.datetime(2026, 11, 6, 10, 0))
        assert con.execute("SELECT count(*) FROM month_closes WHERE township_code = ''").fetchone()[0] == 2
