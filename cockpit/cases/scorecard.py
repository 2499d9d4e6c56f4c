"""A scorecard in the style of Boston's CityScore: each metric divided by its target.

- higher is better (rates): score = actual / target;
- lower is better (days to close, overdue cases): score = target / actual; when the target is 0
  (no overdue case at all) that ratio is undefined, so it becomes (target + 1) / (actual + 1):
  0 overdue scores 1.0, 1 scores 0.5, 3 score 0.25;
- every score is clipped to [0, SCORE_CAP] (2.0) so that one runaway metric (a median of 0 days
  gives target / 0) cannot swamp the mean;
- a metric with no value (NaN: e.g. no rated case) has no score and is left out of the mean;
- overall score = the plain mean of the available scores. 1.0 means on target on average.

>>> metric_score(0.855, 0.90, higher_is_better=True)
0.95
>>> metric_score(6.0, 5.0, higher_is_better=False)
0.8333333333333334
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from types import MappingProxyType

import pandas as pd

__all__ = ["DEFAULT_TARGETS", "LOWER_IS_BETTER", "SCORE_CAP", "metric_score", "scorecard",
           "overall_score", "parse_targets"]

DEFAULT_TARGETS: Mapping[str, float] = MappingProxyType({
    "response_rate": 0.95,
    "closure_rate": 0.95,
    "on_time_rate": 0.90,
    "satisfaction_rate": 0.90,
    "resolution_rate": 0.90,
    "median_days_to_close": 5.0,
    "p90_days_to_close": 12.0,
    "overdue_at_end": 0.0,
})
"""Read-only; pass your own dict (e.g. from :func:`parse_targets`) to change targets."""
LOWER_IS_BETTER = frozenset({"median_days_to_close", "p90_days_to_close", "overdue_at_end",
                             "open_at_end"})
SCORE_CAP = 2.0


def metric_score(actual: float, target: float, higher_is_better: bool) -> float:
    """actual / target (higher is better) or target / actual (lower is better), in [0, SCORE_CAP].

    NaN when ``actual`` is missing. Raises ValueError for a negative target, or a zero target
    where higher is better (nothing can be measured against it).
    """
    if actual is None or pd.isna(actual):
        return math.nan
    actual, target = float(actual), float(target)
    if target < 0 or (higher_is_better and target == 0):
        raise ValueError(f"target must be positive (or 0 where lower is better), got {target}")
    if higher_is_better:
        score = actual / target
    elif target == 0:
        score = (target + 1.0) / (max(actual, 0.0) + 1.0)
    elif actual <= 0:
        score = SCORE_CAP
    else:
        score = target / actual
    return float(min(max(score, 0.0), SCORE_CAP))


def scorecard(actual: Mapping[str, float], targets: Mapping[str, float] | None = None) -> pd.DataFrame:
    """One row per metric that has a target: metric, actual, target, higher_is_better, score.

    ``targets`` default to DEFAULT_TARGETS; metrics without an actual value score NaN.
    """
    targets = DEFAULT_TARGETS if targets is None else targets
    rows = []
    for metric, target in targets.items():
        higher = metric not in LOWER_IS_BETTER
        value = actual.get(metric, math.nan)
        rows.append(dict(metric=metric, actual=value, target=float(target),
                         higher_is_better=higher, score=metric_score(value, target, higher)))
    return pd.DataFrame(rows, columns=["metric", "actual", "target", "higher_is_better", "score"])


def overall_score(card: pd.DataFrame) -> float:
    """Mean of the available scores of a scorecard (NaN when none)."""
    scores = card["score"].dropna()
    return float(scores.mean()) if len(scores) else math.nan


def parse_targets(text: str) -> dict[str, float]:
    """Targets from "response_rate=0.95,median_days_to_close=5" merged over DEFAULT_TARGETS.

    Raises ValueError naming the item that is not ``metric=number`` or names an unknown metric.
    """
    targets = dict(DEFAULT_TARGETS)
    for item in filter(None, (p.strip() for p in text.split(","))):
        name, sep, value = item.partition("=")
        name = name.strip()
        if not sep or name not in DEFAULT_TARGETS:
            raise ValueError(f"target {item!r}: expected metric=number with metric one of "
                             f"{sorted(DEFAULT_TARGETS)}")
        try:
            targets[name] = float(value)
        except ValueError:
            raise ValueError(f"target {item!r}: {value!r} is not a number") from None
        metric_score(1.0, targets[name], name not in LOWER_IS_BETTER)  # validates the target
    return targets
