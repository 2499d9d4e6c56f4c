"""Saved scenarios side by side (cockpit/planner/compare.py), every figure against project()."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from cockpit.values.periods import previous_period
from cockpit.planner.baseline import baseline_from_store, model_from_store
from cockpit.planner.compare import COLUMNS, best, compare, compare_scenarios, coverage_changes, label_of
from cockpit.planner.moves import check, shift_to_remotest
from cockpit.planner.project import Moves, project, zero_moves
from cockpit.planner.report import moved_wan
from cockpit.planner.scenario import scenario_of
from cockpit.store import Store
from cockpit.store.scenarios import Scenario


@pytest.fixture(scope="module")
def planner(sample_db):
    store = Store(sample_db)
    try:
        model = model_from_store(store)
        period = store.periods()[-1]
        now, before = baseline_from_store(store, period), baseline_from_store(store, previous_period(period))
    finally:
        store.close()
    return now, before, model


def _added(baseline, wan: float, fte: float) -> Moves:
    """``wan`` 万元 a year to the farthest village's first domain and ``fte`` staff to it."""
    v = int(np.argmax(baseline.distance_km))
    funding, staff = np.zeros_like(baseline.funding), np.zeros_like(baseline.staff)
    funding[v, 0], staff[v] = wan, fte
    return Moves(funding, staff)


@pytest.fixture(scope="module")
def scenarios(planner):
    now, before, _ = planner
    west = shift_to_remotest(now, zero_moves(now), 30, 4, 20)
    added = _added(before, 40.0, 1.5)
    refused = shift_to_remotest(now, shift_to_remotest(now, zero_moves(now), 60, 3), 60, 3)  # 120% of the seat
    return [
        (scenario_of(now, west, "西部倾斜", "t", None, "neutral", 0.0), now, west),
        (scenario_of(before, added, "Health to the farthest", "t", "note", "added", 40.0), before, added),
        (scenario_of(now, refused, "Too much", "t", None, "neutral", 0.0), now, refused),
    ]


def _table(planner, scenarios):
    model = planner[2]
    return compare([(s, b) for s, b, _ in scenarios], model)


def test_every_figure_equals_the_projection(planner, scenarios):
    model = planner[2]
    found = _table(planner, scenarios)
    table = found.table
    assert list(table.columns) == list(COLUMNS)
    assert list(table["label"]) == [label_of(s) for s, _, _ in scenarios] == list(table.index)
    for (scenario, baseline, moves), (_, row) in zip(scenarios[:2], table.iterrows()):
        before, after = project(baseline, model, zero_moves(baseline)), project(baseline, model, moves)
        assert row["valid"] and row["problems"] == () and row["unknown_ids"] == ()
        assert (row["name"], row["baseline_period"], row["mode"]) == (scenario.name, baseline.period, scenario.mode)
        assert row["coverage_before"] == before.township_coverage and row["coverage_after"] == after.township_coverage
        assert row["on_time_before"] == before.township_on_time and row["on_time_after"] == after.township_on_time
        for key in ("min", "gini", "gap"):
            assert row[f"{key}_before"] == before.equity[key] and row[f"{key}_after"] == after.equity[key], key
        assert row["backlog_before"] == pytest.approx(before.backlog_per_month.sum(), abs=0)
        assert row["backlog_after"] == pytest.approx(after.backlog_per_month.sum(), abs=0)
        assert row["min_village_after"] == baseline.village_ids[int(np.argmin(after.village_coverage))]
        assert row["min_village_before"] == baseline.village_ids[int(np.argmin(before.village_coverage))]
        assert row["funding_moved_wan"] == pytest.approx(moved_wan(moves))
        assert row["staff_moved_fte"] == pytest.approx(np.clip(moves.staff_fte, 0, None).sum())
        change = found.changes[row["label"]]
        assert list(change.index) == list(baseline.village_ids)
        assert np.array_equal(change.to_numpy(), after.village_coverage - before.village_coverage)
    # the move to the remote villages raises coverage there and lowers it at the seat
    west = found.changes[label_of(scenarios[0][0])]
    assert west.max() > 0 > west.min()
    assert table.loc[label_of(scenarios[1][0]), "funding_moved_wan"] == pytest.approx(40.0)


def test_a_refused_scenario_keeps_its_before_and_the_reasons(planner, scenarios):
    found = _table(planner, scenarios)
    scenario, baseline, moves = scenarios[2]
    row = found.table.loc[label_of(scenario)]
    expected = check(baseline, moves, "neutral", 0.0, 0.0)
    assert expected and not row["valid"]
    assert [p.key for p in row["problems"]] == [p.key for p in expected] and "negative_funding" in row["problems"][0].key
    assert row["coverage_before"] == project(baseline, planner[2], zero_moves(baseline)).township_coverage
    assert all(math.isnan(row[f"{f}_after"]) for f in ("coverage", "on_time", "min", "gini", "gap", "backlog"))
    assert label_of(scenario) not in found.changes.columns
    assert list(found.valid["name"]) == ["西部倾斜", "Health to the farthest"]


def test_a_month_no_longer_in_the_data_is_refused(planner, scenarios):
    scenario = scenarios[0][0]
    found = compare([(scenario, None)], planner[2])
    row = found.table.iloc[0]
    assert not row["valid"] and [(p.key, p.values) for p in row["problems"]] == [
        ("no_baseline", {"period": scenario.baseline_period})]
    assert math.isnan(row["coverage_before"]) and found.changes.empty
    assert best(found.table, "coverage") is None


def test_zero_moves_change_nothing_and_ids_outside_the_baseline_are_named(planner):
    now, _, model = planner
    scenario = Scenario("nothing", "t", None, now.period, "neutral", 0.0,
                        {"999": {now.domains[0]: 5.0}}, {"999": 1.0})  # a village the data lacks
    row = compare_scenarios([(scenario, now)], model).iloc[0]
    assert row["valid"] and row["unknown_ids"] == ("999",)
    assert row["coverage_after"] == row["coverage_before"] and row["gini_after"] == row["gini_before"]
    assert (coverage_changes([(scenario, now)], model).to_numpy() == 0).all()
    assert row["funding_moved_wan"] == 0.0


def test_best_and_the_helpers(planner, scenarios):
    found = _table(planner, scenarios)
    table = found.table
    gains = table["coverage_after"] - table["coverage_before"]
    assert best(table, "coverage")["label"] == gains.idxmax()
    min_gain = table["min_after"] - table["min_before"]
    assert best(table, "min")["label"] == min_gain.idxmax()
    gini_fall = table["gini_before"] - table["gini_after"]
    assert best(table, "gini")["label"] == gini_fall.idxmax()  # lower is better
    items = [(s, b) for s, b, _ in scenarios]
    pd.testing.assert_frame_equal(compare_scenarios(items, planner[2]), table)
    pd.testing.assert_frame_equal(coverage_changes(items, planner[2]), found.changes)
    with pytest.raises(ValueError, match="compared twice"):
        compare(items[:1] * 2, planner[2])
