"""Geography of the sample township: outline, village seats, Voronoi polygons, terrain, GeoJSON.

Everything is built in metres in UTM zone 50N (EPSG:32650, which contains 118.1E) and converted to
WGS84 longitude/latitude on output, rounded to 6 decimals (about 0.1 m). The sample county adds an
outline cut into its townships' areas (:func:`partition`) and villages redrawn so that neighbours
share their borders vertex for vertex (:func:`share_borders`).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import shapely
import shapely.affinity
from pyproj import Transformer
from shapely.geometry import MultiPoint, Polygon, mapping

__all__ = [
    "CENTRE_LONLAT", "UTM_EPSG", "township_outline", "county_outline", "unit_area", "place_seats",
    "voronoi_cells", "power_cells", "partition", "share_borders", "terrain",
    "sample_points", "to_lonlat", "geom_to_lonlat", "write_geojson",
]

CENTRE_LONLAT = (118.1, 27.4)
UTM_EPSG = 32650
_DEFAULT_UNITS = 19  # 18 villages + the seat fill 15 x 12 km; more villages scale the area


def _to_utm() -> Transformer:
    return Transformer.from_crs(4326, UTM_EPSG, always_xy=True)


def _to_wgs() -> Transformer:
    return Transformer.from_crs(UTM_EPSG, 4326, always_xy=True)


def _star(centre: tuple[float, float], rx: float, ry: float, amplitude: tuple[float, float],
          rng: np.random.Generator) -> Polygon:
    """An irregular star-shaped polygon of radii about ``rx`` x ``ry`` metres round ``centre``: five
    harmonics of relative amplitude drawn from ``amplitude`` and a little noise, 180 vertices."""
    theta = np.linspace(0.0, 2 * np.pi, 180, endpoint=False)
    radius = np.ones_like(theta)
    for k in range(2, 7):
        radius += rng.uniform(*amplitude) / (k - 1) ** 0.5 * np.sin(k * theta + rng.uniform(0, 2 * np.pi))
    radius += rng.normal(0, 0.008, theta.size)
    x = centre[0] + rx * radius * np.cos(theta)
    y = centre[1] + ry * radius * np.sin(theta)
    poly = Polygon(np.column_stack([x, y]))
    return shapely.make_valid(poly) if not poly.is_valid else poly


def township_outline(n_units: int, rng: np.random.Generator) -> Polygon:
    """An irregular, star-shaped outline about 15 x 12 km (scaled by sqrt(n_units / 19)), in metres."""
    scale = np.sqrt(max(n_units, 2) / _DEFAULT_UNITS)
    return _star(_to_utm().transform(*CENTRE_LONLAT), 7_500 * scale, 6_000 * scale, (0.02, 0.09), rng)


def unit_area() -> float:
    """The area (m^2) of one unit (village or seat) of the sample township: its outline's nominal
    ellipse, 15 x 12 km for 19 units."""
    return np.pi * 7_500 * 6_000 / _DEFAULT_UNITS


def county_outline(area: float, rng: np.random.Generator) -> Polygon:
    """An irregular outline of ``area`` m^2 round the sample's centre, a little wider than high and
    more lobed than a township's, in metres."""
    poly = _star(_to_utm().transform(*CENTRE_LONLAT), 1.15, 0.87, (0.05, 0.16), rng)
    poly = shapely.affinity.scale(poly, np.sqrt(area / poly.area), np.sqrt(area / poly.area), origin="centroid")
    return shapely.set_precision(poly, 0.01)


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
    if not outline.contains(shapely.Point(seat)):   # a crescent's centroid lies outside it
        seat = np.array(shapely.get_coordinates(shapely.point_on_surface(inner))[0])
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
    return _merge_strays(cells, strays)


def _merge_strays(cells: list, strays: list) -> list:
    """``cells`` with each of ``strays`` merged into the cell sharing the longest border with it."""
    for piece in strays:
        shared = [cells[j].intersection(piece.buffer(1e-6)).length for j in range(len(cells))]
        j = int(np.argmax(shared))
        cells[j] = shapely.union(cells[j], piece).buffer(0)
    return cells


