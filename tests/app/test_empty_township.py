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
    if path != "app.py":
        at.switch_page(path)
        at.run()
    return at


@pytest.mark.parametrize("spec", [p for p in PAGES if p.name not in ("admin", "data")], ids=lambda p: p.name)
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


@pytest.mark.parametrize("path, user", [("pages/9_data.py", "admin"), ("pages/8_admin.py", "admin"),
                                        ("pages/9_data.py", "head")])
def test_the_data_and_users_pages_of_an_empty_township_open(empty_township, path, user):
    at = _page(path, user)
    assert not at.exception and not at.error, [e.value for e in [*at.exception, *at.error]]
    assert not [i for i in at.info if "本镇数据中还没有" in i.value]
    assert at.tabs or at.selectbox      # the page's own controls are there
