"""Command-line imports and exports: ``python -m cockpit import|export|imports|undo``.

    python -m cockpit import cases 12345工单_2026年10月.xlsx --user zhang
    python -m cockpit import boundaries villages.geojson --gcj02
    python -m cockpit import cases la311_2026-11.csv --map case_id=SRNumber --map category_id=RequestType \\
        --value "category_id:Bulky Items=sanitation" --value "channel:Voice In=hotline"
    python -m cockpit export cases --format parquet --out cases.parquet
    python -m cockpit imports            # the record of imports and exports
    python -m cockpit undo 12

Exit codes of ``import``: 0 loaded (rejected rows, if any, are in the quarantine), 1 nothing
loaded (no valid row, or a rejected row with --all-or-nothing), 2 the file or the database
cannot be used. Messages are in English; the data page shows the same in Chinese.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

__all__ = ["register"]

_SHOWN_PROBLEMS = 20


def _fail(message: str) -> SystemExit:
    """Exit 2 (the file or the database cannot be used) after saying why on stderr."""
    print(message, file=sys.stderr)
    return SystemExit(2)


def _connect(args, read_only: bool = False):
    import duckdb

    from cockpit.store.owner import refuse_while_owned

    from cockpit import settings
    from cockpit.store.build import BuildError, upgrade_database

    db = Path(args.db) if args.db else settings.path("db_path")
    if not db.is_file():
        raise _fail(f"error: no database at {db} (build one with: python -m cockpit init-db, "
                    "or start a township with: python -m cockpit new-township)")
    refuse_while_owned(db, "Import and export through its Data page (数据管理), or stop the app first.")
    try:
        if read_only:
            return duckdb.connect(str(db), read_only=True)
        upgrade_database(db)
        return duckdb.connect(str(db))
    except (duckdb.Error, BuildError) as exc:
        raise _fail(f"error: {db} cannot be opened for {'reading' if read_only else 'writing'} ({exc}); "
                    "is the app or another command using it? Import through the data page, or stop the app.") from None


def _mapped(mapping: dict, upload, args: argparse.Namespace) -> dict:
    """The suggested (or saved) ``mapping`` with the command line's ``--map field=column`` and
    ``--unmap field`` applied; ValueError naming an unknown field or column."""
    fields = {f.name for f in upload.kind.fields}
    out = dict(mapping)
    for name in args.unmap or ():
        if name not in fields:
            raise ValueError(f"--unmap {name}: {upload.kind.name} has no field {name!r} ({', '.join(sorted(fields))})")
        out[name] = None
    for item in args.map or ():
        name, eq, column = item.partition("=")
        if not eq or name not in fields:
            raise ValueError(f"--map {item!r}: write FIELD=COLUMN with a field of {upload.kind.name} "
                             f"({', '.join(sorted(fields))})")
        if column not in upload.raw.headers:
            raise ValueError(f"--map {item!r}: the file has no column {column!r} "
                             f"(its columns: {', '.join(upload.raw.headers)})")
        out = {f: (None if h == column else h) for f, h in out.items()}   # a column feeds one field
        out[name] = column
    return out


def _translations(saved: dict, given: list[str] | None) -> dict[str, dict[str, str]]:
    """The saved value translations with the command line's ``--value field:theirs=ours`` added."""
    from cockpit.importer.translations import parse_value_option

    tables = {f: dict(t) for f, t in saved.items()}
    for item in given or ():
        name, theirs, ours = parse_value_option(item)
        tables.setdefault(name, {})[theirs] = ours
    return tables


