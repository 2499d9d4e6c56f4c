"""Coordinates: "(lat, lon)" strings, swapped latitude/longitude, GCJ-02 and the township's box.

GCJ-02 ("Mars coordinates") is the obfuscated datum Chinese map services (Amap/Gaode, Tencent,
Google China) publish; boundaries traced on them are shifted by some hundred metres. The
forward formula below (WGS84 → GCJ-02, Krasovsky 1940 ellipsoid constants) is the one widely
published (e.g. the eviltransform project); the inverse is solved by fixed-point iteration to
better than 1e-9 degrees. Outside China the datum is unshifted, as the services do it.
"""

from __future__ import annotations

import math
import re
import unicodedata

import numpy as np

from cockpit.importer.problems import ValueProblem
from cockpit.values.bbox import CHINA, BBox

__all__ = ["BBox", "CHINA", "parse_point", "settle", "wgs84_to_gcj02", "gcj02_to_wgs84",
           "out_of_china", "gcj02_to_wgs84_coords"]

_A = 6378245.0                 # Krasovsky 1940 semi-major axis
_EE = 0.00669342162296594323   # Krasovsky 1940 eccentricity squared
_POINT = re.compile(r"^[(\[（]?\s*([+-]?\d+(?:\.\d+)?)\s*[,，;\s]\s*([+-]?\d+(?:\.\d+)?)\s*[)\]）]?$")
_WKT = re.compile(r"^POINT\s*\(\s*([+-]?\d+(?:\.\d+)?)\s+([+-]?\d+(?:\.\d+)?)\s*\)$", re.IGNORECASE)




def parse_point(value) -> tuple[float, float] | None:
    """``(lat, lon)`` from ``"(27.39, 118.09)"``, ``"27.39,118.09"`` or WKT ``POINT(118.09 27.39)``."""
    if value is None:
        return None
    text = unicodedata.normalize("NFKC", str(value)).strip()
    wkt = _WKT.match(text)
    if wkt:
        return float(wkt.group(2)), float(wkt.group(1))
    m = _POINT.match(text)
    if not m:
        raise ValueProblem("not_a_point", value=value)
    return float(m.group(1)), float(m.group(2))


def settle(lon: float, lat: float, box: BBox) -> tuple[float, float, bool]:
    """``(lon, lat, swapped)``: the point as given when it lies in ``box``, swapped when only
    the swapped point does; raise ValueProblem("coords_outside") when neither does."""
    if box.contains(lon, lat):
        return lon, lat, False
    if box.contains(lat, lon):
        return lat, lon, True
    raise ValueProblem("coords_outside", lon=round(lon, 6), lat=round(lat, 6), box=str(box))


def out_of_china(lon, lat):
    """True where the GCJ-02 shift does not apply (outside mainland China's rough box)."""
    lon, lat = np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)
    return (lon < 72.004) | (lon > 137.8347) | (lat < 0.8293) | (lat > 55.8271)


def _delta(lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    x, y = lon - 105.0, lat - 35.0
    common = (20.0 * np.sin(6.0 * x * math.pi) + 20.0 * np.sin(2.0 * x * math.pi)) * 2.0 / 3.0
    d_lat = (-100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * np.sqrt(np.abs(x)) + common
             + (20.0 * np.sin(y * math.pi) + 40.0 * np.sin(y / 3.0 * math.pi)) * 2.0 / 3.0
             + (160.0 * np.sin(y / 12.0 * math.pi) + 320.0 * np.sin(y * math.pi / 30.0)) * 2.0 / 3.0)
    d_lon = (300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * np.sqrt(np.abs(x)) + common
             + (20.0 * np.sin(x * math.pi) + 40.0 * np.sin(x / 3.0 * math.pi)) * 2.0 / 3.0
             + (150.0 * np.sin(x / 12.0 * math.pi) + 300.0 * np.sin(x / 30.0 * math.pi)) * 2.0 / 3.0)
    rad = lat / 180.0 * math.pi
    magic = 1 - _EE * np.sin(rad) ** 2
    sqrt_magic = np.sqrt(magic)
    d_lat = (d_lat * 180.0) / ((_A * (1 - _EE)) / (magic * sqrt_magic) * math.pi)
    d_lon = (d_lon * 180.0) / (_A / sqrt_magic * np.cos(rad) * math.pi)
    return d_lon, d_lat


def wgs84_to_gcj02(lon, lat):
    """GCJ-02 ``(lon, lat)`` of WGS84 points (scalars or arrays)."""
    lon_a, lat_a = np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)
    d_lon, d_lat = _delta(lon_a, lat_a)
    outside = out_of_china(lon_a, lat_a)
    g_lon = np.where(outside, lon_a, lon_a + d_lon)
    g_lat = np.where(outside, lat_a, lat_a + d_lat)
    if np.ndim(lon) == 0:
        return float(g_lon), float(g_lat)
    return g_lon, g_lat


def gcj02_to_wgs84(lon, lat, tolerance: float = 1e-10, max_iter: int = 30):
    """WGS84 ``(lon, lat)`` of GCJ-02 points: the inverse of :func:`wgs84_to_gcj02`."""
    g_lon, g_lat = np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)
    w_lon, w_lat = g_lon.copy(), g_lat.copy()
    for _ in range(max_iter):
        f_lon, f_lat = wgs84_to_gcj02(w_lon, w_lat)
        e_lon, e_lat = np.asarray(f_lon) - g_lon, np.asarray(f_lat) - g_lat
        w_lon, w_lat = w_lon - e_lon, w_lat - e_lat
        if np.all(np.abs(e_lon) < tolerance) and np.all(np.abs(e_lat) < tolerance):
            break
    if np.ndim(lon) == 0:
        return float(w_lon), float(w_lat)
    return w_lon, w_lat


def gcj02_to_wgs84_coords(coords: np.ndarray) -> np.ndarray:
    """An (n, 2) array of GCJ-02 lon/lat as WGS84 (for ``shapely.transform``)."""
    if len(coords) == 0:
        return coords
    lon, lat = gcj02_to_wgs84(coords[:, 0], coords[:, 1])
    return np.column_stack([lon, lat])
