"""SQL of imports: what a file is checked against, loading through a staging table, the batch
record (and the boundary features a batch wrote), the quarantine, saved column mappings, undo and
export reads.

Every function takes a DuckDB connection (or cursor) of the cockpit database; the caller owns the
transaction (:mod:`cockpit.importer.pipeline` wraps a load in one, begun and ended by
:mod:`cockpit.store.atomic`). Table and column names come from cockpit/store/schema.py, never from user
input; every value is a bound parameter.

Loading is an upsert by primary key: new keys are inserted, existing rows whose values differ are
updated (their old values kept in import_batch_rows.old_row), identical rows are left alone.
Undo deletes the inserted rows and restores the updated ones, and refuses when a later import
changed the same rows.
"""

from __future__ import annotations

import json
from datetime import datetime

import duckdb
import pandas as pd
import pyarrow as pa

from cockpit.store import schema
from cockpit.values.bbox import CHINA, BBox
from cockpit.values.import_context import Context

__all__ = ["context", "unlocated_villages", "place_villages", "next_batch_id", "record_batch", "load_rows", "check_references",
           "add_quarantine", "save_mapping", "saved_mapping", "batches", "batch", "batch_tables", "batch_row_actions",
           "later_conflicts", "undo_rows", "mark_undone", "read_table", "table_columns", "quarantine", "has_table",
           "villages_by_id", "record_boundary_rows", "last_loaded_boundaries", "EXPORT_TABLES", "BOX_MARGIN_DEG"]

BOX_MARGIN_DEG = 0.5
_NAMED = {"villages": ("village_id", "name_zh", "name_en"), "categories": ("category_id", "name_zh", "name_en"),
          "departments": ("department_id", "name_zh", "name_en"), "domains": ("domain_id", "name_zh", "name_en"),
          "party_branches": ("branch_id", "name_zh", "name_en")}
_ID_ONLY = {"cases": "case_id"}
EXPORT_TABLES: tuple[str, ...] = tuple(
    t.name for t in schema.TABLES if t.name != "users") + ("import_batches", "quarantine", "column_mappings")
_BATCH_COLUMNS = [c for c, _, _ in schema.IMPORT_BATCHES.columns]


def _table(name: str) -> schema.Table:
    for t in (*schema.TABLES, *schema.APP_TABLES):
        if t.name == name:
            return t
    raise KeyError(f"unknown table: {name!r}")


def table_columns(table: str) -> list[str]:
    """The column names of table ``table`` as cockpit.store.schema defines them."""
    return [c for c, _, _ in _table(table).columns]


def has_table(con: duckdb.DuckDBPyConnection, name: str) -> bool:
    return con.execute("SELECT count(*) FROM information_schema.tables WHERE table_name = ?",
                       [name]).fetchall()[0][0] > 0


def context(con: duckdb.DuckDBPyConnection, boundaries=None, tables: tuple[str, ...] = ()) -> Context:
    """Ids, names, category deadlines and the township's box, for checking a file.

    ``tables`` adds id sets of further tables (``cases`` for case_contacts imports).
    """
    ctx = Context(boundaries=boundaries)
    for table, (id_col, zh, en) in _NAMED.items():
        rows = con.execute(f"SELECT {id_col}, {zh}, {en} FROM {table}").fetchall()
        ctx.ids[table] = {r[0] for r in rows}
        names: dict[str, set[str]] = {}
        for vid, *labels in rows:
            for label in labels:
                if label:
                    names.setdefault(str(label).strip().lower(), set()).add(vid)
        ctx.names[table] = {k: sorted(v) for k, v in names.items()}
    for table in tables:
        if table in _ID_ONLY:
            ctx.ids[table] = {r[0] for r in con.execute(f"SELECT {_ID_ONLY[table]} FROM {table}").fetchall()}
    ctx.categories = {r[0]: (r[1], int(r[2])) for r in con.execute(
        "SELECT category_id, department_id, days_to_close FROM categories").fetchall()}
    ctx.box = _box(con, boundaries)
    return ctx


def _box(con, boundaries) -> BBox:
    row = con.execute("SELECT min(lon), min(lat), max(lon), max(lat) FROM villages "
                      "WHERE lon IS NOT NULL AND lat IS NOT NULL").fetchall()[0]
    boxes = []
    if row and row[0] is not None:
        boxes.append(row)
    if boundaries is not None and len(boundaries):
        boxes.append(tuple(float(v) for v in boundaries.total_bounds))
    if not boxes:
        return CHINA
    return BBox(min(b[0] for b in boxes), min(b[1] for b in boxes),
                max(b[2] for b in boxes), max(b[3] for b in boxes)).expanded(BOX_MARGIN_DEG)


