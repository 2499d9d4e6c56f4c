"""Tests of cockpit.geo.boundaries on small hand-made GeoJSON files (no network, no sample data)."""

from __future__ import annotations

import json
import math
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from pyproj import Transformer
from shapely.geometry import Point, shape

from cockpit.geo import boundaries as geo
from cockpit.geo.boundaries import GeoDataError, GeoRepairWarning

SQUARE = [[[118.0, 27.0], [118.1, 27.0], [118.1, 27.1], [118.0, 27.1], [118.0, 27.0]]]
BOW_TIE = [[[0.0, 0.0], [1.0, 1.0], [1.0, 0.0], [0.0, 1.0], [0.0, 0.0]]]
# A "C" shape: its centroid lies in the notch, outside the polygon.
C_SHAPE = [[[0, 0], [3, 0], [3, 1], [1, 1], [1, 2], [3, 2], [3, 3], [0, 3], [0, 0]]]


def feature(vid, coords=SQUARE, gtype="Polygon", **props):
    properties = {} if vid is None else {"village_id": vid}
    properties.update(props)
    geometry = None if gtype is None else {"type": gtype, "coordinates": coords}
    return {"type": "Feature", "properties": properties, "geometry": geometry}


def collection(*features, **extra):
    return {"type": "FeatureCollection", "features": list(features), **extra}


def write(tmp_path: Path, doc, name="villages.geojson") -> Path:
    path = tmp_path / name
    if isinstance(doc, (bytes, str)):
        path.write_bytes(doc if isinstance(doc, bytes) else doc.encode("utf-8"))
    else:
        path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    return path


def box(x0, y0, x1, y1):
    return [[[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]]


# --- loading ---------------------------------------------------------------------------------

def test_ids_stay_text_exactly(tmp_path):
    # "07" and one code as JSON strings, the other code as a bare JSON number.
    text = """{"type": "FeatureCollection", "features": [
      {"type": "Feature", "properties": {"village_id": "07", "name_zh": "溪口村", "name_en": "Xikou Village"},
       "geometry": {"type": "Polygon", "coordinates": [[[0,0],[1,0],[1,1],[0,1],[0,0]]]}},
      {"type": "Feature", "properties": {"village_id": "350781105002", "name_zh": "上洋村"},
       "geometry": {"type": "Polygon", "coordinates": [[[1,0],[2,0],[2,1],[1,1],[1,0]]]}},
      {"type": "Feature", "properties": {"village_id": 350781105001},
       "geometry": {"type": "Polygon", "coordinates": [[[2,0],[3,0],[3,1],[2,1],[2,0]]]}}
    ]}"""
    gdf = geo.load_villages_geojson(write(tmp_path, text))
    assert list(gdf["village_id"]) == ["07", "350781105002", "350781105001"]
    assert all(isinstance(v, str) for v in gdf["village_id"])
    assert gdf["name_zh"].iloc[0] == "溪口村"
    assert gdf["name_en"].iloc[0] == "Xikou Village"
    assert pd.isna(gdf["name_en"].iloc[1])
    assert list(gdf.columns) == ["village_id", "name_zh", "name_en", "geometry"]
    assert gdf.crs.to_epsg() == 4326
    assert gdf.attrs["repaired_ids"] == []


def test_configurable_id_property(tmp_path):
    f = {"type": "Feature", "properties": {"code": "0012"}, "geometry": {"type": "Polygon", "coordinates": SQUARE}}
    gdf = geo.load_villages_geojson(write(tmp_path, collection(f)), id_property="code")
    assert list(gdf["village_id"]) == ["0012"]


def test_multipolygon_with_hole_is_kept(tmp_path):
    with_hole = [[[0, 0], [4, 0], [4, 4], [0, 4], [0, 0]], [[1, 1], [2, 1], [2, 2], [1, 2], [1, 1]]]
    coords = [with_hole, box(5, 0, 6, 1)[0:1]]
    gdf = geo.load_villages_geojson(write(tmp_path, collection(feature("A", coords, "MultiPolygon"))))
    g = gdf.geometry.iloc[0]
    assert g.geom_type == "MultiPolygon" and len(g.geoms) == 2
    assert len(g.geoms[0].interiors) == 1
    assert g.area == pytest.approx(16 - 1 + 1)
    assert not g.contains(Point(1.5, 1.5))  # inside the hole


def test_bow_tie_is_repaired_and_reported(tmp_path):
    path = write(tmp_path, collection(feature("GOOD", box(2, 0, 3, 1)), feature("BAD", BOW_TIE)))
    with pytest.warns(GeoRepairWarning) as record:
        gdf = geo.load_villages_geojson(path)
    assert record[0].message.ids == ["BAD"]
    assert str(path) in str(record[0].message)
    assert gdf.attrs["repaired_ids"] == ["BAD"]
    bad = gdf.geometry.iloc[1]
    assert bad.is_valid and bad.geom_type == "MultiPolygon" and len(bad.geoms) == 2
    assert bad.area == pytest.approx(0.5)  # two triangles of 0.25 each
    assert gdf.geometry.is_valid.all()


def test_repair_keeps_only_the_polygonal_part(tmp_path):
    spike = [[[0, 0], [2, 0], [2, 2], [1, 2], [1, 3], [1, 2], [0, 2], [0, 0]]]  # a square with a line sticking out
    with pytest.warns(GeoRepairWarning):
        gdf = geo.load_villages_geojson(write(tmp_path, collection(feature("S", spike))))
    g = gdf.geometry.iloc[0]
    assert g.geom_type == "Polygon" and g.is_valid and g.area == pytest.approx(4.0)


def test_valid_file_gives_no_warning(tmp_path):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        geo.load_villages_geojson(write(tmp_path, collection(feature("A"))))


def test_legacy_crs_member_is_reprojected(tmp_path):
    to_3857 = Transformer.from_crs(4326, 3857, always_xy=True)
    ring = [list(to_3857.transform(x, y)) for x, y in SQUARE[0]]
    doc = collection(feature("A", [ring]), crs={"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::3857"}})
    gdf = geo.load_villages_geojson(write(tmp_path, doc))
    assert geo.bounds(gdf) == pytest.approx((118.0, 27.0, 118.1, 27.1), abs=1e-9)


