"""AppTest of the data page: upload, map columns, check, report, load, see it on the map, undo, export."""

from __future__ import annotations

import hashlib
import io
import json
import shutil
from pathlib import Path
from types import SimpleNamespace

import duckdb
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from cockpit.i18n import Translator
from cockpit.ui.data import Data
from cockpit.ui.history_view import export_bytes
from cockpit.ui.shell import radio_key
from tests import importer_fixtures as fx

ROOT = Path(__file__).resolve().parents[2]
DATA_PAGE = "pages/data.py"


@pytest.fixture
def world(fresh_db, tmp_path, monkeypatch):
    con = duckdb.connect(str(fresh_db))
    try:  # a real account: the first import ends the sample's demo accounts, signing the demo leader out
        con.execute("UPDATE users SET demo = false WHERE user_name = 'leader'")
    finally:
        con.close()
    geodata = tmp_path / "villages.geojson"
    shutil.copy(ROOT / "geodata" / "villages.geojson", geodata)
    monkeypatch.setenv("COCKPIT_GEODATA", str(geodata))
    monkeypatch.setenv("COCKPIT_IMPORTS_DIR", str(tmp_path / "imports"))
    return SimpleNamespace(db=fresh_db, geodata=geodata, tmp=tmp_path)


def _page(lang: str) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.query_params["lang"] = lang
    at.switch_page(DATA_PAGE)
    return at.run()


def _upload(at: AppTest, kind: str, name: str, data: bytes) -> AppTest:
    at.selectbox(key="imp_kind").set_value(kind).run()
    generation = at.session_state["imp_generation"]
    return at.file_uploader(key=f"imp_file_{generation}").set_value((name, data, "application/octet-stream")).run()


def _mapping_box(at: AppTest, kind: str, field: str):
    return next(s for s in at.selectbox if s.key and s.key.startswith("imp_map_") and s.key.endswith(f"_{kind}_{field}"))


def _frame(at: AppTest, column: str) -> pd.DataFrame:
    """The first dataframe on the page that has ``column`` (AppTest dataframes carry no key)."""
    return next(d.value for d in at.dataframe if column in d.value.columns)


def _rows(db: Path, sql: str):
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_villages_then_boundary_then_map(world, lang):
    t = Translator(lang)
    at = _page(lang)
    assert not at.exception and at.title[0].value == t("data.title")
    data = fx.villages_csv([fx.new_village_row()]).encode("gbk")
    at = _upload(at, "villages", "村情_2026年10月.csv", data)
    assert not at.exception
    assert _mapping_box(at, "villages", "village_id").value == "行政区划代码"   # suggested from Chinese headers
    assert _mapping_box(at, "villages", "name_en").value == ""                # "Romanized" is not a synonym
    _mapping_box(at, "villages", "name_en").set_value("Romanized").run()
    at.button(key="imp_check").click().run()
    metrics = {m.label: m.value for m in at.metric}
    assert metrics[t("import.rows_in")] == "1" and metrics[t("import.rows_rejected")] == "0"
    at.button(key="imp_load").click().run()
    assert not at.exception
    assert at.success[0].value == t("import.result_loaded", batch=1, inserted="1", updated="0", unchanged="0",
                                    rejected="0")
    assert _rows(world.db, f"SELECT name_en FROM villages WHERE village_id = '{fx.NEW_VILLAGE}'") == [
        ("Xinfeng Village",)]

    at = _upload(at, "boundaries", "new.geojson", fx.as_bytes(fx.new_village_geojson()))
    at.button(key="imp_check").click().run()
    at.button(key="imp_load").click().run()
    assert not at.exception and at.success[0].value.startswith(t("import.result_loaded", batch=2, inserted="1",
                                                                 updated="0", unchanged="0", rejected="0")[:8])
    assert fx.NEW_VILLAGE in world.geodata.read_text(encoding="utf-8")

    at.switch_page("pages/map.py").run()
    assert not at.exception
    deck = json.loads(at.get("deck_gl_json_chart")[0].proto.json)
    layer = next(layer for layer in deck["layers"] if layer["id"] == "villages")
    ids = {f["properties"]["village_id"] for f in layer["data"]["features"]}
    assert fx.NEW_VILLAGE in ids and len(ids) == 20


def test_report_of_a_messy_file_and_load_nothing(world):
    t = Translator("en")
    at = _page("en")
    at = _upload(at, "cases", "12345工单_2026年10月.csv", fx.messy_cases_csv().encode("gbk"))
    at.button(key="imp_check").click().run()
    metrics = {m.label: m.value for m in at.metric}
    assert (metrics[t("import.rows_in")], metrics[t("import.rows_valid")], metrics[t("import.rows_rejected")],
            metrics[t("import.rows_flagged")]) == ("11", "6", "5", "2")
    report = _frame(at, t("import.report.problem"))
    assert list(report[t("import.report.line")]) == [4, 5, 6, 7, 8, 9, 13]
    assert "“2026-02-30 10:00” is not a real date or time" in set(report[t("import.report.problem")])
    at.radio(key=radio_key("imp_mode", "en")).set_value("all_or_nothing").run()
    at.button(key="imp_load").click().run()
    assert at.error[0].value.startswith("Import #1 loaded nothing")
    assert _rows(world.db, "SELECT count(*) FROM cases WHERE case_id LIKE 'M0%'") == [(0,)]
    assert _rows(world.db, "SELECT value FROM meta WHERE key = 'synthetic'") == [("true",)]   # still the sample