def unlocated_villages(con: duckdb.DuckDBPyConnection, village_ids) -> list[str]:
    """Those of ``village_ids`` whose villages have no seat location (lon or lat missing)."""
    return [r[0] for r in con.execute("SELECT village_id FROM villages WHERE (lon IS NULL OR lat IS NULL) "
                                      "AND list_contains(?, village_id) ORDER BY village_id",
                                      [list(village_ids)]).fetchall()]


def place_villages(con: duckdb.DuckDBPyConnection, batch_id: int, points: dict[str, tuple[float, float]]) -> int:
    """Set the seat location (lon, lat) of the villages in ``points`` as part of import ``batch_id``:
    a village's row before the batch is recorded for undo unless the batch already recorded it
    (a row it inserted or updated); return how many villages were placed."""
    ids = list(points)
    if not ids:
        return 0
    con.execute(
        f"INSERT INTO import_batch_rows SELECT ?, 'villages', {_key_json('v', ('village_id',))}, 'update', "
        "CAST(to_json(v) AS VARCHAR) FROM villages v WHERE list_contains(?, v.village_id) AND NOT EXISTS "
        f"(SELECT 1 FROM import_batch_rows r WHERE r.batch_id = ? AND r.table_name = 'villages' "
        f"AND r.row_key = {_key_json('v', ('village_id',))})", [batch_id, ids, batch_id])
    con.executemany("UPDATE villages SET lon = ?, lat = ? WHERE village_id = ?",
                    [[lon, lat, vid] for vid, (lon, lat) in points.items()])
    return len(ids)


def villages_by_id(con: duckdb.DuckDBPyConnection) -> dict[str, dict]:
    """village_id -> {village_id, name_zh, name_en, kind, area_group} of every village (what a
    boundary feature's properties are made from)."""
    return {r["village_id"]: r for r in con.execute(
        "SELECT village_id, name_zh, name_en, kind, area_group FROM villages").df().to_dict("records")}


def record_boundary_rows(con: duckdb.DuckDBPyConnection, batch_id: int, actions: list[tuple[str, str]]) -> None:
    """Record the boundary features import ``batch_id`` wrote: (village_id, "insert" or "update")
    pairs, in import_batch_rows as table "boundaries" (the file itself is outside the database)."""
    con.executemany("INSERT INTO import_batch_rows VALUES (?, 'boundaries', ?, ?, NULL)",
                    [[batch_id, json.dumps([vid]), action] for vid, action in actions])


def last_loaded_boundaries(con: duckdb.DuckDBPyConnection) -> tuple[int, str | None] | None:
    """(batch_id, details JSON) of the newest boundaries import still loaded, or None."""
    return con.execute("SELECT batch_id, details FROM import_batches WHERE direction = 'import' "
                       "AND kind = 'boundaries' AND status = 'loaded' ORDER BY batch_id DESC LIMIT 1").fetchone()


def next_batch_id(con: duckdb.DuckDBPyConnection) -> int:
    return con.execute("SELECT coalesce(max(batch_id), 0) + 1 FROM import_batches").fetchall()[0][0]


def record_batch(con: duckdb.DuckDBPyConnection, row: dict) -> None:
    """Insert one import_batches row (missing columns are NULL)."""
    cols = [c for c in _BATCH_COLUMNS if c in row]
    con.execute(f"INSERT INTO import_batches ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})",
                [row[c] for c in cols])


def check_references(con: duckdb.DuckDBPyConnection, table: str, data: pa.Table,
                     references: dict[str, str]) -> list[tuple[str, str]]:
    """(column, value) pairs of ``data`` whose referenced row does not exist (inside the transaction)."""
    _register(con, "_import_refs", data)
    try:
        bad = []
        for column, ref in references.items():
            if column not in data.column_names:
                continue
            ref_key = _table(ref).primary_key[0]
            found = con.execute(
                f"SELECT DISTINCT d.{column} FROM _import_refs d LEFT JOIN {ref} r ON d.{column} = r.{ref_key} "
                f"WHERE d.{column} IS NOT NULL AND r.{ref_key} IS NULL LIMIT 5").fetchall()
            bad += [(column, r[0]) for r in found]
        return bad
    finally:
        _unregister(con, "_import_refs")


def _register(con: duckdb.DuckDBPyConnection, name: str, data) -> None:
    """Register ``data`` as a view; first finish any result the connection still holds (DuckDB 2.0
    refuses to register while a result is only partly fetched)."""
    con.execute("SELECT 1").fetchall()
    con.register(name, data)


