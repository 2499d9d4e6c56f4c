"""Helpers for the access-control tests: a writable tiny-township database and cheap KDF parameters."""

from __future__ import annotations

import contextlib
import datetime as dt
import shutil
from pathlib import Path

import duckdb

from cockpit.auth.passwords import ScryptParams
from cockpit.store import build_database
from tests.tiny_township import write_tiny_township

FAST = ScryptParams(n=2 ** 8, r=8, p=1)
"""Cheap parameters so tests stay fast; production uses DEFAULT_PARAMS."""

T0 = dt.datetime(2026, 11, 3, 9, 0, 0)
VILLAGE_A, VILLAGE_B = "350781105001", "350781105002"


def tiny_database(folder: Path) -> Path:
    """Build the tiny township (no users) into ``folder/cockpit.duckdb`` and return its path."""
    src = write_tiny_township(folder / "src")
    db = folder / "cockpit.duckdb"
    build_database(src, db)
    return db


def copy_database(db: Path, folder: Path) -> Path:
    out = folder / db.name
    shutil.copy2(db, out)
    return out


def connector(con: duckdb.DuckDBPyConnection):
    """A ``connect`` provider (a callable giving a context manager of a cursor) that hands out ``con`` unclosed."""
    return lambda: contextlib.nullcontext(con)