ERROR_CASES = {
    "not json": ("this is not json {", "not valid JSON"),
    "not utf8": (b"\xff\xfe\x00garbage", "not UTF-8"),
    "json array": ([1, 2, 3], "not a GeoJSON object"),
    "wrong type": ({"type": "Topology", "objects": {}}, "FeatureCollection"),
    "no features": (collection(), "no features"),
    "features not a list": ({"type": "FeatureCollection", "features": {}}, "'features' list"),
    "item not a feature": (collection({"type": "Polygon", "coordinates": SQUARE}), "not a GeoJSON Feature"),
    "missing id": (collection(feature("A"), feature(None, name_zh="无名")), "feature #2 has no usable 'village_id'"),
    "empty id": (collection(feature("  ")), "no usable 'village_id'"),
    "duplicate id": (collection(feature("07"), feature("08"), feature("07")), "duplicate village_id '07'"),
    "duplicate number and text": (collection(feature(7), feature("7")), "duplicate village_id '7'"),
    "point": (collection(feature("A", [118.0, 27.0], "Point")), "Point geometry"),
    "linestring": (collection(feature("A", [[0, 0], [1, 1]], "LineString")), "LineString geometry"),
    "null geometry": (collection(feature("A", gtype=None)), "has no geometry"),
    "bad coordinates": (collection(feature("A", [[[0, 0], [1]]])), "malformed Polygon coordinates"),
    "collapsed polygon": (collection(feature("A", [[[0, 0], [1, 1], [2, 2], [0, 0]]])), "cannot be repaired"),
    "projected without crs": (collection(feature("A", box(500000, 3000000, 510000, 3010000))), "not longitude/latitude"),
    "unknown crs": (collection(feature("A"), crs={"type": "name", "properties": {"name": "EPSG:999999"}}),
                    "unknown coordinate reference system"),
}


