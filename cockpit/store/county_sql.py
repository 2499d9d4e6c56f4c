"""The county database's statements (cockpit.county.assemble): its register of townships, and one
township's rows taken out or loaded from its package's Parquet files.

A county database is a cockpit database holding every township's villages, so the pages built for
one township read it unchanged. Village codes are national (统计用区划代码) and stay as they are;
the keys a township makes up itself (case, facility, party branch and task ids) are qualified with
its code, ``350781105:QX202610000001``, so two townships' case QX…0001 stay two cases. The shared
lists (domains, departments, categories, norms) are the union of the townships' lists: an id
another township already defined differently keeps the first definition, and is reported.
A township's standing month closes (CLOSE_TABLES) are kept under its code in the tables' township
key, the frozen cases' ids qualified like its cases, so twelve townships' closes of one month
stand side by side (cockpit.metrics.month_close reads a township's with its code).
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from cockpit.store.package_sql import package_columns

__all__ = ["OWN_TABLES", "SHARED_TABLES", "CLOSE_TABLES", "QUALIFIED", "ensure_register", "new_county", "add_users", "level", "set_level", "township_villages", "registered", "villages_elsewhere",
           "remove_township", "load_own", "load_shared", "register_township"]

SHARED_TABLES = ("domains", "departments", "categories", "norms")
OWN_TABLES = ("villages", "facilities", "coverage", "allocations", "party_branches", "party_tasks",
              "party_assessments", "cases", "month_closes", "month_close_counts", "month_close_cases")
CLOSE_TABLES = ("month_closes", "month_close_counts", "month_close_cases")
"""Own tables keyed by township_code (the package leaves the key out; the county writes the code)."""
# the township-made keys of each table, qualified with the township's code
QUALIFIED: dict[str, tuple[str, ...]] = {
    "facilities": ("facility_id",), "party_branches": ("branch_id",), "party_tasks": ("task_id", "branch_id"),
    "party_assessments": ("branch_id",), "cases": ("case_id",), "month_close_cases": ("case_id",)}
_KEYS = {"domains": "domain_id", "departments": "department_id", "categories": "category_id", "norms": "norm_id"}

_REGISTER = """CREATE TABLE IF NOT EXISTS county_townships (
  township_code VARCHAR PRIMARY KEY, name_zh VARCHAR, name_en VARCHAR, first_month VARCHAR,
  last_month VARCHAR, closed_months VARCHAR, villages INTEGER, cases BIGINT, made_at VARCHAR,
  made_by VARCHAR, manifest_sha256 VARCHAR, added_at TIMESTAMP, added_by VARCHAR)"""
_MEMBERS = """CREATE TABLE IF NOT EXISTS county_township_villages (
  township_code VARCHAR NOT NULL, village_id VARCHAR PRIMARY KEY)"""


def ensure_register(con: duckdb.DuckDBPyConnection) -> None:
    """The county's register of townships and of which township each village belongs to."""
    con.execute(_REGISTER)
    con.execute(_MEMBERS)


def new_county(con: duckdb.DuckDBPyConnection, name_zh: str, name_en: str, synthetic: bool) -> None:
    """Name a freshly migrated database as a county's (no townships yet); ``synthetic``: the sample
    county, whose demo accounts may sign in (cockpit.store.real_data)."""
    ensure_register(con)
    con.executemany("INSERT INTO meta (key, value) VALUES (?, ?)",
                    [["township_name_zh", name_zh], ["township_name_en", name_en], ["level", "county"],
                     ["synthetic", "true" if synthetic else "false"]])


def add_users(con: duckdb.DuckDBPyConnection, users) -> None:
    """Insert the rows of the frame ``users`` (the users table's columns: the sample's demo accounts)."""
    con.register("_users", users)
    try:
        columns = ", ".join(users.columns)
        con.execute(f"INSERT INTO users ({columns}) SELECT {columns} FROM _users")
    finally:
        con.unregister("_users")


def level(con: duckdb.DuckDBPyConnection) -> str | None:
    """The database's level: 'county' for a county's, None for a township's."""
    row = con.execute("SELECT value FROM meta WHERE key = 'level'").fetchone()
    return row[0] if row else None


def set_level(con: duckdb.DuckDBPyConnection, value: str) -> None:
    con.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('level', ?)", [value])


