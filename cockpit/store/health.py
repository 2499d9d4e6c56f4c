"""A database's health: its schema version, how many rows each table holds, and broken references.

``python -m cockpit check`` prints :func:`check_database`; a backup's manifest records the same row
counts, and a restore verifies them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import duckdb

from cockpit.store.schema import APP_TABLES, TABLES
from cockpit.store.migrate import current_version

__all__ = ["REFERENCES", "Health", "row_counts", "broken_references", "check_database"]

# (table, column, referenced table, referenced column): every row's value must exist there.
REFERENCES: tuple[tuple[str, str, str, str], ...] = (
    ("categories", "domain_id", "domains", "domain_id"),
    ("categories", "department_id", "departments", "department_id"),
    ("facilities", "village_id", "villages", "village_id"),
    ("facilities", "domain_id", "domains", "domain_id"),
    ("coverage", "village_id", "villages", "village_id"),
    ("coverage", "domain_id", "domains", "domain_id"),
    ("allocations", "village_id", "villages", "village_id"),
    ("allocations", "domain_id", "domains", "domain_id"),
    ("cases", "village_id", "villages", "village_id"),
    ("cases", "category_id", "categories", "category_id"),
    ("cases", "department_id", "departments", "department_id"),
    ("case_contacts", "case_id", "cases", "case_id"),
    ("party_branches", "village_id", "villages", "village_id"),
    ("party_tasks", "branch_id", "party_branches", "branch_id"),
    ("party_assessments", "branch_id", "party_branches", "branch_id"),
    ("decisions", "meeting_id", "meetings", "meeting_id"),
)


@dataclass(frozen=True)
class Health:
    schema_version: int | None
    rows: dict[str, int]
    broken: dict[str, int] = field(default_factory=dict)  # "table.column -> table" : rows pointing nowhere

    @property
    def ok(self) -> bool:
        return self.schema_version is not None and not self.broken

    def report(self) -> str:
        lines = [f"schema version: {self.schema_version}"]
        lines += [f"  {name:<20} {count:>12,} rows" for name, count in self.rows.items()]
        lines += [f"broken reference: {what}: {n:,} rows" for what, n in self.broken.items()]
        lines.append("ok" if self.ok else "PROBLEMS FOUND")
        return "\n".join(lines)


def _tables(con: duckdb.DuckDBPyConnection) -> set[str]:
    return {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}


def row_counts(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """Rows of every cockpit table present in the database (table names come from the schema)."""
    present = _tables(con)
    return {t.name: con.execute(f'SELECT count(*) FROM "{t.name}"').fetchone()[0]
            for t in (*TABLES, *APP_TABLES) if t.name in present}


def broken_references(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """For each reference of :data:`REFERENCES` that some rows break, how many rows (empty values
    are not references)."""
    present = _tables(con)
    broken = {}
    for table, column, target, key in REFERENCES:
        if table not in present or target not in present:
            continue
        n = con.execute(f'SELECT count(*) FROM "{table}" t WHERE t."{column}" IS NOT NULL AND CAST(t."{column}" AS VARCHAR) <> \'\' '
                        f'AND NOT EXISTS (SELECT 1 FROM "{target}" r WHERE r."{key}" = t."{column}")').fetchone()[0]
        if n:
            broken[f"{table}.{column} -> {target}"] = n
    return broken


def check_database(con: duckdb.DuckDBPyConnection) -> Health:
    """The health of the database behind ``con``."""
    return Health(current_version(con), row_counts(con), broken_references(con))
