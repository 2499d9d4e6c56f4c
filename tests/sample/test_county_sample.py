"""The sample county: townships generated, published and added, tiling the county's area with
shared borders, demo accounts."""

from __future__ import annotations

import json
import math
from collections import Counter

import duckdb
import numpy as np
import pytest
import shapely

from cockpit.geo import boundaries as geo
from cockpit.auth.users import get_user
from cockpit.cli import main
from cockpit.sample import geography
from cockpit.sample.county import county_plan
from cockpit.store import Store
from cockpit.store.real_data import is_synthetic


SEED = 2026   # the default of ``county sample``


@pytest.fixture(scope="module")
def county(tmp_path_factory):
    out = tmp_path_factory.mktemp("sample-county") / "county"
    assert main(["county", "sample", "--out", str(out), "--townships", "3", "--months", "3"]) == 0
    return out


def test_the_sample_county_holds_its_townships_and_their_boundaries(county):
    store = Store(county / "county.duckdb")
    try:
        townships = store.townships()
        villages = store.villages()
    finally:
        store.close()
    codes = sorted(townships["township_code"].unique())
    assert codes == ["350781101", "350781102", "350781103"]
    assert set(townships.drop_duplicates("township_code")["name_zh"]) == {"城关镇", "溪口镇", "青山乡"}
    assert all(15 + 1 <= n <= 30 + 1 for n in townships.groupby("township_code").size())   # 15-30 + the seat
    assert all(v[:9] == t for v, t in zip(townships["village_id"], townships["township_code"]))
    features = json.loads((county / "county.geojson").read_text(encoding="utf-8"))["features"]
    assert sorted(f["properties"]["village_id"] for f in features) == sorted(villages["village_id"])
    assert len(list((county / "packages").iterdir())) == 3


def _townships(county):
    """The county's villages (lon/lat) and its townships' dissolved shapes, by code."""
    gdf = geo.load_villages_geojson(county / "county.geojson")
    store = Store(county / "county.duckdb")
    try:
        groups = store.townships().rename(columns={"township_code": "group_id"})
    finally:
        store.close()
    return gdf, geo.dissolve(gdf, groups).set_index("village_id")


def test_the_townships_tile_the_county_without_gaps_or_overlaps(county):
    gdf, shapes = _townships(county)
    assert gdf.geometry.is_valid.all() and set(gdf.geom_type) == {"Polygon"}
    parts = list(shapes.geometry)
    outline = geography.geom_to_lonlat(county_plan(3, SEED).outline)
    union = shapely.union_all(parts)
    for i, a in enumerate(parts):
        for b in parts[i + 1:]:
            assert a.intersection(b).area <= 1e-9 * union.area, "townships overlap"
    assert union.intersection(outline).area / outline.area >= 0.999
    assert union.area / outline.area == pytest.approx(1, abs=1e-3)
    assert union.geom_type == "Polygon" and not union.interiors   # no gap inside the county
    for i, a in enumerate(parts):   # every township shares a border of positive length with another
        assert max(a.intersection(b).length for j, b in enumerate(parts) if j != i) > 0.01, shapes.index[i]


def test_every_village_lies_inside_its_township_and_the_seats_inside_their_villages(county):
    gdf, shapes = _townships(county)
    store = Store(county / "county.duckdb")
    try:
        villages = store.villages().set_index("village_id")
    finally:
        store.close()
    for vid, village in zip(gdf["village_id"], gdf.geometry):
        township = shapes.geometry[vid[:9]]
        assert township.buffer(1e-9).contains(village), vid
        assert township.contains(shapely.Point(villages.at[vid, "lon"], villages.at[vid, "lat"])), vid
        assert village.contains(shapely.Point(villages.at[vid, "lon"], villages.at[vid, "lat"])), vid


def test_neighbouring_villages_share_their_borders_vertex_for_vertex(county):
    """Every edge of a village's ring is an edge of its neighbour's too, unless it lies on the
    county's outline: edges met once add up to the county's perimeter, so there is no T-junction
    and no sliver between villages, in one township or two."""
    gdf, shapes = _townships(county)
    edges = Counter()
    for polygon in gdf.geometry:
        ring = [tuple(c) for c in polygon.exterior.coords]
        edges.update((min(a, b), max(a, b)) for a, b in zip(ring, ring[1:]))
    assert set(edges.values()) == {1, 2}
    once = sum(math.dist(a, b) for (a, b), n in edges.items() if n == 1)
    county_shape = shapely.union_all(list(shapes.geometry))
    assert once == pytest.approx(county_shape.exterior.length, rel=1e-9)
    for shape in shapes.geometry:   # a township dissolves into one polygon without holes
        assert shape.geom_type == "Polygon" and not shape.interiors


def test_a_township_s_area_fits_its_villages():
    plan = county_plan(12, SEED)
    assert len(plan.areas) == 12 and sorted(set(plan.villages)) != [plan.villages[0]]   # sizes differ
    areas = np.array([a.area for a in plan.areas])
    share = (np.array(plan.villages) + 1) / (np.array(plan.villages) + 1).sum()
    assert np.allclose(areas / areas.sum(), share, rtol=0.03)
    assert sum(areas) == pytest.approx(plan.outline.area, rel=1e-6)
    assert plan.areas[0].contains(plan.outline.centroid)   # the county seat's township in the middle


def test_the_county_plan_is_deterministic_for_a_seed():
    a, b, c = county_plan(4, SEED), county_plan(4, SEED), county_plan(4, SEED + 1)
    assert a.villages == b.villages and a.cases_per_year == b.cases_per_year
    assert all(x.equals_exact(y, 0) for x, y in zip(a.areas, b.areas))
    assert a.outline.equals_exact(b.outline, 0)
    assert not a.outline.equals_exact(c.outline, 1.0)


def test_the_demo_accounts_sign_in_to_the_sample_county(county):
    with duckdb.connect(str(county / "county.duckdb"), read_only=True) as con:
        assert is_synthetic(con)
        leader, secretary = get_user(con, "leader"), get_user(con, "secretary")
    assert leader.role == "leader" and leader.demo
    assert leader.display_name == "演示县领导 Demo county leader"   # the township's is 演示镇领导
    assert secretary.villages and secretary.villages[0].startswith("350781101")


def test_the_townships_dissolve_into_one_shape_each_covering_their_villages(county):
    gdf, shapes = _townships(county)
    assert sorted(shapes.index) == ["350781101", "350781102", "350781103"]
    assert shapes.at["350781102", "name_zh"] == "溪口镇"
    for code, shape in shapes.geometry.items():
        villages = gdf[gdf["village_id"].str.startswith(code)]
        # degrees squared: the same for both, no projection needed to compare them
        assert shape.area == pytest.approx(sum(g.area for g in villages.geometry), rel=1e-6)
        assert all(shape.buffer(1e-9).contains(v) for v in villages.geometry)
