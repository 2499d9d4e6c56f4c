"""Village boundaries: load and validate a GeoJSON file, and shape it for the map.

The boundaries live in a GeoJSON FeatureCollection (``geodata/villages.geojson``) with one
Polygon or MultiPolygon feature per village and a ``village_id`` property that matches
``villages.village_id`` in the database. Ids are text: ``"07"`` stays ``"07"`` and
12-digit administrative codes stay exact (a numeric id in the file is turned into its
decimal text, never into a float).

Problems in the file raise :class:`GeoDataError` (a ``ValueError``) whose message names the
file and the problem. Invalid polygons (self-intersections such as a bow-tie) are repaired
with ``shapely.make_valid``; the ids of repaired villages are listed in
``gdf.attrs["repaired_ids"]`` and reported as a :class:`GeoRepairWarning`.

Pure Python (GeoPandas/Shapely), no Streamlit.
"""

from __future__ import annotations

import json
import math
import warnings
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any, Iterable

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import CRS
from pyproj.exceptions import CRSError
from shapely.geometry import MultiPolygon, Polygon, mapping, shape
from shapely.geometry.base import BaseGeometry
from shapely.ops import polylabel

__all__ = [
    "GeoDataError",
    "GeoRepairWarning",
    "IdCheck",
    "load_villages_geojson",
    "bounds",
    "label_point",
    "label_points",
    "view_state",
    "to_feature_collection",
    "dissolve",
    "check_ids",
]

WGS84 = "EPSG:4326"
DEFAULT_ID_PROPERTY = "village_id"
# deck.gl / Mapbox web-mercator convention: the whole world is 512 px wide at zoom 0.
TILE_SIZE_PX = 512
MAX_ZOOM = 18.0
_WGS84_CRS_NAMES = {"EPSG:4326", "OGC:CRS84", "URN:OGC:DEF:CRS:OGC:1.3:CRS84",
                    "URN:OGC:DEF:CRS:EPSG::4326"}
_POLYGONAL = ("Polygon", "MultiPolygon")


class GeoDataError(ValueError):
    """A boundary file that cannot be used; the message names the file and the problem."""


class GeoRepairWarning(UserWarning):
    """Some village polygons were invalid and have been repaired; ``ids`` lists them."""

    def __init__(self, path: str | Path, ids: list[str]):
        self.path = str(path)
        self.ids = list(ids)
        super().__init__(f"{path}: repaired invalid geometry of {len(ids)} village(s): {', '.join(ids)}")


@dataclass(frozen=True)
class IdCheck:
    """How the ids of a boundary file compare with the villages in the database."""

    missing: tuple[str, ...]   # villages with no polygon
    unknown: tuple[str, ...]   # polygons of no known village

    @property
    def ok(self) -> bool:
        return not self.missing and not self.unknown


def _fail(path: str | Path, problem: str) -> GeoDataError:
    return GeoDataError(f"{path}: {problem}")