def _clip(ring: np.ndarray, normal: np.ndarray, limit: float) -> np.ndarray:
    """The convex polygon ``ring`` (k x 2, open) cut to the half-plane ``normal . x <= limit``."""
    side = ring @ normal - limit
    out = []
    for i in range(len(ring)):
        j = (i + 1) % len(ring)
        if side[i] <= 0:
            out.append(ring[i])
        if (side[i] <= 0) != (side[j] <= 0):
            out.append(ring[i] + side[i] / (side[i] - side[j]) * (ring[j] - ring[i]))
    return np.array(out).reshape(-1, 2)


def power_cells(outline: Polygon, seats: np.ndarray, weights: np.ndarray) -> list:
    """The power diagram of ``seats`` with ``weights`` (m^2) cut to ``outline``, in seat order:
    cell i holds the points x where |x - seat_i|^2 - weight_i is least. With equal weights it is the
    Voronoi diagram; a heavier seat's cell grows. A cell may be empty or in pieces."""
    x0, y0, x1, y1 = outline.buffer(1_000).bounds
    frame = np.array([[x0, y0], [x1, y0], [x1, y1], [x0, y1]])
    square = (seats ** 2).sum(1)
    cells = []
    for i in range(len(seats)):
        ring = frame
        for j in range(len(seats)):
            if j != i and len(ring):
                ring = _clip(ring, 2 * (seats[j] - seats[i]), square[j] - square[i] - weights[j] + weights[i])
        cells.append(shapely.intersection(Polygon(ring), outline) if len(ring) >= 3 else Polygon())
    return cells


def partition(outline: Polygon, shares: np.ndarray, rng: np.random.Generator,
              rounds: int = 80) -> tuple[np.ndarray, list]:
    """Cut ``outline`` into ``len(shares)`` adjoining convex-ish pieces of areas in proportion to
    ``shares`` (within about 1 %): a power diagram whose weights are fitted to the areas while its
    seats move towards their cells' centroids. Returns the final seats and the pieces, one
    polygon each (pieces cut off by the outline's bays join their longest neighbour); piece 0
    lies near the middle."""
    shares = np.asarray(shares, float)
    target = outline.area * shares / shares.sum()
    seats = place_seats(outline, len(shares), False, rng)
    weights = np.zeros(len(shares))
    for _ in range(rounds):
        cells = power_cells(outline, seats, weights)
        area = np.array([c.area for c in cells])
        weights += 0.5 * (target - area)
        centre = np.array([[c.centroid.x, c.centroid.y] if not c.is_empty else s for c, s in zip(cells, seats)])
        seats = seats + 0.5 * (centre - seats)
    cells, strays = power_cells(outline, seats, weights), []
    for i, cell in enumerate(cells):
        parts = sorted(getattr(cell, "geoms", [cell]), key=lambda p: -p.area)
        cells[i] = parts[0]
        strays += parts[1:]
    return seats, [shapely.set_precision(c, 0.01) for c in _merge_strays(cells, strays)]


def share_borders(geoms: list, grid: float = 1e-6) -> list:
    """Redraw the polygons ``geoms``, which tile an area up to slivers (as separately cut and
    rounded pieces do), from one noded set of lines on a ``grid``, so that neighbours have the same
    vertices along their common border and there are neither gaps nor overlaps between them.

    Each face of the noded lines goes to the polygon that covers most of it (a gap's sliver to the
    nearest one); a polygon is the union of its faces, in the input order."""
    geoms = shapely.set_precision(np.asarray(geoms, dtype=object), grid)
    lines = shapely.union_all(shapely.boundary(geoms), grid_size=grid)
    faces = shapely.get_parts(shapely.polygonize(shapely.get_parts(lines)))
    tree = shapely.STRtree(geoms)
    mine: list[list] = [[] for _ in geoms]
    for face in faces:
        near = tree.query(face)
        cover = shapely.area(shapely.intersection(geoms[near], face, grid_size=grid))
        if len(near) and cover.max() > 0:
            owner = near[int(np.argmax(cover))]
        else:
            owner = int(tree.query_nearest(shapely.point_on_surface(face))[0])
        mine[owner].append(face)
    return [shapely.orient_polygons(shapely.union_all(f)) for f in mine]


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
