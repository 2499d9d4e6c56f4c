"""Village boundaries from GeoJSON: the shapes the issue lists, per-feature checks, merge and undo."""

from __future__ import annotations

import json
import shutil
import warnings
from pathlib import Path

import duckdb
import pytest
from shapely.geometry import shape

from cockpit.geo import boundaries as geo
from cockpit.importer import ImportFailed, Options, check, load, open_upload, suggested_mapping, undo
from cockpit.importer.coords import gcj02_to_wgs84, wgs84_to_gcj02
from tests import importer_fixtures as fx

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def env(fresh_db, tmp_path):
    """A database that knows the new village, and a private copy of the boundary file."""
    geodata = tmp_path / "villages.geojson"
    shutil.copy(ROOT / "geodata" / "villages.geojson", geodata)
    con = duckdb.connect(str(fresh_db))
    _run(con, fx.villages_csv([fx.new_village_row()]).encode(), "villages.csv", "villages", geodata, tmp_path)
    yield con, geodata, tmp_path
    con.close()


def _run(con, data, filename, kind, geodata, tmp_path, options=Options(), mapping=None, do_load=True):
    upload = open_upload(data, filename, kind)
    chosen = suggested_mapping(con, upload, None)
    chosen.update(mapping or {})
    checked = check(con, upload, chosen, options, geodata_path=geodata)
    if not do_load:
        return checked, None
    result = load(con, upload, checked, mode="valid_rows", user="tester", source=None, imports_dir=tmp_path / "imp",
                  geodata_path=geodata, options=options)
    return checked, result


def _codes(checked) -> dict[int, list[str]]:
    out: dict[int, list[str]] = {}
    for i in checked.issues():
        out.setdefault(i.line, []).append(i.problem.code)
    return out


def test_new_village_polygon_is_merged_and_undone(env):
    con, geodata, tmp = env
    original = geodata.read_bytes()
    checked, result = _run(con, fx.as_bytes(fx.new_village_geojson()), "new.geojson", "boundaries", geodata, tmp)
    assert result.status == "loaded" and result.inserted == 1 and not checked.issues()
    doc = json.loads(geodata.read_text(encoding="utf-8"))
    before = json.loads(original)
    assert doc["features"][:-1] == before["features"]              # other villages untouched
    new = doc["features"][-1]
    assert new["properties"]["village_id"] == fx.NEW_VILLAGE and new["properties"]["kind"] == "village"
    gdf = geo.load_villages_geojson(geodata)
    assert len(gdf) == 20 and fx.NEW_VILLAGE in set(gdf["village_id"])
    undo(con, result.batch_id, "tester")
    assert geodata.read_bytes() == original


def test_single_feature_bare_geometry_and_nested_properties(env):
    con, geodata, tmp = env
    one = fx.feature(fx.NEW_VILLAGE, fx.square(*fx.NEW_BOX))
    checked, _ = _run(con, fx.as_bytes(one), "one.geojson", "boundaries", geodata, tmp, do_load=False)
    assert checked.rows.num_rows == 1
    bare = one["geometry"]
    with pytest.raises(ImportFailed, match="bare_geometry_needs_village"):
        _run(con, fx.as_bytes(bare), "bare.geojson", "boundaries", geodata, tmp, do_load=False)
    checked, _ = _run(con, fx.as_bytes(bare), "bare.geojson", "boundaries", geodata, tmp,
                      options=Options(village_id=fx.NEW_VILLAGE), do_load=False)
    assert checked.rows.column("village_id").to_pylist() == [fx.NEW_VILLAGE]
    assert "note_bare_geometry" in {n.code for n in checked.notes}
    nested = fx.collection([fx.feature(None, fx.square(*fx.NEW_BOX), {"admin": {"code": int(fx.NEW_VILLAGE)},
                                                                       "NAME": "新丰村"})])
    checked, _ = _run(con, fx.as_bytes(nested), "nested.geojson", "boundaries", geodata, tmp,
                      mapping={"village_id": "admin.code"}, do_load=False)
    assert checked.rows.to_pylist()[0]["village_id"] == fx.NEW_VILLAGE   # a number in the file, text here
    assert checked.rows.to_pylist()[0]["name_zh"] == "新丰村"


