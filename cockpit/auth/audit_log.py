"""The audit log: who did what, when. Append-only from the app.

This module offers two operations only, :func:`audit` (insert one event) and
:func:`read_audit` (read, filtered); the app has no path that updates or deletes a row
(a test scans the code for one). ``detail`` is a small JSON object; never put a password in it.
"""

from __future__ import annotations

import datetime as dt
import getpass
from dataclasses import dataclass

import duckdb
import pandas as pd

from cockpit.store.audit_sql import actor_name, append_event, now, select_events

__all__ = ["EVENTS", "AuditFilter", "audit", "read_audit", "now", "shell_actor"]

EVENTS: tuple[str, ...] = ("login_success", "login_failure", "logout", "import", "export", "download",
                           "scenario_save", "user_change", "unmask",
                           "session_end", "display_change", "login_throttled",
                           "data_real", "scenario_rename", "scenario_delete",
                           "decision_create", "decision_edit", "decision_close",
                           "month_close", "month_reopen", "index_definition", "publish", "county_add")
"""Events the log records; their labels are the catalog keys ``admin.event.<event>``."""

def shell_actor() -> str:
    """Who acts from the shell, for the audit log: ``cli:<login name>`` (``cli`` without one)."""
    try:
        return f"cli:{getpass.getuser()}"
    except Exception:  # no login name in some containers
        return "cli"


_SECRET_WORDS = ("password", "passwd", "secret", "hash")


def audit(con: duckdb.DuckDBPyConnection, user, event: str, detail: dict | None = None,
          at: dt.datetime | None = None) -> None:
    """Append one event to the audit log.

    Parameters
    ----------
    con
        A writable DuckDB connection or cursor of the cockpit database.
    user
        Who acted: a :class:`~cockpit.auth.users.User`, a user name, or None for the system.
    event
        One of :data:`EVENTS`.
    detail
        What was done, as a JSON-serialisable dict (e.g. ``{"table": "cases", "rows": 120}``).
    at
        When; default now (local time).
    """
    if event not in EVENTS:
        raise ValueError(f"unknown audit event {event!r}; use one of {', '.join(EVENTS)}")
    detail = dict(detail or {})
    secret = [k for k in detail if any(w in str(k).lower() for w in _SECRET_WORDS)]
    if secret:
        raise ValueError(f"audit detail must not carry secrets: {secret}")
    append_event(con, at or now(), actor_name(user), event, detail)


@dataclass(frozen=True)
class AuditFilter:
    """What to read: every field narrows the result; the defaults read the newest ``limit`` events.

    ``since`` is inclusive, ``until`` exclusive; ``text`` matches inside the detail (case-insensitive).
    """

    user: str | None = None
    events: tuple[str, ...] = ()
    since: dt.datetime | None = None
    until: dt.datetime | None = None
    text: str | None = None
    limit: int = 1000


def read_audit(con: duckdb.DuckDBPyConnection, filters: AuditFilter | None = None) -> pd.DataFrame:
    """Events matching ``filters``, newest first: event_id, logged_at, user_name, event, detail (JSON text)."""
    f = filters or AuditFilter()
    unknown = set(f.events) - set(EVENTS)
    if unknown:
        raise ValueError(f"unknown audit event(s): {sorted(unknown)}")
    return select_events(con, user=f.user, events=tuple(f.events), since=f.since, until=f.until, text=f.text,
                         limit=max(0, int(f.limit)))
