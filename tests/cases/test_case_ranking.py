"""Village ranking by the three-rates score, ties, unscored villages and rank change."""

import math

import pandas as pd
import pytest

from cockpit.cases.ranking import rank_scores, ranking, village_ranking

A, B = "350781105001", "350781105002"


def _counts(scores: dict[str, float]) -> pd.DataFrame:
    """Counts whose three rates all equal the score (so the composite equals it too)."""
    rows = []
    for vid, s in scores.items():
        n = 0 if math.isnan(s) else 100
        k = 0 if math.isnan(s) else round(100 * s)
        rows.append(dict(village_id=vid, received=100, responded_on_time=round(100 * (0 if math.isnan(s) else s)),
                         due=0, closed_of_due=0, on_time_of_due=0, rated=n, satisfied=k,
                         resolution_flagged=100, resolved=round(100 * (0 if math.isnan(s) else s))))
    rows.append(dict(village_id=None, received=0, responded_on_time=0, due=0, closed_of_due=0,
                     on_time_of_due=0, rated=0, satisfied=0, resolution_flagged=0, resolved=0))
    return pd.DataFrame(rows)


def test_rank_scores_ties_and_missing():
    assert rank_scores(pd.Series([0.8, 0.9, math.nan, 0.9])).tolist() == [3, 1, 4, 1]
    assert rank_scores(pd.Series([math.nan, math.nan])).tolist() == [1, 1]
    # float noise does not break a tie
    assert rank_scores(pd.Series([0.1 + 0.2, 0.3])).tolist() == [1, 1]


def test_ranking_change_against_previous():
    now = _counts({"v1": 0.9, "v2": 0.8, "v3": 0.9, "v4": math.nan})
    before = _counts({"v1": 0.7, "v2": 0.95, "v3": 0.8, "v4": 0.6})
    r = ranking(now, before, (0.3, 0.35, 0.35)).set_index("village_id")
    assert list(r.index) == ["v1", "v3", "v2", "v4"]
    assert r["rank"].tolist() == [1, 1, 3, 4]
    assert r["scored"].tolist() == [True, True, True, False]
    assert r["previous_rank"].tolist() == [3, 2, 1, 4]
    # previous − current: v1 3 → 1 (+2), v3 2 → 1 (+1), v2 1 → 3 (−2), v4 unscored: NA
    assert r.loc["v1", "rank_change"] == 2 and r.loc["v3", "rank_change"] == 1
    assert r.loc["v2", "rank_change"] == -2 and pd.isna(r.loc["v4", "rank_change"])
    assert r.loc["v1", "three_rates_score"] == pytest.approx(0.9)
    assert r.loc["v2", "previous_score"] == pytest.approx(0.95)


def test_ranking_without_previous():
    r = ranking(_counts({"v1": 0.5, "v2": 0.6}))
    assert r["village_id"].tolist() == ["v2", "v1"]
    assert r["previous_rank"].isna().all() and r["rank_change"].isna().all()


def test_tiny_october_ranking(store, monkeypatch):
    monkeypatch.delenv("COCKPIT_THREE_RATES_WEIGHTS", raising=False)
    r = village_ranking(store, "2026-10").set_index("village_id")
    # B: response 2/2, resolution 2/2 (6, 7), satisfaction 1/1 (6) -> 1.0
    # A: response 1/3, resolution 1/2 (1 yes, 2 no), satisfaction 1/2 -> 0.1 + 0.175 + 0.175
    assert r.loc[B, "three_rates_score"] == pytest.approx(1.0)
    assert r.loc[A, "three_rates_score"] == pytest.approx(0.45)
    assert r["rank"].to_dict() == {B: 1, A: 2}
    # September: A received nothing, B closed nothing: both unscored, so no rank change
    assert r["previous_rank"].isna().all() and r["rank_change"].isna().all()


def test_weights_come_from_settings(store, monkeypatch):
    monkeypatch.setenv("COCKPIT_THREE_RATES_WEIGHTS", "1,0,0")
    r = village_ranking(store, "2026-10").set_index("village_id")
    assert r.loc[A, "three_rates_score"] == pytest.approx(1 / 3)


def test_empty_period_ranks_everyone_last_together(store):
    r = village_ranking(store, "2025-01", weights=(0.3, 0.35, 0.35))
    assert r["rank"].tolist() == [1, 1] and not r["scored"].any()
