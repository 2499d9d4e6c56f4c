"""AppTest: no page fails on a gap in the township's data (issue 20).

A village without seat coordinates is left out of distance figures and the services page names
it; a village without a boundary is not on the map and the map page names it; every page still
opens."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from cockpit.ui.pages import PAGES
from tests.app.conftest import sign_in

ROOT = Path(__file__).resolve().parents[2]
UNLOCATED = "350781105203"   # 岭头村 in the sample
UNMAPPED = "350781105210"


@pytest.fixture
def gappy(fresh_db, tmp_path, monkeypatch):
    with duckdb.connect(str(fresh_db)) as con:
        con.execute("UPDATE villages SET lon = NULL, lat = NULL WHERE village_id = ?", [UNLOCATED])
        names = dict(con.execute("SELECT village_id, name_zh FROM villages").fetchall())
    doc = json.loads((ROOT / "geodata" / "villages.geojson").read_text(encoding="utf-8"))
    doc["features"] = [f for f in doc["features"] if f["properties"]["village_id"] != UNMAPPED]
    geodata = tmp_path / "villages.geojson"
    geodata.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    monkeypatch.setenv("COCKPIT_GEODATA", str(geodata))
    return names


def _page(path: str, user: str = "leader") -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    sign_in(at, user)
    at.run()
    if path != "pages/overview.py":
        at.switch_page(path)
        at.run()
    return at


@pytest.mark.parametrize("spec", PAGES, ids=lambda p: p.name)
def test_every_page_opens_with_a_village_without_location_or_boundary(gappy, spec):
    at = _page(spec.path, "secretary" if spec.name == "today" else "leader")   # Today is the secretary's
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]


def test_the_services_page_names_the_village_left_out_of_distances(gappy):
    at = _page("pages/services.py")
    notes = [c.value for c in at.caption if "缺少位置" in c.value or "no location" in c.value]
    assert notes and gappy[UNLOCATED] in notes[0] and "（1 个）" in notes[0]


def test_the_map_names_the_village_without_a_boundary(gappy):
    at = _page("pages/map.py")
    notes = [c.value for c in at.caption if "尚无村界" in c.value]
    assert len(notes) == 1 and gappy[UNMAPPED] in notes[0] and "（1 个）" in notes[0]