def _unregister(con: duckdb.DuckDBPyConnection, name: str) -> None:
    con.execute("SELECT 1").fetchall()
    con.unregister(name)


def _key_json(alias: str, key: tuple[str, ...]) -> str:
    return "CAST(to_json([" + ", ".join(f"{alias}.{k}" for k in key) + "]) AS VARCHAR)"


def _key_match(alias: str, key: tuple[str, ...], json_col: str = "r.row_key") -> str:
    return " AND ".join(f"{alias}.{k} = json_extract_string({json_col}, '$[{i}]')" for i, k in enumerate(key))


def load_rows(con: duckdb.DuckDBPyConnection, batch_id: int, table: str, data: pa.Table,
              update: set[str] | frozenset[str] | None = None) -> tuple[int, int, int]:
    """Upsert ``data`` (the table's columns) into ``table``; return (inserted, updated, unchanged).

    New rows get every column of ``data``; an existing row changes only in the ``update`` columns
    (default: all), so a file without, say, elevations leaves the elevations in the database alone.
    """
    t = _table(table)
    cols, key = t.column_names, t.primary_key
    other = [c for c in cols if c not in key and (update is None or c in update)]
    casts = ", ".join(f"CAST({c} AS {_sql_type(d)}) AS {c}" for c, d, _ in t.columns)
    _register(con, "_import_data", data)
    try:
        con.execute(f"CREATE OR REPLACE TEMP TABLE _stage AS SELECT {casts} FROM _import_data")
    finally:
        _unregister(con, "_import_data")
    join = " AND ".join(f"t.{k} = s.{k}" for k in key)
    same = " AND ".join(f"t.{c} IS NOT DISTINCT FROM s.{c}" for c in other) or "TRUE"
    con.execute(f"CREATE OR REPLACE TEMP TABLE _changed AS SELECT s.* FROM _stage s JOIN {table} t ON {join} "
                f"WHERE NOT ({same})")
    unchanged = con.execute(f"SELECT count(*) FROM _stage s JOIN {table} t ON {join} WHERE {same}").fetchall()[0][0]
    updated = con.execute("SELECT count(*) FROM _changed").fetchall()[0][0]
    con.execute(
        f"INSERT INTO import_batch_rows SELECT ?, ?, {_key_json('t', key)}, 'update', CAST(to_json(t) AS VARCHAR) "
        f"FROM {table} t JOIN _changed s ON {join}", [batch_id, table])
    if updated and other:
        sets = ", ".join(f"{c} = s.{c}" for c in other)
        where = " AND ".join(f"{table}.{k} = s.{k}" for k in key)
        con.execute(f"UPDATE {table} SET {sets} FROM _changed s WHERE {where}")
    new = f"FROM _stage s WHERE NOT EXISTS (SELECT 1 FROM {table} t WHERE {join})"
    inserted = con.execute(f"SELECT count(*) {new}").fetchall()[0][0]
    con.execute(f"INSERT INTO import_batch_rows SELECT ?, ?, {_key_json('s', key)}, 'insert', NULL {new}",
                [batch_id, table])
    con.execute(f"INSERT INTO {table} ({', '.join(cols)}) SELECT {', '.join('s.' + c for c in cols)} {new}")
    con.execute("DROP TABLE _stage")
    con.execute("DROP TABLE _changed")
    return inserted, updated, unchanged


def _sql_type(declared: str) -> str:
    return declared.replace("NOT NULL", "").strip().split(" ")[0]


def add_quarantine(con: duckdb.DuckDBPyConnection, batch_id: int, rows: list[tuple]) -> None:
    """Rows: (line, problems text, codes, raw_row JSON, personal_keys JSON)."""
    if rows:
        frame = pd.DataFrame(rows, columns=["line", "problems", "codes", "raw_row", "personal_keys"])
        frame.insert(0, "batch_id", batch_id)
        _register(con, "_import_quarantine", frame)
        try:
            con.execute("INSERT INTO quarantine SELECT CAST(batch_id AS INTEGER), CAST(line AS INTEGER), problems, "
                        "codes, raw_row, personal_keys FROM _import_quarantine")
        finally:
            _unregister(con, "_import_quarantine")


def save_mapping(con: duckdb.DuckDBPyConnection, source: str, kind: str, mapping: dict, user: str,
                 at: datetime) -> None:
    """Remember ``mapping`` (a JSON-able object, cockpit.importer.mapping.SavedMapping.stored) for ``source``."""
    text = json.dumps(mapping, ensure_ascii=False, sort_keys=True)
    con.execute("INSERT OR REPLACE INTO column_mappings VALUES (?, ?, ?, ?, ?)", [source, kind, text, at, user])


