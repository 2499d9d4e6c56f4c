"""Web sessions: who is signed in, kept server-side behind an HttpOnly cookie.

Signing in (:func:`start_session`) makes a random token; the browser keeps the token in the
cookie :data:`COOKIE`, the database only its SHA-256 (table ``web_sessions``), so a copy of the
database lets nobody in. Every request and every page run looks the token up
(:func:`find_session`) and asks :func:`why_invalid` whether it still holds: ended (signed out,
ended by an administrator, the account disabled or its role or password changed), idle for longer
than the idle timeout, or older than the absolute lifetime.

Activity is written back (:func:`touch`) at most every few minutes, not on every page run, so
that an ordinary page view needs no write; a caller may pass the newer activity it knows of.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

import duckdb
import pandas as pd

from cockpit import settings
from cockpit.store import sessions_sql

__all__ = ["COOKIE", "END_REASONS", "SessionPolicy", "WebSession", "new_token", "hash_token", "start_session",
           "find_session", "why_invalid", "touch", "end_session", "end_user_sessions", "end_session_by_id",
           "active_sessions"]

COOKIE = "cockpit_session"
"""Name of the HttpOnly cookie that carries the session (or display) token."""

END_REASONS = ("user", "timeout", "expired", "admin", "disabled", "role", "password")
"""Why a session ended: signed out, idle, too old, ended by an administrator, account disabled,
role changed, password changed."""

@dataclass(frozen=True)
class SessionPolicy:
    """Idle timeout (0: none) and absolute lifetime (0: none) of a session."""

    idle_minutes: float = 30.0
    lifetime_hours: float = 12.0

    @classmethod
    def from_settings(cls) -> "SessionPolicy":
        """The policy of the settings ``session_timeout_minutes`` and ``session_lifetime_hours``."""

        return cls(settings.number("session_timeout_minutes"), settings.number("session_lifetime_hours"))


@dataclass(frozen=True)
class WebSession:
    token_hash: str
    session_id: str
    user_name: str
    created_at: dt.datetime
    last_seen: dt.datetime
    client_address: str | None
    user_agent: str | None
    ended_at: dt.datetime | None
    end_reason: str | None


def new_token() -> str:
    """A fresh random token (256 bits, URL-safe)."""
    return secrets.token_urlsafe(32)


def hash_token(token: str) -> str:
    """The SHA-256 (hex) of ``token``, as stored."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def start_session(con: duckdb.DuckDBPyConnection, user_name: str, now: dt.datetime, *,
                  client_address: str | None = None, user_agent: str | None = None) -> tuple[str, WebSession]:
    """Record a new session of ``user_name``; return its token (for the cookie, never stored) and the record."""
    token = new_token()
    session = WebSession(hash_token(token), secrets.token_hex(6), user_name, now, now, client_address,
                         (user_agent or "")[:200] or None, None, None)
    sessions_sql.insert_session(con, session.token_hash, session.session_id, session.user_name, session.created_at,
                                session.last_seen, session.client_address, session.user_agent)
    return token, session


def find_session(con: duckdb.DuckDBPyConnection, token: str | None) -> WebSession | None:
    """The session of ``token`` (ended or not), or None when there is none."""
    if not token:
        return None
    row = sessions_sql.session_row(con, hash_token(token))
    return WebSession(*row) if row else None


def why_invalid(session: WebSession, now: dt.datetime, policy: SessionPolicy,
                last_activity: dt.datetime | None = None) -> str | None:
    """None while ``session`` holds at ``now``; else why not: its end reason, ``timeout`` or ``expired``.

    ``last_activity``: activity newer than the session's ``last_seen`` that the caller knows of.

    >>> t0 = dt.datetime(2026, 12, 1, 9, 0)
    >>> s = WebSession("h", "id", "leader", t0, t0, None, None, None, None)
    >>> policy = SessionPolicy(idle_minutes=30, lifetime_hours=12)
    >>> why_invalid(s, t0 + dt.timedelta(minutes=29), policy) is None
    True
    >>> why_invalid(s, t0 + dt.timedelta(minutes=30), policy)
    'timeout'
    >>> why_invalid(s, t0 + dt.timedelta(minutes=40), policy, last_activity=t0 + dt.timedelta(minutes=20)) is None
    True
    >>> why_invalid(s, t0 + dt.timedelta(hours=12), policy, last_activity=t0 + dt.timedelta(hours=12))
    'expired'
    """
    if session.ended_at is not None:
        return session.end_reason or "user"
    if policy.lifetime_hours > 0 and now - session.created_at >= dt.timedelta(hours=policy.lifetime_hours):
        return "expired"
    seen = max(session.last_seen, last_activity) if last_activity else session.last_seen
    if policy.idle_minutes > 0 and now - seen >= dt.timedelta(minutes=policy.idle_minutes):
        return "timeout"
    return None


def touch(con: duckdb.DuckDBPyConnection, token_hash: str, at: dt.datetime) -> None:
    """Write back the session's last activity (never moves it backwards)."""
    sessions_sql.touch_session(con, token_hash, at)


def end_session(con: duckdb.DuckDBPyConnection, token_hash: str, reason: str, now: dt.datetime) -> bool:
    """End one session (if it still lasts); True when it did."""
    _check_reason(reason)
    return sessions_sql.end_by_token(con, token_hash, reason, now)


def end_session_by_id(con: duckdb.DuckDBPyConnection, session_id: str, reason: str, now: dt.datetime) -> str | None:
    """End the session with public id ``session_id``; return its user name, or None when none lasted."""
    _check_reason(reason)
    return sessions_sql.end_by_id(con, session_id, reason, now)


def end_user_sessions(con: duckdb.DuckDBPyConnection, user_name: str, reason: str, now: dt.datetime) -> int:
    """End every lasting session of ``user_name``; return how many ended."""
    _check_reason(reason)
    return sessions_sql.end_by_user(con, user_name, reason, now)


def active_sessions(con: duckdb.DuckDBPyConnection, now: dt.datetime, policy: SessionPolicy) -> pd.DataFrame:
    """Sessions that still hold at ``now`` (not ended, not idle, not too old), newest first.

    Columns: session_id, user_name, created_at, last_seen, client_address, user_agent."""
    columns = ["session_id", "user_name", "created_at", "last_seen", "client_address", "user_agent"]
    held = [WebSession(*row) for row in sessions_sql.open_session_rows(con)]
    return pd.DataFrame([[getattr(s, c) for c in columns] for s in held if why_invalid(s, now, policy) is None],
                        columns=columns)


def _check_reason(reason: str) -> None:
    if reason not in END_REASONS:
        raise ValueError(f"unknown end reason {reason!r}; use one of {', '.join(END_REASONS)}")
