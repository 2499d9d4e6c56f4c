"""Ranking of villages by the composite three-rates score, with the change against the
previous period.

Rank 1 is the best score. Equal scores share the best rank of their group (competition
ranking: 1, 2, 2, 4), compared after rounding to 9 decimals so that float noise does not
break a tie. A village without a score (any of response, resolution or satisfaction rate
undefined, e.g. no rated case) ranks after every scored village, all such villages sharing
rank n_scored + 1, and is flagged ``scored = False``; its rank change is NaN.
"""

from __future__ import annotations

import pandas as pd

from cockpit import settings
from cockpit.values.case_filter import CaseFilter, Period
from cockpit.metrics.cases import case_rates, parse_weights

__all__ = ["rank_scores", "ranking", "village_ranking"]

_RATES = ["response_rate", "resolution_rate", "satisfaction_rate", "three_rates_score"]


def rank_scores(scores: pd.Series) -> pd.Series:
    """Competition ranks (1 = highest), NaN scores ranked last together; integer Series.

    >>> rank_scores(pd.Series([0.8, 0.9, float("nan"), 0.9])).tolist()
    [3, 1, 4, 1]
    """
    rounded = scores.astype(float).round(9)
    ranks = rounded.rank(method="min", ascending=False)
    n_scored = int(rounded.notna().sum())
    return ranks.fillna(n_scored + 1).astype(int)


def ranking(current: pd.DataFrame, previous: pd.DataFrame | None = None,
            weights: tuple[float, float, float] = (0.30, 0.35, 0.35)) -> pd.DataFrame:
    """Rank the villages of a count frame (``Store.case_counts``; the total row is ignored).

    Returns
    -------
    DataFrame
        village_id, the three rates, three_rates_score, rank, scored, previous_score,
        previous_rank, rank_change (previous_rank − rank: positive = moved up); best first,
        ties and unscored villages by village_id.
    """
    now = _scores(current, weights)
    now["rank"] = rank_scores(now["three_rates_score"])
    now["scored"] = now["three_rates_score"].notna()
    if previous is not None:
        before = _scores(previous, weights)
        before["previous_rank"] = rank_scores(before["three_rates_score"])
        before.loc[before["three_rates_score"].isna(), "previous_rank"] = pd.NA
        before = before.rename(columns={"three_rates_score": "previous_score"})
        now = now.merge(before[["village_id", "previous_score", "previous_rank"]],
                        on="village_id", how="left")
    else:
        now["previous_score"] = float("nan")
        now["previous_rank"] = pd.NA
    now["previous_rank"] = now["previous_rank"].astype("Int64")
    change = now["previous_rank"] - now["rank"]
    now["rank_change"] = change.where(now["scored"]).astype("Int64")
    now = now.sort_values(["rank", "village_id"], kind="stable").reset_index(drop=True)
    return now[["village_id", *_RATES, "rank", "scored", "previous_score", "previous_rank",
                "rank_change"]]


def _scores(counts: pd.DataFrame, weights) -> pd.DataFrame:
    villages = counts[counts["village_id"].notna()].reset_index(drop=True)
    rated = case_rates(villages, weights=weights)
    return rated[["village_id", *_RATES]].copy()


def village_ranking(store, period, filt: CaseFilter | None = None,
                    weights: tuple[float, float, float] | None = None) -> pd.DataFrame:
    """:func:`ranking` of the villages for ``period`` against the previous period.

    ``weights`` default to the ``three_rates_weights`` setting.
    """
    if weights is None:
        weights = parse_weights(settings.get("three_rates_weights"))
    p = Period.of(period)
    return ranking(store.case_counts(p, filt), store.case_counts(p.previous(), filt), weights)