def _id_text(value: Any) -> str | None:
    """Return an id as text, or None when it is missing or not a usable id."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int):
        return str(value)
    if isinstance(value, Decimal):
        if value == value.to_integral_value():
            return str(int(value))
        return None
    if isinstance(value, str):
        text = value.strip()
        return text or None
    return None


def _name_text(value: Any) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def _read_json(path: Path) -> Any:
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise _fail(path, "file not found") from None
    except OSError as exc:
        raise _fail(path, f"cannot read the file ({exc.strerror or exc})") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise _fail(path, "not UTF-8 text, so not a GeoJSON file") from None
    try:
        # Decimal keeps numeric ids exact; coordinates are turned into floats later.
        return json.loads(text, parse_float=Decimal)
    except json.JSONDecodeError as exc:
        raise _fail(path, f"not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})") from None


def _floats(coords: Any) -> Any:
    """Nested coordinate lists with Decimal/int turned into float (shapely wants numbers)."""
    if isinstance(coords, list):
        return [_floats(c) for c in coords]
    if isinstance(coords, (int, Decimal)) and not isinstance(coords, bool):
        return float(coords)
    return coords


def _source_crs(path: Path, doc: dict) -> CRS | None:
    """The legacy ``crs`` member (GeoJSON 2008), if it names something other than WGS84."""
    crs = doc.get("crs")
    if crs is None:
        return None
    name = crs.get("properties", {}).get("name") if isinstance(crs, dict) else None
    if not isinstance(name, str):
        raise _fail(path, "the 'crs' member has no properties.name")
    if name.upper() in _WGS84_CRS_NAMES:
        return None
    try:
        return CRS.from_user_input(name)
    except CRSError:
        raise _fail(path, f"unknown coordinate reference system {name!r}") from None


def _polygonal_part(geom: BaseGeometry) -> BaseGeometry:
    """The polygonal part of a (repaired) geometry: Polygon, MultiPolygon or empty."""
    if geom.geom_type in _POLYGONAL:
        return geom
    polys: list[Polygon] = []
    for part in getattr(geom, "geoms", []):
        if part.geom_type == "Polygon":
            polys.append(part)
        elif part.geom_type in ("MultiPolygon", "GeometryCollection"):
            sub = _polygonal_part(part)
            polys.extend(getattr(sub, "geoms", [sub]) if not sub.is_empty else [])
    if not polys:
        return Polygon()
    return polys[0] if len(polys) == 1 else MultiPolygon(polys)


def _feature_geometry(path: Path, index: int, vid: str, feature: dict) -> BaseGeometry:
    where = f"feature #{index} ({vid})"
    geo = feature.get("geometry")
    if not isinstance(geo, dict):
        raise _fail(path, f"{where} has no geometry")
    gtype = geo.get("type")
    if gtype not in _POLYGONAL:
        raise _fail(path, f"{where} has a {gtype} geometry; only Polygon and MultiPolygon are allowed")
    try:
        geom = shape({"type": gtype, "coordinates": _floats(geo.get("coordinates"))})
    except Exception as exc:  # shapely raises several types for malformed coordinates
        raise _fail(path, f"{where} has malformed {gtype} coordinates ({exc})") from None
    if geom.is_empty:
        raise _fail(path, f"{where} has an empty geometry")
    return geom


def load_villages_geojson(path: str | Path, id_property: str = DEFAULT_ID_PROPERTY) -> gpd.GeoDataFrame:
    """Load a FeatureCollection of village polygons.

    Returns a GeoDataFrame with columns ``village_id`` (text), ``name_zh``, ``name_en``
    (missing, i.e. NA, where the file has no such property) and ``geometry`` in EPSG:4326, in file order.
    ``gdf.attrs["repaired_ids"]`` lists the villages whose invalid polygons were repaired
    (also reported as a :class:`GeoRepairWarning`). Raises :class:`GeoDataError`.
    """
    path = Path(path)
    doc = _read_json(path)
    if not isinstance(doc, dict) or "type" not in doc:
        raise _fail(path, "not a GeoJSON object (no 'type' member)")
    if doc["type"] == "Feature":
        features = [doc]
    elif doc["type"] == "FeatureCollection":
        features = doc.get("features")
        if not isinstance(features, list):
            raise _fail(path, "the FeatureCollection has no 'features' list")
    else:
        raise _fail(path, f"expected a GeoJSON FeatureCollection, found type {doc['type']!r}")
    if not features:
        raise _fail(path, "the FeatureCollection has no features")
    source_crs = _source_crs(path, doc)

    rows: list[dict] = []
    first_seen: dict[str, int] = {}
    repaired: list[str] = []
    for index, feature in enumerate(features, start=1):
        if not isinstance(feature, dict) or feature.get("type") != "Feature":
            raise _fail(path, f"item #{index} of 'features' is not a GeoJSON Feature")
        props = feature.get("properties") or {}
        if not isinstance(props, dict):
            raise _fail(path, f"feature #{index} has properties that are not an object")
        vid = _id_text(props.get(id_property))
        if vid is None:
            raise _fail(path, f"feature #{index} has no usable '{id_property}' property "
                              f"(found {props.get(id_property)!r})")
        if vid in first_seen:
            raise _fail(path, f"duplicate {id_property} {vid!r} (features #{first_seen[vid]} and #{index})")
        first_seen[vid] = index
        geom = _feature_geometry(path, index, vid, feature)
        if not geom.is_valid:
            geom = _polygonal_part(shapely.make_valid(geom))
            if geom.is_empty:
                raise _fail(path, f"feature #{index} ({vid}) has an invalid polygon that cannot be repaired")
            repaired.append(vid)
        rows.append({"village_id": vid, "name_zh": _name_text(props.get("name_zh")),
                     "name_en": _name_text(props.get("name_en")), "geometry": geom})

    gdf = gpd.GeoDataFrame(rows, geometry="geometry", crs=source_crs or WGS84)
    if source_crs is not None:
        gdf = gdf.to_crs(WGS84)
    minx, miny, maxx, maxy = gdf.total_bounds
    if not (-180 <= minx <= maxx <= 180 and -90 <= miny <= maxy <= 90):
        raise _fail(path, "coordinates are not longitude/latitude (EPSG:4326); "
                          "reproject the file or declare its 'crs'")
    gdf.attrs["repaired_ids"] = repaired
    gdf.attrs["source"] = str(path)
    if repaired:
        warnings.warn(GeoRepairWarning(path, repaired), stacklevel=2)
    return gdf


def bounds(gdf: gpd.GeoDataFrame) -> tuple[float, float, float, float]:
    """``(minx, miny, maxx, maxy)`` of all villages, in degrees."""
    if gdf.empty:
        raise ValueError("no geometries")
    minx, miny, maxx, maxy = (float(v) for v in gdf.total_bounds)
    return minx, miny, maxx, maxy


def label_point(geom: BaseGeometry) -> tuple[float, float]:
    """A point well inside the polygon (the largest part's pole of inaccessibility)."""
    parts = list(geom.geoms) if geom.geom_type == "MultiPolygon" else [geom]
    poly = max(parts, key=lambda p: p.area)
    minx, miny, maxx, maxy = poly.bounds
    tolerance = max(maxx - minx, maxy - miny) / 200 or 1e-9
    point = polylabel(poly, tolerance=tolerance)
    if not poly.contains(point):
        point = poly.representative_point()
    return float(point.x), float(point.y)


def label_points(gdf: gpd.GeoDataFrame) -> pd.DataFrame:
    """One label position per village inside its polygon: columns village_id, lon, lat."""
    coords = [label_point(g) for g in gdf.geometry]
    return pd.DataFrame({"village_id": list(gdf["village_id"]),
                         "lon": [c[0] for c in coords], "lat": [c[1] for c in coords]})


def _mercator_y(lat: float) -> float:
    lat = max(min(lat, 85.0511), -85.0511)
    return math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))


