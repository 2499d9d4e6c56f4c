"""AppTest: a new township (``python -m cockpit new-township``) opens on every page (issue 20).

The Data and Users pages work at once; every other page says which data it lacks, shows what the
township holds and which page each part feeds, and offers the Data page to those who import."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from cockpit.auth.passwords import ScryptParams
from cockpit.auth.users import add_user
from cockpit.sample import catalog
from cockpit.store.new_township import create_township
from cockpit.ui.pages import PAGES
from tests.app.conftest import sign_in

ROOT = Path(__file__).resolve().parents[2]
FAST = ScryptParams(n=2**10, r=8, p=1)


@pytest.fixture
def empty_township(tmp_path, monkeypatch):
    db = tmp_path / "new.duckdb"
    reference = {"domains": catalog.domains_frame(), "departments": catalog.departments_frame(),
                 "categories": catalog.categories_frame(), "norms": catalog.norms_frame()}
    create_township(db, "新安镇", "Xin'an Town", reference, actor="tester")
    with duckdb.connect(str(db)) as con:
        add_user(con, "admin", "a long enough password 1", "administrator", params=FAST)
        add_user(con, "head", "a long enough password 2", "leader", params=FAST)
    monkeypatch.setenv("COCKPIT_DB", str(db))
    monkeypatch.setenv("COCKPIT_GEODATA", str(tmp_path / "new.geojson"))
    return db


def _page(path: str, user: str) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    sign_in(at, user)
    at.run()
    if path != "pages/overview.py":
        at.switch_page(path)
        at.run()
    return at


# every page a leader opens (Today is a village secretary's, and a secretary needs a village first)
@pytest.mark.parametrize("spec", [p for p in PAGES if p.name not in ("admin", "data", "today")], ids=lambda p: p.name)
def test_a_page_of_an_empty_township_says_what_it_needs(empty_township, spec):
    at = _page(spec.path, "head")
    assert not at.exception and not at.error, [e.value for e in [*at.exception, *at.error]]
    assert at.info and "本镇数据中还没有" in at.info[0].value
    table = at.dataframe[0].value
    assert list(table["数据"]) == ["村（社区）", "村界", "服务覆盖率", "资金与人员", "群众诉求", "服务设施", "党支部"]
    assert set(table["现有"]) == {"暂无"}
    assert "村（社区）" in at.info[0].value


def test_the_overview_of_an_empty_township_in_english_names_what_is_missing(empty_township):
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    sign_in(at, "head")
    at.query_params["lang"] = "en"
    at.run()
    assert "the township's data has no villages, monthly data (coverage, funding and staff, or appeals)" \
        in at.info[0].value
    assert list(at.dataframe[0].value["Import on the Data page as"])[:2] == [
        "Villages and communities", "Village boundaries (GeoJSON)"]


@pytest.mark.parametrize("path, user", [("pages/data.py", "admin"), ("pages/admin.py", "admin"),
                                        ("pages/data.py", "head")])
def test_the_data_and_users_pages_of_an_empty_township_open(empty_township, path, user):
    at = _page(path, user)
    assert not at.exception and not at.error, [e.value for e in [*at.exception, *at.error]]
    assert not [i for i in at.info if "本镇数据中还没有" in i.value]
    assert at.tabs or at.selectbox      # the page's own controls are there


def _datav_boundaries() -> bytes:
    from tests import importer_fixtures as fx

    features = [fx.feature(None, fx.square(118.0 + 0.02 * i, 27.0, 118.02 + 0.02 * i, 27.02),
                           {"adcode": 350781105201 + i, "name": name})
                for i, name in enumerate(["溪口村", "城关社区", "长乐村"])]
    return fx.as_bytes(fx.collection(features))


def _villages(db):
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute("SELECT village_id, name_en, kind, area_group, population FROM villages "
                           "ORDER BY village_id").fetchall()


def test_a_new_township_starts_from_its_boundaries_on_the_data_page(empty_township, tmp_path, monkeypatch):
    monkeypatch.setenv("COCKPIT_IMPORTS_DIR", str(tmp_path / "imports"))
    at = _page("pages/data.py", "admin")
    at.selectbox(key="imp_kind").set_value("boundaries").run()
    at.file_uploader(key="imp_file_0").set_value(("行政区划.json", _datav_boundaries(), "application/json")).run()
    assert at.checkbox(key="imp_create_villages").value is True          # a township without villages
    at.button(key="imp_check").click().run()
    assert not at.exception
    at.button(key="imp_load").click().run()
    assert not at.exception
    assert "已根据村界新建 3 个村" in at.success[0].value
    assert _villages(empty_township) == [
        ("350781105201", "Xikou Village", "village", "rural", 0),
        ("350781105202", "Chengguan Community", "village", "rural", 0),
        ("350781105203", "Changle Village", "village", "rural", 0)]
    assert (tmp_path / "new.geojson").is_file()

    assert at.subheader[0].value == "待补填的村"                        # the fill-in table, above the tabs
    at.session_state["fill_editor"] = {"edited_rows": {
        "1": {"kind": "community", "area_group": "urban", "population": 3400},
        "0": {"population": 1182}, "2": {"population": 905, "name_en": "Changle Village (west)"}},
        "added_rows": [], "deleted_rows": []}
    at.button(key="fill_save").click().run()
    assert not at.exception
    assert at.success and "更新 3" in at.success[0].value.replace(",", "")
    assert _villages(empty_township) == [
        ("350781105201", "Xikou Village", "village", "rural", 1182),
        ("350781105202", "Chengguan Community", "community", "urban", 3400),
        ("350781105203", "Changle Village (west)", "village", "rural", 905)]
    assert not [s for s in at.subheader if s.value == "待补填的村"]

    at.switch_page("pages/overview.py").run()                                       # villages, but no month yet
    assert "月度数据" in at.info[0].value and "村（社区）" not in at.info[0].value
    assert list(at.dataframe[0].value["现有"])[:2] == ["3 条", "3 条"]


def test_the_data_page_of_an_empty_township_shows_what_it_holds(empty_township):
    at = _page("pages/data.py", "admin")
    assert "本镇数据现状" in [e.label for e in at.expander]
    table = next(d.value for d in at.dataframe if "数据" in d.value.columns)
    assert list(table["现有"]) == ["暂无"] * 7
