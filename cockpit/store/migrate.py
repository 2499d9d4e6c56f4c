"""Versioned schema: create the schema_version table and apply pending migrations in order."""

from __future__ import annotations

import duckdb

from cockpit.store.schema import MIGRATIONS

__all__ = ["current_version", "migrate"]

_VERSION_TABLE = (
    "CREATE TABLE IF NOT EXISTS schema_version ("
    "version INTEGER PRIMARY KEY, applied_at TIMESTAMP NOT NULL, description VARCHAR NOT NULL)"
)


def current_version(con: duckdb.DuckDBPyConnection) -> int | None:
    """The schema version of the database, or None when it has no schema_version table."""
    exists = con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_name = 'schema_version'"
    ).fetchone()[0]
    if not exists:
        return None
    return con.execute("SELECT coalesce(max(version), 0) FROM schema_version").fetchone()[0]


def migrate(con: duckdb.DuckDBPyConnection) -> list[int]:
    """Apply every migration newer than the database's version; return the versions applied.

    Each migration runs in its own transaction, so a failure leaves the previous version intact.
    """
    con.execute(_VERSION_TABLE)
    have = current_version(con) or 0
    applied = []
    for version in sorted(v for v in MIGRATIONS if v > have):
        description, statements = MIGRATIONS[version]
        con.execute("BEGIN TRANSACTION")
        try:
            for sql in statements:
                con.execute(sql)
            con.execute(
                "INSERT INTO schema_version VALUES (?, current_timestamp, ?)", [version, description]
            )
            con.execute("COMMIT")
        except Exception:
            con.execute("ROLLBACK")
            raise
        applied.append(version)
    return applied