def view_state(gdf: gpd.GeoDataFrame, width_px: int = 1000, height_px: int = 700,
               padding: float = 0.05) -> dict[str, float]:
    """Centre and zoom that fit all villages into a ``width_px`` × ``height_px`` map.

    Web-mercator zoom as deck.gl uses it (the world is 512·2^zoom px wide); ``padding``
    is the share of the viewport left free on each side. Returns longitude, latitude, zoom
    (e.g. for ``pydeck.ViewState(**view_state(gdf))``).
    """
    if width_px <= 0 or height_px <= 0:
        raise ValueError("width_px and height_px must be positive")
    if not 0 <= padding < 0.5:
        raise ValueError("padding must be in [0, 0.5)")
    minx, miny, maxx, maxy = bounds(gdf)
    y0, y1 = _mercator_y(miny), _mercator_y(maxy)
    lat_c = math.degrees(math.atan(math.sinh((y0 + y1) / 2)))
    usable_w = width_px * (1 - 2 * padding)
    usable_h = height_px * (1 - 2 * padding)
    zooms = [MAX_ZOOM]
    if maxx > minx:  # fraction of the world's width: span / 360°
        zooms.append(math.log2(usable_w / (TILE_SIZE_PX * (maxx - minx) / 360.0)))
    if y1 > y0:  # fraction of the world's height in mercator units: Δy / 2π
        zooms.append(math.log2(usable_h / (TILE_SIZE_PX * (y1 - y0) / (2 * math.pi))))
    zoom = max(0.0, min(zooms))
    return {"longitude": (minx + maxx) / 2, "latitude": lat_c, "zoom": round(zoom, 2)}


