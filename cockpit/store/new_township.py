"""A new, empty township database: the schema, the township's name and the starting reference lists.

``python -m cockpit new-township`` makes one, so a township can start in the browser: sign in as
its first administrator, import the village boundaries on the Data page (they create the
villages), then each month's files. The reference lists (service domains, departments, appeal
categories with their deadlines, service norms) are a starting point the township replaces by
importing its own. The file is built beside the target and renamed into place, like ``init-db``.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb
import pandas as pd

from cockpit.store.build import BuildError
from cockpit.store.migrate import migrate
from cockpit.store.real_data import mark_real_data

__all__ = ["create_township", "new_database", "REFERENCE_TABLES"]

REFERENCE_TABLES = ("domains", "departments", "categories", "norms")


@contextmanager
def new_database(db: Path, what: str, name_zh: str, name_en: str) -> Iterator[duckdb.DuckDBPyConnection]:
    """A connection to a new, migrated database for ``db`` (a ``what``: township or county), built
    beside it and renamed into place when the block ends without error. Refuses (BuildError) an
    existing file or a missing name."""
    if db.exists():
        raise BuildError(f"{db}: exists; a new {what} needs a new file")
    if not name_zh.strip() or not name_en.strip():
        raise BuildError(f"the {what} needs a name in Chinese and in English")
    db.parent.mkdir(parents=True, exist_ok=True)
    tmp = db.with_name(f".{db.name}.{os.getpid()}.building")
    tmp.unlink(missing_ok=True)
    try:
        with duckdb.connect(str(tmp)) as con:
            migrate(con)
            yield con
            con.execute("CHECKPOINT")
        os.replace(tmp, db)
    finally:
        tmp.unlink(missing_ok=True)


def create_township(db: Path, name_zh: str, name_en: str, reference: dict[str, pd.DataFrame],
                    actor: str | None = None) -> str:
    """Create the empty township database ``db`` named ``name_zh`` / ``name_en`` holding the
    ``reference`` tables (:data:`REFERENCE_TABLES`, each with its table's columns); return a
    one-line report. Refuses (BuildError) to touch an existing file."""
    db = Path(db)
    with new_database(db, "township", name_zh, name_en) as con:
        con.executemany("INSERT INTO meta (key, value) VALUES (?, ?)",
                        [["township_name_zh", name_zh.strip()], ["township_name_en", name_en.strip()]])
        for table in REFERENCE_TABLES:
            frame = reference[table]
            con.register("_reference", frame)
            columns = ", ".join(frame.columns)
            con.execute(f"INSERT INTO {table} ({columns}) SELECT {columns} FROM _reference")
            con.unregister("_reference")
        mark_real_data(con, actor, {"via": "new-township", "township": name_zh.strip()}, new_database=True)
    counts = ", ".join(f"{t} {len(reference[t])}" for t in REFERENCE_TABLES)
    return f"{db}: new township {name_zh.strip()} / {name_en.strip()} ({counts}; no villages yet)"
