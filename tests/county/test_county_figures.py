"""The county's figures by township, against hand computations and against each township's own."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from cockpit.metrics import snapshot
from cockpit.county.figures import department_township, township_equality, township_table
from cockpit.services.equity import theil_t
from cockpit.store import Store

TOWNSHIPS = pd.DataFrame({"township_code": ["A", "A", "B", "B"], "name_zh": ["甲镇", "甲镇", "乙镇", "乙镇"],
                          "name_en": ["A Town", "A Town", "B Town", "B Town"],
                          "village_id": ["a1", "a2", "b1", "b2"]})


def _villages() -> pd.DataFrame:
    counts = {"received": [10, 30, 20, 0], "responded_on_time": [9, 27, 10, 0], "due": [8, 20, 10, 0],
              "closed_of_due": [8, 18, 5, 0], "on_time_of_due": [6, 15, 5, 0], "closed": [9, 25, 8, 0],
              "rated": [5, 10, 4, 0], "satisfied": [4, 9, 2, 0], "resolution_flagged": [5, 10, 4, 0],
              "resolved": [5, 8, 3, 0], "open_at_end": [1, 5, 12, 0], "overdue_at_end": [0, 2, 5, 0]}
    return pd.DataFrame({"village_id": ["a1", "a2", "b1", "b2"], "area_group": ["urban", "rural", "rural", "rural"],
                         "population": [1000, 3000, 2000, 500], "service_index": [0.9, 0.7, 0.5, 0.6],
                         "coverage:health": [0.8, 0.6, 0.5, None], "funding_yuan": [100.0, 300.0, 50.0, 50.0],
                         "staff_fte": [1.0, 2.0, 1.0, 0.5], **counts})


def test_a_township_row_sums_counts_and_recomputes_rates_from_the_sums():
    table = township_table(_villages(), TOWNSHIPS, (0.3, 0.35, 0.35))
    assert list(table.index) == ["A", "B"]                           # by service index, highest first
    a, b = table.loc["A"], table.loc["B"]
    assert (a["villages"], a["population"], a["received"]) == (2, 4000, 40)
    assert a["service_index"] == pytest.approx((0.9 * 1000 + 0.7 * 3000) / 4000)
    assert b["service_index"] == pytest.approx((0.5 * 2000 + 0.6 * 500) / 2500)
    assert b["coverage:health"] == pytest.approx(0.5)                  # b2 has no value: left out
    assert a["on_time_rate"] == pytest.approx(21 / 28)                 # not the mean of 6/8 and 15/20
    assert a["satisfaction_rate"] == pytest.approx(13 / 15)
    assert a["cases_per_10k"] == pytest.approx(40 * 10_000 / 4000)
    assert a["funding_per_resident"] == pytest.approx(400 / 4000) and b["staff_fte"] == pytest.approx(1.5)
    assert a["name_zh"] == "甲镇"


def test_inequality_splits_into_between_and_within_townships_by_hand():
    vt = _villages()
    eq = township_equality(vt, TOWNSHIPS)
    y, p = vt["service_index"], vt["population"]
    assert eq["total"] == pytest.approx(theil_t(y, p))
    mu = (y * p).sum() / p.sum()
    between = 0.0
    for code, ids in (("A", ["a1", "a2"]), ("B", ["b1", "b2"])):
        g = vt[vt["village_id"].isin(ids)]
        mu_g = (g["service_index"] * g["population"]).sum() / g["population"].sum()
        share = (g["service_index"] * g["population"]).sum() / (y * p).sum()
        between += share * math.log(mu_g / mu)
    assert eq["between_townships"] == pytest.approx(between)
    assert eq["between_townships"] + eq["within_townships"] == pytest.approx(eq["total"])
    assert eq["townships_share"] == pytest.approx(between / eq["total"])
    assert eq["between_urban_rural"] + eq["within_urban_rural"] == pytest.approx(eq["total"])


def test_the_department_by_township_matrix_sums_the_villages():
    matrix = pd.DataFrame({"department_id": ["d1", "d1", "d1", "d2"], "village_id": ["a1", "a2", "b1", "b1"],
                           **{c: [0, 0, 0, 0] for c in ("responded_on_time", "closed_of_due", "closed", "rated",
                                                         "satisfied", "resolution_flagged", "resolved",
                                                         "open_at_end", "overdue_at_end")},
                           "received": [3, 4, 5, 6], "due": [2, 2, 4, 0], "on_time_of_due": [1, 2, 1, 0]})
    received = department_township(matrix, TOWNSHIPS)
    assert received.loc["d1", "A"] == 7 and received.loc["d1", "B"] == 5 and received.loc["d2", "B"] == 6
    assert pd.isna(received.loc["d2", "A"])
    on_time = department_township(matrix, TOWNSHIPS, "on_time_rate")
    assert on_time.loc["d1", "A"] == pytest.approx(3 / 4) and on_time.loc["d1", "B"] == pytest.approx(1 / 4)


def test_a_township_s_figures_in_the_county_are_its_own(tmp_path):
    from cockpit.county.assemble import add_packages, create_county
    from tests.county.test_county_assemble import A, B, _publish, _township

    dbs = {code: _township(tmp_path / code, code, f"{code}镇", f"Town {code}") for code in (A, B)}
    county = tmp_path / "county.duckdb"
    create_county(county, "青溪县", "Qingxi County")
    add_packages(county, [_publish(db, tmp_path / f"pkg-{c}") for c, db in dbs.items()], "clerk")
    store = Store(county)
    try:
        period = store.periods()[-1]
        table = township_table(snapshot.village_table(store, period), store.townships(), (0.3, 0.35, 0.35))
    finally:
        store.close()
    own = Store(dbs[A])
    try:
        series = snapshot.township_series(own).loc[period]
    finally:
        own.close()
    # every figure both have, but the index (the county weighs the domains on its own data)
    shared = [c for c in table.columns if c in series.index and c != "service_index"]
    assert len(shared) >= 20, shared
    for column in shared:
        assert table.loc[A, column] == pytest.approx(series[column], nan_ok=True), column
    assert table.loc[A, "population"] == table.loc[B, "population"]


def test_a_what_if_summed_by_township_by_hand():
    from cockpit.county.figures import plan_by_township

    frame = pd.DataFrame({"village_id": ["a1", "a2", "b1", "b2"], "population": [1000, 3000, 2000, 500],
                          "funding_change_wan": [1.0, -0.5, 2.0, -2.5], "staff_change_fte": [0.5, 0.0, -0.5, 0.0],
                          "coverage_before": [0.8, 0.6, 0.5, 0.7], "coverage_after": [0.82, 0.59, 0.56, 0.66],
                          "on_time_before": [0.9, 0.7, 0.6, 0.8], "on_time_after": [0.9, 0.72, 0.65, 0.7]})
    out = plan_by_township(frame, [1.0, 3.0, 0.0, 0.0], TOWNSHIPS)
    a, b = out.loc["A"], out.loc["B"]
    assert (a["funding_change_wan"], b["funding_change_wan"]) == (0.5, -0.5) and b["staff_change_fte"] == -0.5
    assert a["coverage_after"] == pytest.approx((0.82 * 1000 + 0.59 * 3000) / 4000)
    assert a["on_time_after"] == pytest.approx((0.9 * 1 + 0.72 * 3) / 4)                  # by cases
    assert b["on_time_before"] == pytest.approx((0.6 * 2000 + 0.8 * 500) / 2500)         # no cases: population
    assert a["coverage_change"] == pytest.approx(a["coverage_after"] - a["coverage_before"])
