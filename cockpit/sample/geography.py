"""Geography of the sample township: outline, village seats, Voronoi polygons, terrain, GeoJSON.

Everything is built in metres in UTM zone 50N (EPSG:32650, which contains 118.1E) and converted to
WGS84 longitude/latitude on output, rounded to 6 decimals (about 0.1 m).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import shapely
from pyproj import Transformer
from shapely.geometry import MultiPoint, Polygon, mapping

__all__ = [
    "CENTRE_LONLAT", "UTM_EPSG", "township_outline", "place_seats", "voronoi_cells", "terrain",
    "sample_points", "to_lonlat", "geom_to_lonlat", "write_geojson",
]

CENTRE_LONLAT = (118.1, 27.4)
UTM_EPSG = 32650
_DEFAULT_UNITS = 19  # 18 villages + the seat fill 15 x 12 km; more villages scale the area


def _to_utm() -> Transformer:
    return Transformer.from_crs(4326, UTM_EPSG, always_xy=True)


def _to_wgs() -> Transformer:
    return Transformer.from_crs(UTM_EPSG, 4326, always_xy=True)


def township_outline(n_units: int, rng: np.random.Generator) -> Polygon:
    """An irregular, star-shaped outline about 15 x 12 km (scaled by sqrt(n_units / 19)), in metres."""
    scale = np.sqrt(max(n_units, 2) / _DEFAULT_UNITS)
    cx, cy = _to_utm().transform(*CENTRE_LONLAT)
    theta = np.linspace(0.0, 2 * np.pi, 180, endpoint=False)
    radius = np.ones_like(theta)
    for k in range(2, 7):
        radius += rng.uniform(0.02, 0.09) / (k - 1) ** 0.5 * np.sin(k * theta + rng.uniform(0, 2 * np.pi))
    radius += rng.normal(0, 0.008, theta.size)
    x = cx + 7_500 * scale * radius * np.cos(theta)
    y = cy + 6_000 * scale * radius * np.sin(theta)
    poly = Polygon(np.column_stack([x, y]))
    return shapely.make_valid(poly) if not poly.is_valid else poly


def _uniform_in(poly, n: int, rng: np.random.Generator) -> np.ndarray:
    minx, miny, maxx, maxy = poly.bounds
    out: list[np.ndarray] = []
    got = 0
    while got < n:
        xy = np.column_stack([rng.uniform(minx, maxx, 2 * n + 16), rng.uniform(miny, maxy, 2 * n + 16)])
        xy = xy[shapely.contains_xy(poly, xy[:, 0], xy[:, 1])]
        out.append(xy)
        got += len(xy)
    return np.concatenate(out)[:n]


def place_seats(outline: Polygon, n: int, community: bool, rng: np.random.Generator) -> np.ndarray:
    """Village seats by best-candidate (Mitchell) sampling: an (n, 2) array of metres.

    Row 0 is the township seat near the centre; row 1, when ``community``, an urban community next to
    it; the other rows spread evenly over the outline, away from its edge.
    """
    spacing = np.sqrt(outline.area / n)
    inner = outline.buffer(-0.3 * spacing)
    c = outline.centroid
    seat = np.array([c.x, c.y]) + rng.normal(0, 0.08 * spacing, 2)
    pts = [seat]
    if community and n > 1:
        ang = rng.uniform(0, 2 * np.pi)
        pts.append(seat + 0.55 * spacing * np.array([np.cos(ang), np.sin(ang)]))
    arr = np.array(pts)
    shapely.prepare(inner)
    while len(arr) < n:
        cand = _uniform_in(inner, 30, rng)
        d = np.sqrt(((cand[:, None, :] - arr[None, :, :]) ** 2).sum(-1)).min(1)
        arr = np.vstack([arr, cand[np.argmax(d)]])
    return arr


def voronoi_cells(outline: Polygon, seats: np.ndarray) -> list:
    """Voronoi cells of ``seats`` clipped to ``outline``, in seat order; one piece per seat.

    Pieces of a clipped cell that do not hold its seat are merged into the neighbour sharing the
    longest border with them, so every village is one polygon that contains its seat.
    """
    box = outline.buffer(outline.length)
    vor = shapely.voronoi_polygons(MultiPoint(seats), extend_to=box, ordered=True)
    cells = [shapely.intersection(g, outline) for g in vor.geoms]
    strays = []
    for i, cell in enumerate(cells):
        parts = list(getattr(cell, "geoms", [cell]))
        if len(parts) > 1:
            keep = [p for p in parts if p.contains(shapely.Point(seats[i]))]
            cells[i] = keep[0]
            strays += [p for p in parts if p is not keep[0]]
    for piece in strays:
        shared = [cells[j].intersection(piece.buffer(1e-6)).length for j in range(len(cells))]
        j = int(np.argmax(shared))
        cells[j] = shapely.union(cells[j], piece).buffer(0)
    return cells


def terrain(seats: np.ndarray, outline: Polygon, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Elevation (m) and road distance to the seat (km) of every village seat.

    Elevation rises away from the seat, with a few synthetic hills; road distance is the straight
    distance times a terrain factor of 1.3 (flat) to 1.8 (highest).
    """
    d = np.sqrt(((seats - seats[0]) ** 2).sum(1))
    dn = d / max(d.max(), 1.0)
    elev = 560.0 * dn ** 0.9
    spacing = np.sqrt(outline.area / len(seats))
    for _ in range(6):
        hx, hy = _uniform_in(outline, 1, rng)[0]
        amp, sd = rng.uniform(40, 160), rng.uniform(0.8, 1.6) * spacing
        elev += amp * np.exp(-((seats[:, 0] - hx) ** 2 + (seats[:, 1] - hy) ** 2) / (2 * sd ** 2))
    elev += rng.normal(0, 15, len(seats))
    elev = 220.0 + elev - min(elev[0], elev.min())  # the seat lies in the valley, about 220 m
    factor = 1.3 + 0.5 * (elev - elev.min()) / max(np.ptp(elev), 1.0)
    return np.round(elev, 0), np.round(d / 1000.0 * factor, 2)


