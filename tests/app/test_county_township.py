"""AppTest: a county database (``python -m cockpit county add``) opens every page over the whole
county, and the sidebar's township choice (kept in the URL) puts every page inside one township."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from cockpit.auth.passwords import ScryptParams
from cockpit.auth.users import add_user
from cockpit.county.assemble import add_packages, create_county
from cockpit.auth.roles import role
from cockpit.ui.pages import PAGES
from tests.app.conftest import sign_in
from tests.app.test_village_scope import page_text
from tests.county.test_county_assemble import A, B, _publish, _township

ROOT = Path(__file__).resolve().parents[2]
FAST = ScryptParams(n=2**10, r=8, p=1)


@pytest.fixture(scope="module")
def county_db(tmp_path_factory):
    root = tmp_path_factory.mktemp("county-app")
    packages = [_publish(_township(root / code, code, name_zh, name_en), root / f"pkg-{code}")
                for code, name_zh, name_en in ((A, "小溪镇", "Xiaoxi Town"), (B, "大溪镇", "Daxi Town"))]
    db = root / "county.duckdb"
    create_county(db, "青溪县", "Qingxi County")
    assert all(r.loaded for r in add_packages(db, packages, "clerk"))
    with duckdb.connect(str(db)) as con:
        add_user(con, "head", "a long enough password 2", "leader", params=FAST)
        add_user(con, "daxi", "a long enough password 3", "township_leader", villages=[f"{B}001", f"{B}002"],
                 params=FAST)
    return db


@pytest.fixture
def county(county_db, monkeypatch):
    monkeypatch.setenv("COCKPIT_DB", str(county_db))
    monkeypatch.setenv("COCKPIT_GEODATA", str(county_db.with_suffix(".geojson")))
    return county_db


def _services(**query) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    sign_in(at, "head")
    at.query_params["lang"] = "en"
    for key, value in query.items():
        at.query_params[key] = value
    at.run()
    at.switch_page("pages/services.py")
    return at.run()


def _heatmap_villages(at: AppTest) -> list[str]:
    import json

    trace = json.loads(at.get("plotly_chart")[0].proto.spec)["data"][0]
    return trace["y"] if len(trace["y"]) != 2 else trace["x"]   # two villages: the domains go down the side


def test_the_county_shows_every_township_s_villages_until_one_township_is_chosen(county):
    at = _services()
    assert not at.exception, at.exception
    choice = at.sidebar.selectbox(key="_w_township")
    assert choice.options == ["Whole county", "Xiaoxi Town", "Daxi Town"] and choice.value == ""
    assert sorted(_heatmap_villages(at)) == sorted([f"{A}001", f"{A}002", f"{B}001", f"{B}002"])
    choice.set_value(B)
    at.run()
    assert not at.exception, at.exception
    assert sorted(_heatmap_villages(at)) == [f"{B}001", f"{B}002"]
    assert at.query_params["township"] == B


def test_a_link_with_a_township_opens_inside_it(county):
    at = _services(township=A)
    assert sorted(_heatmap_villages(at)) == [f"{A}001", f"{A}002"]
    assert at.sidebar.selectbox(key="_w_township").value == A


def test_a_township_s_database_has_no_township_choice(sample_db, monkeypatch):
    monkeypatch.setenv("COCKPIT_DB", str(sample_db))
    at = _services()
    assert not at.exception
    assert "_w_township" not in [s.key for s in at.sidebar.selectbox]


def _county_page(lang: str = "en", user: str = "head") -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    sign_in(at, user)
    at.query_params["lang"] = lang
    at.run()
    at.switch_page("pages/county.py")
    return at.run()


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_county_page_ranks_the_townships_on_their_figures(county, lang):
    from cockpit.metrics import snapshot
    from cockpit.county.figures import township_equality, township_table
    from cockpit.i18n import Translator
    from cockpit.store import Store

    t = Translator(lang)
    at = _county_page(lang)
    assert not at.exception and not at.error, [*at.exception, *at.error]
    assert [x.value for x in at.title] == [t("county.title")]
    store = Store(county)
    try:
        period = store.periods()[-1]
        vt = snapshot.village_table(store, period)
        table = township_table(vt, store.townships(), (0.30, 0.35, 0.35))
        eq = township_equality(vt, store.townships())
    finally:
        store.close()
    shown = at.dataframe[0].value
    assert list(shown[t("county.township")]) == list(table[f"name_{lang}"])
    assert list(shown[t("county.villages")]) == [2, 2]
    assert at.metric[0].value == f"{eq['total']:.4f}"
    assert "%" in at.metric[1].value
    links = {link.proto.page for link in at.get("page_link")}
    assert "county" in links


def test_choosing_a_township_in_the_ranking_opens_its_villages_on_the_map(county):
    at = _county_page()
    order = list(at.dataframe[0].value["Township"])
    at.session_state["county_ranking"] = {"selection": {"rows": [order.index("Daxi Town")], "columns": []}}
    at.run()
    assert at.session_state["township"] == B


def test_a_township_s_database_offers_no_county_page(sample_db, monkeypatch):
    monkeypatch.setenv("COCKPIT_DB", str(sample_db))
    at = _county_page(user="leader")
    assert not at.exception
    assert at.info[0].value.startswith("This database is a township's")
    assert "county" not in {link.proto.page for link in at.get("page_link")}


_TOWNSHIP_PAGES = [p for p in PAGES if p.name in role("township_leader").pages]


@pytest.mark.parametrize("spec", _TOWNSHIP_PAGES, ids=lambda p: p.name)
def test_a_township_leader_sees_their_township_only_on_every_page(county, spec):
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    sign_in(at, "daxi")
    at.query_params["lang"] = "zh"
    at.run()
    if spec.path != "pages/overview.py":
        at.switch_page(spec.path)
        at.run()
    assert not at.exception, at.exception
    text = page_text(at)
    assert A not in text and "小溪镇" not in text, "another township on the page"
    assert B in text or "大溪镇" in text or "岭头村" in text
    assert "_w_township" not in [s.key for s in at.sidebar.selectbox]   # one township: nothing to choose


def test_a_township_leader_s_case_list_download_holds_their_township_only(county, monkeypatch, click_download):
    from cockpit.ui import cases_view

    downloads = []
    original = cases_view.to_csv_bytes
    monkeypatch.setattr(cases_view, "to_csv_bytes", lambda table: downloads.append(original(table)) or downloads[-1])
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    sign_in(at, "daxi")
    at.run()
    at.switch_page("pages/cases.py")
    at.run()
    click_download(at, "download_overdue")
    csv = b"".join(downloads).decode("utf-8-sig")
    assert downloads and A not in csv
    with duckdb.connect(str(county), read_only=True) as con:
        theirs = {r[0] for r in con.execute("SELECT case_id FROM cases WHERE village_id LIKE ?", [f"{B}%"]).fetchall()}
    shown = {line.split(",")[0] for line in csv.splitlines()[1:] if line}
    assert shown <= theirs


def test_the_planner_of_a_county_says_what_moves_between_townships(county):
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    sign_in(at, "head")
    at.query_params["lang"] = "en"
    at.run()
    at.switch_page("pages/planner.py")
    at.run()
    assert not at.exception and not at.error, [*at.exception, *at.error]
    assert "planner.map.no_boundaries" not in str(at.info) and at.info[-1].value.startswith("No village boundaries")
    tables = [d.value for d in at.dataframe if "Township" in d.value.columns]
    assert tables, "a by-township table"
    assert sorted(tables[0]["Township"]) == ["Daxi Town", "Xiaoxi Town"]


def test_the_overview_is_titled_by_the_township_shown(county):
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    sign_in(at, "head")
    at.query_params["lang"] = "zh"
    at.run()
    assert at.title[0].value == "青溪县"
    at.sidebar.selectbox(key="_w_township").set_value(B)
    at.run()
    assert at.title[0].value == "大溪镇"
    daxi = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    sign_in(daxi, "daxi")
    daxi.query_params["lang"] = "zh"
    daxi.run()
    assert daxi.title[0].value == "大溪镇"


@pytest.mark.parametrize("lang, whole, inside", [("zh", "全县运行态势", "全镇运行态势"),
                                                 ("en", "State of the county", "State of the township")])
def test_a_whole_county_says_county_and_one_township_says_township(county, lang, whole, inside):
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    sign_in(at, "head")
    at.query_params["lang"] = lang
    at.run()
    assert not at.exception, at.exception
    assert at.caption[0].value.startswith(whole)
    at.sidebar.selectbox(key="_w_township").set_value(A)
    at.run()
    assert at.caption[0].value.startswith(inside)
    assert [t.value for t in at.title] == ["小溪镇" if lang == "zh" else "Xiaoxi Town"]


def test_the_county_s_leader_is_named_county_leader_in_the_sidebar(county):
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    sign_in(at, "head")
    at.query_params["lang"] = "zh"
    at.run()
    assert any("县领导" in c.value and "乡镇领导" not in c.value for c in at.sidebar.caption)