def test_holes_islands_invalid_unknown_and_non_polygons(env):
    con, geodata, tmp = env
    x0, y0, x1, y1 = fx.NEW_BOX
    with_hole = fx.square(x0, y0, x1, y1) + [[[x0 + .005, y0 + .005], [x0 + .01, y0 + .005], [x0 + .01, y0 + .01],
                                             [x0 + .005, y0 + .005]]]
    islands = [fx.square(x0, y0, x1, y1), fx.square(x1 + .01, y0, x1 + .02, y0 + .01)]
    bowtie = [[[x0, y0], [x1, y1], [x1, y0], [x0, y1], [x0, y0]]]
    features = [
        fx.feature(fx.NEW_VILLAGE, with_hole),
        fx.feature("999999999999", fx.square(x0, y0, x1, y1)),
        {"type": "Feature", "properties": {"village_id": fx.LINGTOU},
         "geometry": {"type": "LineString", "coordinates": [[x0, y0], [x1, y1]]}},
        {"type": "Feature", "properties": {}, "geometry": {"type": "Polygon", "coordinates": bowtie}},
    ]
    checked, _ = _run(con, fx.as_bytes(fx.collection(features)), "b.geojson", "boundaries", geodata, tmp,
                      do_load=False)
    codes = _codes(checked)
    assert codes[2] == ["unknown_ref"] and codes[3] == ["not_polygon"] and codes[4] == ["required_empty"]
    assert shape(fx.feature(None, with_hole)["geometry"]).area == pytest.approx(
        checked.extra["geometries"][fx.NEW_VILLAGE].area)
    multi = fx.collection([fx.feature(fx.NEW_VILLAGE, islands, multi=True)])
    checked, _ = _run(con, fx.as_bytes(multi), "m.geojson", "boundaries", geodata, tmp, do_load=False)
    assert checked.extra["geometries"][fx.NEW_VILLAGE].geom_type == "MultiPolygon"
    repaired = fx.collection([fx.feature(fx.NEW_VILLAGE, bowtie)])
    checked, _ = _run(con, fx.as_bytes(repaired), "r.geojson", "boundaries", geodata, tmp, do_load=False)
    assert _codes(checked) == {1: ["geometry_repaired"]}
    assert checked.extra["geometries"][fx.NEW_VILLAGE].is_valid


def test_overlaps_are_warned_and_names_may_repeat(env):
    con, geodata, tmp = env
    lingtou = next(f for f in json.loads(geodata.read_text())["features"]
                   if f["properties"]["village_id"] == fx.LINGTOU)
    poly = shape(lingtou["geometry"])
    x0, y0, x1, y1 = poly.bounds
    overlapping = fx.feature(fx.NEW_VILLAGE, fx.square(x0, y0, (x0 + x1) / 2, (y0 + y1) / 2), {"name_zh": "岭头村"})
    checked, result = _run(con, fx.as_bytes(fx.collection([overlapping])), "o.geojson", "boundaries", geodata, tmp)
    overlaps = [i for i in checked.issues() if i.problem.code == "overlaps"]
    assert {i.severity for i in overlaps} == {"flag"}
    assert fx.LINGTOU in {i.problem.params["other"] for i in overlaps}
    assert result.status == "loaded"   # warned, not refused
    doc = json.loads(geodata.read_text())
    names = [f["properties"]["name_zh"] for f in doc["features"]]
    assert names.count("岭头村") == 2   # same name, different codes: both kept, joined on codes
    ids = [f["properties"]["village_id"] for f in doc["features"]]
    assert len(ids) == len(set(ids))


def test_gcj02_boundaries_are_converted_and_swapped_ones_fixed(env):
    con, geodata, tmp = env
    x0, y0, x1, y1 = fx.NEW_BOX
    ring = [[*wgs84_to_gcj02(x, y)] for x, y in fx.square(x0, y0, x1, y1)[0]]
    checked, _ = _run(con, fx.as_bytes(fx.collection([fx.feature(fx.NEW_VILLAGE, [ring])])), "g.geojson",
                      "boundaries", geodata, tmp, options=Options(gcj02=True), do_load=False)
    got = checked.extra["geometries"][fx.NEW_VILLAGE]
    assert got.bounds == pytest.approx((x0, y0, x1, y1), abs=1e-8)
    swapped = [[y, x] for x, y in fx.square(x0, y0, x1, y1)[0]]
    checked, _ = _run(con, fx.as_bytes(fx.collection([fx.feature(fx.NEW_VILLAGE, [swapped])])), "s.geojson",
                      "boundaries", geodata, tmp, do_load=False)
    assert _codes(checked) == {1: ["coords_swapped"]}
    assert checked.extra["geometries"][fx.NEW_VILLAGE].bounds == pytest.approx((x0, y0, x1, y1))
    assert gcj02_to_wgs84(*wgs84_to_gcj02(x0, y0)) == pytest.approx((x0, y0), abs=1e-9)


def test_not_geojson_fails_clearly(env):
    con, geodata, tmp = env
    for data, code in ((b'{"type": "Topology"}', "not_geojson"), (b"[1]", "not_geojson"), (b"{", "bad_json"),
                       (b'{"type": "FeatureCollection", "features": []}', "no_features")):
        with pytest.raises(ImportFailed) as info:
            _run(con, data, "x.geojson", "boundaries", geodata, tmp, do_load=False)
        assert info.value.problem.code == code


