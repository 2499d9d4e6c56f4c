"""Backups a township can restore: the database, the kept original files and a manifest.

:func:`make_backup` copies the database file (and its write-ahead log) without opening it through
DuckDB, so it works while the app runs and never blocks the app's writes: the copy is kept only if
the files did not change while they were copied and the copy opens as a healthy cockpit database
(otherwise it tries again). The kept originals of imports follow, then ``manifest.json`` (when,
what, schema version, row counts, the SHA-256 of every file) is written last, and the folder is
renamed into place: a backup interrupted at any point leaves a ``.partial`` folder that
:func:`verify_backup` and :func:`restore_backup` refuse.

:func:`restore_backup` verifies a backup (checksums, the database opens, its row counts are the
manifest's), keeps the current database beside it (``<db>.before-restore-<time>``), and puts the
backup's copy in place with one rename. It refuses while an app owns the database.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

import duckdb

from cockpit.store.health import Health, check_database
from cockpit.store.owner import current_owner

__all__ = ["BackupError", "Backup", "file_sha256", "make_backup", "verify_backup", "restore_backup", "MANIFEST", "LAST",
           "list_backups", "prune_backups", "backup_due", "record_last", "read_last"]

MANIFEST = "manifest.json"
LAST = "last-backup.json"  # the outcome of the latest scheduled backup, in the backup folder
_DB_NAME = "cockpit.duckdb"


class BackupError(Exception):
    """A backup could not be made, verified or restored; the message says why."""


@dataclass(frozen=True)
class Backup:
    folder: Path
    manifest: dict


def file_sha256(path: Path) -> str:
    """The SHA-256 of the file ``path``, read in blocks (a database or a package may be large)."""
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _state(paths: list[Path]) -> tuple:
    return tuple((p.stat().st_size, p.stat().st_mtime_ns) if p.exists() else None for p in paths)


def _health(db: Path) -> Health:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return check_database(con)
    finally:
        con.close()


def _copy_database(db: Path, out: Path, attempts: int) -> Health:
    sources = [db, Path(f"{db}.wal")]
    for attempt in range(attempts):
        before = _state(sources)
        for source, name in zip(sources, (_DB_NAME, f"{_DB_NAME}.wal")):
            target = out / name
            target.unlink(missing_ok=True)
            if source.exists():
                shutil.copy2(source, target)
        if _state(sources) == before:
            try:
                health = _health(out / _DB_NAME)
            except duckdb.Error:
                health = None
            if health is not None and health.schema_version is not None:
                return health
        time.sleep(0.5 * (attempt + 1))  # the app wrote meanwhile: copy again
    raise BackupError(f"{db} kept changing while it was copied ({attempts} attempts); try again later")


def make_backup(db: Path, out_dir: Path, imports_dir: Path | None = None, *, by: str = "",
                attempts: int = 5) -> Backup:
    """Back ``db`` (and the kept originals in ``imports_dir``) up into a new folder under ``out_dir``."""
    db = Path(db)
    if not db.is_file():
        raise BackupError(f"{db}: no database to back up")
    now = dt.datetime.now()
    stamp = f"{now:%Y%m%d-%H%M%S}-{now.microsecond // 1000:03d}"
    final = Path(out_dir) / f"cockpit-backup-{stamp}"
    partial = Path(out_dir) / f".cockpit-backup-{stamp}.partial"
    partial.mkdir(parents=True, exist_ok=False)
    try:
        health = _copy_database(db, partial, attempts)
        (partial / _DB_NAME).chmod(0o444)  # a backup is not a database to work in
        kept = []
        if imports_dir is not None and Path(imports_dir).is_dir():
            shutil.copytree(imports_dir, partial / "imports")
            kept = sorted(p for p in (partial / "imports").rglob("*") if p.is_file())
        files = [p for p in (partial / _DB_NAME, partial / f"{_DB_NAME}.wal") if p.exists()] + kept
        manifest = {
            "made_at": dt.datetime.now().replace(microsecond=0).isoformat(" "), "made_by": by,
            "source": str(db), "schema_version": health.schema_version, "rows": health.rows,
            "broken_references": health.broken,
            "files": {str(p.relative_to(partial)): file_sha256(p) for p in files},
        }
        (partial / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
        os.replace(partial, final)
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    return Backup(final, manifest)


def verify_backup(folder: Path) -> Backup:
    """The backup in ``folder`` if it is whole and sound; raises :class:`BackupError` saying why not."""
    folder = Path(folder)
    if folder.name.endswith(".partial"):
        raise BackupError(f"{folder}: an unfinished backup")
    try:
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
        files = manifest["files"]
    except (OSError, ValueError, KeyError) as exc:
        raise BackupError(f"{folder}: no readable manifest ({exc})") from None
    if _DB_NAME not in files:
        raise BackupError(f"{folder}: the manifest lists no database")
    for name, digest in files.items():
        path = folder / name
        if not path.is_file() or file_sha256(path) != digest:
            raise BackupError(f"{folder}: {name} is missing or changed since the backup (checksum)")
    try:
        health = _health(folder / _DB_NAME)
    except duckdb.Error as exc:
        raise BackupError(f"{folder}: the database does not open ({exc})") from None
    if health.rows != manifest.get("rows"):
        raise BackupError(f"{folder}: row counts differ from the manifest")
    return Backup(folder, manifest)


def restore_backup(folder: Path, db: Path, imports_dir: Path | None = None) -> Path:
    """Put the backup in ``folder`` in place of ``db``; return where the replaced database was kept."""
    backup = verify_backup(folder)
    db = Path(db)
    owner = current_owner(db)
    if owner is not None and owner.pid != os.getpid():
        raise BackupError(f"{db} is in use by {owner.describe()}; stop it before restoring")
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    staged = db.with_name(f".{db.name}.restoring")
    shutil.copy2(backup.folder / _DB_NAME, staged)
    staged.chmod(0o644)
    wal = backup.folder / f"{_DB_NAME}.wal"
    kept = db.with_name(f"{db.name}.before-restore-{stamp}")
    if db.exists():
        os.replace(db, kept)
    live_wal = Path(f"{db}.wal")
    if live_wal.exists():
        os.replace(live_wal, Path(f"{kept}.wal"))
    if wal.exists():
        shutil.copy2(wal, live_wal)
    os.replace(staged, db)
    if imports_dir is not None and (backup.folder / "imports").is_dir():
        shutil.copytree(backup.folder / "imports", imports_dir, dirs_exist_ok=True)
    return kept


def list_backups(out_dir: Path) -> list[Path]:
    """The finished backups in ``out_dir``, oldest first."""
    out_dir = Path(out_dir)
    if not out_dir.is_dir():
        return []
    return sorted(p for p in out_dir.iterdir() if p.is_dir() and p.name.startswith("cockpit-backup-"))


def prune_backups(out_dir: Path, keep: int) -> list[Path]:
    """Remove all but the ``keep`` newest backups (and unfinished ones); return what was removed."""
    removed = [p for p in Path(out_dir).glob(".cockpit-backup-*.partial")]
    removed += list_backups(out_dir)[:-keep] if keep > 0 else []
    for path in removed:
        shutil.rmtree(path, ignore_errors=True)
    return removed


def backup_due(out_dir: Path, every: dt.timedelta, now: dt.datetime) -> bool:
    """True when the newest backup in ``out_dir`` is older than ``every`` (or there is none)."""
    last = read_last(out_dir)
    if last and last.get("ok") and last.get("at"):
        return now - dt.datetime.fromisoformat(last["at"]) >= every
    done = list_backups(out_dir)
    if not done:
        return True
    return now - dt.datetime.fromtimestamp(done[-1].stat().st_mtime) >= every


def record_last(out_dir: Path, at: dt.datetime, ok: bool, folder: Path | None = None, error: str = "",
                rows: int | None = None) -> None:
    """Write the outcome of a scheduled backup for the Data page to show."""
    Path(out_dir).mkdir(parents=True, exist_ok=True)
    record = {"at": at.replace(microsecond=0).isoformat(" "), "ok": ok, "folder": str(folder or ""),
              "error": error, "rows": rows}
    (Path(out_dir) / LAST).write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")


def read_last(out_dir: Path) -> dict | None:
    try:
        return json.loads((Path(out_dir) / LAST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
