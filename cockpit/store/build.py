"""Build a cockpit database from a folder of CSV files, atomically.

The database is written to a temporary file beside the target and renamed into place only
when every table loaded and checked out, so a failed build never leaves a broken file behind.
A folder whose meta.csv does not say ``synthetic = true`` (anything but the sample) gives a
database of real data: meta ``synthetic`` is ``'false'`` and the audit log records it
(:mod:`cockpit.store.real_data`), so the demo accounts cannot sign in.
"""

from __future__ import annotations

import os
import shutil
from datetime import datetime
from pathlib import Path

import duckdb

from cockpit.store.schema import MIGRATIONS, TABLES, Table
from cockpit.store.migrate import current_version, migrate
from cockpit.store.real_data import is_synthetic, mark_real_data

__all__ = ["BuildError", "build_database", "upgrade_database", "REQUIRED_FILES", "REFERENCES"]

# Tables a township must provide; the others may be absent (they load empty).
REQUIRED_FILES = ("meta", "villages", "domains", "departments", "categories", "coverage",
                  "allocations", "cases")

# (table, column) -> (referenced table, column): checked after loading.
REFERENCES: dict[tuple[str, str], tuple[str, str]] = {
    ("facilities", "village_id"): ("villages", "village_id"),
    ("facilities", "domain_id"): ("domains", "domain_id"),
    ("coverage", "village_id"): ("villages", "village_id"),
    ("coverage", "domain_id"): ("domains", "domain_id"),
    ("allocations", "village_id"): ("villages", "village_id"),
    ("allocations", "domain_id"): ("domains", "domain_id"),
    ("categories", "department_id"): ("departments", "department_id"),
    ("cases", "village_id"): ("villages", "village_id"),
    ("cases", "category_id"): ("categories", "category_id"),
    ("cases", "department_id"): ("departments", "department_id"),
    ("case_contacts", "case_id"): ("cases", "case_id"),
    ("party_branches", "village_id"): ("villages", "village_id"),
    ("party_tasks", "branch_id"): ("party_branches", "branch_id"),
    ("party_assessments", "branch_id"): ("party_branches", "branch_id"),
    ("norms", "domain_id"): ("domains", "domain_id"),
}


class BuildError(Exception):
    """The database could not be built; the message names the file, row and reason."""


def build_database(src: Path, db: Path, replace: bool = False, actor: str | None = None) -> str:
    """Build ``db`` from the CSV files in ``src``; return a one-line report.

    Idempotent: an existing cockpit database keeps its data unless ``replace`` is true; it is
    only upgraded to the current schema version. Raises ``BuildError`` naming the file and the
    reason when the input is unusable, or when ``db`` exists but is not a cockpit database.
    Unless ``src`` is synthetic (its meta.csv says ``synthetic = true``), the new database is
    marked as real data, recorded in its audit log as done by ``actor`` (None: the system).
    """
    src, db = Path(src), Path(db)
    if db.exists() and not replace:
        applied = upgrade_database(db)
        if applied:
            return f"{db}: cockpit database upgraded to schema version {applied[-1]}"
        version = _existing_version(db)
        return f"{db}: cockpit database exists (schema version {version}); nothing to do"
    missing = [f"{name}.csv" for name in REQUIRED_FILES if not (src / f"{name}.csv").is_file()]
    if missing:
        raise BuildError(f"{src}: missing {', '.join(missing)}")
    db.parent.mkdir(parents=True, exist_ok=True)
    tmp = db.with_name(f".{db.name}.{os.getpid()}.building")
    _remove(tmp)
    try:
        con = duckdb.connect(str(tmp))
        try:
            migrate(con)
            counts = {t.name: _load_table(con, src, t) for t in TABLES}
            _check_references(con)
            real = not is_synthetic(con)
            if real:
                mark_real_data(con, actor, {"via": "init-db", "folder": str(src)}, new_database=True)
            con.execute("CHECKPOINT")
        finally:
            con.close()
        os.replace(tmp, db)
    finally:
        _remove(tmp)
    rows = ", ".join(f"{n} {c:,}" for n, c in counts.items() if c)
    note = "; real data (not synthetic: demo accounts cannot sign in)" if real else ""
    return f"{db}: built from {src} ({rows}){note}"


