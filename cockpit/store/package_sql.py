"""The tables a township data package carries, read for writing as Parquet (cockpit.county.package).

Each table is read whole, in its primary-key order, with the columns that may leave the township:
never callers' contacts (case_contacts is not carried), never a case's summary or its exact point.
The month-close tables carry the standing closes only (the month, its version, who signed it and
when, its counts by village and department, the fields of the cases it counted: none personal),
without the township key (the manifest names the township) or anything about reopenings.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from cockpit.store.schema import APP_TABLES, MONTH_CLOSE_TABLES, TABLES

__all__ = ["PACKAGE_TABLES", "LEFT_OUT", "package_columns", "write_parquet", "row_count", "parquet_columns",
           "township_meta"]

PACKAGE_TABLES: tuple[str, ...] = (
    "villages", "domains", "departments", "categories", "norms", "facilities", "coverage", "allocations",
    "party_branches", "party_tasks", "party_assessments", "cases", "month_closes", "month_close_counts",
    "month_close_cases")
LEFT_OUT: dict[str, tuple[str, ...]] = {
    "cases": ("summary", "lon", "lat"),                 # free text about callers; the point a case is about
    "month_closes": ("township_code", "reopened_by", "reopened_at", "reopen_reason"),   # standing ones only
    "month_close_counts": ("township_code",),
    "month_close_cases": ("township_code",),
}

_STANDING = ("EXISTS (SELECT 1 FROM month_closes c WHERE c.township_code = '' AND c.reopened_at IS NULL "
             "AND c.period = t.period AND c.version = t.version) AND t.township_code = ''")
# the rows a package carries where not all of them: the township's own standing closes
_ROWS: dict[str, str] = {"month_closes": "t.township_code = '' AND t.reopened_at IS NULL",
                         "month_close_counts": _STANDING, "month_close_cases": _STANDING}

_SCHEMA = {t.name: t for t in (*TABLES, *APP_TABLES, *MONTH_CLOSE_TABLES)}


def schema_table(name: str):
    return _SCHEMA[name]


def package_columns(table: str) -> list[str]:
    """The columns of ``table`` a package carries."""
    return [c for c, _, _ in schema_table(table).columns if c not in LEFT_OUT.get(table, ())]


def write_parquet(con: duckdb.DuckDBPyConnection, table: str, path: Path) -> None:
    """Write the package's part of ``table`` to ``path`` (Parquet, zstd)."""
    if table not in PACKAGE_TABLES:
        raise ValueError(f"not a package table: {table!r}")
    t = schema_table(table)
    columns = ", ".join(package_columns(table))   # identifiers from the schema, never from input
    order = ", ".join(t.primary_key or package_columns(table)[:4])   # a stable order either way
    where = f"WHERE {_ROWS[table]} " if table in _ROWS else ""
    con.execute(f"COPY (SELECT {columns} FROM {table} t {where}ORDER BY {order}) TO '{_quoted(path)}' "
                "(FORMAT PARQUET, COMPRESSION ZSTD)")


def _quoted(path: Path) -> str:
    return str(path).replace("'", "''")


def row_count(con: duckdb.DuckDBPyConnection, path: Path) -> int:
    """Rows of the Parquet file ``path``."""
    return con.execute("SELECT count(*) FROM read_parquet(?)", [str(path)]).fetchone()[0]


def parquet_columns(con: duckdb.DuckDBPyConnection, path: Path) -> list[str]:
    """The column names of the Parquet file ``path``."""
    return [r[0] for r in con.execute("DESCRIBE SELECT * FROM read_parquet(?)", [str(path)]).fetchall()]


def township_meta(con: duckdb.DuckDBPyConnection) -> dict:
    """The facts a manifest names: meta, the months with data and the village codes."""
    meta = dict(con.execute("SELECT key, value FROM meta").fetchall())
    months = [r[0] for r in con.execute(
        "SELECT period FROM coverage UNION SELECT period FROM allocations "
        "UNION SELECT strftime(received_at, '%Y-%m') FROM cases ORDER BY 1").fetchall()]
    villages = [r[0] for r in con.execute("SELECT village_id FROM villages ORDER BY village_id").fetchall()]
    closed = [r[0] for r in con.execute(
        "SELECT DISTINCT period FROM month_closes WHERE township_code = '' AND reopened_at IS NULL "
        "ORDER BY period").fetchall()]
    return {"meta": meta, "months": months, "villages": villages, "closed": closed}