def _import(args: argparse.Namespace) -> int:
    from cockpit import settings
    from cockpit.i18n import Translator
    from cockpit.importer import ImportFailed, Options, check, load, open_upload, saved_for, source_name, \
        suggested_mapping
    from cockpit.importer.translations import value_options
    from cockpit.importer.pipeline import finish_boundary_import
    from cockpit.importer.report import report_csv, summary
    from cockpit.store import imports as imports_sql

    path = Path(args.file)
    try:
        data = path.read_bytes()
    except OSError as exc:
        print(f"error: {path}: {exc.strerror or exc}", file=sys.stderr)
        return 2
    con = _connect(args)
    try:
        upload = open_upload(data, path.name, args.kind)
        source = args.mapping or source_name(path.name)
        if args.mapping and imports_sql.saved_mapping(con, source, args.kind) is None:
            print(f"note: no mapping saved under {source!r} for {args.kind}: using the suggestions")
        saved = saved_for(con, source, args.kind)
        try:
            mapping = _mapped(suggested_mapping(con, upload, source), upload, args)
            tables = _translations(saved.values if saved else {}, args.value)
        except ValueError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2
        print(f"{path.name}: {len(upload.raw.rows):,} rows, encoding {upload.raw.encoding}, "
              f"delimiter {upload.raw.delimiter!r}")
        for note in upload.raw.notes:
            print(f"note: {note.text()}")
        print("mapping: " + ", ".join(f"{f} <- {h!r}" for f, h in mapping.items() if h))
        print("not mapped: " + (", ".join(f for f, h in mapping.items() if not h) or "-"))
        if tables:
            print("values: " + "; ".join(f"{f}: {theirs!r} = {ours}" for f, t in sorted(tables.items())
                                        for theirs, ours in sorted(t.items())))
        options = Options(gcj02=args.gcj02, village_id=args.village_id, create_villages=args.create_villages,
                          values=value_options(tables))
        geodata = Path(args.geodata) if args.geodata else settings.path("geodata_path")
        finished = finish_boundary_import(con, geodata)
        if finished is not None:
            print(f"note: finished boundaries import #{finished}, whose file had not been put in place")
        checked = check(con, upload, mapping, options, geodata_path=geodata)
        counts = summary(checked)
        print("checked: {rows_in:,} rows, {rows_valid:,} valid, {rows_rejected:,} rejected, "
              "{rows_flagged:,} flagged".format(**counts))
        for note in checked.notes:
            if note not in upload.raw.notes:
                print(f"note: {note.text()}")
        issues = checked.issues()
        for issue in issues[:_SHOWN_PROBLEMS]:
            print(f"line {issue.line}: {issue.severity}: {issue.header or issue.field}: {issue.problem.text()}")
        if len(issues) > _SHOWN_PROBLEMS:
            print(f"… {len(issues) - _SHOWN_PROBLEMS:,} more problems" + ("" if args.report else
                                                                        " (write them all with --report FILE)"))
        if args.report:
            Path(args.report).write_bytes(report_csv(checked, Translator("en")))
            print(f"report: {args.report}")
        imports_dir = Path(args.imports_dir) if args.imports_dir else settings.path("imports_dir")
        result = load(con, upload, checked, mode="all_or_nothing" if args.all_or_nothing else "valid_rows",
                      user=args.user, source=source, imports_dir=imports_dir, geodata_path=geodata,
                      options=options)
    except ImportFailed as exc:
        print(f"error: {path.name}: {exc.problem.text()}", file=sys.stderr)
        return 2
    finally:
        con.close()
    if result.status != "loaded":
        print(f"import #{result.batch_id}: nothing loaded: {result.message.text()}")
        return 1
    print(f"import #{result.batch_id} loaded: {result.inserted:,} new, {result.updated:,} updated, "
          f"{result.unchanged:,} unchanged, {result.rejected:,} rejected (in the quarantine); "
          f"original kept at {result.stored_path}")
    if result.created:
        print(f"{result.created:,} villages created from their boundaries (fill in kind, urban/rural and population)")
    if result.placed:
        print(f"{result.placed:,} villages without a location placed at a point inside their boundary")
    return 0


def _export(args: argparse.Namespace) -> int:
    from cockpit.importer import export_table

    con = _connect(args)
    try:
        data = export_table(con, args.table, args.format, allow_personal=args.allow_personal, user=args.user)
    except KeyError as exc:
        print(f"error: {exc.args[0]}", file=sys.stderr)
        return 2
    finally:
        con.close()
    Path(args.out).write_bytes(data)
    print(f"{args.table} written to {args.out} ({len(data):,} bytes, personal data "
          f"{'included' if args.allow_personal else 'masked'})")
    return 0