def upgrade_database(db: Path) -> list[int]:
    """Apply pending schema migrations to an existing cockpit database; return those applied.

    The file as it was is copied first, beside it (``<db>.before-v<version>-<time>``): an upgrade
    that goes wrong in a way no transaction catches still leaves the township's data."""
    version = _existing_version(db)
    if version >= max(MIGRATIONS):
        return []
    _copy_before_upgrade(Path(db), version)
    try:
        con = duckdb.connect(str(db))
    except duckdb.Error as exc:
        raise BuildError(f"{db}: cannot be opened to upgrade its schema ({exc})") from None
    try:
        return migrate(con)
    finally:
        con.close()


def _copy_before_upgrade(db: Path, version: int) -> Path:
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    kept = db.with_name(f"{db.name}.before-v{version}-{stamp}")
    shutil.copy2(db, kept)
    wal = db.with_name(db.name + ".wal")
    if wal.exists():
        shutil.copy2(wal, kept.with_name(kept.name + ".wal"))
    return kept


def _existing_version(db: Path) -> int:
    try:
        con = duckdb.connect(str(db), read_only=True)
    except duckdb.Error as exc:
        raise BuildError(f"{db}: exists but is not a readable DuckDB database ({exc})") from None
    try:
        version = current_version(con)
    finally:
        con.close()
    if version is None:
        raise BuildError(f"{db}: exists but is not a cockpit database (no schema_version table)")
    return version


def _remove(path: Path) -> None:
    for p in (path, path.with_name(path.name + ".wal")):
        if p.exists():
            p.unlink()


def _sql_type(declared: str) -> str:
    return declared.replace("NOT NULL", "").strip()


def _load_table(con: duckdb.DuckDBPyConnection, src: Path, table: Table) -> int:
    path = src / f"{table.name}.csv"
    if not path.is_file():
        return 0
    label = path.name
    try:
        con.execute(
            "CREATE TEMP TABLE staging AS SELECT *, row_number() OVER () AS _row "
            "FROM read_csv(?, header = true, all_varchar = true, encoding = 'utf-8')",
            [str(path)],
        )
    except duckdb.Error as exc:
        raise BuildError(f"{label}: cannot be read as UTF-8 CSV ({exc})") from None
    try:
        have = [r[0] for r in con.execute("SELECT name FROM pragma_table_info('staging')").fetchall()]
        absent = [c for c, declared, _ in table.columns if c not in have and "NOT NULL" in declared]
        if absent:
            raise BuildError(f"{label}: missing column(s) {', '.join(absent)}")
        for name, declared, _ in table.columns:
            if name in have:
                _check_column(con, label, name, declared)
        cols = ", ".join(table.column_names)
        # an optional column the file does not have loads empty
        casts = ", ".join(f"CAST({c if c in have else 'NULL'} AS {_sql_type(t)})" for c, t, _ in table.columns)
        try:
            con.execute(f"INSERT INTO {table.name} ({cols}) SELECT {casts} FROM staging ORDER BY _row")
        except duckdb.ConstraintException as exc:
            raise BuildError(f"{label}: {exc}") from None
        return con.execute("SELECT count(*) FROM staging").fetchone()[0]
    finally:
        con.execute("DROP TABLE staging")


def _check_column(con: duckdb.DuckDBPyConnection, label: str, name: str, declared: str) -> None:
    """Raise BuildError naming the first row whose value is empty where required or mistyped."""
    # Identifiers come from the schema module, never from user input.
    if "NOT NULL" in declared:
        row = con.execute(f"SELECT min(_row) FROM staging WHERE {name} IS NULL").fetchone()[0]
        if row is not None:
            raise BuildError(f"{label}: row {row}: {name} is empty but required")
    sql_type = _sql_type(declared)
    if sql_type == "VARCHAR":
        return
    bad = con.execute(
        f"SELECT _row, {name} FROM staging WHERE {name} IS NOT NULL "
        f"AND TRY_CAST({name} AS {sql_type}) IS NULL ORDER BY _row LIMIT 1"
    ).fetchone()
    if bad:
        raise BuildError(f"{label}: row {bad[0]}: {name} = {bad[1]!r} is not a valid {sql_type}")


def _check_references(con: duckdb.DuckDBPyConnection) -> None:
    for (table, column), (ref_table, ref_column) in REFERENCES.items():
        bad = con.execute(
            f"SELECT t.{column} FROM {table} t LEFT JOIN {ref_table} r ON t.{column} = r.{ref_column} "
            f"WHERE t.{column} IS NOT NULL AND r.{ref_column} IS NULL LIMIT 1"
        ).fetchone()
        if bad:
            raise BuildError(
                f"{table}.csv: {column} {bad[0]!r} does not exist in {ref_table}.csv ({ref_column})"
            )
