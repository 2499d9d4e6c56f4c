"""The sample county: townships generated, published and added, laid side by side, demo accounts."""

from __future__ import annotations

import json

import duckdb
import pytest

from cockpit.auth.users import get_user
from cockpit.cli import main
from cockpit.store import Store
from cockpit.store.real_data import is_synthetic


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


def test_the_townships_lie_side_by_side_not_on_top_of_each_other(county):
    from cockpit.geo import boundaries as geo

    gdf = geo.load_villages_geojson(county / "county.geojson")
    boxes = [geo.bounds(gdf[gdf["village_id"].str.startswith(code)]) for code in ("350781101", "350781102", "350781103")]
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            assert a[2] <= b[0] or b[2] <= a[0] or a[3] <= b[1] or b[3] <= a[1], (a, b)   # disjoint


def test_the_demo_accounts_sign_in_to_the_sample_county(county):
    with duckdb.connect(str(county / "county.duckdb"), read_only=True) as con:
        assert is_synthetic(con)
        leader, secretary = get_user(con, "leader"), get_user(con, "secretary")
    assert leader.role == "leader" and leader.demo
    assert secretary.villages and secretary.villages[0].startswith("350781101")


def test_the_townships_dissolve_into_one_shape_each_covering_their_villages(county):
    from cockpit.geo import boundaries as geo

    gdf = geo.load_villages_geojson(county / "county.geojson")
    store = Store(county / "county.duckdb")
    try:
        groups = store.townships().rename(columns={"township_code": "group_id"})
    finally:
        store.close()
    shapes = geo.dissolve(gdf, groups).set_index("village_id")
    assert sorted(shapes.index) == ["350781101", "350781102", "350781103"]
    assert shapes.at["350781102", "name_zh"] == "溪口镇"
    for code, shape in shapes.geometry.items():
        villages = gdf[gdf["village_id"].str.startswith(code)]
        # degrees squared: the same for both, no projection needed to compare them
        assert shape.area == pytest.approx(sum(g.area for g in villages.geometry), rel=1e-6)
        assert all(shape.buffer(1e-9).contains(v) for v in villages.geometry)
