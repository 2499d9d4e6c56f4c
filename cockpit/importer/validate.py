"""Check every row of a mapped file against the schema and the database; nothing is dropped silently.

Each row ends up either accepted (typed, ready to load) or rejected with one or more problems
naming its line, the column, the value and the reason. Rows that load but look wrong are
flagged, never fixed: a case closed before it was received, swapped coordinates (swapped back),
a case whose status says open but that has a closing time.

What is filled in (always said in the report's notes) and the row checks of cases and tasks are
in :mod:`cockpit.importer.derive`. A date without a time means the start of the day, except for
due and closing times, where it means the end of the day (23:59:59), so a case closed on its due
day counts on time and one closed on the day it was received is not flagged as closed before
received.

Duplicate keys: rows that repeat another row exactly are rejected as copies of the first; rows
that share a key but differ are all rejected, each naming the other lines.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any, Callable

import pyarrow as pa

from cockpit.importer import coords, dates, derive, values
from cockpit.importer.derive import END_OF_DAY_FIELDS
from cockpit.importer.kinds import DERIVED, REFERENCES, UPDATES_BY_KEY, Field, Kind
from cockpit.importer.mapping import missing_required
from cockpit.importer.problems import ImportFailed, Problem, ValueProblem
from cockpit.importer.reading import RawTable
from cockpit.importer.translations import translate
from cockpit.values.import_context import Context

__all__ = ["Context", "Options", "Issue", "Checked", "validate", "ARROW_TYPES", "END_OF_DAY_FIELDS",
           "UPDATED_WHEN_DERIVED"]

ARROW_TYPES = {"VARCHAR": pa.string(), "INTEGER": pa.int32(), "SMALLINT": pa.int16(),
               "BIGINT": pa.int64(), "DOUBLE": pa.float64(), "BOOLEAN": pa.bool_(),
               "TIMESTAMP": pa.timestamp("us"), "DATE": pa.date32()}
# Filled-in columns that an update of an existing row changes too (they follow from the file's data);
# defaults that do not (channel "hotline", an English name copied from the Chinese) fill new rows only.
UPDATED_WHEN_DERIVED = frozenset({"status", "due_at", "department_id", "village_id"})
_NAMED = ("villages", "categories", "departments", "domains", "party_branches")
_PLACED_BY_POINT = ("cases", "facilities")   # a row without a known village is placed by its point


@dataclass(frozen=True)
class Options:
    gcj02: bool = False                # coordinates are GCJ-02 (Amap, Tencent): convert to WGS84
    village_id: str | None = None      # boundaries: the village of a bare geometry
    create_villages: bool = False      # boundaries: a feature of an unknown code creates its village
    values: tuple[tuple[str, str, str], ...] = ()  # value translations: (field, their value, our code)

    def translations(self) -> dict[str, dict[str, str]]:
        """The value translations as field -> their value -> our code."""
        out: dict[str, dict[str, str]] = {}
        for name, theirs, ours in self.values:
            out.setdefault(name, {})[theirs] = ours
        return out


@dataclass(frozen=True)
class Issue:
    """A problem of one row: ``severity`` is "error" (row rejected) or "flag" (row kept)."""

    line: int
    field: str
    header: str
    value: Any
    problem: Problem
    severity: str = "error"


@dataclass
class Checked:
    """The outcome of :func:`validate`."""

    kind: Kind
    raw: RawTable
    mapping: dict[str, str | None]
    rows: pa.Table                       # accepted rows: the table's columns plus _line
    contacts: pa.Table | None            # cases: personal fields of accepted cases (case_contacts)
    rejected: dict[int, list[Issue]]     # row index -> problems
    flagged: dict[int, list[Issue]]
    notes: list[Problem]
    extra: dict = field(default_factory=dict)   # kind-specific results (boundaries: geometries)
    supplied: frozenset = frozenset()           # columns the file gives: an update changes only these

    @property
    def rows_in(self) -> int:
        return len(self.raw.rows)

    @property
    def rows_valid(self) -> int:
        return self.rows_in - len(self.rejected)

    @property
    def rows_flagged(self) -> int:
        """Rows that load with a warning (a rejected row's flags do not count: it does not load)."""
        return sum(1 for i in self.flagged if i not in self.rejected)

    def issues(self) -> list[Issue]:
        """Every problem, in line order (errors before flags on a line)."""
        out = [i for v in self.rejected.values() for i in v] + [i for v in self.flagged.values() for i in v]
        return sorted(out, key=lambda i: (i.line, i.severity != "error"))


class _Rows:
    """Per-row problems, collected while the columns are checked."""

    def __init__(self, raw: RawTable, mapping: dict[str, str | None]):
        self.raw, self.mapping = raw, mapping
        self.errors: dict[int, list[Issue]] = defaultdict(list)
        self.flags: dict[int, list[Issue]] = defaultdict(list)
        self.translated = 0   # cells read through a value translation

    def add(self, i: int, fieldname: str, problem: Problem, value: Any = None, severity: str = "error") -> None:
        header = self.mapping.get(fieldname) or ""
        if value is None and header:
            value = self.raw.rows[i][self.raw.headers.index(header)]
        issue = Issue(self.raw.lines[i], fieldname, header, value, problem, severity)
        (self.errors if severity == "error" else self.flags)[i].append(issue)


def _parse_cell(f: Field, value: Any):
    p = f.parser
    if p == "id":
        return values.parse_id(value)
    if p == "text":
        return values.parse_text(value)
    if p == "int":
        return values.parse_int(value, f.sql_type)
    if p == "float":
        return values.parse_float(value)
    if p == "share":
        return values.parse_share(value)
    if p == "bool":
        return values.parse_bool(value)
    if p == "satisfaction":
        return values.parse_satisfaction(value)
    if p == "period":
        return values.parse_period(value)
    if p == "quarter":
        return values.parse_quarter(value)
    if p == "datetime":
        return dates.parse_datetime(value)
    if p == "date":
        return dates.parse_date(value)
    if p == "point":
        return coords.parse_point(value)
    if p.startswith("enum:"):
        return values.parse_enum(value, p[5:])
    raise ValueError(f"unknown parser {p!r}")


def _parse_columns(raw: RawTable, kind: Kind, mapping, rows: _Rows, progress,
                   translations: dict[str, dict[str, str]] | None = None) -> tuple[dict, dict]:
    cols: dict[str, list] = {}
    date_only: dict[str, set[int]] = {}
    mapped = [f for f in kind.fields if mapping.get(f.name)]
    for done, f in enumerate(mapped):
        j = raw.headers.index(mapping[f.name])
        table = (translations or {}).get(f.name)
        out = []
        for i, row in enumerate(raw.rows):
            cell = translate(row[j], table)
            rows.translated += cell is not row[j]
            try:
                out.append(_parse_cell(f, cell) if cell is not None else None)
            except ValueProblem as exc:
                rows.add(i, f.name, exc.problem, cell)
                out.append(None)
        if f.parser == "datetime":
            date_only[f.name] = {i for i, v in enumerate(out) if v is not None and not v[1]}
            out = [v[0] if v is not None else None for v in out]
        cols[f.name] = out
        if progress:
            progress((done + 1) / max(1, len(mapped)))
    return cols, date_only


def _coordinates(cols: dict, kind: Kind, ctx: Context, options: Options, rows: _Rows, notes: list) -> None:
    if "lon" not in {f.name for f in kind.fields}:
        return
    n = len(rows.raw.rows)
    lon, lat = cols.get("lon", [None] * n), cols.get("lat", [None] * n)
    point = cols.pop("point", None)
    where = "lon" if rows.mapping.get("lon") else "point"
    swapped = 0
    for i in range(n):
        if point is not None and point[i] is not None and lon[i] is None and lat[i] is None:
            lat[i], lon[i] = point[i]
        if (lon[i] is None) != (lat[i] is None):
            rows.add(i, "lat" if lat[i] is None else "lon", Problem("coords_incomplete"))
            lon[i] = lat[i] = None
            continue
        if lon[i] is None:
            continue
        try:
            lon[i], lat[i], was_swapped = coords.settle(lon[i], lat[i], ctx.box)
        except ValueProblem as exc:
            rows.add(i, where, exc.problem, f"{lon[i]}, {lat[i]}")
            lon[i] = lat[i] = None
            continue
        if was_swapped:
            swapped += 1
            rows.add(i, where, Problem("coords_swapped"), f"{lat[i]}, {lon[i]}", severity="flag")
        if options.gcj02:
            lon[i], lat[i] = coords.gcj02_to_wgs84(lon[i], lat[i])
    cols["lon"], cols["lat"] = lon, lat
    if swapped:
        notes.append(Problem("note_swapped", {"rows": swapped}))
    if options.gcj02:
        notes.append(Problem("note_gcj02"))


def _references(cols: dict, kind: Kind, ctx: Context, rows: _Rows, notes: list) -> dict[int, str]:
    """Resolve references by id or unique name; return the rows whose village is unknown but that
    have a point (cases, facilities): :func:`derive.locate` places them or rejects them."""
    placeable = kind.name in _PLACED_BY_POINT and cols.get("lon") is not None
    unknown_villages: dict[int, str] = {}
    for column, ref in REFERENCES.get(kind.table or "", {}).items():
        vals = cols.get(column)
        if vals is None:
            continue
        known = ctx.ids.get(ref, set())
        names = ctx.names.get(ref, {}) if ref in _NAMED else {}
        by_name = 0
        for i, v in enumerate(vals):
            if v is None or v in known:
                continue
            ids = names.get(v.lower(), [])
            if len(ids) == 1:
                vals[i] = ids[0]
                by_name += 1
            elif len(ids) > 1:
                rows.add(i, column, Problem("ambiguous_name", {"name": v, "ids": sorted(ids)}))
                vals[i] = None
            elif column == "village_id" and placeable and cols["lon"][i] is not None:
                unknown_villages[i] = v
                vals[i] = None
            else:
                rows.add(i, column, Problem("unknown_ref", {"value": v, "table": ref}))
                vals[i] = None
        if by_name:
            notes.append(Problem("note_by_name", {"rows": by_name, "field": column}))
    return unknown_villages


def _known_rows(cols: dict, kind: Kind, ctx: Context) -> set[int]:
    """Rows of a table updated by key (UPDATES_BY_KEY) whose key the database already holds: an
    update changes only the columns the file has, so the others need no value."""
    if kind.table not in UPDATES_BY_KEY:
        return set()
    (key,) = [f.name for f in kind.fields if f.key]
    have = ctx.ids.get(kind.table, set())
    return {i for i, v in enumerate(cols.get(key, ())) if v in have}


def _duplicates(cols: dict, kind: Kind, rows: _Rows) -> None:
    key = [f.name for f in kind.fields if f.key]
    if not key or any(k not in cols for k in key):
        return
    groups: dict[tuple, list[int]] = defaultdict(list)
    for i, k in enumerate(zip(*(cols[k] for k in key))):
        if None not in k:
            groups[k].append(i)
    raw, lines = rows.raw.rows, rows.raw.lines
    for k, idx in groups.items():
        if len(idx) < 2:
            continue
        first = idx[0]
        identical = all(raw[i] == raw[first] for i in idx[1:])
        for i in idx:
            others = [lines[j] for j in idx if j != i]
            if identical:
                if i != first:
                    rows.add(i, key[0], Problem("duplicate_row", {"line": lines[first]}), "/".join(k))
            else:
                rows.add(i, key[0], Problem("duplicate_key", {"id": "/".join(k), "lines": others}), "/".join(k))


def _arrow(columns: list[tuple[str, str]], cols: dict, keep: list[int], lines: list[int]) -> pa.Table:
    arrays, names = [], []
    for name, sql_type in columns:
        vals = cols.get(name)
        data = [vals[i] for i in keep] if vals is not None else [None] * len(keep)
        arrays.append(pa.array(data, type=ARROW_TYPES[sql_type]))
        names.append(name)
    arrays.append(pa.array([lines[i] for i in keep], type=pa.int32()))
    names.append("_line")
    return pa.Table.from_arrays(arrays, names=names)


def validate(raw: RawTable, kind: Kind, mapping: dict[str, str | None], ctx: Context,
             options: Options = Options(), progress: Callable[[float], None] | None = None) -> Checked:
    """Check ``raw`` mapped by ``mapping`` (field -> header) as rows of ``kind``.

    Raises ImportFailed when a required field has no column or a mapped header is not in the file.
    """
    unknown = [h for h in mapping.values() if h and h not in raw.headers]
    if unknown:
        raise ImportFailed("unknown_header", headers=unknown)
    missing = missing_required(kind, mapping)
    if missing:
        raise ImportFailed("unmapped_required", fields=missing)
    rows, notes = _Rows(raw, mapping), list(raw.notes)
    for i, line in enumerate(raw.lines):
        if line in raw.wide_rows:
            rows.add(i, "", Problem("too_many_cells", {"cells": raw.wide_rows[line], "width": len(raw.headers)}))
    cols, date_only = _parse_columns(raw, kind, mapping, rows, progress, options.translations())
    if rows.translated:
        notes.append(Problem("note_translated", {"cells": rows.translated,
                                                 "fields": [f for f in options.translations() if f in cols]}))
    _coordinates(cols, kind, ctx, options, rows, notes)
    unknown_villages = _references(cols, kind, ctx, rows, notes)
    derive.english_names(cols, kind, notes)
    if kind.name in _PLACED_BY_POINT:
        derive.locate(cols, ctx, rows, notes, unknown_villages)
    derive.end_of_day(cols, date_only, notes)
    if kind.name == "cases":
        derive.derive_cases(cols, ctx, mapping, rows, notes)
    elif kind.name == "party_tasks":
        derive.derive_tasks(cols, rows, notes)
    n = len(raw.rows)
    derived = set(DERIVED.get(kind.name, ()))
    known = _known_rows(cols, kind, ctx)
    for f in kind.fields:
        if not f.not_null:
            continue
        vals = cols.get(f.name, [None] * n)
        for i in range(n):
            if vals[i] is None and not (i in known and not mapping.get(f.name)) \
                    and not any(x.field == f.name or f.name in derived for x in rows.errors.get(i, ())):
                rows.add(i, f.name, Problem("required_empty", {"field": f.name}))
    _duplicates(cols, kind, rows)
    keep = [i for i in range(n) if i not in rows.errors]
    table_fields = [(f.name, f.sql_type) for f in kind.fields if f.table == (kind.table or "") and f.sql_type]
    accepted = _arrow(table_fields, cols, keep, raw.lines)
    contacts = None
    if kind.name == "cases":
        personal = [(f.name, f.sql_type) for f in kind.fields if f.table == "case_contacts"]
        given = [cols[p] for p, _ in personal if p in cols]
        with_contact = [i for i in keep if any(v[i] is not None for v in given)]
        if with_contact:
            contacts = _arrow([("case_id", "VARCHAR"), *personal], cols, with_contact, raw.lines)
    supplied = {f.name for f in kind.fields if mapping.get(f.name)}
    if "point" in supplied:
        supplied |= {"lon", "lat"}
    supplied |= UPDATED_WHEN_DERIVED & set(cols)
    return Checked(kind, raw, dict(mapping), accepted, contacts, dict(rows.errors), dict(rows.flags), notes,
                   supplied=frozenset(supplied - {"point"}))

