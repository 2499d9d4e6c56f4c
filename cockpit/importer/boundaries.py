"""Village boundaries from GeoJSON: read, check feature by feature, merge into the boundary file.

Accepted: a FeatureCollection, a single Feature, or a bare Polygon/MultiPolygon geometry (its
village is named by the user); holes and islands; properties missing or nested (flattened to
``admin.code``); a legacy ``crs`` member (reprojected); GCJ-02 coordinates (converted on
request). The village code is taken from the property the column mapping names, and features
join villages on that code, never on names (names repeat). Each feature is checked on its own:
an unknown village, a missing or non-polygon geometry or coordinates outside the township reject
that feature only; invalid polygons are repaired (``shapely.make_valid``) and flagged; polygons
that overlap another village by more than 1 % of the smaller one are flagged.

The boundary file of the app (setting ``geodata_path``) is then rewritten with the accepted
features replacing or adding villages; the other villages keep their polygons untouched.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow.compute as pc
import shapely
from pyproj import CRS
from pyproj.exceptions import CRSError
from shapely.geometry import MultiPolygon, Polygon, mapping as to_geojson, shape

from cockpit.geo import boundaries as geo
from cockpit.importer import coords
from cockpit.importer.kinds import KINDS
from cockpit.importer.problems import ImportFailed, Problem
from cockpit.importer.reading import RawTable, decode, table_from_records
from cockpit.importer.romanize import name_in_english
from cockpit.importer.validate import Checked, Context, Issue, Options, validate

__all__ = ["read_geojson", "validate_boundaries", "new_village", "merged_collection", "write_atomic", "read_collection",
           "OVERLAP_SHARE"]

OVERLAP_SHARE = 0.01
_POLYGONAL = ("Polygon", "MultiPolygon")
_WGS84 = {"EPSG:4326", "OGC:CRS84", "URN:OGC:DEF:CRS:OGC:1.3:CRS84", "URN:OGC:DEF:CRS:EPSG::4326"}


def read_geojson(data: bytes) -> tuple[RawTable, list[Any]]:
    """The features' properties as a RawTable (line = feature number) and their geometries."""
    text, encoding = decode(data)
    try:
        doc = json.loads(text)
    except (json.JSONDecodeError, RecursionError) as exc:
        raise ImportFailed("bad_json", error=str(exc)[:200]) from None
    if not isinstance(doc, dict) or "type" not in doc:
        raise ImportFailed("not_geojson")
    notes = []
    if doc["type"] == "FeatureCollection":
        features = doc.get("features")
        if not isinstance(features, list):
            raise ImportFailed("not_geojson")
    elif doc["type"] == "Feature":
        features = [doc]
    elif doc["type"] in (*_POLYGONAL, "GeometryCollection"):
        features = [{"type": "Feature", "properties": {}, "geometry": doc}]
        notes.append(Problem("note_bare_geometry"))
    else:
        raise ImportFailed("not_geojson")
    if not features:
        raise ImportFailed("no_features")
    props = [(f.get("properties") if isinstance(f, dict) and isinstance(f.get("properties"), dict) else {})
             for f in features]
    geometries = [f.get("geometry") if isinstance(f, dict) else None for f in features]
    raw = table_from_records(props, "geojson") if any(props) else RawTable(
        [], [[] for _ in features], list(range(1, len(features) + 1)), "geojson")
    raw.encoding = encoding
    raw.notes = notes
    crs = _crs(doc)
    if crs is not None:
        geometries = [_reproject(g, crs) for g in geometries]
        raw.notes.append(Problem("note_reprojected", {"crs": str(crs)}))
    return raw, geometries


def _crs(doc: dict):
    crs = doc.get("crs")
    if crs is None:
        return None
    name = crs.get("properties", {}).get("name") if isinstance(crs, dict) else None
    if not isinstance(name, str):
        raise ImportFailed("bad_crs", crs=str(crs)[:80])
    if name.upper() in _WGS84:
        return None
    try:
        return CRS.from_user_input(name)
    except CRSError:
        raise ImportFailed("bad_crs", crs=name) from None


def _reproject(geometry, crs):
    if not isinstance(geometry, dict):
        return geometry
    from pyproj import Transformer

    transformer = Transformer.from_crs(crs, "EPSG:4326", always_xy=True)
    try:
        geom = shape(geometry)
    except Exception:  # noqa: BLE001 - reported per feature later
        return geometry
    return to_geojson(shapely.transform(geom, lambda xy: np.column_stack(transformer.transform(xy[:, 0], xy[:, 1]))))


