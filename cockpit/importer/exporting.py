"""Exports of whole tables as CSV or Parquet, respecting the personal-data policy, and recorded.

Callers' names, phones and addresses (case_contacts, and the personal cells of quarantined rows)
are masked (cockpit.text.privacy) unless ``allow_personal``, and so are the places cases are about:
their coordinates are rounded to a grid of :data:`cockpit.text.privacy.GRID_DEG` degrees, so no exact
point sits beside a masked caller. :func:`export_changes` says what an export changes (the export
dialog shows it). Users are never exported. Every export is recorded in import_batches (direction
"export") and, where it exists, in the audit log, with what was masked and generalised.
"""

from __future__ import annotations

import hashlib
import io
import json

import duckdb
import pandas as pd

from cockpit.text.csv_export import to_csv_bytes
from cockpit.importer.pipeline import audit_event, now
from cockpit.text.privacy import GRID_DEG, LOCATION_COLUMNS, PERSONAL_COLUMNS, generalise_coordinate, \
    generalise_frame, mask_frame
from cockpit.store import imports as sql
from cockpit.store.atomic import begin, commit, rollback

__all__ = ["export_table", "mask_quarantine", "export_changes"]

_RAW_MASKS = {**PERSONAL_COLUMNS, **{c: generalise_coordinate for cols in LOCATION_COLUMNS.values() for c in cols}}


def export_changes(table: str, allow_personal: bool) -> dict[str, list[str]]:
    """What an export of ``table`` changes: ``{"masked": [columns], "generalised": [columns]}``
    (both empty with ``allow_personal``). The quarantine's raw rows count as the columns they may
    hold.

    >>> export_changes("cases", False)
    {'masked': ['summary'], 'generalised': ['lon', 'lat']}
    >>> export_changes("cases", True)
    {'masked': [], 'generalised': []}
    """
    if allow_personal:
        return {"masked": [], "generalised": []}
    if table == "quarantine":
        return {"masked": list(PERSONAL_COLUMNS), "generalised": sorted({c for cols in LOCATION_COLUMNS.values()
                                                                          for c in cols}, reverse=True)}
    columns = sql.table_columns(table)
    return {"masked": [c for c in PERSONAL_COLUMNS if c in columns],
            "generalised": [c for c in LOCATION_COLUMNS.get(table, ()) if c in columns]}


def mask_quarantine(frame: pd.DataFrame) -> pd.DataFrame:
    """Quarantine rows with the personal cells of raw_row masked (personal_keys dropped)."""
    out = frame.copy()
    for i, (raw, keys) in enumerate(zip(out["raw_row"], out["personal_keys"])):
        if not keys or not raw:
            continue
        record, personal = json.loads(raw), json.loads(keys)
        for header, fieldname in personal.items():
            if record.get(header) is not None and fieldname in _RAW_MASKS:
                record[header] = _RAW_MASKS[fieldname](str(record[header]))
        out.iat[i, out.columns.get_loc("raw_row")] = json.dumps(record, ensure_ascii=False)
    return out.drop(columns=["personal_keys"])


def export_table(con: duckdb.DuckDBPyConnection, table: str, fmt: str, *, allow_personal: bool = False,
                 user: str = "local", record: bool = True) -> bytes:
    """The table as CSV (UTF-8 with BOM, formula-safe) or Parquet bytes; personal fields masked
    unless ``allow_personal``. The export is recorded in import_batches (and the audit log)."""
    if fmt not in ("csv", "parquet"):
        raise ValueError(f"format must be csv or parquet, got {fmt!r}")
    frame = sql.read_table(con, table)
    generalised: list[str] = []
    if table == "quarantine" and not allow_personal:
        frame = mask_quarantine(frame)
    else:
        frame = mask_frame(frame, allowed=allow_personal)
        if not allow_personal:
            frame, generalised = generalise_frame(frame, table)
    if fmt == "csv":
        data = to_csv_bytes(frame)
    else:
        buffer = io.BytesIO()
        frame.to_parquet(buffer, index=False)
        data = buffer.getvalue()
    if record:
        at = now()
        begin(con)
        try:
            sql.record_batch(con, {"batch_id": sql.next_batch_id(con), "direction": "export", "kind": table,
                                   "file_name": f"{table}.{fmt}", "sha256": hashlib.sha256(data).hexdigest(),
                                   "file_bytes": len(data), "user_name": user, "started_at": at,
                                   "finished_at": at, "status": "exported", "rows_in": len(frame),
                                   "details": json.dumps({"format": fmt, "personal": allow_personal,
                                                          "generalised": generalised})})
            audit_event(con, user, "export", {"table": table, "format": fmt, "rows": len(frame),
                                         "personal": allow_personal, "generalised": generalised,
                                         **({"grid_deg": GRID_DEG} if generalised else {})})
            commit(con)
        except BaseException:
            rollback(con)
            raise
    return data