@pytest.mark.parametrize("case", list(ERROR_CASES))
def test_bad_files_raise_geodataerror_naming_path(tmp_path, case):
    doc, expected = ERROR_CASES[case]
    path = write(tmp_path, doc, name=f"{case.replace(' ', '_')}.geojson")
    with pytest.raises(GeoDataError) as excinfo:
        geo.load_villages_geojson(path)
    message = str(excinfo.value)
    assert str(path) in message
    assert expected in message
    assert isinstance(excinfo.value, ValueError)


def test_missing_file_raises_geodataerror(tmp_path):
    path = tmp_path / "nowhere.geojson"
    with pytest.raises(GeoDataError, match="file not found") as excinfo:
        geo.load_villages_geojson(path)
    assert str(path) in str(excinfo.value)


# --- bounds, labels, view ----------------------------------------------------------------

def test_bounds(tmp_path):
    gdf = geo.load_villages_geojson(write(tmp_path, collection(feature("A", box(1, 2, 3, 4)), feature("B", box(3, 1, 5, 3)))))
    assert geo.bounds(gdf) == (1.0, 1.0, 5.0, 4.0)
    assert all(isinstance(v, float) for v in geo.bounds(gdf))


def test_label_points_lie_inside_polygons(tmp_path):
    multi = [box(10, 10, 10.1, 10.1)[0:1], box(20, 20, 22, 22)[0:1]]  # the label goes to the larger part
    doc = collection(feature("C", C_SHAPE), feature("M", multi, "MultiPolygon"), feature("T", BOW_TIE))
    with pytest.warns(GeoRepairWarning):
        gdf = geo.load_villages_geojson(write(tmp_path, doc))
    assert not gdf.geometry.iloc[0].contains(gdf.geometry.iloc[0].centroid)  # the fixture is concave
    labels = geo.label_points(gdf)
    assert list(labels.columns) == ["village_id", "lon", "lat"]
    assert list(labels["village_id"]) == ["C", "M", "T"]
    for geom, lon, lat in zip(gdf.geometry, labels["lon"], labels["lat"]):
        assert geom.contains(Point(lon, lat))
    assert 20 < labels["lon"].iloc[1] < 22
    # the pole of inaccessibility of the C is in its thick left bar, well away from the edges
    c = shape({"type": "Polygon", "coordinates": C_SHAPE})
    assert c.exterior.distance(Point(labels["lon"].iloc[0], labels["lat"].iloc[0])) > 0.4


def test_view_state_fits_a_15_km_township_into_1000_px(tmp_path):
    # A township 15 km wide and 10 km tall around 27°N (northern Fujian), by local degree lengths.
    lat0 = 27.0
    km_per_deg_lon = 111.320 * math.cos(math.radians(lat0))
    km_per_deg_lat = 110.574
    dx, dy = 7.5 / km_per_deg_lon, 5.0 / km_per_deg_lat
    gdf = geo.load_villages_geojson(write(tmp_path, collection(feature("A", box(118 - dx, lat0 - dy, 118 + dx, lat0 + dy)))))
    vs = geo.view_state(gdf, width_px=1000, height_px=1000, padding=0.05)
    assert set(vs) == {"longitude", "latitude", "zoom"}
    # By hand: 15 km over the 900 px left after 5 % padding each side = 16.67 m/px. In web mercator
    # (512 px tiles) a pixel is 40,075,016.7 m · cos(lat) / (512 · 2^zoom), so
    # zoom = log2(40,075,016.7 · cos 27° / (512 · 16.67)) = log2(4184.6) ≈ 12.03.
    expected = math.log2(40_075_016.7 * math.cos(math.radians(lat0)) / (512 * 15_000 / 900))
    assert expected == pytest.approx(12.03, abs=0.01)
    assert vs["zoom"] == pytest.approx(expected, abs=0.03)
    assert 11 <= vs["zoom"] <= 12.5
    assert vs["longitude"] == pytest.approx(118.0)
    assert vs["latitude"] == pytest.approx(lat0, abs=1e-3)
    # the height limits a wide, short viewport; more padding zooms out
    assert geo.view_state(gdf, width_px=1000, height_px=300)["zoom"] < vs["zoom"]
    assert geo.view_state(gdf, width_px=1000, height_px=1000, padding=0.2)["zoom"] < vs["zoom"]
    # a viewport twice as wide (and tall) is exactly one zoom level closer
    assert geo.view_state(gdf, width_px=2000, height_px=2000, padding=0.05)["zoom"] == pytest.approx(vs["zoom"] + 1, abs=0.01)


