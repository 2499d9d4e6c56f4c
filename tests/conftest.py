"""Fixtures shared by every test.

``sample_db`` (session): a DuckDB database built once from ``sample_data/`` into a temporary
folder. While it is in use the environment points the app at it and at the sample boundaries:
``COCKPIT_DB``, ``COCKPIT_SAMPLE_DIR`` and ``COCKPIT_GEODATA`` (restored at the end of the session).
Tests that change the database use ``fresh_db``: a private copy of it for one test.

    def test_something(sample_db):          # a Path; cockpit.settings.path("db_path") == sample_db
        ...

Without ``sample_data/villages.csv`` (before ``make sample`` has been run) these tests skip.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SAMPLE_DIR = PROJECT_ROOT / "sample_data"
SAMPLE_GEODATA = PROJECT_ROOT / "geodata" / "villages.geojson"


@pytest.fixture(scope="session")
def sample_db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Path of a database built from sample_data/ for this test session (read-only use)."""
    if not (SAMPLE_DIR / "villages.csv").is_file():
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"CI=true but the sample township is missing: {SAMPLE_DIR / 'villages.csv'}")
        pytest.skip(f"no sample township: {SAMPLE_DIR / 'villages.csv'} is missing "
                    "(generate it with `make sample`)")
    from cockpit.store.build import build_database

    db = tmp_path_factory.mktemp("sample_db") / "cockpit.duckdb"
    build_database(SAMPLE_DIR, db)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("COCKPIT_DB", str(db))
        mp.setenv("COCKPIT_SAMPLE_DIR", str(SAMPLE_DIR))
        mp.setenv("COCKPIT_GEODATA", str(SAMPLE_GEODATA))
        # the app's own chores (backups, the drop folder) never touch the project's data/ folder
        chores = tmp_path_factory.mktemp("chores")
        mp.setenv("COCKPIT_BACKUP_DIR", str(chores / "backups"))
        mp.setenv("COCKPIT_INBOX", str(chores / "inbox"))
        yield db


@pytest.fixture
def fresh_db(sample_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private copy of the sample database for a test that writes to it (COCKPIT_DB points at it)."""
    db = tmp_path / "cockpit.duckdb"
    shutil.copy2(sample_db, db)
    wal = sample_db.with_name(sample_db.name + ".wal")
    if wal.exists():
        shutil.copy2(wal, db.with_name(db.name + ".wal"))
    monkeypatch.setenv("COCKPIT_DB", str(db))
    return db


@pytest.fixture(scope="session")
def sample_planner(sample_db: Path):
    """(baseline of the latest month, calibrated model) of the sample township's planner."""
    from cockpit.planner.baseline import baseline_from_store, model_from_store
    from cockpit.store import Store

    store = Store(sample_db)
    try:
        return baseline_from_store(store, store.periods()[-1]), model_from_store(store)
    finally:
        store.close()


@pytest.fixture(scope="session")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The tiny township (tests/tiny_township.py) built once for the session, without users: copy it
    before writing (tests/auth_fixtures.py ``copy_database``)."""
    from tests.auth_fixtures import tiny_database

    return tiny_database(tmp_path_factory.mktemp("tiny"))
@pytest.fixture(scope="module")
def tiny_store(tiny: Path, tmp_path_factory: pytest.TempPathFactory):
    """A Store over this test module's own copy of the tiny township (the module may write to it)."""
    from cockpit.store import Store

    db = tmp_path_factory.mktemp("tiny_store") / "cockpit.duckdb"
    shutil.copy2(tiny, db)
    store = Store(db, read_only=False)
    yield store
    store.close()