def sample_points(poly, n: int, centres: np.ndarray, weights: np.ndarray, sd: float,
                  rng: np.random.Generator) -> np.ndarray:
    """``n`` points inside ``poly``: a Gaussian mixture around ``centres`` (metres), rejected outside."""
    shapely.prepare(poly)
    out: list[np.ndarray] = []
    got = 0
    p = weights / weights.sum()
    while got < n:
        m = 2 * (n - got) + 8
        k = rng.choice(len(centres), size=m, p=p)
        xy = centres[k] + rng.normal(0, sd, (m, 2))
        xy = xy[shapely.contains_xy(poly, xy[:, 0], xy[:, 1])]
        out.append(xy)
        got += len(xy)
    return np.concatenate(out)[:n]


def to_lonlat(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Convert UTM metres to WGS84 longitude and latitude, rounded to 6 decimals."""
    lon, lat = _to_wgs().transform(np.asarray(x, float), np.asarray(y, float))
    return np.round(lon, 6), np.round(lat, 6)


def geom_to_lonlat(geom):
    """Convert a geometry in UTM metres to WGS84, snapped to a 1e-6 degree grid (valid output)."""
    tr = _to_wgs()
    g = shapely.transform(geom, lambda xy: np.column_stack(tr.transform(xy[:, 0], xy[:, 1])))
    g = shapely.set_precision(g, 1e-6)
    return shapely.orient_polygons(g)


def _rounded(obj):
    if isinstance(obj, (list, tuple)):
        return [_rounded(o) for o in obj]
    if isinstance(obj, float):
        return round(obj, 6)
    return obj


def write_geojson(path: Path, geoms: list, properties: list[dict]) -> None:
    """Write a FeatureCollection of WGS84 geometries with their properties (UTF-8, 6 decimals)."""
    features = []
    for g, props in zip(geoms, properties):
        gj = mapping(g)
        features.append({"type": "Feature", "properties": props,
                         "geometry": {"type": gj["type"], "coordinates": _rounded(gj["coordinates"])}})
    doc = {"type": "FeatureCollection", "features": features}
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(doc, ensure_ascii=False, separators=(",", ":")) + "\n", encoding="utf-8")
