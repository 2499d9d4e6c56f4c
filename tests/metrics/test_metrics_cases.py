import math

import pandas as pd
import pytest

from cockpit.metrics.cases import case_rates, parse_weights, rate, three_rates_score


def test_published_cross_check():
    # A city's published monthly report: 23,974 closed and 22,345 on time of 24,932 due.
    assert round(rate(23_974, 24_932) * 100, 2) == 96.16
    assert round(rate(22_345, 24_932) * 100, 2) == 89.62


def test_empty_denominator_is_nan_not_zero():
    assert math.isnan(rate(0, 0))
    assert math.isnan(rate(3, None))


def test_three_rates_score_default_and_custom_weights():
    assert three_rates_score(0.9, 0.8, 0.7) == pytest.approx(0.30 * 0.9 + 0.35 * 0.8 + 0.35 * 0.7)
    assert three_rates_score(1.0, 0.0, 0.0, (0.5, 0.25, 0.25)) == pytest.approx(0.5)
    assert math.isnan(three_rates_score(0.9, math.nan, 0.7))


def test_parse_weights_normalises_and_rejects():
    assert parse_weights("0.30,0.35,0.35") == pytest.approx((0.30, 0.35, 0.35))
    assert parse_weights("1,1,2") == pytest.approx((0.25, 0.25, 0.5))
    for bad in ("a,b,c", "1,2", "-1,1,1", "0,0,0"):
        with pytest.raises(ValueError):
            parse_weights(bad)


def test_case_rates_from_counts():
    counts = pd.DataFrame({
        "received": [3, 0], "responded_on_time": [1, 0], "due": [2, 0], "closed_of_due": [2, 0],
        "on_time_of_due": [1, 0], "rated": [2, 0], "satisfied": [1, 0],
        "resolution_flagged": [2, 0], "resolved": [1, 0],
    })
    out = case_rates(counts, pd.Series([2000, 1000]))
    assert out.loc[0, "response_rate"] == pytest.approx(1 / 3)
    assert out.loc[0, "closure_rate"] == 1.0
    assert out.loc[0, "on_time_rate"] == 0.5
    assert out.loc[0, "cases_per_10k"] == pytest.approx(15.0)
    assert out.loc[0, "three_rates_score"] == pytest.approx(0.30 / 3 + 0.35 * 0.5 + 0.35 * 0.5)
    assert math.isnan(out.loc[1, "on_time_rate"]) and out.loc[1, "cases_per_10k"] == 0