def test_view_state_rejects_bad_viewports(tmp_path):
    gdf = geo.load_villages_geojson(write(tmp_path, collection(feature("A"))))
    with pytest.raises(ValueError):
        geo.view_state(gdf, width_px=0)
    with pytest.raises(ValueError):
        geo.view_state(gdf, padding=0.5)


# --- feature collection for pydeck -------------------------------------------------------

def test_to_feature_collection_merges_properties(tmp_path):
    doc = collection(feature("07", box(0, 0, 1, 1), name_zh="溪口村", name_en="Xikou"),
                     feature("08", box(1, 0, 2, 1), name_zh="上洋村"),
                     feature("09", box(2, 0, 3, 1)))
    gdf = geo.load_villages_geojson(write(tmp_path, doc))
    props = pd.DataFrame({
        "village_id": ["08", "07", "99"],
        "coverage": [0.5, np.nan, 0.1],
        "cases": np.array([3, 4, 5], dtype="int64"),
        "label": ["b", None, "z"],
    })
    fc = geo.to_feature_collection(gdf, props)
    assert fc["type"] == "FeatureCollection" and len(fc["features"]) == 3
    by_id = {f["properties"]["village_id"]: f["properties"] for f in fc["features"]}
    assert by_id["07"] == {"village_id": "07", "name_zh": "溪口村", "name_en": "Xikou",
                           "coverage": None, "cases": 4, "label": None}
    assert by_id["08"]["coverage"] == 0.5 and by_id["08"]["name_en"] is None
    assert by_id["09"] == {"village_id": "09", "name_zh": None, "name_en": None,
                           "coverage": None, "cases": None, "label": None}
    assert type(by_id["08"]["cases"]) is int
    json.dumps(fc, allow_nan=False)  # plain JSON, no NaN
    assert fc["features"][0]["geometry"] == {"type": "Polygon", "coordinates": [[[0.0, 0.0], [1.0, 0.0], [1.0, 1.0], [0.0, 1.0], [0.0, 0.0]]]}


def test_to_feature_collection_without_properties_and_errors(tmp_path):
    gdf = geo.load_villages_geojson(write(tmp_path, collection(feature("A"))))
    fc = geo.to_feature_collection(gdf)
    assert fc["features"][0]["properties"] == {"village_id": "A", "name_zh": None, "name_en": None}
    with pytest.raises(ValueError, match="village_id"):
        geo.to_feature_collection(gdf, pd.DataFrame({"id": ["A"]}))
    with pytest.raises(ValueError, match="duplicate"):
        geo.to_feature_collection(gdf, pd.DataFrame({"village_id": ["A", "A"], "x": [1, 2]}))


def test_to_feature_collection_simplifies_only_when_asked(tmp_path):
    circle = Point(118.0, 27.0).buffer(0.05, quad_segs=64)  # ~5 km radius, 257 vertices
    ring = [list(c) for c in circle.exterior.coords]
    gdf = geo.load_villages_geojson(write(tmp_path, collection(feature("A", [ring]))))
    full = geo.to_feature_collection(gdf)["features"][0]["geometry"]["coordinates"][0]
    simple = geo.to_feature_collection(gdf, simplify_m=200)["features"][0]["geometry"]["coordinates"][0]
    assert len(full) == len(ring)
    assert 4 <= len(simple) < len(ring) / 3
    assert len(gdf.geometry.iloc[0].exterior.coords) == len(ring)  # the input is untouched


def test_check_ids(tmp_path):
    gdf = geo.load_villages_geojson(write(tmp_path, collection(feature("07"), feature("08", box(1, 1, 2, 2)))))
    assert geo.check_ids(gdf, ["07", "08"]).ok
    result = geo.check_ids(gdf, ["07", "10"])
    assert result.missing == ("10",) and result.unknown == ("08",) and not result.ok