def test_the_merged_file_is_what_the_map_reads(env):
    con, geodata, tmp = env
    _run(con, fx.as_bytes(fx.new_village_geojson()), "new.geojson", "boundaries", geodata, tmp)
    with warnings.catch_warnings():
        warnings.simplefilter("error")   # no repair warnings: the file is clean
        gdf = geo.load_villages_geojson(geodata)
    fc = geo.to_feature_collection(gdf)
    assert any(f["properties"]["name_en"] == "Xinfeng Village" for f in fc["features"])


def test_an_import_killed_after_its_commit_gets_its_file_on_the_next_start(env):
    """The batch committed but the process died before renaming the staged file over the map:
    the next start (the app opening the database, or the CLI) puts it in place, and undo works."""
    from cockpit.importer.pipeline import finish_boundary_import

    con, geodata, tmp = env
    original = geodata.read_bytes()
    _, result = _run(con, fx.as_bytes(fx.new_village_geojson()), "new.geojson", "boundaries", geodata, tmp)
    written = geodata.read_bytes()
    staged = geodata.with_name(f".{geodata.name}.{result.batch_id}.4242.new")  # as the import names it
    staged.write_bytes(written)
    geodata.write_bytes(original)                                   # the rename never happened
    assert finish_boundary_import(con, geodata) == result.batch_id
    assert geodata.read_bytes() == written and not staged.exists()
    assert finish_boundary_import(con, geodata) is None             # nothing left to finish
    geodata.write_bytes(original)                                   # changed by other means: left alone
    assert finish_boundary_import(con, geodata) is None and geodata.read_bytes() == original
    geodata.write_bytes(written)
    undo(con, result.batch_id, "tester")
    assert geodata.read_bytes() == original
    assert finish_boundary_import(con, geodata) is None             # an undone import is not finished again


def _seat(con, vid):
    return con.execute("SELECT lon, lat FROM villages WHERE village_id = ?", [vid]).fetchone()


def test_a_village_without_a_location_takes_a_point_inside_its_boundary_and_undo_restores_it(fresh_db, tmp_path):
    geodata = tmp_path / "villages.geojson"
    shutil.copy(ROOT / "geodata" / "villages.geojson", geodata)
    con = duckdb.connect(str(fresh_db))
    row = fx.new_village_row()
    row[-2:] = [None, None]
    _run(con, fx.villages_csv([row]).encode(), "villages.csv", "villages", geodata, tmp_path)
    assert _seat(con, fx.NEW_VILLAGE) == (None, None)
    _, result = _run(con, fx.as_bytes(fx.new_village_geojson()), "new.geojson", "boundaries", geodata, tmp_path)
    assert (result.inserted, result.updated, result.placed) == (1, 0, 1)
    lon, lat = _seat(con, fx.NEW_VILLAGE)
    x0, y0, x1, y1 = fx.NEW_BOX           # a square: its label point is its centre
    assert (lon, lat) == pytest.approx(((x0 + x1) / 2, (y0 + y1) / 2), abs=(x1 - x0) / 100)
    # the same boundary again: an update, and nothing to place
    _, again = _run(con, fx.as_bytes(fx.new_village_geojson()), "new.geojson", "boundaries", geodata, tmp_path)
    assert (again.inserted, again.updated, again.placed) == (0, 1, 0)
    undone = undo(con, again.batch_id, "tester")
    assert (undone.inserted, undone.updated) == (0, 1)
    undone = undo(con, result.batch_id, "tester")
    assert (undone.inserted, undone.updated) == (1, 1)    # the feature removed, the village's location restored
    assert _seat(con, fx.NEW_VILLAGE) == (None, None)
    con.close()


def test_a_village_imported_without_a_location_after_its_boundary_is_placed_and_own_points_are_kept(env):
    con, geodata, tmp = env                              # the new village has its own seat
    own = _seat(con, fx.NEW_VILLAGE)
    _, result = _run(con, fx.as_bytes(fx.new_village_geojson()), "new.geojson", "boundaries", geodata, tmp)
    assert result.placed == 0 and _seat(con, fx.NEW_VILLAGE) == own
    other = fx.new_village_row("350781105298", "后丰村", "Houfeng Village")
    other[-2:] = ["", ""]
    shifted = fx.feature("350781105298", fx.square(fx.NEW_BOX[0], fx.NEW_BOX[1] - 0.02, fx.NEW_BOX[2],
                                                    fx.NEW_BOX[1] - 0.01))
    _run(con, fx.villages_csv([other]).encode(), "villages.csv", "villages", geodata, tmp)
    _, b = _run(con, fx.as_bytes(fx.collection([shifted])), "b.geojson", "boundaries", geodata, tmp)
    assert b.placed == 1
    undo(con, b.batch_id, "tester")
    assert _seat(con, "350781105298") == (None, None)
    _, v = _run(con, fx.villages_csv([other]).encode(), "villages2.csv", "villages", geodata, tmp)
    assert v.placed == 0                                   # its boundary was undone too
    con.close()
