"""The audit log's table (``audit_log``): append one event, read events filtered. Nothing else:
the log is append-only (what may be logged, and who acted, is :mod:`cockpit.auth.audit_log`'s)."""

from __future__ import annotations

import datetime as dt
import json

import duckdb
import pandas as pd

__all__ = ["now", "actor_name", "append_event", "select_events"]


def now() -> dt.datetime:
    """Local time without zone, to the second: the convention of every timestamp in the database."""
    return dt.datetime.now().replace(microsecond=0)


def actor_name(user) -> str | None:
    """The user name stored for ``user``: a name or None (the system) as it is, else its ``name``."""
    if user is None or isinstance(user, str):
        return user
    return user.name


def append_event(con: duckdb.DuckDBPyConnection, at: dt.datetime, user_name: str | None, event: str,
                 detail: dict) -> None:
    """Insert one event; ``detail`` is stored as JSON text (keys sorted, non-ASCII kept)."""
    con.execute("INSERT INTO audit_log (logged_at, user_name, event, detail) VALUES (?, ?, ?, ?)",
                [at, user_name, event, json.dumps(detail, ensure_ascii=False, sort_keys=True, default=str)])


def select_events(con: duckdb.DuckDBPyConnection, *, user: str | None, events: tuple[str, ...],
                  since: dt.datetime | None, until: dt.datetime | None, text: str | None,
                  limit: int) -> pd.DataFrame:
    """Events newest first (event_id, logged_at, user_name, event, detail), at most ``limit``; each
    argument that is set narrows them: ``since`` inclusive, ``until`` exclusive, ``text`` inside the
    detail (case-insensitive)."""
    where, params = [], []
    if user:
        where.append("user_name = ?")
        params.append(user)
    if events:
        where.append("list_contains(?, event)")
        params.append(list(events))
    if since is not None:
        where.append("logged_at >= ?")
        params.append(since)
    if until is not None:
        where.append("logged_at < ?")
        params.append(until)
    if text:
        where.append("contains(lower(detail), lower(?))")
        params.append(text)
    sql = "SELECT event_id, logged_at, user_name, event, detail FROM audit_log"
    if where:
        sql += " WHERE " + " AND ".join(where)  # fixed clauses only; every value is a parameter
    sql += " ORDER BY event_id DESC LIMIT ?"
    params.append(limit)
    return con.execute(sql, params).df()
