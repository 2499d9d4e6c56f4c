"""An import from end to end: open the file, suggest the mapping, check, load in one transaction,
undo; and exports that respect the personal-data policy.

The steps the data page and the command line share::

    upload = open_upload(data, "cases_2026-10.csv", "cases")
    mapping = suggested_mapping(con, upload, source_name(upload.filename))
    checked = check(con, upload, mapping)                # nothing written yet
    result = load(con, upload, checked, mode="valid_rows", user="local", source=...,
                  imports_dir=..., geodata_path=...)     # one transaction

``load`` copies the original file to ``imports_dir`` (named by its SHA-256), then in one
transaction stages and upserts the valid rows, records which rows it touched, puts rejected rows
in the quarantine, saves the column mapping and records the batch. Any failure rolls all of it
back (a killed process leaves the uncommitted transaction behind, which DuckDB discards) and the
failure is recorded as a failed batch. With ``mode="all_or_nothing"`` a file with any rejected
row loads nothing and is recorded as rejected.

Every successful import, of any kind, is real data: in the same transaction it sets meta
``synthetic`` to false (:func:`cockpit.store.real_data.mark_real_data`), so importing into the
sample database ends its demo accounts. Undo does not make the data synthetic again.

Exports are in :mod:`cockpit.importer.exporting`.

Boundaries are the exception that lives outside the database: the merged boundary file is
written and checked beside the real one before the transaction, and moved into place (an atomic
rename) right after the commit; the previous file is kept for undo.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import sys
import time
import warnings
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Callable

import duckdb
import pyarrow as pa

from cockpit.geo import boundaries as geo
from cockpit.importer import boundaries as bnd
from cockpit.importer.dates import local_time_zone
from cockpit.importer.kinds import REFERENCES, Kind, kind as kind_of
from cockpit.importer.mapping import SavedMapping, suggest
from cockpit.importer.problems import ImportFailed, Problem
from cockpit.importer.reading import RawTable, read_table
from cockpit.importer.report import quarantine_rows
from cockpit.importer.validate import Checked, Options, validate
from cockpit.store import imports as sql
from cockpit.store.atomic import begin, commit, rollback
from cockpit.store.real_data import mark_real_data
from cockpit.auth.audit_log import audit

__all__ = ["Upload", "Result", "MODES", "open_upload", "suggested_mapping", "check", "load", "undo",
           "finish_boundary_import", "PAUSE_ENV", "now", "audit_event"]

MODES = ("valid_rows", "all_or_nothing")
PAUSE_ENV = "COCKPIT_TEST_IMPORT_PAUSE"
"""Test hook: seconds to sleep between staging and commit (the kill test sets it)."""


def now() -> datetime:
    return datetime.now().replace(microsecond=0)


@dataclass
class Upload:
    """An opened file: its kind, bytes, checksum and cells (and geometries, for boundaries)."""

    kind: Kind
    filename: str
    data: bytes
    raw: RawTable
    geometries: list | None = None

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


@dataclass
class Result:
    batch_id: int
    status: str                 # loaded, rejected, failed, undone
    rows_in: int = 0
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    flagged: int = 0
    stored_path: str | None = None
    message: Problem | None = None
    tables: dict = field(default_factory=dict)
    placed: int = 0             # villages without a location placed inside their boundary
    created: int = 0            # villages a boundaries import created (Options.create_villages)

    @property
    def loaded(self) -> int:
        return self.inserted + self.updated + self.unchanged


def open_upload(data: bytes, filename: str, kind_name: str) -> Upload:
    """Read ``data``; raise ImportFailed when it is not a usable file of that kind."""
    kind = kind_of(kind_name)
    if kind.name == "boundaries":
        raw, geometries = bnd.read_geojson(data)
        return Upload(kind, filename, data, raw, geometries)
    if kind.name != "cases" and filename.lower().endswith((".json", ".geojson")):
        raise ImportFailed("json_only_cases")
    return Upload(kind, filename, data, read_table(data, filename))


def saved_for(con: duckdb.DuckDBPyConnection, source: str | None, kind_name: str) -> SavedMapping | None:
    """What is remembered of ``source`` for imports of ``kind_name`` (None: nothing yet)."""
    return SavedMapping.from_stored(sql.saved_mapping(con, source, kind_name)) if source else None


def suggested_mapping(con: duckdb.DuckDBPyConnection, upload: Upload, source: str | None) -> dict:
    """The saved mapping of ``source`` where its headers still exist (its fields left unmapped
    stay so), else automatic suggestions."""
    return suggest(upload.raw.headers, upload.kind, saved_for(con, source, upload.kind.name))


def _boundaries(geodata_path: Path | None):
    if geodata_path is None or not Path(geodata_path).is_file():
        return None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", geo.GeoRepairWarning)
            return geo.load_villages_geojson(geodata_path)
    except geo.GeoDataError:
        return None


def check(con: duckdb.DuckDBPyConnection, upload: Upload, mapping: dict, options: Options = Options(), *,
          geodata_path: Path | None = None, progress: Callable[[float], None] | None = None) -> Checked:
    """Validate the upload against the database; writes nothing."""
    try:
        local_time_zone()   # a bad setting is said once, before any cell is read
    except ValueError as exc:
        raise ImportFailed("bad_setting", error=str(exc)) from None
    extra = ("cases",) if upload.kind.name == "case_contacts" else ()
    ctx = sql.context(con, _boundaries(geodata_path), extra)
    if upload.kind.name == "boundaries":
        existing = bnd.read_collection(geodata_path) if geodata_path else None
        return bnd.validate_boundaries(upload.raw, upload.geometries, mapping, ctx, options, existing)
    return validate(upload.raw, upload.kind, mapping, ctx, options, progress)


def _safe_name(name: str) -> str:
    return re.sub(r"[^\w.\-]+", "_", Path(name).name)[-80:] or "upload"


def _keep_original(upload: Upload, imports_dir: Path) -> Path:
    imports_dir = Path(imports_dir)
    imports_dir.mkdir(parents=True, exist_ok=True)
    target = imports_dir / f"{upload.sha256[:16]}_{_safe_name(upload.filename)}"
    if not target.exists():
        tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
        tmp.write_bytes(upload.data)
        os.replace(tmp, target)
    return target


def _pause_for_tests() -> None:
    seconds = os.environ.get(PAUSE_ENV)
    if seconds:
        print("cockpit-import: staged, paused before commit", file=sys.stderr, flush=True)
        time.sleep(float(seconds))


def audit_event(con, user: str, event: str, detail: dict) -> None:
    """Also write the event to the audit log of cockpit.auth, where that log exists."""
    if not sql.has_table(con, "audit_log"):
        return
    audit(con, user, event, detail)


def load(con: duckdb.DuckDBPyConnection, upload: Upload, checked: Checked, *, mode: str, user: str,
         source: str | None, imports_dir: Path, geodata_path: Path | None = None,
         options: Options = Options(), progress: Callable[[float], None] | None = None) -> Result:
    """Load ``checked`` in one transaction (see the module docstring); return what happened."""
    if mode not in MODES:
        raise ValueError(f"mode must be one of {MODES}, got {mode!r}")
    step = progress or (lambda _f: None)
    started = now()
    stored = _keep_original(upload, imports_dir)
    step(0.1)
    details = {"encoding": upload.raw.encoding, "delimiter": upload.raw.delimiter,
               "mapping": {k: v for k, v in checked.mapping.items() if v}, "gcj02": options.gcj02,
               "notes": [n.text() for n in checked.notes]}
    base = {"direction": "import", "kind": upload.kind.name, "source_name": source, "file_name": upload.filename,
            "stored_path": str(stored), "sha256": upload.sha256, "file_bytes": len(upload.data),
            "user_name": user, "started_at": started, "mode": mode, "rows_in": checked.rows_in,
            "rows_rejected": len(checked.rejected), "rows_flagged": checked.rows_flagged}
    pending_file: tuple[Path, Path] | None = None
    begin(con)
    try:
        batch_id = sql.next_batch_id(con)
        result = Result(batch_id, "loaded", checked.rows_in, rejected=len(checked.rejected),
                        flagged=checked.rows_flagged, stored_path=str(stored))
        if checked.rows.num_rows == 0 or (mode == "all_or_nothing" and checked.rejected):
            result.status = "rejected"
            result.message = Problem("nothing_valid" if checked.rows.num_rows == 0 else "rejected_all_or_nothing",
                                     {"rows": len(checked.rejected)})
        elif upload.kind.name == "boundaries":
            result.created = _create_villages(con, batch_id, checked)
            pending_file = _stage_boundaries(con, batch_id, checked, geodata_path, imports_dir, details, result)
            result.placed = _place_unlocated(con, batch_id, checked.extra["geometries"])
        else:
            _load_table_rows(con, batch_id, upload.kind, checked, result)
            if upload.kind.table == "villages" and geodata_path is not None and Path(geodata_path).is_file():
                result.placed = _place_unlocated(con, batch_id, _boundary_geometries(Path(geodata_path)))
        step(0.7)
        if result.status == "loaded":
            sql.add_quarantine(con, batch_id, quarantine_rows(checked))
            if source:
                sql.save_mapping(con, source, upload.kind.name, _remembered(con, upload, checked, options, source),
                                 user, started)
        sql.record_batch(con, {**base, "batch_id": batch_id, "finished_at": now(), "status": result.status,
                               "rows_loaded": result.loaded, "rows_inserted": result.inserted,
                               "rows_updated": result.updated, "rows_unchanged": result.unchanged,
                               "message": result.message.text() if result.message else None,
                               "details": json.dumps(details, ensure_ascii=False, default=str)})
        audit_event(con, user, "import", {"batch_id": batch_id, "kind": upload.kind.name, "file": upload.filename,
                                     "status": result.status, "rows_in": checked.rows_in,
                                     "rows_loaded": result.loaded, "rows_rejected": len(checked.rejected)})
        if result.status == "loaded":
            mark_real_data(con, user, {"via": "import", "batch_id": batch_id, "kind": upload.kind.name,
                                       "file": upload.filename})
        step(0.9)
        _pause_for_tests()
        commit(con)
    except BaseException as exc:
        rollback(con)
        if pending_file:
            pending_file[0].unlink(missing_ok=True)
        if isinstance(exc, Exception):
            _record_failure(con, base, exc)
        raise
    if pending_file:
        try:
            os.replace(*pending_file)
        except FileNotFoundError:  # another process finished this import first (finish_boundary_import)
            if _sha256(pending_file[1]) != details.get("result_sha256"):
                raise
    step(1.0)
    return result


def _remembered(con, upload: Upload, checked: Checked, options: Options, source: str) -> dict:
    """What to keep of this load for ``source``: its columns, its value translations and the
    fields left without a column on purpose: those a header of the file would have fed (the user
    cleared the suggestion) or that the source already left unmapped. A field the file has no
    column for is not remembered as unmapped, so a later file that has one gets it suggested."""
    auto = suggest(upload.raw.headers, upload.kind)
    before = saved_for(con, source, upload.kind.name)
    cleared = {f for f, h in auto.items() if h} | (set(before.unmapped) if before else set())
    return SavedMapping.of(checked.mapping, options.translations(), cleared).stored()


def _load_table_rows(con, batch_id: int, kind: Kind, checked: Checked, result: Result) -> None:
    data = checked.rows.drop(["_line"])
    refs = REFERENCES.get(kind.table, {})
    bad = sql.check_references(con, kind.table, data, refs)
    if bad:  # the database changed since the check (another import): start again
        raise ImportFailed("references_changed", values=[f"{c}={v}" for c, v in bad])
    result.inserted, result.updated, result.unchanged = sql.load_rows(con, batch_id, kind.table, data,
                                                                      checked.supplied)
    result.tables[kind.table] = (result.inserted, result.updated, result.unchanged)
    if checked.contacts is not None:
        result.tables["case_contacts"] = sql.load_rows(con, batch_id, "case_contacts",
                                                       checked.contacts.drop(["_line"]), checked.supplied)


def _boundary_geometries(geodata_path: Path) -> dict:
    """village_id -> polygon of the app's boundary file."""
    gdf = geo.load_villages_geojson(geodata_path)
    return dict(zip(gdf["village_id"], gdf.geometry))


