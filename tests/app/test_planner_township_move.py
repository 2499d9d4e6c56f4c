"""AppTest: on a county's database the planner moves funding and staff from township to township,
and the by-township tab shows what left one and reached the other; the form is not there on a
township's database, for a township leader, nor inside one township chosen in the sidebar."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from cockpit.i18n import Translator
from cockpit.ui.shell import radio_key
from tests.app.conftest import sign_in
from tests.app.test_county_township import ROOT, county, county_db  # noqa: F401 (fixtures)
from tests.county.test_county_assemble import A, B

FORM = "planner_township_apply"


def _planner(user: str = "head", lang: str = "en", **query) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    sign_in(at, user)
    at.query_params["lang"] = lang
    for key, value in query.items():
        at.query_params[key] = value
    at.run()
    at.switch_page("pages/planner.py")
    return at.run()


def _by_township(at: AppTest, lang: str = "en"):
    township = "Township" if lang == "en" else "乡镇"
    table = next(d.value for d in at.dataframe if township in d.value.columns)
    return table.set_index(township)


def _move(at: AppTest, source: str, target: str, wan: float, fte: float) -> AppTest:
    at.selectbox(key="planner_township_from").set_value(source)
    at.selectbox(key="planner_township_to").set_value(target)
    at.number_input(key="planner_township_wan").set_value(wan)
    at.number_input(key="planner_township_fte").set_value(fte)
    at.button(key=FORM).click()
    return at.run()


def test_a_move_between_townships_shows_in_the_by_township_tab(county):
    at = _planner()
    assert not at.exception and not at.error, [*at.exception, *at.error]
    assert [b.key for b in at.button if b.key == FORM] == [FORM]
    before = _by_township(at)
    assert (before["Funding change (万元/yr)"] == 0).all()
    at = _move(at, A, B, 12.0, 1.0)
    assert not at.exception and not at.error, [*at.exception, *at.error]
    after = _by_township(at)
    assert after.loc["Xiaoxi Town", "Funding change (万元/yr)"] == pytest.approx(-12.0, abs=1e-9)
    assert after.loc["Daxi Town", "Funding change (万元/yr)"] == pytest.approx(12.0, abs=1e-9)
    assert after.loc["Xiaoxi Town", "Staff change (FTE)"] == pytest.approx(-1.0, abs=1e-9)
    assert after.loc["Daxi Town", "Staff change (FTE)"] == pytest.approx(1.0, abs=1e-9)
    # Daxi gains coverage, Xiaoxi loses it; the moves are the table's, so a saved scenario holds them
    assert after.loc["Daxi Town", "Service index after (%)"] > after.loc["Daxi Town", "Service index before (%)"]
    assert after.loc["Xiaoxi Town", "Service index after (%)"] < after.loc["Xiaoxi Town", "Service index before (%)"]
    held = at.session_state["planner_base"][2]
    assert held.funding_wan.sum() == pytest.approx(0, abs=1e-9) and held.funding_wan.sum(axis=1)[:2].sum() < 0
    # a second move adds to the first
    at = _move(at, B, A, 2.0, 0.0)
    assert _by_township(at).loc["Daxi Town", "Funding change (万元/yr)"] == pytest.approx(10.0, abs=1e-9)


def test_a_move_larger_than_the_township_holds_is_refused_in_chinese(county):
    at = _planner(lang="zh")
    at = _move(at, A, B, 100.0, 0.0)
    assert not at.exception
    assert len(at.error) == 1 and "无法进行此乡镇间调配" in at.error[0].value
    assert "小溪镇可调出的资金为 60.00 万元/年，少于要调配的 100.00" in at.error[0].value
    assert (_by_township(at, "zh")[Translator("zh")("planner.col.funding")] == 0).all()    # nothing moved
    at = _move(at, A, A, 1.0, 0.0)
    assert "请选择两个不同的乡镇" in at.error[0].value


def test_no_township_move_for_a_township_leader_nor_inside_one_township(county):
    at = _planner(user="daxi")
    assert not at.exception, at.exception
    assert FORM not in [b.key for b in at.button]
    at = _planner(township=B)
    assert not at.exception, at.exception
    assert FORM not in [b.key for b in at.button]


def test_no_township_move_on_a_township_s_database(sample_db, monkeypatch):
    monkeypatch.setenv("COCKPIT_DB", str(sample_db))
    at = _planner(user="leader")
    assert not at.exception, at.exception
    assert any(b.key == "planner_quick_apply" for b in at.button)
    assert FORM not in [b.key for b in at.button]


def test_with_an_added_budget_the_township_move_waits_for_budget_neutral_mode(county):
    at = _planner()
    at.radio(key=radio_key("planner_mode", "en")).set_value("added").run()
    assert not at.exception, at.exception
    button = at.button(key=FORM)
    assert button.disabled and button.help.startswith("A move between townships takes funding")
