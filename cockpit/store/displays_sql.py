"""The wall displays' table (``displays``): register, look up by token hash, note when seen, revoke,
list. Rows are plain tuples in the order of :data:`COLUMNS` (:mod:`cockpit.auth.displays` makes
them its ``Display``s)."""

from __future__ import annotations

import datetime as dt

import duckdb

__all__ = ["COLUMNS", "insert_display", "display_row", "revoke_display", "mark_seen", "display_rows"]

COLUMNS = ("display_id", "name", "lang", "metric", "created_by", "created_at", "last_seen", "revoked_at")
"""The columns of a display row, in order (the token hash is never read back)."""

_SELECT = f"SELECT {', '.join(COLUMNS)} FROM displays"


def insert_display(con: duckdb.DuckDBPyConnection, token_hash: str, display_id: str, name: str, lang: str,
                   metric: str, created_by: str, created_at: dt.datetime) -> None:
    """Register a display (never seen, not revoked)."""
    con.execute(f"INSERT INTO displays (token_hash, {', '.join(COLUMNS)}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [token_hash, display_id, name, lang, metric, created_by, created_at, None, None])


def display_row(con: duckdb.DuckDBPyConnection, token_hash: str) -> tuple | None:
    """The display whose token has this hash (revoked or not), or None."""
    return con.execute(f"{_SELECT} WHERE token_hash = ?", [token_hash]).fetchone()


def revoke_display(con: duckdb.DuckDBPyConnection, display_id: str, at: dt.datetime) -> str | None:
    """Revoke the display if it is not revoked yet; its name, or None when it was (or does not exist)."""
    row = con.execute("UPDATE displays SET revoked_at = ? WHERE display_id = ? AND revoked_at IS NULL "
                      "RETURNING name", [at, display_id]).fetchone()
    return row[0] if row else None


def mark_seen(con: duckdb.DuckDBPyConnection, display_id: str, at: dt.datetime) -> None:
    """Set the display's last opening of the command screen to ``at``."""
    con.execute("UPDATE displays SET last_seen = ? WHERE display_id = ?", [at, display_id])


def display_rows(con: duckdb.DuckDBPyConnection) -> list[tuple]:
    """Every display, working ones first, newest first."""
    return con.execute(f"{_SELECT} ORDER BY revoked_at IS NOT NULL, created_at DESC").fetchall()