def township_villages(con: duckdb.DuckDBPyConnection) -> list[tuple]:
    """(township_code, name_zh, name_en, village_id) of a county's villages by township; none in a
    township's database."""
    known = con.execute("SELECT count(*) FROM duckdb_tables() WHERE table_name = 'county_township_villages'"
                        ).fetchone()[0]
    if not known:
        return []
    return con.execute("SELECT t.township_code, t.name_zh, t.name_en, m.village_id FROM county_townships t "
                       "JOIN county_township_villages m USING (township_code) "
                       "ORDER BY t.township_code, m.village_id").fetchall()


def registered(con: duckdb.DuckDBPyConnection) -> dict[str, dict]:
    """The townships in the county by code: their names, months and the package last added."""
    cur = con.execute("SELECT * FROM county_townships ORDER BY township_code")
    names = [d[0] for d in cur.description]
    return {row[0]: dict(zip(names, row)) for row in cur.fetchall()}


def villages_elsewhere(con: duckdb.DuckDBPyConnection, code: str, villages: Path) -> list[tuple[str, str]]:
    """(village_id, township) of the package's villages that another township of the county holds."""
    return con.execute("SELECT m.village_id, m.township_code FROM read_parquet(?) p "
                       "JOIN county_township_villages m USING (village_id) WHERE m.township_code <> ? "
                       "ORDER BY 1", [str(villages), code]).fetchall()


def remove_township(con: duckdb.DuckDBPyConnection, code: str) -> None:
    """Take every row of township ``code`` out of the county's tables (not the shared lists)."""
    villages = "SELECT village_id FROM county_township_villages WHERE township_code = ?"
    branches = f"SELECT branch_id FROM party_branches WHERE village_id IN ({villages})"
    for table in ("party_assessments", "party_tasks"):
        con.execute(f"DELETE FROM {table} WHERE branch_id IN ({branches})", [code])
    for table in ("party_branches", "cases", "facilities", "coverage", "allocations", "villages"):
        con.execute(f"DELETE FROM {table} WHERE village_id IN ({villages})", [code])
    for table in CLOSE_TABLES:
        con.execute(f"DELETE FROM {table} WHERE township_code = ?", [code])
    con.execute("DELETE FROM county_township_villages WHERE township_code = ?", [code])
    con.execute("DELETE FROM county_townships WHERE township_code = ?", [code])


def load_own(con: duckdb.DuckDBPyConnection, code: str, table: str, parquet: Path) -> int:
    """Insert the package's rows of ``table`` (one of OWN_TABLES), its own keys qualified; the rows."""
    if table not in OWN_TABLES:
        raise ValueError(f"not a township's own table: {table!r}")
    columns = package_columns(table)   # identifiers from the schema, never from a file
    qualified = QUALIFIED.get(table, ())
    select = ", ".join(f"? || ':' || {c}" if c in qualified else c for c in columns)
    keyed = table in CLOSE_TABLES      # the township's code in the township key
    before = _count(con, table)
    con.execute(f"INSERT INTO {table} ({'township_code, ' if keyed else ''}{', '.join(columns)}) "
                f"SELECT {'?, ' if keyed else ''}{select} FROM read_parquet(?)",
                [code] * (len(qualified) + keyed) + [str(parquet)])
    if table == "villages":
        con.execute("INSERT INTO county_township_villages SELECT ?, village_id FROM read_parquet(?)",
                    [code, str(parquet)])
    return _count(con, table) - before


def load_shared(con: duckdb.DuckDBPyConnection, table: str, parquet: Path) -> list[str]:
    """Add the package's rows of a shared list that the county lacks; the ids the county already
    holds with another definition (they keep the county's)."""
    if table not in SHARED_TABLES:
        raise ValueError(f"not a shared list: {table!r}")
    columns, key = package_columns(table), _KEYS[table]
    differ = " OR ".join(f"p.{c} IS DISTINCT FROM t.{c}" for c in columns if c != key)
    conflicts = [r[0] for r in con.execute(
        f"SELECT p.{key} FROM read_parquet(?) p JOIN {table} t USING ({key}) WHERE {differ} ORDER BY 1",
        [str(parquet)]).fetchall()]
    listed = ", ".join(columns)
    con.execute(f"INSERT INTO {table} ({listed}) SELECT {listed} FROM read_parquet(?) p "
                f"WHERE p.{key} NOT IN (SELECT {key} FROM {table})", [str(parquet)])
    return conflicts


def register_township(con: duckdb.DuckDBPyConnection, entry: dict) -> None:
    """Record the township ``entry`` (the columns of county_townships) as the county now holds it."""
    names = list(entry)
    con.execute(f"INSERT INTO county_townships ({', '.join(names)}) VALUES ({', '.join('?' * len(names))})",
                [entry[n] for n in names])


def _count(con: duckdb.DuckDBPyConnection, table: str) -> int:
    return con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
