"""Command line of the database's care: ``check``, ``backup``, ``restore``.

    python -m cockpit check [--db FILE]
    python -m cockpit backup --out DIR [--db FILE]      # also while the app runs
    python -m cockpit restore DIR [--db FILE]           # with the app stopped
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

__all__ = ["register"]


def _db(args) -> Path:
    from cockpit import settings

    return Path(args.db) if args.db else settings.path("db_path")


def _check(args: argparse.Namespace) -> int:
    import duckdb

    from cockpit.store.health import check_database
    from cockpit.store.owner import current_owner

    db = _db(args)
    if not db.is_file():
        print(f"error: no database at {db}", file=sys.stderr)
        return 2
    owner = current_owner(db)
    if owner is not None:
        print(f"error: {db} is in use by {owner.describe()}, which alone may open it. Check a backup instead: "
              "python -m cockpit backup --out DIR, then python -m cockpit check --db DIR/<backup>/cockpit.duckdb",
              file=sys.stderr)
        return 2
    try:
        con = duckdb.connect(str(db), read_only=True)
    except duckdb.Error as exc:
        print(f"error: {db} cannot be read now ({exc})", file=sys.stderr)
        return 2
    try:
        health = check_database(con)
    finally:
        con.close()
    print(f"{db}\n{health.report()}")
    return 0 if health.ok else 1


def _backup(args: argparse.Namespace) -> int:
    from cockpit import settings
    from cockpit.cli import _actor
    from cockpit.store.backup import BackupError, make_backup

    try:
        done = make_backup(_db(args), Path(args.out), settings.path("imports_dir"), by=_actor())
    except BackupError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    rows = sum(done.manifest["rows"].values())
    print(f"backup: {done.folder} ({len(done.manifest['files'])} files, {rows:,} rows, "
          f"schema version {done.manifest['schema_version']})")
    return 0


def _restore(args: argparse.Namespace) -> int:
    from cockpit import settings
    from cockpit.store.backup import BackupError, restore_backup

    try:
        kept = restore_backup(Path(args.folder), _db(args), settings.path("imports_dir"))
    except BackupError as exc:
        print(f"error: {exc}. Nothing was changed.", file=sys.stderr)
        return 2
    print(f"restored {args.folder} into {_db(args)}; the database it replaced is kept as {kept}")
    return 0


def register(sub) -> None:
    chk = sub.add_parser("check", help="schema version, row counts and broken references of the database")
    chk.add_argument("--db", default=None, help="database file (default: db_path setting)")
    chk.set_defaults(func=_check)
    bak = sub.add_parser("backup", help="a consistent copy of the database and the kept originals, with a manifest")
    bak.add_argument("--out", required=True, help="folder the backup is made in (a new folder inside it)")
    bak.add_argument("--db", default=None, help="database file (default: db_path setting)")
    bak.set_defaults(func=_backup)
    res = sub.add_parser("restore", help="verify a backup and put it in place of the database (app stopped)")
    res.add_argument("folder", help="a backup folder made by `backup`")
    res.add_argument("--db", default=None, help="database file (default: db_path setting)")
    res.set_defaults(func=_restore)
