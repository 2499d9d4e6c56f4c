"""Geometry and names of the sample township: valid polygons that tile the outline, points inside."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import shapely
from shapely.geometry import shape

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
