"""The village file PDF (cockpit/village/briefing.py): what it says comes from the data, it names
no other village when read through a village scope, and data values are printed as text."""

from __future__ import annotations

import datetime as dt
import re
import shutil

import duckdb
import pandas as pd
import pytest

from cockpit.geo import boundaries as geo
from cockpit.meeting import briefing
from cockpit.text.numbers import format_value
from cockpit.metrics.catalog import coverage_key
from cockpit.store import decisions
from cockpit.ui.data import Data
from cockpit.village.briefing import HISTORY_MONTHS, profile_inputs, village_deck
from tests.conftest import SAMPLE_GEODATA
from tests.meeting.test_briefing import _require, _squash, _text

WEIGHTS = (0.3, 0.35, 0.35)
XSS = "<img src=x onerror=alert(1)>"


@pytest.fixture(scope="module")
def world(sample_db, tmp_path_factory):
    """A copy of the sample with open items for two villages; the village shown is the 6th."""
    db = tmp_path_factory.mktemp("village_file") / "cockpit.duckdb"
    shutil.copy2(sample_db, db)
    con = duckdb.connect(str(db))
    ids = [r[0] for r in con.execute("SELECT village_id FROM villages ORDER BY village_id").fetchall()]
    own, other = ids[5], ids[6]
    meeting = decisions.create_meeting(con, dt.date(2026, 10, 20), "十月联席会议", "2026-09")
    decisions.record_item(con, meeting, "action", "修复本村道路照明", owner="王明", village_id=own,
                          due_on=dt.date(2026, 10, 1))
    decisions.record_item(con, meeting, "action", "另一个村的事项", owner="李强", village_id=other)
    decisions.record_item(con, meeting, "decision", "全镇统一安排", owner="赵敏")
    items = decisions.open_items(con)
    con.close()
    data = Data(str(db), 0, WEIGHTS)
    periods = data.periods()
    return {"db": db, "data": data, "own": own, "other": other, "periods": periods, "period": periods[-1],
            "items": items}


def _inputs(world, data=None, village=None):
    return profile_inputs(data or world["data"], world["periods"], world["period"], village or world["own"],
                          world["items"])


def test_inputs_hold_the_village_and_its_open_items_only(world):
    inputs = _inputs(world)
    row = world["data"].village_table(world["period"]).set_index("village_id").loc[world["own"]]
    assert inputs.village_id == world["own"]
    assert inputs.village["population"] == row["population"]
    assert list(inputs.open_items["text"]) == ["修复本村道路照明"]
    assert len(inputs.history) == HISTORY_MONTHS + 1
    assert inputs.history.index[-1] == world["period"]


def test_a_village_outside_the_scope_is_refused(world):
    scoped = world["data"].scoped([world["own"]])
    with pytest.raises(KeyError, match=world["other"]):
        _inputs(world, scoped, world["other"])


def test_deck_figures_come_from_the_village_table(world):
    data, period, own = world["data"], world["period"], world["own"]
    deck = village_deck(_inputs(world), "zh", today=dt.date(2026, 11, 1))
    row = data.village_table(period).set_index("village_id").loc[own]
    township = data.township_series().loc[period]
    assert [s.key for s in deck.slides] == ["basics", "appeals", "resources", "party", "changes"]
    assert deck.title == f"{row['name_zh']}村情档案"
    basics = deck.slides[0]
    assert {f.key: f.value for f in basics.figures}["population"] == format_value(row["population"], "count")
    coverage = basics.tables[0].frame.set_index("服务领域")
    domains = data.domains().set_index("domain_id")
    health = domains.loc["health", "name_zh"]
    assert coverage.loc[health, "本村"] == format_value(row[coverage_key("health")], "percent", "zh")
    assert coverage.loc[health, "全镇"] == format_value(township[coverage_key("health")], "percent", "zh")
    assert coverage.loc[health, "可达性/千人"] == format_value(row["access:health"], "per1000", "zh")
    weight = dict(data.index_definition().weights)["health"]
    assert f"权重按熵权法由2024年11月至2026年10月的全部村月数据确定并固定：" in basics.notes
    assert f"{health} {weight:.2f}" in basics.notes
    appeals = deck.slides[1].tables[0].frame.set_index("")
    assert appeals.loc["受理诉求", "本村"] == format_value(row["received"], "count", "zh")
    assert appeals.loc["按期结案率", "全镇"] == format_value(township["on_time_rate"], "percent", "zh")
    # the open item of the village is past due on 2026-11-01; the other village's is not listed
    recorded = deck.recorded.frame
    assert list(recorded.iloc[:, 1]) == ["修复本村道路照明"]
    assert recorded.iloc[0, -1] == "已逾期"


def test_changes_slide_gives_the_year_change(world):
    inputs = _inputs(world)
    deck = village_deck(inputs, "en")
    changes = deck.slides[-1].tables[0].frame.set_index("")
    before, now = inputs.history.iloc[0], inputs.history.iloc[-1]
    delta = now["response_rate"] - before["response_rate"]
    assert changes.loc["Response rate", "Change"] == f"{delta * 100:+.1f} pp"


def _pdf(deck, village_ids) -> str:
    gdf = geo.load_villages_geojson(SAMPLE_GEODATA)
    gdf = gdf[gdf["village_id"].isin(village_ids)].reset_index(drop=True)
    points = geo.label_points(gdf)
    return _text(briefing.briefing_pdf(deck, gdf, points[points["village_id"].isin(deck.filters.village_ids)],
                                       draw_charts=False))


@pytest.mark.slow
def test_a_scoped_pdf_names_no_other_village(world):
    _require(briefing.font_problem())
    own = world["own"]
    scoped = world["data"].scoped([own])
    villages = world["data"].villages()
    for lang in ("zh", "en"):
        deck = village_deck(_inputs(world, scoped), lang)
        text = _pdf(deck, list(scoped.villages()["village_id"]))
        mine = villages[villages["village_id"] == own].iloc[0]
        assert _squash(mine[f"name_{lang}"]) in text and own in text
        others = villages[villages["village_id"] != own]
        leaked = [n for n in list(others["village_id"]) + list(others["name_zh"]) + list(others["name_en"])
                  if _squash(n) in text]
        assert leaked == [], f"{lang}: other villages in the PDF: {leaked}"
        assert _squash("修复本村道路照明") in text and _squash("另一个村的事项") not in text
        assert deck.filter_lines[-1][0] == ("数据范围" if lang == "zh" else "Figures")  # township = your villages


def test_the_pdf_prints_data_as_text(world, tmp_path):
    _require(briefing.font_problem())
    db = tmp_path / "xss.duckdb"
    shutil.copy2(world["db"], db)
    con = duckdb.connect(str(db))
    con.execute("UPDATE villages SET name_en = ? WHERE village_id = ?", [XSS, world["own"]])
    con.close()
    data = Data(str(db), 0, WEIGHTS)
    deck = village_deck(profile_inputs(data, world["periods"], world["period"], world["own"],
                                       world["items"]), "en")
    assert deck.title == f"Village file: {XSS}"
    text = _pdf(deck, [world["own"]])
    assert _squash(XSS) in text


def test_open_items_are_kept_only_for_the_village(world):
    items = pd.concat([world["items"], world["items"].assign(village_id=None)], ignore_index=True)
    inputs = profile_inputs(world["data"], world["periods"], world["period"], world["own"], items)
    assert list(inputs.open_items["text"]) == ["修复本村道路照明"]
