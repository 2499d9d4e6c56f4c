"""User accounts: add, change password, change role, disable or enable, list, get.

Every change is written to the audit log (event ``user_change``) with who made it (``by``).
User names are unique, compared case-insensitively (stored in lower case). Functions take a
writable DuckDB connection or cursor, so they work from the app, the CLI and tests alike.
Errors raise :class:`UserError`, whose ``code`` the UI translates as ``admin.error.<code>``.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

import duckdb

from cockpit.auth.audit_log import audit, now as _now
from cockpit.auth.passwords import DEFAULT_PARAMS, ScryptParams, hash_password
from cockpit.auth.roles import ROLE_IDS, role as _role
from cockpit.auth.sessions import end_user_sessions
from cockpit.store import accounts_sql
from cockpit.store.login_attempts_sql import record_attempt

__all__ = ["User", "UserError", "MIN_PASSWORD_LENGTH", "ERROR_CODES", "normalize_name", "check_password",
           "add_user", "set_password", "set_role", "set_active", "disable_user", "enable_user",
           "get_user", "list_users", "password_hash", "replace_hash"]

MIN_PASSWORD_LENGTH = 8
_MAX_PASSWORD_LENGTH = 256
_NAME = re.compile(r"[\w.@-]{1,64}")
ERROR_CODES = ("name_invalid", "name_taken", "unknown_user", "role_unknown", "villages_required",
               "villages_not_allowed", "village_unknown", "password_short", "password_long",
               "password_is_name", "last_admin")


class UserError(ValueError):
    """A user change was refused; ``code`` is one of :data:`ERROR_CODES`."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class User:
    """A user account as the app sees it (the password hash is never part of it)."""

    name: str
    display_name: str
    role: str
    villages: tuple[str, ...]
    active: bool
    demo: bool
    created_at: dt.datetime | None = None
    updated_at: dt.datetime | None = None

    @property
    def label(self) -> str:
        return self.display_name or self.name


def _from_row(row) -> User:
    name, display, role_id, villages, active, demo, created, updated = row
    return User(name, display or "", role_id, tuple((villages or "").split()), bool(active), bool(demo),
                created, updated)


def normalize_name(name: str) -> str:
    """The stored form of a user name: stripped and lower case; raises ``UserError`` when invalid."""
    key = (name or "").strip().lower()
    if not _NAME.fullmatch(key):
        raise UserError("name_invalid", f"user name {name!r} is invalid: use 1-64 letters, digits, "
                                        "'.', '_', '-' or '@', no spaces")
    return key


def check_password(name: str, password: str) -> None:
    """Raise ``UserError`` when ``password`` is too short, too long or the user's own name."""
    if not isinstance(password, str) or len(password) < MIN_PASSWORD_LENGTH:
        raise UserError("password_short", f"password too short: use at least {MIN_PASSWORD_LENGTH} characters")
    if len(password) > _MAX_PASSWORD_LENGTH:
        raise UserError("password_long", f"password too long: use at most {_MAX_PASSWORD_LENGTH} characters")
    if password.strip().lower() == (name or "").strip().lower():
        raise UserError("password_is_name", "password must not be the user name")


def _check_role(con, role_id: str, villages) -> tuple[str, ...]:
    if role_id not in ROLE_IDS:
        raise UserError("role_unknown", f"unknown role {role_id!r}; roles: {', '.join(ROLE_IDS)}")
    villages = tuple(dict.fromkeys(str(v).strip() for v in (villages or ()) if str(v).strip()))
    if _role(role_id).village_scoped:
        if not villages:
            raise UserError("villages_required", f"role {role_id} needs at least one village")
        known = accounts_sql.existing_villages(con, list(villages))
        missing = [v for v in villages if v not in known]
        if missing:
            raise UserError("village_unknown", f"unknown village id(s): {', '.join(missing)}")
    elif villages:
        raise UserError("villages_not_allowed", f"role {role_id} sees every village; give no villages")
    return villages


def get_user(con: duckdb.DuckDBPyConnection, name: str) -> User | None:
    """The user called ``name`` (any case), or None."""
    row = accounts_sql.user_row(con, (name or "").strip().lower())
    return _from_row(row) if row else None


def list_users(con: duckdb.DuckDBPyConnection) -> list[User]:
    """Every user, by name."""
    return [_from_row(r) for r in accounts_sql.user_rows(con)]


