"""Sample or real data: the meta key ``synthetic`` of a cockpit database.

The sample database (built from sample_data/) says ``synthetic = 'true'``, and its demo accounts
can sign in only while it does (:func:`is_synthetic`). Real data ends that
for good. :func:`mark_real_data` sets ``synthetic`` to ``'false'`` and records it in the audit
log (event ``data_real``); it is called

- by every successful import of any kind (:func:`cockpit.importer.pipeline.load`), inside the
  import's transaction, so the flag changes exactly when the import commits;
- by ``init-db`` (:func:`cockpit.store.build.build_database`) for a folder whose meta.csv does not
  say ``synthetic = true``, even when it lacks the key.

Nothing sets it back: undoing an import does not make the data synthetic again.
"""

from __future__ import annotations

import duckdb

from cockpit.store.audit_sql import actor_name, append_event, now

__all__ = ["EVENT", "is_synthetic", "mark_real_data"]

EVENT = "data_real"
"""The audit event of the change from sample to real data."""


def is_synthetic(con: duckdb.DuckDBPyConnection) -> bool:
    """True when the database's meta says the data are synthetic (the sample township)."""
    row = con.execute("SELECT value FROM meta WHERE key = 'synthetic'").fetchone()
    return bool(row) and str(row[0]).strip().lower() == "true"


def mark_real_data(con: duckdb.DuckDBPyConnection, user, detail: dict | None = None, *,
                   new_database: bool = False) -> bool:
    """Make the database real data: meta ``synthetic`` = ``'false'``; return whether it was audited.

    The caller owns the transaction (an import calls this just before its COMMIT). The audit
    entry (``data_real``, by ``user``, with ``detail``) is written only when the database was
    synthetic until now, or when ``new_database`` (a database just built from real files, which
    never was the sample). A database that already says ``'false'`` is left unchanged; one that
    lacks the key (or says anything else) gets ``'false'`` without an entry.
    """
    was_synthetic = is_synthetic(con)
    row = con.execute("SELECT value FROM meta WHERE key = ?", ["synthetic"]).fetchone()
    if row is None:
        con.execute("INSERT INTO meta (key, value) VALUES (?, ?)", ["synthetic", "false"])
    elif row[0] != "false":
        con.execute("UPDATE meta SET value = ? WHERE key = ?", ["false", "synthetic"])
    if not (was_synthetic or new_database):
        return False
    append_event(con, now(), actor_name(user), EVENT, dict(detail or {}))
    return True
