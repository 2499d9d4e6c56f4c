"""The county's command line: a township publishes its package, a county adds packages.

    python -m cockpit publish --out 青溪镇_2026-10 [--zip]
    python -m cockpit county add --db county.duckdb --name-zh 青溪县 --name-en "Qingxi County" PACKAGE...

``county add`` makes the county database on first use (the names are then required), verifies
each package and loads it whole or not at all; it exits 0 when every package was loaded, 1 when
one or more were refused (each said with its reason), 2 when nothing could be done.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import duckdb

from cockpit import settings
from cockpit.auth.audit_log import shell_actor
from cockpit.county.assemble import CountyError, add_packages, create_county
from cockpit.county.package import PackageError, publish
from cockpit.sample.county import generate_county
from cockpit.store.build import BuildError
from cockpit.store.owner import refuse_while_owned

__all__ = ["register"]


def _publish(args: argparse.Namespace) -> int:
    db = Path(args.db) if args.db else settings.path("db_path")
    if not db.is_file():
        print(f"error: no database at {db}", file=sys.stderr)
        return 2
    refuse_while_owned(db, "Stop the app first, or publish from a backup (python -m cockpit backup).")
    geodata = Path(args.geodata) if args.geodata else settings.path("geodata_path")
    try:
        with duckdb.connect(str(db)) as con:
            manifest = publish(con, geodata, Path(args.out), args.user or shell_actor(), as_zip=args.zip)
    except PackageError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    rows = ", ".join(f"{e['table']} {e['rows']:,}" for e in manifest.files.values())
    months = f"{manifest.months[0]}..{manifest.months[-1]}" if manifest.months else "no months"
    print(f"{args.out}: package of township {manifest.township_code} {manifest.name_zh} ({months}; {rows})")
    return 0


def _county_add(args: argparse.Namespace) -> int:
    db = Path(args.db)
    refuse_while_owned(db, "Stop the county's app first: packages are added while no app holds the file.")
    try:
        if not db.exists():
            if not (args.name_zh and args.name_en):
                print(f"error: {db} does not exist; give --name-zh and --name-en to make it", file=sys.stderr)
                return 2
            print(create_county(db, args.name_zh, args.name_en, actor=shell_actor()))
        results = add_packages(db, [Path(p) for p in args.packages], args.user or shell_actor())
    except (CountyError, BuildError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    for r in results:
        if r.loaded:
            rows = ", ".join(f"{t} {n:,}" for t, n in r.rows.items())
            print(f"{r.package}: township {r.township} {r.name_zh} {'replaced' if r.replaced else 'added'} ({rows})")
            for table, ids in r.conflicts.items():
                print(f"  note: {table} {', '.join(ids)} already defined otherwise in the county; the county's "
                      "definition is kept")
        else:
            print(f"{r.package}: refused: {r.refused}", file=sys.stderr)
    return 0 if all(r.loaded for r in results) else 1


def _county_sample(args: argparse.Namespace) -> int:
    try:
        summary = generate_county(Path(args.out), townships=args.townships, months=args.months, end=args.end)
    except FileExistsError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(summary)
    db = Path(args.out) / "county.duckdb"
    print(f"start it: COCKPIT_DB={db} COCKPIT_GEODATA={db.with_suffix('.geojson')} make run "
          "(demo accounts as for the sample township)")
    return 0


def register(sub) -> None:
    """Add ``publish`` and ``county add`` to the ``python -m cockpit`` parser's subcommands."""
    pub = sub.add_parser("publish", help="write the township's data package for the county (no personal data)")
    pub.add_argument("--out", required=True, help="a new folder (or, with --zip, a new .zip file)")
    pub.add_argument("--zip", action="store_true", help="write one zip file instead of a folder")
    pub.add_argument("--db", default=None, help="database file (default: db_path setting)")
    pub.add_argument("--geodata", default=None, help="boundary file (default: geodata_path setting)")
    pub.add_argument("--user", default=None, help="who publishes (recorded; default: the login name)")
    pub.set_defaults(func=_publish)

    county = sub.add_parser("county", help="the county's database of townships' packages")
    actions = county.add_subparsers(dest="county_command", required=True)
    add = actions.add_parser("add", help="verify township packages and load each whole into the county database")
    add.add_argument("packages", nargs="+", help="package folders or zip files")
    add.add_argument("--db", required=True, help="the county database (made on first use)")
    add.add_argument("--name-zh", default=None, help="the county's name in Chinese, when the database is made")
    add.add_argument("--name-en", default=None, help="the county's name in English, when the database is made")
    add.add_argument("--user", default=None, help="who adds (recorded; default: the login name)")
    add.set_defaults(func=_county_add)
    sample = actions.add_parser("sample", help="make a synthetic county of townships, from packages to the database")
    sample.add_argument("--out", default="county_sample", help="a new folder (default: county_sample)")
    sample.add_argument("--townships", type=int, default=12, help="townships (default 12)")
    sample.add_argument("--months", type=int, default=24, help="months of history")
    sample.add_argument("--end", default="2026-10", help="last month YYYY-MM (default 2026-10, as the sample)")
    sample.set_defaults(func=_county_sample)
