import pandas as pd
import pytest

from cockpit.services.composite import topsis
from cockpit.services.equity import gini
from cockpit.services.figures import INDEX_ID, composite, coverage_long, equity_trend, with_index

VILLAGES = pd.DataFrame({"village_id": ["a", "b", "c"], "population": [100, 200, 300],
                         "area_group": ["urban", "rural", "rural"]})
COVERAGE = pd.DataFrame({
    "period": ["2026-09"] * 6 + ["2026-10"] * 6,
    "village_id": ["a", "a", "b", "b", "c", "c"] * 2,
    "domain_id": ["health", "digital"] * 6,
    "coverage": [0.9, 0.8, 0.6, 0.5, 0.7, 0.4, 0.92, 0.85, 0.66, 0.55, 0.71, 0.45],
})


def test_composite_uses_the_given_weights():
    long = coverage_long(COVERAGE, VILLAGES)
    wide = long[long.period == "2026-10"].pivot_table(index="village_id", columns="domain_id", values="value")
    weights = pd.Series({"health": 0.75, "digital": 0.25})
    c = composite(wide, weights)
    assert c.index["a"] == pytest.approx(0.75 * 0.92 + 0.25 * 0.85)
    pd.testing.assert_series_equal(c.closeness, topsis(wide, c.weights))


def test_equity_trend_includes_the_index():
    long = with_index(coverage_long(COVERAGE, VILLAGES), pd.Series({"health": 0.5, "digital": 0.5}))
    trend = equity_trend(long).set_index(["period", "domain_id"])
    idx = long[(long.domain_id == INDEX_ID) & (long.period == "2026-10")].set_index("village_id")
    assert idx.loc["b", "value"] == pytest.approx((0.66 + 0.55) / 2)
    expected = gini(idx["value"].to_numpy(), idx["population"].to_numpy())
    assert trend.loc[("2026-10", INDEX_ID), "gini"] == pytest.approx(expected)
    assert trend.loc[("2026-09", "health"), "gap_diff"] == pytest.approx(0.9 - (0.6 * 200 + 0.7 * 300) / 500)