def _list(args: argparse.Namespace) -> int:
    from cockpit.store import imports as imports_sql

    con = _connect(args, read_only=True)
    try:
        frame = imports_sql.batches(con, args.limit)
    finally:
        con.close()
    if frame.empty:
        print("no imports yet")
        return 0
    cols = ["batch_id", "finished_at", "user_name", "direction", "kind", "file_name", "status", "rows_in",
            "rows_loaded", "rows_rejected"]
    print(frame[cols].to_string(index=False))
    return 0


def _undo(args: argparse.Namespace) -> int:
    from cockpit.importer import ImportFailed, undo

    con = _connect(args)
    try:
        result = undo(con, args.batch_id, args.user)
    except ImportFailed as exc:
        print(f"error: {exc.problem.text()}", file=sys.stderr)
        return 1
    finally:
        con.close()
    detail = "; ".join(f"{table}: {d:,} removed, {r:,} restored" for table, (d, r) in result.tables.items())
    print(f"import #{args.batch_id} undone: {result.inserted:,} rows removed, {result.updated:,} restored"
          + (f" ({detail})" if detail else ""))
    return 0


def register(sub) -> None:
    """Add the import, export, imports and undo commands to the CLI's subparsers."""
    from cockpit.importer.kinds import KIND_NAMES
    from cockpit.store.imports import EXPORT_TABLES

    imp = sub.add_parser("import", help="import a file: check every row, load in one transaction, keep a record")
    imp.add_argument("kind", choices=KIND_NAMES, help="what the file holds")
    imp.add_argument("file", help="CSV/TXT, Excel .xlsx, Open311 JSON (cases) or GeoJSON (boundaries)")
    imp.add_argument("--db", default=None, help="database file (default: db_path setting)")
    imp.add_argument("--mapping", metavar="NAME", default=None,
                     help="source name whose saved column mapping to use, and to save under "
                          "(default: the file name without dates)")
    imp.add_argument("--all-or-nothing", action="store_true", help="load nothing when any row is rejected")
    imp.add_argument("--user", default="local", help="who imports (recorded)")
    imp.add_argument("--gcj02", action="store_true", help="coordinates are GCJ-02: convert them to WGS84")
    imp.add_argument("--village-id", default=None, help="boundaries: the village of a bare geometry")
    imp.add_argument("--create-villages", action="store_true",
                     help="boundaries: a feature whose code the township does not know creates its village")
    imp.add_argument("--map", action="append", metavar="FIELD=COLUMN",
                     help="feed FIELD from the file's COLUMN (repeat for more); saved with the source")
    imp.add_argument("--unmap", action="append", metavar="FIELD",
                     help="leave FIELD without a column (repeat for more); saved with the source")
    imp.add_argument("--value", action="append", metavar="FIELD:THEIRS=OURS",
                     help="a value of the file's FIELD means our code OURS, e.g. channel:Voice In=hotline "
                          "(repeat for more); saved with the source")
    imp.add_argument("--report", metavar="FILE", default=None, help="write the validation report (CSV)")
    imp.add_argument("--geodata", default=None, help="boundary file (default: geodata_path setting)")
    imp.add_argument("--imports-dir", default=None, help="where originals are kept (default: imports_dir)")
    imp.set_defaults(func=_import)

    exp = sub.add_parser("export", help="export a table as CSV or Parquet (personal data masked)")
    exp.add_argument("table", choices=EXPORT_TABLES)
    exp.add_argument("--format", choices=("csv", "parquet"), default="csv")
    exp.add_argument("--out", required=True, help="file to write")
    exp.add_argument("--db", default=None, help="database file (default: db_path setting)")
    exp.add_argument("--allow-personal", action="store_true",
                     help="write callers' names, phones and addresses unmasked (recorded)")
    exp.add_argument("--user", default="local", help="who exports (recorded)")
    exp.set_defaults(func=_export)

    lst = sub.add_parser("imports", help="list the imports and exports, newest first")
    lst.add_argument("--db", default=None, help="database file (default: db_path setting)")
    lst.add_argument("--limit", type=int, default=50)
    lst.set_defaults(func=_list)

    und = sub.add_parser("undo", help="undo an import (removes exactly its rows)")
    und.add_argument("batch_id", type=int)
    und.add_argument("--db", default=None, help="database file (default: db_path setting)")
    und.add_argument("--user", default="local", help="who undoes it (recorded)")
    und.set_defaults(func=_undo)
