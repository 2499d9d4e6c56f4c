"""Geometry and names of the sample township: valid polygons that tile the outline, points inside."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import shapely
from shapely.geometry import shape

from cockpit.sample import geography as geo
from cockpit.sample.generate import generate
from cockpit.sample.names import village_names


@pytest.fixture(scope="module", params=[(6, 7), (18, 20261)], ids=["small", "default"])
def township(request, tmp_path_factory) -> Path:
    villages, seed = request.param
    out = tmp_path_factory.mktemp("geo") / "sample_data"
    generate(out_dir=out, geo_dir=None, villages=villages, months=2, cases_per_year=600, seed=seed, end="2026-10")
    return out


def _features(path: Path) -> list[dict]:
    doc = json.loads(path.read_text(encoding="utf-8"))
    assert doc["type"] == "FeatureCollection"
    return doc["features"]


def test_village_polygons_valid_and_tile_the_outline(township):
    feats = _features(township.parent / "geodata" / "villages.geojson")
    outline = shape(_features(township.parent / "geodata" / "township.geojson")[0]["geometry"])
    geoms = [shape(f["geometry"]) for f in feats]
    assert all(g.is_valid and g.geom_type in ("Polygon", "MultiPolygon") for g in geoms)
    union = shapely.union_all(geoms)
    assert union.area == pytest.approx(outline.area, rel=1e-4)
    assert sum(g.area for g in geoms) == pytest.approx(outline.area, rel=1e-4)  # no overlaps
    # about 15 x 12 km for 19 units near 118.1E 27.4N
    c = outline.centroid
    assert 117.9 < c.x < 118.3 and 27.2 < c.y < 27.6


def test_features_match_villages_and_contain_their_seat(township):
    vil = pd.read_csv(township / "villages.csv", dtype={"village_id": str})
    feats = _features(township.parent / "geodata" / "villages.geojson")
    props = pd.DataFrame([f["properties"] for f in feats])
    assert list(props.columns) == ["village_id", "name_zh", "name_en", "kind", "area_group"]
    assert props.equals(vil[list(props.columns)])
    for f, row in zip(feats, vil.itertuples()):
        assert isinstance(f["properties"]["village_id"], str)
        assert shape(f["geometry"]).contains(shapely.Point(row.lon, row.lat))


def test_points_lie_inside_their_village(township):
    feats = {f["properties"]["village_id"]: shape(f["geometry"])
             for f in _features(township.parent / "geodata" / "villages.geojson")}
    for name in ("facilities", "cases"):
        df = pd.read_csv(township / f"{name}.csv", dtype={"village_id": str})
        for vid, g in df.groupby("village_id"):
            assert shapely.contains_xy(feats[vid], g["lon"].to_numpy(), g["lat"].to_numpy()).all(), (name, vid)


def test_area_matches_polygon(township):
    vil = pd.read_csv(township / "villages.csv", dtype={"village_id": str})
    feats = _features(township.parent / "geodata" / "villages.geojson")
    # degrees to km^2 near 27.4N: 111.32 km per degree latitude, cos(lat) for longitude
    km2 = np.array([shape(f["geometry"]).area for f in feats]) * 111.32 ** 2 * np.cos(np.radians(27.4))
    assert np.allclose(vil["area_km2"], km2, rtol=0.02)
    assert vil["distance_km"].iloc[0] == 0 and (vil["distance_km"].iloc[1:] > 0).all()


def test_village_names_unique_for_300_villages():
    names = village_names(300, np.random.default_rng(1))
    zh = [z for z, _ in names]
    en = [e for _, e in names]
    assert len(set(zh)) == len(set(en)) == 300
    assert all(z.endswith("村") and len(z) == 3 for z in zh)
    assert all(e.endswith(" Village") and e[0].isupper() for e in en)
    assert zh[:3] == ["溪口村", "上坪村", "岭头村"] and en[0] == "Xikou Village"
    more = village_names(700, np.random.default_rng(1))
    assert len({z for z, _ in more}) == len({e for _, e in more}) == 700


def test_a_partition_cuts_an_outline_into_adjoining_pieces_of_the_asked_areas():
    rng = np.random.default_rng(5)
    outline = geo.county_outline(600e6, rng)
    assert outline.is_valid and outline.area == pytest.approx(600e6, rel=1e-3)
    shares = np.array([30, 16, 22, 25, 18, 28])
    seats, pieces = geo.partition(outline, shares, rng)
    assert len(seats) == len(pieces) == 6
    assert all(p.geom_type == "Polygon" and p.is_valid for p in pieces)
    areas = np.array([p.area for p in pieces])
    assert np.allclose(areas / outline.area, shares / shares.sum(), rtol=0.03)
    assert shapely.union_all(pieces).symmetric_difference(outline).area < 1e-6 * outline.area
    assert sum(a.intersection(b).area for i, a in enumerate(pieces) for b in pieces[i + 1:]) < 1e-6 * outline.area


def test_power_cells_with_equal_weights_are_the_voronoi_cells():
    outline = shapely.Polygon([(0, 0), (10_000, 0), (10_000, 8_000), (0, 8_000)])
    seats = np.array([[2_000.0, 2_000.0], [8_000.0, 2_500.0], [5_000.0, 6_000.0]])
    for power, voronoi in zip(geo.power_cells(outline, seats, np.zeros(3)), geo.voronoi_cells(outline, seats)):
        assert power.symmetric_difference(voronoi).area < 1e-3
    heavier = geo.power_cells(outline, seats, np.array([4e6, 0.0, 0.0]))
    assert heavier[0].area > geo.power_cells(outline, seats, np.zeros(3))[0].area


def test_shared_borders_remove_t_junctions_and_slivers():
    # the left square has a vertex 3e-6 into its neighbour, which lacks it: a sliver they both cover
    left = shapely.Polygon([(0, 0), (1, 0), (1.000003, 0.5), (1, 1), (0, 1)])
    right = shapely.Polygon([(1, 0), (2, 0), (2, 1), (1, 1)])
    a, b = geo.share_borders([left, right])
    assert a.intersection(b).area == 0 and a.union(b).area == pytest.approx(2, abs=1e-6)
    assert a.intersection(b).length == pytest.approx(1, abs=1e-5)
    on_border = {c for c in a.exterior.coords if c[0] >= 1}
    assert (1.000003, 0.5) in on_border and on_border == {c for c in b.exterior.coords if c[0] <= 1.000003}


def test_the_villages_fill_the_outline_they_are_given(tmp_path):
    outline = geo.county_outline(120e6, np.random.default_rng(3))
    generate(out_dir=tmp_path / "csv", geo_dir=tmp_path / "geo", villages=12, months=1, cases_per_year=200,
             seed=3, end="2026-10", outline=outline)
    cells = [shape(f["geometry"]) for f in _features(tmp_path / "geo" / "villages.geojson")]
    given = geo.geom_to_lonlat(outline)
    assert len(cells) == 13
    assert shapely.union_all(cells).symmetric_difference(given).area < 1e-4 * given.area
    vil = pd.read_csv(tmp_path / "csv" / "villages.csv", dtype={"village_id": str})
    assert shapely.contains_xy(given, vil["lon"].to_numpy(), vil["lat"].to_numpy()).all()