def _create_villages(con, batch_id: int, checked: Checked) -> int:
    """Insert the villages the boundary features of unknown codes create (Options.create_villages),
    each at a point well inside its polygon; return how many."""
    rows = checked.extra.get("new_villages") or []
    if not rows:
        return 0
    geometries = checked.extra["geometries"]
    columns = sql.table_columns("villages")
    records = [{c: None for c in columns} | r | dict(zip(("lon", "lat"), geo.label_point(geometries[r["village_id"]])))
               for r in rows]
    return sql.load_rows(con, batch_id, "villages", pa.Table.from_pylist(records), None)[0]


def _place_unlocated(con, batch_id: int, geometries: dict) -> int:
    """Give every village without a seat location among ``geometries`` a point well inside its
    boundary (:func:`cockpit.geo.boundaries.label_point`), as part of batch ``batch_id`` (undone with it);
    return how many were placed. A village's own coordinates are never replaced."""
    unlocated = sql.unlocated_villages(con, list(geometries))
    return sql.place_villages(con, batch_id, {vid: geo.label_point(geometries[vid]) for vid in unlocated})


def _stage_boundaries(con, batch_id: int, checked: Checked, geodata_path: Path | None, imports_dir: Path,
                      details: dict, result: Result) -> tuple[Path, Path]:
    if geodata_path is None:
        raise ValueError("a boundaries import needs geodata_path")
    geodata_path = Path(geodata_path)
    existing = bnd.read_collection(geodata_path)
    villages = sql.villages_by_id(con)
    doc = bnd.merged_collection(existing, checked, villages)
    tmp = geodata_path.with_name(f".{geodata_path.name}.{batch_id}.{os.getpid()}.new")
    details["result_sha256"] = bnd.write_atomic(doc, tmp)
    details["geodata_path"] = str(geodata_path)
    if existing is not None:
        previous = Path(imports_dir) / f"boundaries_before_batch_{batch_id}.geojson"
        shutil.copy2(geodata_path, previous)
        details["previous_copy"] = str(previous)
    keys = [(vid,) for vid in checked.extra["geometries"]]
    had = {str((f.get("properties") or {}).get("village_id")) for f in (existing or {}).get("features", [])}
    sql.record_boundary_rows(con, batch_id, [(k[0], "update" if k[0] in had else "insert") for k in keys])
    result.updated = sum(k[0] in had for k in keys)
    result.inserted = len(keys) - result.updated
    return tmp, geodata_path


