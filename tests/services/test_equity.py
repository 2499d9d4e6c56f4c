"""Equity indices pinned against PySAL `inequality`, population replication and hand arithmetic."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from cockpit.services.equity import (EPSILON, INDEX_COLUMNS, coefficient_of_variation, equity_indices,
                            equity_table, gini, group_gap, max_min_ratio, theil_decomposition,
                            theil_l, theil_t)

inequality_theil = pytest.importorskip("inequality.theil")


def _double_sum_gini(y, p):
    y, w = np.asarray(y, float), np.asarray(p, float) / np.sum(p)
    mu = np.dot(w, y)
    return float(np.sum(np.outer(w, w) * np.abs(y[:, None] - y[None, :])) / (2 * mu))


@pytest.fixture
def rng():
    return np.random.default_rng(20240604)


# --- Gini --------------------------------------------------------------------------------------
def test_gini_equals_the_double_sum_with_ties(rng):
    y = np.round(rng.uniform(0, 1, 200), 1)          # rounding makes many ties
    p = rng.integers(0, 3000, 200).astype(float)     # some zero-population villages
    assert gini(y, p) == pytest.approx(_double_sum_gini(y, p), rel=1e-12)
    assert gini(y) == pytest.approx(_double_sum_gini(y, np.ones(200)), rel=1e-12)


def test_weighted_indices_by_hand():
    y, p = [1.0, 2.0, 4.0], [1, 2, 1]
    # w = (.25, .5, .25); μ = .25·1 + .5·2 + .25·4 = 2.25
    # Gini: Σᵢⱼ wᵢwⱼ|yᵢ−yⱼ| = 2·(.25·.5·1 + .25·.25·3 + .5·.25·2) = 2·.5625 = 1.125;
    #       G = 1.125 / (2·2.25) = 0.25
    assert gini(y, p) == pytest.approx(0.25, abs=1e-15)
    # Theil L: .25·ln(2.25/1) + .5·ln(2.25/2) + .25·ln(2.25/4)
    #        = ln 2.25 − (.5·ln 2 + .25·ln 4) = ln 2.25 − ln 2 = ln 1.125 = 0.117783...
    assert theil_l(y, p) == pytest.approx(math.log(1.125), abs=1e-15)
    # CV (population sd): var = .25·1.25² + .5·.25² + .25·1.75² = .390625 + .03125 + .765625
    #                          = 1.1875; CV = √1.1875 / 2.25 = 0.484322...
    assert coefficient_of_variation(y, p) == pytest.approx(math.sqrt(1.1875) / 2.25, abs=1e-15)
    # sample sd over the 4 residents: var = (1·1.5625 + 2·.0625 + 1·3.0625) / (4 − 1) = 1.58333
    assert coefficient_of_variation(y, p, ddof=1) == pytest.approx(math.sqrt(4.75 / 3) / 2.25)
    # Theil T: Σ w (y/μ) ln(y/μ)
    t = sum(w * (v / 2.25) * math.log(v / 2.25) for w, v in zip((.25, .5, .25), y))
    assert theil_t(y, p) == pytest.approx(t, abs=1e-15)


# --- Theil against PySAL inequality --------------------------------------------------------------
def test_theil_t_and_split_equal_pysal_on_seeded_data(rng):
    y = rng.lognormal(0, 0.6, 120)
    groups = rng.integers(0, 3, 120)
    ref_t = inequality_theil.Theil(y).T
    ref = inequality_theil.TheilD(y, groups)
    ours = theil_decomposition(y, groups, kind="T")
    assert theil_t(y) == pytest.approx(float(ref_t), rel=1e-12)
    assert ours.total == pytest.approx(float(ref.T), rel=1e-12)
    assert ours.between == pytest.approx(float(np.ravel(ref.bg)[0]), rel=1e-10)
    assert ours.within == pytest.approx(float(np.ravel(ref.wg)[0]), rel=1e-10)


def test_theil_t_and_split_equal_pysal_on_a_fixed_example():
    y = np.array([0.92, 0.88, 0.95, 0.61, 0.55, 0.70, 0.48, 0.66])
    groups = np.array(["urban"] * 3 + ["rural"] * 5)
    ref = inequality_theil.TheilD(y, groups)
    ours = theil_decomposition(y, groups, kind="T")
    # PySAL inequality 1.1.2 prints T 0.026853505765583083, bg [0.02210983], wg [0.00474367]
    assert (ours.total, ours.between, ours.within) == pytest.approx(
        (0.026853505765583083, 0.022109833302, 0.004743672464), rel=1e-9)
    assert ours.total == pytest.approx(float(ref.T), rel=1e-12)
    assert ours.between == pytest.approx(float(np.ravel(ref.bg)[0]), rel=1e-10)
    assert ours.within == pytest.approx(float(np.ravel(ref.wg)[0]), rel=1e-10)


def test_two_level_example_is_all_between_group():
    d = theil_decomposition([0, 0, 0, 10, 10, 10], [0, 0, 0, 1, 1, 1], kind="T")
    assert d.total == pytest.approx(math.log(2), abs=1e-15)
    assert d.between == pytest.approx(math.log(2), abs=1e-15)
    assert d.within == pytest.approx(0.0, abs=1e-15)
    ref = inequality_theil.TheilD(np.array([0, 0, 0, 10, 10, 10.0]), np.array([0, 0, 0, 1, 1, 1]))
    assert float(np.ravel(ref.bg)[0]) == pytest.approx(math.log(2))


# --- weighted = unweighted on replicated data ----------------------------------------------------
def test_population_weights_equal_replicated_villages(rng):
    y = np.round(rng.uniform(0.05, 1.0, 40), 3)
    p = rng.integers(1, 30, 40)
    g = np.where(rng.uniform(size=40) < 0.3, "urban", "rural")
    yr, gr = np.repeat(y, p), np.repeat(g, p)
    assert gini(y, p) == pytest.approx(gini(yr), rel=1e-12)
    assert theil_t(y, p) == pytest.approx(theil_t(yr), rel=1e-12)
    assert theil_l(y, p) == pytest.approx(theil_l(yr), rel=1e-12)
    for ddof in (0, 1):
        assert coefficient_of_variation(y, p, ddof) == pytest.approx(
            coefficient_of_variation(yr, ddof=ddof), rel=1e-12)
    for kind in ("T", "L"):
        a, b = theil_decomposition(y, g, p, kind), theil_decomposition(yr, gr, kind=kind)
        assert (a.total, a.between, a.within) == pytest.approx((b.total, b.between, b.within),
                                                               rel=1e-12)
        for label in ("urban", "rural"):
            assert a.groups[label].index == pytest.approx(b.groups[label].index, rel=1e-12)
    assert group_gap(y, g, p) == pytest.approx(group_gap(yr, gr), rel=1e-12)
    # and PySAL on the replicated data agrees with our weighted T split
    ref = inequality_theil.TheilD(yr, gr)
    d = theil_decomposition(y, g, p, "T")
    assert d.between == pytest.approx(float(np.ravel(ref.bg)[0]), rel=1e-10)


@pytest.mark.parametrize("kind", ["T", "L"])
def test_decomposition_adds_up(rng, kind):
    y = rng.uniform(0, 1, 60)
    y[:3] = 0.0
    p = rng.integers(100, 3000, 60)
    g = rng.choice(["urban", "rural", "other"], 60)
    d = theil_decomposition(y, g, p, kind)
    assert d.between + d.within == pytest.approx(d.total, rel=1e-12)
    assert sum(part.share for part in d.groups.values()) == pytest.approx(1.0)
    assert sum(part.value_share for part in d.groups.values()) == pytest.approx(1.0)
    if kind == "T":
        within = sum(part.value_share * part.index for part in d.groups.values())
    else:
        within = sum(part.share * part.index for part in d.groups.values())
        assert d.zeros == 3
    assert within == pytest.approx(d.within, rel=1e-12)


# --- zero and edge policies ----------------------------------------------------------------------
def test_theil_l_zero_policies():
    y, p = [0.0, 0.5, 1.0], [1, 1, 2]
    mu = (0 * 1 + 0.5 + 2.0 + EPSILON) / 4          # floored: the 0 counts as 1e-6 in μ too
    floor = (math.log(mu / EPSILON) + math.log(mu / 0.5) + 2 * math.log(mu / 1.0)) / 4
    assert theil_l(y, p) == pytest.approx(floor, rel=1e-12)
    mu_d = 2.5 / 3                                  # dropped: the village leaves L altogether
    drop = (math.log(mu_d / 0.5) + 2 * math.log(mu_d / 1.0)) / 3
    assert theil_l(y, p, zeros="drop") == pytest.approx(drop, rel=1e-12)
    assert math.isnan(theil_l([0, 0], zeros="drop"))
    with pytest.raises(ValueError, match="zeros"):
        theil_l(y, zeros="ignore")


def test_all_zero_levels_are_undefined_not_equal():
    for f in (gini, theil_t, theil_l, coefficient_of_variation, max_min_ratio):
        assert math.isnan(f([0.0, 0.0, 0.0]))
    assert math.isnan(theil_decomposition([0.0, 0.0], ["urban", "rural"], kind="L").total)
    assert math.isnan(theil_l([0.0, 1.0], [1, 0]))     # the only served village has nobody


def test_equal_levels_give_zero():
    y = [0.7] * 5
    assert gini(y) == pytest.approx(0, abs=1e-15) and theil_t(y) == pytest.approx(0, abs=1e-15)
    assert theil_l(y) == pytest.approx(0, abs=1e-15) and coefficient_of_variation(y) == 0
    assert max_min_ratio(y) == 1.0


def test_max_min_and_gap_edges():
    assert max_min_ratio([0.2, 0.6]) == pytest.approx(3.0)
    assert max_min_ratio([0.0, 0.6]) == math.inf
    # a village of nobody changes no one's service: left out, as the weighted indices leave it
    assert max_min_ratio([0.0, 0.2, 0.6], [0, 100, 300]) == pytest.approx(3.0)
    assert max_min_ratio([0.0, 0.2, 0.6], [5, 100, 300]) == math.inf
    table = equity_indices(pd.DataFrame({"value": [0.0, 0.2, 0.6], "population": [0, 100, 300],
                                         "area_group": ["rural", "rural", "urban"]}))
    assert table["max_min"] == pytest.approx(3.0)
    # urban (90 + 240) / 400 = 0.825; rural (100 + 120) / 400 = 0.55
    diff, ratio = group_gap([0.9, 0.8, 0.5, 0.6], ["urban", "urban", "rural", "rural"],
                            [100, 300, 200, 200])
    assert (diff, ratio) == pytest.approx((0.275, 1.5))
    assert group_gap([0.5, 0.0], ["urban", "rural"])[1] == math.inf
    assert all(math.isnan(v) for v in group_gap([0.5, 0.4], ["rural", "rural"]))


@pytest.mark.parametrize("y, weights, match", [
    ([], None, "y"), ([0.1, np.nan], None, "y"), ([-0.1, 0.2], None, "y"),
    ([0.1, 0.2], [1], "weights"), ([0.1, 0.2], [0, 0], "weights"), ([0.1, 0.2], [1, -1], "weights"),
])
def test_bad_input_names_the_field(y, weights, match):
    with pytest.raises(ValueError, match=match):
        gini(y, weights)


def test_bad_table_input_names_the_column():
    with pytest.raises(ValueError, match="area_group"):
        equity_table(pd.DataFrame({"period": ["2026-01"], "domain_id": ["health"],
                                   "village_id": ["v1"], "value": [0.5], "population": [10]}))
    with pytest.raises(ValueError, match="value"):
        equity_indices(pd.DataFrame({"value": [np.nan], "population": [1],
                                     "area_group": ["rural"]}))


# --- the table equals the one-set function -------------------------------------------------------
def test_equity_table_equals_equity_indices_per_group(rng):
    villages = pd.DataFrame({"village_id": [f"v{i}" for i in range(25)],
                             "population": rng.integers(200, 4000, 25),
                             "area_group": ["urban"] * 5 + ["rural"] * 20})
    rows = []
    for period in ("2026-01", "2026-02", "2026-03"):
        for domain in ("health", "education", "_index"):
            v = villages.copy()
            v["period"], v["domain_id"] = period, domain
            v["value"] = rng.uniform(0.01, 1, 25).round(2)
            rows.append(v)
    long_df = pd.concat(rows, ignore_index=True)
    long_df.loc[[3, 30, 31], "value"] = 0.0            # zeros for the Theil L policy
    long_df.loc[[7, 60], "value"] = np.nan             # missing values are skipped
    long_df = long_df.sample(frac=1, random_state=1)   # row order must not matter
    # one (period, domain) where every village is urban: the gap is undefined
    only_urban = villages.assign(area_group="urban", period="2026-04", domain_id="health",
                                 value=rng.uniform(0.1, 1, 25))
    # one where nobody is served: every index is undefined (NaN), as in equity_indices
    nothing = villages.assign(period="2026-05", domain_id="health", value=0.0)
    long_df = pd.concat([long_df, only_urban, nothing], ignore_index=True)
    for zeros in ("floor", "drop"):
        table = equity_table(long_df, zeros=zeros)
        assert len(table) == 11
        assert list(table.columns) == ["period", "domain_id", *INDEX_COLUMNS]
        for _, row in table.iterrows():
            g = long_df[(long_df["period"] == row["period"])
                        & (long_df["domain_id"] == row["domain_id"])]
            expected = equity_indices(g, zeros=zeros)
            for col in INDEX_COLUMNS:
                assert row[col] == pytest.approx(expected[col], rel=1e-10, nan_ok=True), col
    assert table["n_zero"].sum() == 3 + 25 and table["n"].sum() == 9 * 25 - 2 + 25 + 25
    assert table.iloc[-1][["gini", "theil_t", "theil_l", "cv", "max_min"]].isna().all()


def test_a_village_without_residents_counts_in_no_figure():
    """Every inequality figure is the same with or without a village of population 0 (value 0)."""
    from cockpit.services import equity

    y, p, g = np.array([0.8, 0.6, 0.0]), np.array([100.0, 200.0, 0.0]), np.array(["urban", "rural", "rural"])
    for with_it, without in [
        (equity.gini(y, p), equity.gini(y[:2], p[:2])),
        (equity.coefficient_of_variation(y, p), equity.coefficient_of_variation(y[:2], p[:2])),
        (equity.max_min_ratio(y, p), equity.max_min_ratio(y[:2], p[:2])),
        (equity.theil_decomposition(y, g, p, "T").total, equity.theil_decomposition(y[:2], g[:2], p[:2], "T").total),
        (equity.theil_decomposition(y, g, p, "L").total, equity.theil_decomposition(y[:2], g[:2], p[:2], "L").total),
        (equity.group_gap(y, g, p), equity.group_gap(y[:2], g[:2], p[:2])),
    ]:
        np.testing.assert_allclose(with_it, without, rtol=1e-12)
    assert equity.max_min_ratio(y, p) == pytest.approx(0.8 / 0.6)
