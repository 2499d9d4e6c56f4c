"""Wall displays: devices, not people, that show the command screen.

An administrator registers a display (:func:`register_display`: where it hangs, its language and
map metric) and gets a long random link once; opening the link on the wall's browser sets the
display's token as the session cookie. The display then sees the command screen and nothing else,
as the role ``display`` (every personal field masked), survives reloads and restarts, never times
out and keeps no person signed in. Revoking it (:func:`revoke_display`) stops it at its next refresh.
Only the token's SHA-256 is stored.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass

import duckdb

from cockpit.auth.audit_log import audit
from cockpit.auth.sessions import hash_token, new_token
from cockpit.auth.users import User
from cockpit.store import displays_sql

__all__ = ["DISPLAY_ROLE", "Display", "register_display", "find_display", "revoke_display", "list_displays",
           "display_user", "seen"]

DISPLAY_ROLE = "display"


@dataclass(frozen=True)
class Display:
    display_id: str
    name: str
    lang: str
    metric: str
    created_by: str
    created_at: dt.datetime
    last_seen: dt.datetime | None
    revoked_at: dt.datetime | None

    @property
    def active(self) -> bool:
        return self.revoked_at is None


def register_display(con: duckdb.DuckDBPyConnection, name: str, lang: str, metric: str, *, by: str,
                     now: dt.datetime) -> tuple[str, Display]:
    """Register a display; return its token (shown once, in its link) and the record. Audited."""
    name = " ".join((name or "").split())[:80]
    if not name:
        raise ValueError("a display needs a name")
    token = new_token()
    display = Display(secrets.token_hex(6), name, lang, metric, by, now, None, None)
    displays_sql.insert_display(con, hash_token(token), display.display_id, display.name, lang, metric, by, now)
    audit(con, by, "display_change", {"action": "register", "display": display.display_id, "name": name}, now)
    return token, display


def find_display(con: duckdb.DuckDBPyConnection, token: str | None) -> Display | None:
    """The display of ``token`` (revoked or not), or None."""
    if not token:
        return None
    row = displays_sql.display_row(con, hash_token(token))
    return Display(*row) if row else None


def revoke_display(con: duckdb.DuckDBPyConnection, display_id: str, *, by: str, now: dt.datetime) -> bool:
    """Revoke a display's link; True when it was still working. Audited."""
    name = displays_sql.revoke_display(con, display_id, now)
    if name is not None:
        audit(con, by, "display_change", {"action": "revoke", "display": display_id, "name": name}, now)
    return name is not None


def seen(con: duckdb.DuckDBPyConnection, display_id: str, at: dt.datetime) -> None:
    """Record that the display opened the command screen at ``at``."""
    displays_sql.mark_seen(con, display_id, at)


def list_displays(con: duckdb.DuckDBPyConnection) -> list[Display]:
    """Every registered display, working ones first, newest first."""
    return [Display(*row) for row in displays_sql.display_rows(con)]


def display_user(display: Display) -> User:
    """The pseudo-user a display acts as: role ``display`` (the command screen, masked), no villages."""
    return User(f"display:{display.display_id}", display.name, DISPLAY_ROLE, (), display.active, False)
