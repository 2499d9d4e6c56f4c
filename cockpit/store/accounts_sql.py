"""The user accounts' table (``users``): add, read, and change role, state or password hash; count
the active holders of a role; which village ids exist (to scope an account). Rows are plain tuples
in the order of :data:`COLUMNS`, ``village_ids`` as stored (separated by spaces); names, roles and
password hashes come checked and made by :mod:`cockpit.auth.users`, which makes its ``User``s of
the rows."""

from __future__ import annotations

import datetime as dt

import duckdb

__all__ = ["COLUMNS", "insert_user", "user_row", "user_rows", "password_hash", "update_password",
           "replace_password_hash", "update_role", "update_active", "count_active", "existing_villages"]

COLUMNS = ("user_name", "display_name", "role", "village_ids", "active", "demo", "created_at", "updated_at")
"""The columns of an account row, in order (the password hash is never part of it)."""

_SELECT = f"SELECT {', '.join(COLUMNS)} FROM users"


def insert_user(con: duckdb.DuckDBPyConnection, user_name: str, display_name: str, role: str, village_ids: str,
                at: dt.datetime, password_hash: str) -> None:
    """Add an active account (not a demo one) created and updated ``at``."""
    con.execute(f"INSERT INTO users ({', '.join(COLUMNS)}, password_hash) VALUES (?, ?, ?, ?, true, false, ?, ?, ?)",
                [user_name, display_name, role, village_ids, at, at, password_hash])


def user_row(con: duckdb.DuckDBPyConnection, user_name: str) -> tuple | None:
    """The account called ``user_name`` (as stored: lower case), or None."""
    return con.execute(f"{_SELECT} WHERE user_name = ?", [user_name]).fetchone()


def user_rows(con: duckdb.DuckDBPyConnection) -> list[tuple]:
    """Every account, by name."""
    return con.execute(f"{_SELECT} ORDER BY user_name").fetchall()


def password_hash(con: duckdb.DuckDBPyConnection, user_name: str) -> str | None:
    """The stored password hash of ``user_name``, or None when there is no such account."""
    row = con.execute("SELECT password_hash FROM users WHERE user_name = ?", [user_name]).fetchone()
    return row[0] if row else None


def update_password(con: duckdb.DuckDBPyConnection, user_name: str, new_hash: str, at: dt.datetime) -> None:
    """Store the hash of a new password, changed ``at``."""
    con.execute("UPDATE users SET password_hash = ?, updated_at = ? WHERE user_name = ?", [new_hash, at, user_name])


def replace_password_hash(con: duckdb.DuckDBPyConnection, user_name: str, new_hash: str) -> None:
    """Store another hash of the same password (new parameters); the account is not marked changed."""
    con.execute("UPDATE users SET password_hash = ? WHERE user_name = ?", [new_hash, user_name])


def update_role(con: duckdb.DuckDBPyConnection, user_name: str, role: str, village_ids: str,
                at: dt.datetime) -> None:
    """Give the account another role and village ids, changed ``at``."""
    con.execute("UPDATE users SET role = ?, village_ids = ?, updated_at = ? WHERE user_name = ?",
                [role, village_ids, at, user_name])


def update_active(con: duckdb.DuckDBPyConnection, user_name: str, active: bool, at: dt.datetime) -> None:
    """Enable (``active``) or disable the account, changed ``at``."""
    con.execute("UPDATE users SET active = ?, updated_at = ? WHERE user_name = ?", [active, at, user_name])


def count_active(con: duckdb.DuckDBPyConnection, role: str) -> int:
    """How many active accounts have ``role``."""
    return con.execute("SELECT count(*) FROM users WHERE role = ? AND active", [role]).fetchone()[0]


def existing_villages(con: duckdb.DuckDBPyConnection, village_ids: list[str]) -> set[str]:
    """Those of ``village_ids`` that are villages of the township."""
    return {r[0] for r in con.execute("SELECT village_id FROM villages WHERE list_contains(?, village_id)",
                                      [village_ids]).fetchall()}
