"""The command-line interface: generate a sample township, build the database, print settings,
manage users, import and export, check, back up and restore the database."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

__all__ = ["main"]


def _generate(args: argparse.Namespace) -> int:
    from cockpit.sample.generate import generate

    summary = generate(
        out_dir=Path(args.out),
        geo_dir=Path(args.geo_out) if args.geo_out else None,
        villages=args.villages,
        months=args.months,
        cases_per_year=args.cases_per_year,
        seed=args.seed,
        end=args.end,
    )
    print(summary)
    return 0


def _actor() -> str:
    from cockpit.auth.audit_log import shell_actor  # the command line starts without the database's modules

    return shell_actor()


def _init_db(args: argparse.Namespace) -> int:
    from cockpit import settings
    from cockpit.store.build import BuildError, build_database
    from cockpit.store.owner import refuse_while_owned

    src = Path(args.from_dir) if args.from_dir else settings.path("sample_dir")
    db = Path(args.db) if args.db else settings.path("db_path")
    refuse_while_owned(db, "Stop the app first: a database cannot be built or replaced under a running app.")
    try:
        report = build_database(src, db, replace=args.replace, actor=_actor())
    except BuildError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(report)
    return 0


def _new_township(args: argparse.Namespace) -> int:
    from cockpit import settings
    from cockpit.sample import catalog
    from cockpit.store.build import BuildError
    from cockpit.store.new_township import create_township
    from cockpit.store.owner import refuse_while_owned

    db = Path(args.db) if args.db else settings.path("db_path")
    refuse_while_owned(db, "Stop the app first: a database cannot be built or replaced under a running app.")
    reference = {"domains": catalog.domains_frame(), "departments": catalog.departments_frame(),
                 "categories": catalog.categories_frame(), "norms": catalog.norms_frame()}
    try:
        print(create_township(db, args.name_zh, args.name_en, reference, actor=_actor()))
    except BuildError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print("next: create the first administrator "
          f"(python -m cockpit users add NAME --role administrator --db {db}), start the app on this file "
          f"(COCKPIT_DB={db} COCKPIT_GEODATA={db.with_suffix('.geojson')} make run) and import the village "
          "boundaries on the Data page")
    return 0


def _settings(args: argparse.Namespace) -> int:
    from cockpit.settings import settings_table_markdown, update_readme

    if args.update_readme:
        update_readme(Path(args.update_readme))
        print(f"{args.update_readme}: settings table updated")
    else:
        print(settings_table_markdown())
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m cockpit", description="Township digital cockpit")
    sub = parser.add_subparsers(dest="command", required=True)

    gen = sub.add_parser("generate", help="write a synthetic township as CSV and GeoJSON")
    gen.add_argument("--villages", type=int, default=18, help="administrative villages besides the seat")
    gen.add_argument("--months", type=int, default=24, help="months of history")
    gen.add_argument("--cases-per-year", type=int, default=4000, help="citizen appeals per year")
    gen.add_argument("--seed", type=int, default=20261, help="random seed")
    gen.add_argument("--end", default=None, help="last month YYYY-MM (default: last full month)")
    gen.add_argument("--out", default="sample_data", help="folder for the CSV files")
    gen.add_argument("--geo-out", default=None, help="folder for GeoJSON (default: OUT/../geodata)")
    gen.set_defaults(func=_generate)

    init = sub.add_parser("init-db", help="build the DuckDB database from a folder of CSV files")
    init.add_argument("--from", dest="from_dir", default=None, help="folder of CSV files (default: sample_dir)")
    init.add_argument("--db", default=None, help="database file (default: db_path setting)")
    init.add_argument("--replace", action="store_true", help="rebuild even if the database exists")
    init.set_defaults(func=_init_db)

    new = sub.add_parser("new-township", help="create an empty database for your own township")
    new.add_argument("--name-zh", required=True, help="the township's name in Chinese, e.g. 青溪镇")
    new.add_argument("--name-en", required=True, help="the township's name in English, e.g. Qingxi Town")
    new.add_argument("--db", default=None, help="database file to create (default: db_path setting)")
    new.set_defaults(func=_new_township)

    st = sub.add_parser("settings", help="print the settings table (Markdown)")
    st.add_argument("--update-readme", metavar="README", default=None,
                    help="rewrite the table between the settings markers of this file")
    st.set_defaults(func=_settings)

    from cockpit.auth.cli import register as register_users

    register_users(sub)  # users add|passwd|role|disable|enable|list (cockpit/auth/cli.py)

    from cockpit.importer.cli import register as register_imports

    register_imports(sub)  # import|export|imports|undo (cockpit/importer/cli.py)

    from cockpit.store.cli import register as register_care

    register_care(sub)  # check|backup|restore (cockpit/store/cli.py)

    from cockpit.county.cli import register as register_county

    register_county(sub)  # publish|county add (cockpit/county/cli.py)

    args = parser.parse_args(argv)
    return args.func(args)