def test_unreadable_file_and_missing_required_columns(world):
    at = _page("zh")
    at = _upload(at, "cases", "old.xls", b"\xd0\xcf\x11\xe0" + b"\x00" * 64)
    assert at.error[0].value == Translator("zh")("import.cannot_read",
                                                problem=Translator("zh")("import.problem.old_xls"))
    at = _upload(at, "cases", "x.csv", "甲,乙\n1,2\n".encode())
    assert any("必填字段" in w.value for w in at.warning)


def test_history_undo_and_quarantine(world):
    at = _page("en")
    bad = fx.cases_csv(["Q001,not a date,,350781105203,roads,x,李小明,13812341234,",
                        "Q002,2026-10-01,,350781105203,roads,ok,,,"])
    at = _upload(at, "cases", "cases.csv", bad.encode())
    at.button(key="imp_check").click().run()
    at.button(key="imp_load").click().run()
    assert _rows(world.db, "SELECT count(*) FROM cases WHERE case_id = 'Q002'") == [(1,)]
    assert _rows(world.db, "SELECT value FROM meta WHERE key = 'synthetic'") == [("false",)]  # real data now
    history = _frame(at, "Status")
    assert list(history["Status"]) == ["loaded"] and list(history["Rejected"]) == [1]
    quarantine = _frame(at, "raw_row")
    assert "138****1234" in quarantine["raw_row"][0] and "13812341234" not in quarantine["raw_row"][0]
    assert at.button(key="data_undo").disabled
    at.checkbox(key="data_undo_confirm").check().run()
    at.button(key="data_undo").click().run()
    assert at.success[0].value == "Import #1 undone: 1 rows removed, 0 restored."
    assert _rows(world.db, "SELECT count(*) FROM cases WHERE case_id = 'Q002'") == [(0,)]
    assert list(_frame(at, "Status")["Status"]) == ["undone"]


def test_export_is_masked_and_recorded(world):
    data = Data(str(world.db), 0, (0.3, 0.35, 0.35))
    csv = export_bytes(SimpleNamespace(data=data, user=None), "case_contacts", "csv")
    frame = pd.read_csv(io.BytesIO(csv), dtype=str, encoding="utf-8-sig")
    assert frame["phone"].str.contains(r"\*{4}").all()
    assert _rows(world.db, "SELECT direction, kind, user_name FROM import_batches") == [
        ("export", "case_contacts", "local")]
    at = _page("zh")
    at.switch_page(DATA_PAGE).run()
    assert not at.exception


def test_value_translations_on_the_data_page_are_kept_for_the_source(world):
    la = ("SRNumber,CreatedDate,RequestType,Status,RequestSource,所属村\n"
          "1-001,2026-11-03 08:05,Pothole,Open,Voice In,岭头村\n"
          "1-002,2026-11-04 09:05,Bulky Items,Open,Mobile App,岭头村\n"
          "1-003,2026-11-05 07:05,Pothole,Open,Voice In,溪口村\n")
    at = _page("en")
    at = _upload(at, "cases", "la311_2026-11.csv", la.encode())
    _mapping_box(at, "cases", "case_id").set_value("SRNumber").run()
    _mapping_box(at, "cases", "category_id").set_value("RequestType").run()
    _mapping_box(at, "cases", "channel").set_value("RequestSource").run()
    assert not at.exception
    assert "What the file's values mean here" in [m.value.strip("*") for m in at.markdown]
    sha = hashlib.sha256(la.encode()).hexdigest()[:10]
    at.session_state[f"values_{sha}_category_id"] = {"edited_rows": {"0": {"ours": "roads"}, "1": {"ours": "sanitation"}},
                                                     "added_rows": [], "deleted_rows": []}
    at.session_state[f"values_{sha}_channel"] = {"edited_rows": {"0": {"ours": "hotline"}, "1": {"ours": "app"}},
                                                 "added_rows": [], "deleted_rows": []}
    at.run()
    at.button(key="imp_check").click().run()
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Rejected rows"] == "0"
    at.button(key="imp_load").click().run()
    assert not at.exception and at.success
    assert _rows(world.db, "SELECT case_id, category_id, channel FROM cases WHERE case_id LIKE '1-00%' "
                           "ORDER BY case_id") == [("1-001", "roads", "hotline"), ("1-002", "sanitation", "app"),
                                                   ("1-003", "roads", "hotline")]
    # next month's file of the same source: mapped and translated as saved, nothing to choose
    december = la.replace("2026-11", "2026-12").replace("1-00", "2-00")
    at = _upload(at, "cases", "la311_2026-12.csv", december.encode())
    assert _mapping_box(at, "cases", "channel").value == "RequestSource"
    at.button(key="imp_check").click().run()
    assert {m.label: m.value for m in at.metric}["Rejected rows"] == "0"
    at.button(key="imp_load").click().run()
    assert _rows(world.db, "SELECT count(*) FROM cases WHERE case_id LIKE '2-00%' AND channel = 'hotline'") == [(2,)]


def test_a_bare_geometry_is_imported_for_the_village_chosen(world):
    polygon = {"type": "Polygon", "coordinates": fx.square(*fx.NEW_BOX)}
    at = _page("en")
    at = _upload(at, "boundaries", "outline.geojson", json.dumps(polygon).encode())
    assert not at.exception
    at.selectbox(key="imp_bare_village").set_value(fx.LINGTOU).run()
    assert not [w for w in at.warning if "Required fields without a column" in w.value]
    at.button(key="imp_check").click().run()          # the Check button is there
    at.button(key="imp_load").click().run()
    assert not at.exception and at.success and "0 new, 1 updated" in at.success[0].value
    doc = json.loads(world.geodata.read_text(encoding="utf-8"))
    feature = next(f for f in doc["features"] if f["properties"]["village_id"] == fx.LINGTOU)
    assert feature["geometry"]["coordinates"][0][0] == list(fx.NEW_BOX[:2])
