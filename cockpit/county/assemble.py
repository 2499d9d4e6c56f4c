"""A county database built from its townships' data packages (``python -m cockpit county add``).

Each package is verified first (cockpit.county.package.verify: checksums, format and schema
version, no personal column) and then loaded in one transaction: every table of the township, its
standing month closes among them (under its code), or, when anything fails, nothing. A township's
newer package replaces what the county held of it, its closes included; an
older or equally old one is refused as stale, as is a second package of one township in the same
run and a package whose villages another township of the county already holds. The county's
keys and shared lists are explained in cockpit/store/county_sql.py.

The packages are loaded, not read in place: every page of the cockpit then reads the county as it
reads a township, with the same queries and indexes (measured in bench/bench_county.py).
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from cockpit.auth.audit_log import audit, now
from cockpit.county.package import BOUNDARIES, MANIFEST, Manifest, PackageError, unpacked, verify
from cockpit.store import county_sql as sql
from cockpit.store.atomic import atomic
from cockpit.store.new_township import new_database
from cockpit.store.real_data import mark_real_data

__all__ = ["Added", "CountyError", "add_packages", "create_county"]

COUNTY_LEVEL = "county"


class CountyError(Exception):
    """The county database cannot be made or used; says why."""


@dataclass(frozen=True)
class Added:
    """What became of one package: ``loaded`` with its rows by table, or ``refused`` with why."""

    package: str
    township: str = ""
    name_zh: str = ""
    loaded: bool = False
    rows: dict[str, int] = field(default_factory=dict)
    replaced: bool = False
    conflicts: dict[str, list[str]] = field(default_factory=dict)   # shared ids defined otherwise
    refused: str = ""


def create_county(db: Path, name_zh: str, name_en: str, actor: str | None = None,
                  synthetic: bool = False) -> str:
    """Create the empty county database ``db`` (no townships yet; built beside it and renamed into
    place); one line saying so. ``synthetic``: the sample county (its demo accounts may sign in)."""
    db = Path(db)
    with new_database(db, "county", name_zh, name_en) as con:
        sql.new_county(con, name_zh.strip(), name_en.strip(), synthetic)
        if not synthetic:
            mark_real_data(con, actor, {"via": "county", "county": name_zh.strip()}, new_database=True)
    return f"{db}: new county {name_zh.strip()} / {name_en.strip()} (no townships yet)"


def add_packages(db: Path, packages: list[Path], user: str, geodata: Path | None = None) -> list[Added]:
    """Add each of ``packages`` to the county database ``db``; what became of each, in order. The
    villages' boundaries a package carries go into ``geodata`` (default: ``db`` with the suffix
    .geojson, the county app's COCKPIT_GEODATA), in place of the township's earlier ones."""
    db = Path(db)
    geodata = Path(geodata) if geodata is not None else db.with_suffix(".geojson")
    if not db.is_file():
        raise CountyError(f"{db}: no county database (make one with --name-zh and --name-en)")
    out, seen = [], set()
    with duckdb.connect(str(db)) as con:
        if sql.level(con) != COUNTY_LEVEL:
            raise CountyError(f"{db}: a township's database, not a county's")
        for package in map(Path, packages):
            try:
                manifest = verify(package)
            except PackageError as exc:
                out.append(Added(str(package), refused=str(exc)))
                continue
            if manifest.township_code in seen:
                out.append(Added(str(package), manifest.township_code, manifest.name_zh,
                                 refused=f"township {manifest.township_code} comes twice in this run"))
                continue
            seen.add(manifest.township_code)
            out.append(_add(con, package, manifest, user, geodata))
    return out


def _add(con: duckdb.DuckDBPyConnection, package: Path, manifest: Manifest, user: str, geodata: Path) -> Added:
    code = manifest.township_code
    held = sql.registered(con).get(code)
    if held is not None and manifest.made_at <= (held["made_at"] or ""):
        return Added(str(package), code, manifest.name_zh,
                     refused=f"stale: the county holds township {code}'s package made {held['made_at']}, "
                             f"this one was made {manifest.made_at}")
    with unpacked(package) as folder:
        clash = sql.villages_elsewhere(con, code, folder / "villages.parquet")
        if clash:
            village, other = clash[0]
            return Added(str(package), code, manifest.name_zh,
                         refused=f"village {village} belongs to township {other} of the county "
                                 f"({len(clash)} such villages)")
        try:
            with atomic(con):
                if held is not None:
                    sql.remove_township(con, code)
                conflicts = {t: c for t in sql.SHARED_TABLES
                             if (c := sql.load_shared(con, t, folder / f"{t}.parquet"))}
                rows = {t: sql.load_own(con, code, t, folder / f"{t}.parquet") for t in sql.OWN_TABLES}
                sql.register_township(con, {
                    "township_code": code, "name_zh": manifest.name_zh, "name_en": manifest.name_en,
                    "first_month": manifest.months[0] if manifest.months else None,
                    "last_month": manifest.months[-1] if manifest.months else None,
                    "closed_months": ",".join(manifest.closed), "villages": rows["villages"], "cases": rows["cases"],
                    "made_at": manifest.made_at, "made_by": manifest.made_by,
                    "manifest_sha256": hashlib.sha256((folder / MANIFEST).read_bytes()).hexdigest(),
                    "added_at": now(), "added_by": user})
                audit(con, user, "county_add", {"package": str(package), "township": code, "rows": rows,
                                                "replaced": held is not None})
        except (duckdb.Error, OSError) as exc:
            return Added(str(package), code, manifest.name_zh, refused=f"not loaded, nothing changed: {exc}")
        if (folder / BOUNDARIES).is_file():
            own = {v for c, _, _, v in sql.township_villages(con) if c == code}
            _merge_boundaries(geodata, own, folder / BOUNDARIES)
    return Added(str(package), code, manifest.name_zh, True, rows, held is not None, conflicts)


def _merge_boundaries(geodata: Path, villages: set[str], boundaries: Path) -> None:
    """Put the package's village boundaries into the county's file, in place of those of
    ``villages`` (the township's), written beside it and renamed into place."""
    county = json.loads(geodata.read_text(encoding="utf-8")) if geodata.is_file() else {
        "type": "FeatureCollection", "features": []}
    theirs = json.loads(boundaries.read_text(encoding="utf-8"))["features"]
    kept = [f for f in county["features"] if (f.get("properties") or {}).get("village_id") not in villages]
    county["features"] = kept + theirs
    tmp = geodata.with_name(f".{geodata.name}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps(county, ensure_ascii=False), encoding="utf-8")
    os.replace(tmp, geodata)