def _record_failure(con, base: dict, exc: Exception) -> None:
    message = exc.problem.text() if isinstance(exc, ImportFailed) else f"{type(exc).__name__}: {exc}"
    try:
        begin(con)
        sql.record_batch(con, {**base, "batch_id": sql.next_batch_id(con), "finished_at": now(),
                               "status": "failed", "rows_loaded": 0, "message": message[:2000]})
        commit(con)
    except duckdb.Error:
        try:
            rollback(con)
        except duckdb.Error:
            pass


def undo(con: duckdb.DuckDBPyConnection, batch_id: int, user: str) -> Result:
    """Remove exactly what import ``batch_id`` loaded; raise ImportFailed when it cannot be undone."""
    info = sql.batch(con, batch_id)
    if info is None:
        raise ImportFailed("no_such_batch", batch=batch_id)
    if info["status"] != "loaded" or info["direction"] != "import":
        raise ImportFailed("not_undoable", batch=batch_id, status=info["status"])
    later = sql.later_conflicts(con, batch_id)
    if later:
        raise ImportFailed("undo_later_batches", batch=batch_id, later=later)
    details = json.loads(info["details"] or "{}")
    restore: tuple[Path, Path | None] | None = None
    result = Result(batch_id, "undone")
    begin(con)
    try:
        for table in sql.batch_tables(con, batch_id):
            if table == "boundaries":
                restore = _boundary_restore(batch_id, details)
                removed, restored = sql.batch_row_actions(con, batch_id, table)
                result.tables[table] = (removed, restored)
                result.inserted += removed
                result.updated += restored
                continue
            deleted, restored = sql.undo_rows(con, batch_id, table)
            result.tables[table] = (deleted, restored)
            result.inserted += deleted
            result.updated += restored
        sql.mark_undone(con, batch_id, user, now())
        audit_event(con, user, "import", {"batch_id": batch_id, "action": "undo", "kind": info["kind"]})
        commit(con)
    except BaseException:
        rollback(con)
        raise
    if restore:
        target, previous = restore
        if previous is None:
            target.unlink(missing_ok=True)
        else:
            tmp = target.with_name(f".{target.name}.undo.tmp")
            shutil.copy2(previous, tmp)
            os.replace(tmp, target)
    return result