def _require(con, name: str) -> User:
    user = get_user(con, name)
    if user is None:
        raise UserError("unknown_user", f"no user called {name!r}")
    return user


def password_hash(con: duckdb.DuckDBPyConnection, name: str) -> str | None:
    """The stored hash of ``name`` (for :mod:`cockpit.auth.login` only), or None."""
    return accounts_sql.password_hash(con, name)


def replace_hash(con: duckdb.DuckDBPyConnection, name: str, new_hash: str) -> None:
    """Store a rehashed password (same password, new parameters) after a successful login."""
    accounts_sql.replace_password_hash(con, name, new_hash)


def add_user(con: duckdb.DuckDBPyConnection, name: str, password: str, role: str, *,
             villages=(), display_name: str = "", by=None, at: dt.datetime | None = None,
             params: ScryptParams = DEFAULT_PARAMS) -> User:
    """Create a user; ``villages`` (village ids) is required for village-scoped roles only."""
    key = normalize_name(name)
    check_password(key, password)
    villages = _check_role(con, role, villages)
    if get_user(con, key) is not None:
        raise UserError("name_taken", f"user {key!r} already exists")
    at = at or _now()
    accounts_sql.insert_user(con, key, (display_name or "").strip(), role, " ".join(villages), at,
                             hash_password(password, params))
    audit(con, by, "user_change", {"action": "add", "user": key, "role": role, "villages": list(villages)}, at)
    return _require(con, key)


def set_password(con: duckdb.DuckDBPyConnection, name: str, password: str, *, by=None,
                 at: dt.datetime | None = None, params: ScryptParams = DEFAULT_PARAMS) -> None:
    """Set a new password; this also lifts a lock-out of the account."""
    user = _require(con, name)
    check_password(user.name, password)
    at = at or _now()
    accounts_sql.update_password(con, user.name, hash_password(password, params), at)
    record_attempt(con, user.name, at, "reset")
    audit(con, by, "user_change", {"action": "password", "user": user.name}, at)
    _end_sessions(con, user.name, "password", at, by)


def _active_admins(con) -> int:
    return accounts_sql.count_active(con, "administrator")


def set_role(con: duckdb.DuckDBPyConnection, name: str, role: str, *, villages=(), by=None,
             at: dt.datetime | None = None) -> User:
    """Give ``name`` another role (and village scope)."""
    user = _require(con, name)
    villages = _check_role(con, role, villages)
    if user.role == "administrator" and role != "administrator" and user.active and _active_admins(con) <= 1:
        raise UserError("last_admin", "the last active administrator cannot lose the role")
    at = at or _now()
    accounts_sql.update_role(con, user.name, role, " ".join(villages), at)
    audit(con, by, "user_change", {"action": "role", "user": user.name, "role": role,
                                   "villages": list(villages), "before": user.role}, at)
    if (role, villages) != (user.role, user.villages):
        _end_sessions(con, user.name, "role", at, by)
    return _require(con, user.name)


def set_active(con: duckdb.DuckDBPyConnection, name: str, active: bool, *, by=None,
               at: dt.datetime | None = None) -> User:
    """Disable (``active=False``) or enable an account. Accounts are never deleted: the audit log
    keeps referring to them."""
    user = _require(con, name)
    if not active and user.active and user.role == "administrator" and _active_admins(con) <= 1:
        raise UserError("last_admin", "the last active administrator cannot be disabled")
    at = at or _now()
    accounts_sql.update_active(con, user.name, bool(active), at)
    audit(con, by, "user_change", {"action": "enable" if active else "disable", "user": user.name}, at)
    if not active:
        _end_sessions(con, user.name, "disabled", at, by)
    return _require(con, user.name)


def _end_sessions(con, name: str, reason: str, at: dt.datetime, by) -> None:
    """A disabled account, a new role or a new password ends the person's sessions at once."""
    ended = end_user_sessions(con, name, reason, at)
    if ended:
        audit(con, by, "session_end", {"user": name, "reason": reason, "sessions": ended}, at)


def disable_user(con: duckdb.DuckDBPyConnection, name: str, *, by=None, at: dt.datetime | None = None) -> User:
    return set_active(con, name, False, by=by, at=at)


def enable_user(con: duckdb.DuckDBPyConnection, name: str, *, by=None, at: dt.datetime | None = None) -> User:
    return set_active(con, name, True, by=by, at=at)
