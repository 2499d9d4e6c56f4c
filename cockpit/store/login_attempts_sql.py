"""The sign-in attempts' table (``login_attempts``), append-only: record an attempt (outcome
success, failure, locked or reset), and count a name's failures since its last success or reset,
which is what a lock-out (:mod:`cockpit.auth.login`) is decided on."""

from __future__ import annotations

import datetime as dt

import duckdb

__all__ = ["record_attempt", "recent_failures"]


def record_attempt(con: duckdb.DuckDBPyConnection, user_name: str, at: dt.datetime, outcome: str) -> None:
    """Record one attempt of ``user_name`` at ``at``."""
    con.execute("INSERT INTO login_attempts (user_name, attempted_at, outcome) VALUES (?, ?, ?)",
                [user_name, at, outcome])


def recent_failures(con: duckdb.DuckDBPyConnection, user_name: str, after: dt.datetime,
                    until: dt.datetime) -> tuple[int, dt.datetime | None]:
    """Failures of ``user_name`` later than ``after`` and not later than ``until``, counting only
    those after its last success or reset: how many, and when the latest was (None when none)."""
    count, latest = con.execute(
        "SELECT count(*), max(attempted_at) FROM login_attempts "
        "WHERE user_name = ? AND outcome = 'failure' AND attempted_at > ? AND attempted_at <= ? "
        "AND attempt_id > (SELECT coalesce(max(attempt_id), -1) FROM login_attempts "
        "                  WHERE user_name = ? AND outcome IN ('success', 'reset'))",
        [user_name, after, until, user_name],
    ).fetchone()
    return count, latest
