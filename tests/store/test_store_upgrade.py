"""A database built by an earlier release opens and is upgraded, with its data intact and a copy of
it kept first (tests/fixtures/cockpit-v6.duckdb.gz: built by commit af033b8, schema version 6)."""

from __future__ import annotations

import gzip
import shutil
from pathlib import Path

import duckdb

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