def saved_mapping(con: duckdb.DuckDBPyConnection, source: str, kind: str) -> dict | None:
    rows = con.execute("SELECT mapping FROM column_mappings WHERE source_name = ? AND kind = ?",
                       [source, kind]).fetchall()
    return json.loads(rows[0][0]) if rows else None


def batches(con: duckdb.DuckDBPyConnection, limit: int = 200) -> pd.DataFrame:
    """Imports and exports, newest first."""
    return con.execute("SELECT * FROM import_batches ORDER BY batch_id DESC LIMIT ?", [limit]).df()


def batch(con: duckdb.DuckDBPyConnection, batch_id: int) -> dict | None:
    cur = con.execute("SELECT * FROM import_batches WHERE batch_id = ?", [batch_id])
    rows = cur.fetchall()
    return dict(zip([d[0] for d in cur.description], rows[0])) if rows else None


def batch_tables(con: duckdb.DuckDBPyConnection, batch_id: int) -> list[str]:
    return [r[0] for r in con.execute("SELECT DISTINCT table_name FROM import_batch_rows WHERE batch_id = ? "
                                      "ORDER BY 1", [batch_id]).fetchall()]


def batch_row_actions(con: duckdb.DuckDBPyConnection, batch_id: int, table: str) -> tuple[int, int]:
    """(rows inserted, rows updated) by batch ``batch_id`` in ``table``."""
    return tuple(con.execute("SELECT count(*) FILTER (WHERE action = 'insert'), count(*) FILTER (WHERE action = 'update') "
                             "FROM import_batch_rows WHERE batch_id = ? AND table_name = ?", [batch_id, table]).fetchone())


def later_conflicts(con: duckdb.DuckDBPyConnection, batch_id: int) -> list[int]:
    """Later imports, still loaded, that changed rows of ``batch_id``."""
    rows = con.execute(
        "SELECT DISTINCT later.batch_id FROM import_batch_rows mine "
        "JOIN import_batch_rows later ON later.table_name = mine.table_name AND later.row_key = mine.row_key "
        "JOIN import_batches b ON b.batch_id = later.batch_id "
        "WHERE mine.batch_id = ? AND later.batch_id > ? AND b.status = 'loaded' ORDER BY 1",
        [batch_id, batch_id]).fetchall()
    return [r[0] for r in rows]


def undo_rows(con: duckdb.DuckDBPyConnection, batch_id: int, table: str) -> tuple[int, int]:
    """Delete the rows ``batch_id`` inserted into ``table`` and restore those it updated."""
    t = _table(table)
    key = t.primary_key
    mine = "r.batch_id = ? AND r.table_name = ?"
    deleted = con.execute(f"SELECT count(*) FROM import_batch_rows r WHERE {mine} AND r.action = 'insert'",
                          [batch_id, table]).fetchall()[0][0]
    con.execute(f"DELETE FROM {table} WHERE EXISTS (SELECT 1 FROM import_batch_rows r WHERE {mine} "
                f"AND r.action = 'insert' AND {_key_match(table, key)})", [batch_id, table])
    other = [(c, _sql_type(d)) for c, d, _ in t.columns if c not in key]
    restored = con.execute(f"SELECT count(*) FROM import_batch_rows r WHERE {mine} AND r.action = 'update'",
                           [batch_id, table]).fetchall()[0][0]
    if restored and other:
        sets = ", ".join(f"{c} = CAST(json_extract_string(r.old_row, '$.{c}') AS {typ})" for c, typ in other)
        con.execute(f"UPDATE {table} SET {sets} FROM import_batch_rows r WHERE {mine} AND r.action = 'update' "
                    f"AND {_key_match(table, key)}", [batch_id, table])
    return deleted, restored


def mark_undone(con: duckdb.DuckDBPyConnection, batch_id: int, user: str, at: datetime) -> None:
    con.execute("UPDATE import_batches SET status = 'undone', undone_at = ?, undone_by = ? WHERE batch_id = ?",
                [at, user, batch_id])


def read_table(con: duckdb.DuckDBPyConnection, table: str) -> pd.DataFrame:
    """The whole of an exportable table, in primary-key order."""
    if table not in EXPORT_TABLES:
        raise KeyError(f"not an exportable table: {table!r}; use one of {', '.join(EXPORT_TABLES)}")
    order = ", ".join(_table(table).primary_key)
    return con.execute(f"SELECT * FROM {table} ORDER BY {order}").df()


def quarantine(con: duckdb.DuckDBPyConnection, batch_id: int) -> pd.DataFrame:
    return con.execute("SELECT * FROM quarantine WHERE batch_id = ? ORDER BY line", [batch_id]).df()