def _polygonal(geom):
    if geom.geom_type in _POLYGONAL:
        return geom
    polys = [g for g in getattr(geom, "geoms", []) if g.geom_type == "Polygon"]
    for g in getattr(geom, "geoms", []):
        if g.geom_type in ("MultiPolygon", "GeometryCollection"):
            sub = _polygonal(g)
            polys.extend(getattr(sub, "geoms", [sub]) if not sub.is_empty else [])
    if not polys:
        return Polygon()
    return polys[0] if len(polys) == 1 else MultiPolygon(polys)


def _geometry(raw_geom, box: coords.BBox, options: Options) -> tuple[Any, list[tuple[Problem, str]]]:
    """A valid polygonal shapely geometry and its (problem, severity) list; None when unusable."""
    if not isinstance(raw_geom, dict):
        return None, [(Problem("no_geometry"), "error")]
    gtype = raw_geom.get("type")
    if gtype not in (*_POLYGONAL, "GeometryCollection"):
        return None, [(Problem("not_polygon", {"type": gtype}), "error")]
    try:
        geom = _polygonal(shape(raw_geom))
    except Exception as exc:  # noqa: BLE001 - shapely raises many types for malformed coordinates
        return None, [(Problem("bad_geometry", {"error": str(exc)[:120] or type(exc).__name__}), "error")]
    if geom.is_empty:
        return None, [(Problem("no_geometry"), "error")]
    problems = []
    c = geom.centroid
    if not box.contains(c.x, c.y):
        if box.contains(c.y, c.x):
            geom = shapely.transform(geom, lambda xy: xy[:, ::-1].copy())
            problems.append((Problem("coords_swapped"), "flag"))
        else:
            return None, [(Problem("coords_outside", {"lon": round(c.x, 6), "lat": round(c.y, 6),
                                                      "box": str(box)}), "error")]
    if options.gcj02:
        geom = shapely.transform(geom, coords.gcj02_to_wgs84_coords)
    if not geom.is_valid:
        geom = _polygonal(shapely.make_valid(geom))
        if geom.is_empty:
            return None, [(Problem("geometry_unrepairable"), "error")]
        problems.append((Problem("geometry_repaired"), "flag"))
    return geom, problems


def validate_boundaries(raw: RawTable, geometries: list, mapping: dict[str, str | None], ctx: Context,
                        options: Options = Options(), existing: dict | None = None) -> Checked:
    """Check the features; ``existing`` is the current boundary file (FeatureCollection dict)."""
    if not raw.headers or (options.village_id and not mapping.get("village_id")):
        if not options.village_id:
            raise ImportFailed("bare_geometry_needs_village")
        raw = RawTable(["village_id"], [[options.village_id] for _ in raw.rows], raw.lines, raw.source_format,
                       raw.encoding, notes=raw.notes)
        mapping = {**mapping, "village_id": "village_id"}
    checked = validate(raw, KINDS["boundaries"], mapping, ctx)
    known = ctx.ids.get("villages", set())
    ids = checked.rows.column("village_id").to_pylist()
    names = checked.rows.column("name_zh").to_pylist()
    lines = checked.rows.column("_line").to_pylist()
    index_of = {line: i for i, line in enumerate(raw.lines)}
    geoms: dict[str, Any] = {}
    for vid, name, line in zip(ids, names, lines):
        i = index_of[line]
        issues = []
        if vid not in known and not options.create_villages:
            issues.append((Problem("unknown_ref", {"value": vid, "table": "villages"}), "error"))
        elif vid not in known and not name:
            issues.append((Problem("new_village_no_name", {"value": vid}), "error"))
        geom, found = _geometry(geometries[i], ctx.box, options)
        issues += found
        for problem, severity in issues:
            issue = Issue(line, "village_id" if problem.code == "unknown_ref" else "geometry",
                          mapping.get("village_id") or "", vid, problem, severity)
            (checked.rejected if severity == "error" else checked.flagged).setdefault(i, []).append(issue)
        if i not in checked.rejected:
            geoms[vid] = (geom, i)
    keep = [line for vid, line in zip(ids, lines) if index_of[line] not in checked.rejected]
    checked.rows = checked.rows.filter(pc.is_in(checked.rows.column("_line"), value_set=_int_array(keep)))
    _overlaps(geoms, existing, raw, mapping, checked)
    names = [n for n in checked.rows.column("name_zh").to_pylist() if n]
    repeated = sorted(n for n, c in _count(names).items() if c > 1)
    if repeated:
        checked.notes.append(Problem("note_names_repeat", {"names": repeated}))
    checked.extra["geometries"] = {vid: g for vid, (g, _) in geoms.items()}
    if options.create_villages:
        new = [r for r in checked.rows.to_pylist() if r["village_id"] not in known]
        checked.extra["new_villages"] = [new_village(r) for r in new]
        if new:
            checked.notes.append(Problem("note_new_villages", {"n": len(new)}))
    return checked