def _sha256(path: Path) -> str | None:
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else None


def finish_boundary_import(con, geodata_path: Path) -> int | None:
    """Finish a boundaries import that committed but whose new file never replaced the old one.

    A boundaries import commits the database, then renames its staged file over ``geodata_path``:
    a process killed between the two leaves the batch recorded as loaded with the old map. This
    puts the staged file in place when it is exactly what the newest loaded boundaries batch wrote
    (same SHA-256), and returns that batch's id; otherwise (nothing pending, or the file was
    changed since by other means) it changes nothing and returns None. Run before the map is read
    (the app on opening a database, the CLI before an import).
    """
    geodata_path = Path(geodata_path)
    row = sql.last_loaded_boundaries(con)
    if row is None:
        return None
    batch_id, details = row[0], json.loads(row[1] or "{}")
    if Path(details.get("geodata_path", "")).resolve() != geodata_path.resolve():
        return None
    wanted = details.get("result_sha256")
    if wanted is None or _sha256(geodata_path) == wanted:
        return None
    for staged in geodata_path.parent.glob(f".{geodata_path.name}.{batch_id}.*.new"):
        if _sha256(staged) == wanted:
            os.replace(staged, geodata_path)
            return batch_id
    return None


def _boundary_restore(batch_id: int, details: dict) -> tuple[Path, Path | None]:
    target = Path(details["geodata_path"])
    if _sha256(target) != details.get("result_sha256"):
        raise ImportFailed("boundaries_changed", batch=batch_id)
    previous = details.get("previous_copy")
    if previous and not Path(previous).is_file():
        raise ImportFailed("previous_missing", path=previous)
    return target, Path(previous) if previous else None
