"""CityScore-style scorecard and the KPI table, computed by hand."""

import math

import pytest

from cockpit.cases.kpis import KPI_METRICS, kpi_table, trend
from cockpit.cases.scorecard import (DEFAULT_TARGETS, SCORE_CAP, metric_score, overall_score,
                                     parse_targets, scorecard)


def test_metric_score_directions():
    assert metric_score(0.855, 0.95, True) == pytest.approx(0.9)
    assert metric_score(4.0, 5.0, False) == pytest.approx(1.25)     # faster than target
    assert metric_score(24.0, 12.0, False) == pytest.approx(0.5)
    assert math.isnan(metric_score(float("nan"), 0.9, True))


def test_zero_target_where_lower_is_better():
    # (target + 1) / (actual + 1)
    assert metric_score(0, 0, False) == 1.0
    assert metric_score(1, 0, False) == 0.5
    assert metric_score(3, 0, False) == 0.25


def test_scores_are_capped():
    assert metric_score(0.0, 5.0, False) == SCORE_CAP   # a median of 0 days
    assert metric_score(2.0, 5.0, False) == SCORE_CAP   # 2.5 capped
    assert metric_score(1.0, 0.4, True) == SCORE_CAP


def test_bad_targets_raise():
    with pytest.raises(ValueError, match="target"):
        metric_score(0.5, 0.0, True)
    with pytest.raises(ValueError, match="target"):
        metric_score(3, -1, False)
    with pytest.raises(ValueError, match="'speed=1'"):
        parse_targets("speed=1")
    with pytest.raises(ValueError, match="not a number"):
        parse_targets("response_rate=high")


def test_scorecard_and_overall_by_hand():
    actual = dict(response_rate=0.855, closure_rate=0.95, on_time_rate=0.72,
                  satisfaction_rate=float("nan"), resolution_rate=0.99,
                  median_days_to_close=4.0, p90_days_to_close=24.0, overdue_at_end=3)
    card = scorecard(actual).set_index("metric")
    expected = dict(response_rate=0.9, closure_rate=1.0, on_time_rate=0.8, resolution_rate=1.1,
                    median_days_to_close=1.25, p90_days_to_close=0.5, overdue_at_end=0.25)
    for metric, score in expected.items():
        assert card.loc[metric, "score"] == pytest.approx(score), metric
    assert math.isnan(card.loc["satisfaction_rate", "score"])
    assert not card.loc["overdue_at_end", "higher_is_better"]
    # mean of the 7 available scores: 5.8 / 7
    assert overall_score(scorecard(actual)) == pytest.approx(5.8 / 7)


def test_parse_targets_merges_over_defaults():
    t = parse_targets("response_rate=0.9, median_days_to_close=4")
    assert t["response_rate"] == 0.9 and t["median_days_to_close"] == 4.0
    assert t["closure_rate"] == DEFAULT_TARGETS["closure_rate"]
    assert parse_targets("") == DEFAULT_TARGETS


def test_kpi_table_tiny_october(store):
    k = kpi_table(store, "2026-10").set_index("metric")
    assert list(k.index) == list(KPI_METRICS)
    # October: on time 3 of 5 due -> 0.6, score 0.6 / 0.9; September: 0 of 1 due
    assert k.loc["on_time_rate", "actual"] == pytest.approx(0.6)
    assert (k.loc["on_time_rate", "numerator"], k.loc["on_time_rate", "denominator"]) == (3, 5)
    assert k.loc["on_time_rate", "score"] == pytest.approx(0.6 / 0.9)
    assert k.loc["on_time_rate", "previous"] == 0.0
    assert k.loc["on_time_rate", "change"] == pytest.approx(0.6)
    # received 5 (no target, no score); median 8 days against 5 -> 0.625; overdue 1 -> 0.5
    assert k.loc["received", "actual"] == 5 and math.isnan(k.loc["received", "score"])
    assert k.loc["received", "previous"] == 2
    assert k.loc["median_days_to_close", "score"] == pytest.approx(5 / 8)
    assert k.loc["overdue_at_end", "score"] == pytest.approx(0.5)
    assert k.loc["overdue_at_end", "previous_score"] == pytest.approx(0.5)  # 1 in September
    # September had no closure: no median, no score
    assert math.isnan(k.loc["median_days_to_close", "previous_score"])


def test_trend_has_rates_per_month(store):
    t = trend(store)
    assert list(t.index) == ["2026-09", "2026-10"]
    assert t.loc["2026-10", "on_time_rate"] == pytest.approx(0.6)
    assert t.loc["2026-09", "response_rate"] == pytest.approx(1.0)


def test_kpi_table_of_an_empty_period(store):
    k = kpi_table(store, "2025-01").set_index("metric")
    assert k.loc["received", "actual"] == 0
    for rate in ("response_rate", "closure_rate", "on_time_rate", "satisfaction_rate"):
        assert math.isnan(k.loc[rate, "actual"]) and math.isnan(k.loc[rate, "score"])
    assert k.loc["overdue_at_end", "actual"] == 0 and k.loc["overdue_at_end", "score"] == 1.0
