"""The KPI row of the cases page and the monthly trend, from the store's counts.

Township figures are ratios of summed counts (cockpit.metrics.cases), for the period and the
previous period of the same length, each scored against its target (cockpit.cases.scorecard).
"""

from __future__ import annotations

import math

import pandas as pd

from cockpit.values.case_filter import CaseFilter, Period
from cockpit.cases.scorecard import DEFAULT_TARGETS, LOWER_IS_BETTER, metric_score
from cockpit.metrics.cases import RATE_DEFINITIONS, case_rates

__all__ = ["KPI_METRICS", "totals", "kpi_rows", "kpi_table", "trend"]

KPI_METRICS: tuple[str, ...] = (
    "received", "response_rate", "closure_rate", "on_time_rate", "satisfaction_rate",
    "resolution_rate", "median_days_to_close", "p90_days_to_close", "open_at_end", "overdue_at_end",
)


def totals(counts: pd.DataFrame) -> pd.Series:
    """The total row (NULL key) of a store count frame, with the rate columns added."""
    key = counts.columns[0]
    row = counts[counts[key].isna()]
    if len(row) != 1:
        raise ValueError(f"expected exactly one total row (NULL {key}), found {len(row)}")
    return case_rates(row.reset_index(drop=True)).iloc[0]


def kpi_table(store, period, filt: CaseFilter | None = None,
              targets: dict[str, float] | None = None) -> pd.DataFrame:
    """One row per KPI_METRICS entry for the period, against the previous period and target.

    Columns: metric, actual, numerator, denominator (rates only), previous, change
    (actual − previous), target (NaN when none), higher_is_better (None for received), score
    and previous_score (CityScore ratios, NaN without target). Rates are fractions.
    """
    p = Period.of(period)
    return kpi_rows(store.case_counts(p, filt), store.case_counts(p.previous(), filt), targets)


def kpi_rows(current: pd.DataFrame, previous: pd.DataFrame,
             targets: dict[str, float] | None = None) -> pd.DataFrame:
    """:func:`kpi_table` from two count frames (``Store.case_counts`` of the period and the
    previous one), for callers that already hold them."""
    targets = DEFAULT_TARGETS if targets is None else targets
    now, before = totals(current), totals(previous)
    rows = []
    for metric in KPI_METRICS:
        num, den = RATE_DEFINITIONS.get(metric, (None, None))
        higher = None if metric == "received" else metric not in LOWER_IS_BETTER
        target = targets.get(metric, math.nan)
        actual, prev = _value(now, metric), _value(before, metric)
        score = prev_score = math.nan
        if not pd.isna(target) and higher is not None:
            score = metric_score(actual, target, higher)
            prev_score = metric_score(prev, target, higher)
        rows.append(dict(
            metric=metric, actual=actual,
            numerator=float(now[num]) if num else math.nan,
            denominator=float(now[den]) if den else math.nan,
            previous=prev, change=actual - prev, target=float(target),
            higher_is_better=higher, score=score, previous_score=prev_score,
        ))
    return pd.DataFrame(rows)


def _value(row: pd.Series, metric: str) -> float:
    value = row.get(metric, math.nan)
    return math.nan if value is None or pd.isna(value) else float(value)


def trend(store, filt: CaseFilter | None = None,
          weights: tuple[float, float, float] = (0.30, 0.35, 0.35), days: bool = True) -> pd.DataFrame:
    """Township counts and rates for every month of the data (index: period, oldest first).

    ``days=False`` leaves median and p90 days to close out (NaN): a third faster.
    """
    counts = store.case_counts_by_period(filt, days).set_index("period")
    return case_rates(counts, weights=weights)
