"""Queries of the drop folder (cockpit/importer/inbox.py): files already loaded, a source's last
choice of mode, and what arrived lately."""

from __future__ import annotations

from datetime import datetime

import duckdb
import pandas as pd

__all__ = ["loaded_batch_of", "last_mode", "recent_inbox_batches"]


def loaded_batch_of(con: duckdb.DuckDBPyConnection, sha256: str) -> int | None:
    """The import that loaded a file with this checksum (and was not undone), or None."""
    row = con.execute("SELECT max(batch_id) FROM import_batches WHERE direction = 'import' AND sha256 = ? "
                      "AND status = 'loaded'", [sha256]).fetchone()
    return row[0] if row and row[0] is not None else None


def last_mode(con: duckdb.DuckDBPyConnection, source: str, kind: str) -> str | None:
    """The mode (valid_rows or all_or_nothing) of the last import of ``source`` as ``kind``."""
    row = con.execute("SELECT mode FROM import_batches WHERE direction = 'import' AND source_name = ? AND kind = ? "
                      "AND mode IS NOT NULL ORDER BY batch_id DESC LIMIT 1", [source, kind]).fetchone()
    return row[0] if row else None


def recent_inbox_batches(con: duckdb.DuckDBPyConnection, user: str, since: datetime) -> pd.DataFrame:
    """Imports made by the drop folder (``user``) since ``since``, newest first."""
    return con.execute("SELECT batch_id, finished_at, kind, file_name, status, rows_in, rows_loaded, rows_rejected, "
                       "message FROM import_batches WHERE direction = 'import' AND user_name = ? AND finished_at >= ? "
                       "ORDER BY batch_id DESC", [user, since]).df()
