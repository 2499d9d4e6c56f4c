"""A township data package: what a township sends its county, and the check a county makes of it.

A package is a folder (or one zip of it) holding the township's tables as Parquet, its village
boundaries as GeoJSON and ``manifest.json``: the package format and its version, the township
(code and names), the months covered and those closed (月结), the schema version, and for every
file its rows, bytes and SHA-256, with when and by whom it was made. Nothing personal leaves the
township: no callers' contacts, no case summaries, no exact points of cases (store/package_sql.py).
Publishing is audited. :func:`verify` refuses a package whose files do not match the manifest, whose
format or schema version is not this cockpit's, or that carries a personal column, naming why.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import zipfile
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Iterator

import duckdb

from cockpit.auth.audit_log import audit, now
from cockpit.text.privacy import PERSONAL_COLUMNS
from cockpit.store.schema import MIGRATIONS
from cockpit.store import package_sql as sql
from cockpit.store.backup import file_sha256
from cockpit.store.migrate import current_version

__all__ = ["FORMAT", "FORMAT_VERSION", "PackageError", "Manifest", "township_code", "publish", "verify",
           "unpacked"]

FORMAT, FORMAT_VERSION = "cockpit-township-package", 1
MANIFEST = "manifest.json"
BOUNDARIES = "boundaries.geojson"
_FORBIDDEN = set(PERSONAL_COLUMNS) | {"lon", "lat"}   # in cases; villages and facilities keep their places
_PLACED_TABLES = ("villages", "facilities")


class PackageError(Exception):
    """A package that cannot be made or used; the message says which file and why."""


@dataclass(frozen=True)
class Manifest:
    township_code: str
    name_zh: str
    name_en: str
    months: tuple[str, ...]
    closed: tuple[str, ...]
    schema_version: int
    files: dict[str, dict]
    made_at: str
    made_by: str

    def as_json(self) -> str:
        return json.dumps({"format": FORMAT, "format_version": FORMAT_VERSION,
                           "township": {"code": self.township_code, "name_zh": self.name_zh, "name_en": self.name_en},
                           "months": {"first": self.months[0] if self.months else None,
                                      "last": self.months[-1] if self.months else None, "all": list(self.months)},
                           "closed_months": list(self.closed), "schema_version": self.schema_version,
                           "files": self.files, "made_at": self.made_at, "made_by": self.made_by},
                          ensure_ascii=False, indent=1, sort_keys=True)


def township_code(meta: dict, village_ids: list[str]) -> str:
    """The township's code: meta ``township_code``, else the first nine digits its 12-digit village
    codes share (统计用区划代码: province, prefecture, county, township).

    >>> township_code({}, ["350781105201", "350781105001"]), township_code({"township_code": "X1"}, [])
    ('350781105', 'X1')
    """
    if meta.get("township_code"):
        return meta["township_code"]
    heads = {v[:9] for v in village_ids if len(v) == 12 and v.isdigit()}
    if len(heads) == 1 and len(village_ids) and all(len(v) == 12 for v in village_ids):
        return heads.pop()
    raise PackageError("the township has no code: its villages do not share a 12-digit code's first nine "
                       "digits; set meta township_code")


def publish(con: duckdb.DuckDBPyConnection, geodata_path: Path | None, out: Path, user: str,
            as_zip: bool = False, at: datetime | None = None) -> Manifest:
    """Write the package of the database ``con`` to the folder ``out`` (or the zip ``out`` with
    ``as_zip``), made in a temporary folder beside it and moved into place whole; audit it."""
    out = Path(out)
    if out.exists():
        raise PackageError(f"{out}: exists; a package is written to a new folder or file")
    facts = sql.township_meta(con)
    code = township_code(facts["meta"], facts["villages"])
    out.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=".package-", dir=out.parent))
    try:
        files = {}
        for table in sql.PACKAGE_TABLES:
            path = work / f"{table}.parquet"
            sql.write_parquet(con, table, path)
            files[path.name] = {"table": table, "rows": sql.row_count(con, path)}
        if geodata_path is not None and Path(geodata_path).is_file():
            shutil.copyfile(geodata_path, work / BOUNDARIES)
            files[BOUNDARIES] = {"table": "boundaries",
                                 "rows": len(json.loads((work / BOUNDARIES).read_text(encoding="utf-8"))["features"])}
        for name, entry in files.items():
            entry.update(bytes=(work / name).stat().st_size, sha256=file_sha256(work / name))
        manifest = Manifest(code, facts["meta"].get("township_name_zh", ""), facts["meta"].get("township_name_en", ""),
                            tuple(facts["months"]), tuple(facts["closed"]), current_version(con), files,
                            (at or now()).isoformat(), user)
        (work / MANIFEST).write_text(manifest.as_json(), encoding="utf-8")
        if as_zip:
            packed = work.with_suffix(".zip")
            with zipfile.ZipFile(packed, "w", zipfile.ZIP_STORED) as z:
                for path in sorted(work.iterdir()):
                    z.write(path, path.name)
            os.replace(packed, out)
        else:
            os.replace(work, out)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    audit(con, user, "publish", {"package": str(out), "township": code, "files": len(files),
                                 "months": [manifest.months[0], manifest.months[-1]] if manifest.months else [],
                                 "cases": files["cases.parquet"]["rows"]})
    return manifest


def _folder(package: Path) -> tuple[Path, Path | None]:
    """The folder of ``package``, unpacking a zip into a temporary folder (returned second)."""
    if package.is_dir():
        return package, None
    if not zipfile.is_zipfile(package):
        raise PackageError(f"{package}: neither a package folder nor a zip")
    tmp = Path(tempfile.mkdtemp(prefix=".unpacked-"))
    with zipfile.ZipFile(package) as z:
        for name in z.namelist():
            if "/" in name or "\\" in name or name.startswith("."):
                shutil.rmtree(tmp, ignore_errors=True)
                raise PackageError(f"{package}: {name!r} is not a file of a package")
        z.extractall(tmp)
    return tmp, tmp


@contextmanager
def unpacked(package: Path) -> Iterator[Path]:
    """The folder of ``package`` while the block runs (a zip is unpacked into a temporary folder)."""
    folder, tmp = _folder(Path(package))
    try:
        yield folder
    finally:
        if tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)


def verify(package: Path) -> Manifest:
    """The manifest of ``package`` once every file matches it (SHA-256, bytes, rows), its format and
    schema version are this cockpit's and no file carries a personal column; PackageError otherwise."""
    package = Path(package)
    folder, tmp = _folder(package)
    try:
        try:
            doc = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise PackageError(f"{package}: no readable {MANIFEST} ({exc})") from None
        if doc.get("format") != FORMAT or doc.get("format_version") != FORMAT_VERSION:
            raise PackageError(f"{package}: not a {FORMAT} version {FORMAT_VERSION} "
                               f"(says {doc.get('format')!r} {doc.get('format_version')!r})")
        latest = max(MIGRATIONS)
        if doc.get("schema_version") != latest:
            raise PackageError(f"{package}: made with schema version {doc.get('schema_version')}, this cockpit "
                               f"reads version {latest}: publish it again from an up-to-date cockpit")
        files = doc.get("files") or {}
        on_disk = {p.name for p in folder.iterdir()} - {MANIFEST}
        if on_disk - set(files):
            raise PackageError(f"{package}: files the manifest does not list: {', '.join(sorted(on_disk - set(files)))}")
        with duckdb.connect() as con:
            for name, entry in sorted(files.items()):
                path = folder / name
                if not path.is_file():
                    raise PackageError(f"{package}: {name} is missing")
                if path.stat().st_size != entry.get("bytes") or file_sha256(path) != entry.get("sha256"):
                    raise PackageError(f"{package}: {name} does not match its checksum: changed or damaged")
                if name.endswith(".parquet"):
                    columns = set(sql.parquet_columns(con, path))
                    personal = sorted(columns & (set(PERSONAL_COLUMNS) if entry.get("table") in _PLACED_TABLES
                                                 else _FORBIDDEN))
                    if personal:
                        raise PackageError(f"{package}: {name} carries personal data ({', '.join(personal)})")
                    if sql.row_count(con, path) != entry.get("rows"):
                        raise PackageError(f"{package}: {name} holds a different number of rows than its manifest")
        t = doc["township"]
        months = doc.get("months") or {}
        return Manifest(t["code"], t.get("name_zh", ""), t.get("name_en", ""), tuple(months.get("all") or ()),
                        tuple(doc.get("closed_months") or ()), doc["schema_version"], files, doc.get("made_at", ""),
                        doc.get("made_by", ""))
    finally:
        if tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)