def new_village(row: dict) -> dict:
    """The villages row a boundary feature of an unknown code creates: its code and names (the
    English one romanised when the file has none), kind and urban/rural from the file or assumed
    (an administrative village, rural; a community, urban), population from the file or 0 until
    the township fills it in; the location is set from the polygon when loaded."""
    kind = row.get("kind") or "village"
    return {"village_id": row["village_id"], "name_zh": row["name_zh"],
            "name_en": name_in_english(row.get("name_en"), row["name_zh"]), "kind": kind,
            "area_group": row.get("area_group") or ("rural" if kind == "village" else "urban"),
            "population": row.get("population") or 0}


def _int_array(values):
    import pyarrow as pa

    return pa.array(values, type=pa.int32())


def _count(items) -> dict:
    out: dict = {}
    for x in items:
        out[x] = out.get(x, 0) + 1
    return out


def _overlaps(geoms: dict, existing: dict | None, raw: RawTable, mapping: dict, checked: Checked) -> None:
    others = {}
    for f in (existing or {}).get("features", []):
        vid = str((f.get("properties") or {}).get("village_id", ""))
        if vid and vid not in geoms:
            try:
                others[vid] = shape(f["geometry"])
            except Exception:  # noqa: BLE001 - the current file was checked when it was written
                continue
    everything = [(vid, g) for vid, (g, _) in geoms.items()] + list(others.items())
    if len(everything) < 2:
        return
    tree = shapely.STRtree([g for _, g in everything])
    for a, (vid, (geom, i)) in enumerate(geoms.items()):
        for b in tree.query(geom, predicate="intersects"):
            if b == a:
                continue
            other_id, other = everything[b]
            share = geom.intersection(other).area / max(min(geom.area, other.area), 1e-18)
            if share > OVERLAP_SHARE:
                issue = Issue(raw.lines[i], "geometry", mapping.get("village_id") or "", vid,
                              Problem("overlaps", {"other": other_id, "share": f"{share:.0%}"}), "flag")
                checked.flagged.setdefault(i, []).append(issue)


def read_collection(path: Path) -> dict | None:
    """The current boundary file as a dict, or None when there is none."""
    path = Path(path)
    if not path.is_file():
        return None
    return json.loads(path.read_text(encoding="utf-8-sig"))


def merged_collection(existing: dict | None, checked: Checked, villages: dict[str, dict]) -> dict:
    """``existing`` with the accepted features replacing or adding villages (file order kept).

    ``villages`` maps village_id to its database row (names, kind, area_group) for the properties.
    """
    new = checked.extra["geometries"]
    names = {r["village_id"]: r for r in checked.rows.select(["village_id", "name_zh", "name_en"]).to_pylist()}
    features, done = [], set()

    def feature(vid: str, old_props: dict) -> dict:
        db = villages.get(vid, {})
        name_zh = names[vid]["name_zh"] or db.get("name_zh") or old_props.get("name_zh")
        name_en = db.get("name_en") or names[vid]["name_en"] or old_props.get("name_en")
        props = {**old_props, "village_id": vid, "name_zh": name_zh,
                 "name_en": name_in_english(name_en, name_zh) if name_zh else name_en}
        for extra in ("kind", "area_group"):
            if db.get(extra):
                props[extra] = db[extra]
        return {"type": "Feature", "properties": props, "geometry": to_geojson(new[vid])}

    for f in (existing or {}).get("features", []):
        vid = str((f.get("properties") or {}).get("village_id", ""))
        if vid in new:
            features.append(feature(vid, f.get("properties") or {}))
            done.add(vid)
        else:
            features.append(f)
    features += [feature(vid, {}) for vid in new if vid not in done]
    return {"type": "FeatureCollection", "features": features}


def write_atomic(doc: dict, path: Path) -> str:
    """Write ``doc`` to ``path`` through a temporary file checked by :func:`cockpit.geo.boundaries.
    load_villages_geojson`; return the SHA-256 of what was written."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    data = json.dumps(doc, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        tmp.write_bytes(data)
        import warnings

        with warnings.catch_warnings():
            warnings.simplefilter("ignore", geo.GeoRepairWarning)
            geo.load_villages_geojson(tmp)
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()
    return hashlib.sha256(data).hexdigest()
