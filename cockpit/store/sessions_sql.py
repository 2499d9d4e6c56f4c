"""The web sessions' table (``web_sessions``): start, look up, touch and end sessions; read those
not ended. Rows are plain tuples in the order of :data:`COLUMNS` (:mod:`cockpit.auth.sessions`
makes them its ``WebSession``s and decides which still hold)."""

from __future__ import annotations

import datetime as dt

import duckdb

__all__ = ["COLUMNS", "insert_session", "session_row", "touch_session", "end_by_token", "end_by_id",
           "end_by_user", "open_session_rows"]

COLUMNS = ("token_hash", "session_id", "user_name", "created_at", "last_seen", "client_address", "user_agent",
           "ended_at", "end_reason")
"""The columns of a session row, in order."""

_SELECT = f"SELECT {', '.join(COLUMNS)} FROM web_sessions"


def insert_session(con: duckdb.DuckDBPyConnection, token_hash: str, session_id: str, user_name: str,
                   created_at: dt.datetime, last_seen: dt.datetime, client_address: str | None,
                   user_agent: str | None) -> None:
    """Record a new session (not ended)."""
    con.execute(f"INSERT INTO web_sessions ({', '.join(COLUMNS)}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [token_hash, session_id, user_name, created_at, last_seen, client_address, user_agent, None, None])


def session_row(con: duckdb.DuckDBPyConnection, token_hash: str) -> tuple | None:
    """The session whose token has this hash (ended or not), or None."""
    return con.execute(f"{_SELECT} WHERE token_hash = ?", [token_hash]).fetchone()


def touch_session(con: duckdb.DuckDBPyConnection, token_hash: str, at: dt.datetime) -> None:
    """Set the session's last activity to ``at`` when that is later than the one stored."""
    con.execute("UPDATE web_sessions SET last_seen = ? WHERE token_hash = ? AND last_seen < ?", [at, token_hash, at])


def end_by_token(con: duckdb.DuckDBPyConnection, token_hash: str, reason: str, at: dt.datetime) -> bool:
    """End the session of this token hash if it has not ended; True when it did."""
    ended = con.execute("UPDATE web_sessions SET ended_at = ?, end_reason = ? "
                        "WHERE token_hash = ? AND ended_at IS NULL RETURNING session_id",
                        [at, reason, token_hash]).fetchall()
    return bool(ended)


def end_by_id(con: duckdb.DuckDBPyConnection, session_id: str, reason: str, at: dt.datetime) -> str | None:
    """End the session with this public id if it has not ended; its user name, or None when none did."""
    row = con.execute("UPDATE web_sessions SET ended_at = ?, end_reason = ? "
                      "WHERE session_id = ? AND ended_at IS NULL RETURNING user_name",
                      [at, reason, session_id]).fetchone()
    return row[0] if row else None


def end_by_user(con: duckdb.DuckDBPyConnection, user_name: str, reason: str, at: dt.datetime) -> int:
    """End every session of ``user_name`` that has not ended; how many did."""
    return len(con.execute("UPDATE web_sessions SET ended_at = ?, end_reason = ? "
                           "WHERE user_name = ? AND ended_at IS NULL RETURNING session_id",
                           [at, reason, user_name]).fetchall())


def open_session_rows(con: duckdb.DuckDBPyConnection) -> list[tuple]:
    """Every session not ended, newest first (idle or too old ones too)."""
    return con.execute(f"{_SELECT} WHERE ended_at IS NULL ORDER BY created_at DESC").fetchall()
