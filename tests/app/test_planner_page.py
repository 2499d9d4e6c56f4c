"""AppTest of the what-if planner: the baseline shows no change, a quick move changes the projected
figures exactly as the model says, impossible moves are refused."""

from __future__ import annotations

import numpy as np
import pytest

from cockpit.planner.moves import shift_to_remotest
from cockpit.planner.project import project, zero_moves
from cockpit.planner.recommend import recommend
from cockpit.planner.report import cost_per_point
from tests.app.test_pages import ROOT, _app

PAGE = ROOT / "pages" / "planner.py"


@pytest.fixture(scope="module")
def planner(sample_planner):
    return sample_planner


def _metric(at, label: str):
    return next(m for m in at.metric if m.label == label)


def _open(lang: str = "en"):
    at = _app(PAGE)
    at.query_params["lang"] = lang
    return at.run()


def test_baseline_shows_the_township_unchanged(sample_db, planner):
    baseline, model = planner
    at = _open()
    assert not at.exception, at.exception
    base = project(baseline, model, zero_moves(baseline))
    coverage = _metric(at, "Township coverage")
    assert coverage.value == f"{base.township_coverage:.1%}"
    assert coverage.delta == "+0.00 pp"
    assert _metric(at, "On-time closure").value == f"{base.township_on_time:.1%}"
    assert any("funding +0.00 万元 a year · staff +0.00 FTE" in m.value for m in at.markdown)
    from cockpit.metrics import snapshot
    from cockpit.store import Store
    store = Store(sample_db)
    try:
        observed = snapshot.township_series(store).loc[baseline.period, "on_time_rate"]
    finally:
        store.close()
    assert any(f"({base.township_on_time:.1%})" in c.value and f"recorded {observed:.1%}" in c.value
               for c in at.caption)
    # what the page calls coverage is the township's composite index, stated with its weights
    assert any(c.value.startswith("Composite service index: the weighted mean") for c in at.caption)
    figure = "Figure (villages' composite service index, population-weighted)"
    equity = next(d.value for d in at.dataframe if figure in d.value.columns).set_index(figure)
    assert equity.loc["Theil T within urban and rural", "Before"] == pytest.approx(base.equity["theil_within"])
    assert equity.loc["Urban ÷ rural", "After"] == pytest.approx(base.equity["gap_ratio"])


def test_quick_move_changes_the_figures_as_the_model_says(sample_db, planner):
    baseline, model = planner
    at = _open()
    at.slider(key="planner_quick_percent").set_value(30)
    at.slider(key="planner_quick_staff").set_value(20)
    at.slider(key="planner_quick_n").set_value(4)
    at.button(key="planner_quick_apply").click().run()
    assert not at.exception, at.exception
    moves = shift_to_remotest(baseline, zero_moves(baseline), 30, 4, 20)
    before, after = project(baseline, model, zero_moves(baseline)), project(baseline, model, moves)
    coverage = _metric(at, "Township coverage")
    assert coverage.value == f"{after.township_coverage:.1%}"
    assert coverage.delta == f"{(after.township_coverage - before.township_coverage) * 100:+.2f} pp"
    assert _metric(at, "On-time closure").delta == f"{(after.township_on_time - before.township_on_time) * 100:+.2f} pp"
    assert _metric(at, "Worst-off village").value == f"{after.equity['min']:.1%}"
    cost = cost_per_point(moves, before, after)
    assert any(f"**Cost**: {cost:,.1f} 万元 a year" in m.value for m in at.markdown)
    # the controls hold the move: the seat gives, the four remotest villages receive
    held = at.session_state["planner_base"][2]
    assert np.array_equal(held.funding_wan, moves.funding_wan) and np.array_equal(held.staff_fte, moves.staff_fte)


def test_reset_and_an_impossible_move_is_refused(sample_db, planner):
    baseline, _ = planner
    at = _open()
    at.slider(key="planner_quick_percent").set_value(50)
    at.button(key="planner_quick_apply").click().run()
    at.button(key="planner_quick_apply").click().run()
    at.button(key="planner_quick_apply").click().run()       # 150% of the seat's funding: refused
    assert not at.exception, at.exception
    assert at.error and "funding would fall below zero" in at.error[0].value
    assert not any(m.label == "Township coverage" for m in at.metric)
    at.button(key="planner_reset").click().run()
    assert not at.error
    assert _metric(at, "Township coverage").delta == "+0.00 pp"


