"""Which villages need attention most this month, and why.

Each village is compared with the township on a few figures where falling short hurts people:
service index, response, on-time closure, satisfaction (lower is worse) and overdue cases per
1,000 residents (higher is worse). A shortfall is measured in units of the spread between
villages (population-weighted standard deviation), so figures on different scales add up.
The attention score is the sum of a village's shortfalls; its reasons are the figures where it
falls short by at least half a spread, largest first (at most three).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

__all__ = ["FACTORS", "Reason", "attention_ranking"]

# metric key -> True if higher is better
FACTORS: dict[str, bool] = {
    "service_index": True,
    "response_rate": True,
    "on_time_rate": True,
    "satisfaction_rate": True,
    "overdue_per_1000": False,
}
REASON_THRESHOLD = 0.5
MAX_REASONS = 3


@dataclass(frozen=True)
class Reason:
    metric: str
    value: float
    township: float
    shortfall: float  # in spreads


def _weighted_sd(values: pd.Series, weights: pd.Series, mean: float) -> float:
    ok = values.notna()
    if ok.sum() < 2:
        return float("nan")
    w = weights[ok] / weights[ok].sum()
    return float(np.sqrt((w * (values[ok] - mean) ** 2).sum()))


def attention_ranking(villages: pd.DataFrame, township: dict[str, float], n: int = 3) -> pd.DataFrame:
    """The ``n`` villages with the highest attention score.

    Parameters
    ----------
    villages
        One row per village with village_id, population, overdue_at_end and the FACTORS metrics
        (as from cockpit.metrics.snapshot.village_table).
    township
        Township values of the FACTORS metrics except overdue_per_1000, plus overdue_at_end and
        population.

    Returns
    -------
    DataFrame with village_id, score and reasons (a list of ``Reason``), highest score first;
    villages with no shortfall are left out.
    """
    df = villages.copy()
    df["overdue_per_1000"] = df["overdue_at_end"] * 1000 / df["population"]
    ref = dict(township)
    ref["overdue_per_1000"] = township["overdue_at_end"] * 1000 / township["population"]
    score = pd.Series(0.0, index=df.index)
    shortfalls = {}
    for key, higher_is_better in FACTORS.items():
        sd = _weighted_sd(df[key], df["population"], ref[key])
        if not sd or np.isnan(sd) or np.isnan(ref[key]):
            continue
        gap = (ref[key] - df[key]) if higher_is_better else (df[key] - ref[key])
        shortfalls[key] = (gap / sd).clip(lower=0).fillna(0)
        score += shortfalls[key]
    rows = []
    for idx in score.sort_values(ascending=False, kind="stable").index[:n]:
        if score[idx] <= 0:
            break
        reasons = [
            Reason(key, float(df.at[idx, key]), float(ref[key]), float(s[idx]))
            for key, s in shortfalls.items() if s[idx] >= REASON_THRESHOLD
        ]
        reasons.sort(key=lambda r: r.shortfall, reverse=True)
        reasons = reasons[:MAX_REASONS]
        rows.append({"village_id": df.at[idx, "village_id"], "score": float(score[idx]),
                     "reasons": reasons})
    return pd.DataFrame(rows, columns=["village_id", "score", "reasons"])