def _json_value(value: Any) -> Any:
    """A value pydeck can serialise: numpy scalars to Python, NaN/NaT/NA to None."""
    if value is None:
        return None
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, (list, tuple, dict)):
        return value
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, (pd.Timestamp, pd.Period)):
        return str(value)
    if isinstance(value, Decimal):
        return float(value)
    return value


def _round_coords(coords: Any, ndigits: int) -> Any:
    if isinstance(coords, (list, tuple)):
        if coords and isinstance(coords[0], (int, float)):
            return [round(float(c), ndigits) for c in coords]
        return [_round_coords(c, ndigits) for c in coords]
    return coords


def dissolve(gdf: gpd.GeoDataFrame, groups: pd.DataFrame) -> gpd.GeoDataFrame:
    """One shape per group, the union of its villages' polygons, in the columns a village frame has
    (village_id: the group's id, name_zh, name_en), for the map functions above.

    ``groups``: village_id, group_id, name_zh, name_en (one row per village; villages of ``gdf``
    without a group are left out)."""
    member = groups.drop_duplicates("village_id").set_index("village_id")
    joined = gdf[["village_id", "geometry"]].merge(member[["group_id"]], left_on="village_id", right_index=True)
    shapes = joined.dissolve(by="group_id").reset_index()[["group_id", "geometry"]]
    names = member.drop_duplicates("group_id").set_index("group_id")[["name_zh", "name_en"]]
    shapes = shapes.merge(names, left_on="group_id", right_index=True).rename(columns={"group_id": "village_id"})
    return gpd.GeoDataFrame(shapes[["village_id", "name_zh", "name_en", "geometry"]], geometry="geometry",
                            crs=gdf.crs)


def to_feature_collection(gdf: gpd.GeoDataFrame, properties: pd.DataFrame | None = None, *,
                          simplify_m: float | None = None, ndigits: int = 6) -> dict:
    """A GeoJSON FeatureCollection dict for ``pydeck.Layer("GeoJsonLayer", data=...)``.

    Each feature's properties are village_id, name_zh, name_en plus the columns of
    ``properties`` (one row per village_id; villages without a row get None). Values are
    plain Python (NaN becomes None). Geometry is simplified only when ``simplify_m`` (metres)
    is given; coordinates are rounded to ``ndigits`` decimals (6 ≈ 0.1 m).
    """
    extra: dict[str, dict] = {}
    if properties is not None:
        if "village_id" not in properties.columns:
            raise ValueError("properties needs a village_id column")
        ids = properties["village_id"].astype(str)
        dup = sorted(set(ids[ids.duplicated()]))
        if dup:
            raise ValueError(f"properties has duplicate village_id: {', '.join(dup)}")
        cols = [c for c in properties.columns if c != "village_id"]
        for vid, row in zip(ids, properties[cols].itertuples(index=False, name=None)):
            extra[vid] = {c: _json_value(v) for c, v in zip(cols, row)}
        empty = {c: None for c in cols}
    else:
        empty = {}
    geoms = gdf.geometry
    if simplify_m:
        geoms = geoms.simplify(simplify_m / 111_320.0, preserve_topology=True)
    features = []
    for vid, name_zh, name_en, geom in zip(gdf["village_id"], gdf["name_zh"], gdf["name_en"], geoms):
        vid = str(vid)
        props = {"village_id": vid, "name_zh": _json_value(name_zh), "name_en": _json_value(name_en)}
        props.update(extra.get(vid, empty))
        geo = mapping(geom)
        features.append({"type": "Feature",
                         "geometry": {"type": geo["type"],
                                      "coordinates": _round_coords(geo["coordinates"], ndigits)},
                         "properties": props})
    return {"type": "FeatureCollection", "features": features}


def check_ids(gdf: gpd.GeoDataFrame, village_ids: Iterable[str]) -> IdCheck:
    """Compare the boundary ids with the village ids of the database."""
    known = {str(v) for v in village_ids}
    have = set(gdf["village_id"])
    return IdCheck(missing=tuple(sorted(known - have)), unknown=tuple(sorted(have - known)))