def test_chinese_page(sample_db):
    at = _open("zh")
    assert not at.exception, at.exception
    assert at.title[0].value == "情景推演"
    assert any(m.label == "全镇覆盖率" for m in at.metric)


def test_saved_scenario_reopens_identically(fresh_db, planner):
    baseline, model = planner
    at = _open()
    at.slider(key="planner_quick_percent").set_value(30)
    at.slider(key="planner_quick_staff").set_value(20)
    at.button(key="planner_quick_apply").click().run()
    moves = at.session_state["planner_base"][2]
    coverage = _metric(at, "Township coverage").value
    at.text_input(key="scenario_name").input("西部倾斜 <b>")
    at.text_area(key="scenario_note").input("向偏远村倾斜30%")
    next(b for b in at.button if b.label == "Save scenario").click().run()
    assert not at.exception, at.exception
    assert at.success and "Saved" in at.success[0].value
    at.button(key="planner_reset").click().run()
    assert _metric(at, "Township coverage").delta == "+0.00 pp"
    at.button(key="scenario_reopen").click().run()
    assert not at.exception, at.exception
    held = at.session_state["planner_base"][2]
    assert np.array_equal(held.funding_wan, moves.funding_wan) and np.array_equal(held.staff_fte, moves.staff_fte)
    assert _metric(at, "Township coverage").value == coverage
    # saving again under the same name is refused with a clear message
    at.text_input(key="scenario_name").input("西部倾斜 <b>")
    next(b for b in at.button if b.label == "Save scenario").click().run()
    assert at.error and "exists already" in at.error[0].value


def test_apply_recommendation_fills_the_controls(sample_db, planner):
    baseline, model = planner
    at = _open()
    at.button(key="planner_recommend").click().run()
    assert not at.exception, at.exception
    found = recommend(baseline, model, "neutral", 0.0, 0.2)
    assert len(at.select_slider(key="planner_frontier_point").options) == len(found)
    last = len(found) - 1
    at.select_slider(key="planner_frontier_point").set_value(last).run()
    at.button(key="planner_apply").click().run()
    assert not at.exception, at.exception
    held = at.session_state["planner_base"][2]
    assert np.array_equal(held.funding_wan, found[last].moves.funding_wan)
    after = project(baseline, model, found[last].moves)
    assert _metric(at, "Worst-off village").value == f"{after.equity['min']:.1%}"
    assert _metric(at, "Township coverage").value == f"{after.township_coverage:.1%}"
    assert after.equity["min"] > project(baseline, model, zero_moves(baseline)).equity["min"]


@pytest.fixture(scope="module")
def small_county(tmp_path_factory):
    from cockpit.sample.county import generate_county

    out = tmp_path_factory.mktemp("planner-county") / "county"
    generate_county(out, townships=3, months=3, end="2026-10")
    return out


def test_the_change_map_prints_no_name_over_another(small_county, monkeypatch):
    """A county's 60-odd villages on a 900 px map: the names that would cover another are left out."""
    import json

    from cockpit.geo.labels import label_box, screen_xy

    monkeypatch.setenv("COCKPIT_DB", str(small_county / "county.duckdb"))
    monkeypatch.setenv("COCKPIT_GEODATA", str(small_county / "county.geojson"))
    at = _open("zh")
    assert not at.exception, at.exception
    [deck] = at.get("deck_gl_json_chart")   # the planner's one map: the change map
    spec = json.loads(deck.proto.json)
    labels = next(layer for layer in spec["layers"] if layer["id"] == "labels")["data"]
    assert 0 < len(labels)
    x, y = screen_xy([l["lon"] for l in labels], [l["lat"] for l in labels], spec["initialViewState"])
    boxes = [(x[i] - w / 2, y[i] - h / 2, x[i] + w / 2, y[i] + h / 2)
             for i, (w, h) in enumerate(label_box(l["text"], 14) for l in labels)]
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            assert a[2] <= b[0] or b[2] <= a[0] or a[3] <= b[1] or b[3] <= a[1], (a, b)
