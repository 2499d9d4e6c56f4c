"""Case-handling metrics (接诉即办), exactly as defined in DOMAIN.md.

Rates are computed from counts (numerator / denominator); a township rate is the ratio of
summed counts, never the mean of village rates. A rate with an empty denominator is NaN
(shown as "–"), not zero.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

__all__ = ["RATE_DEFINITIONS", "rate", "case_rates", "three_rates_score", "parse_weights"]

# metric -> (numerator column, denominator column) of cockpit.store.case_sql counts
RATE_DEFINITIONS: dict[str, tuple[str, str]] = {
    "response_rate": ("responded_on_time", "received"),
    "closure_rate": ("closed_of_due", "due"),
    "on_time_rate": ("on_time_of_due", "due"),
    "satisfaction_rate": ("satisfied", "rated"),
    "resolution_rate": ("resolved", "resolution_flagged"),
}


def rate(numerator: float, denominator: float) -> float:
    """numerator / denominator, or NaN when the denominator is zero or missing.

    >>> round(rate(23_974, 24_932) * 100, 2)
    96.16
    """
    if denominator is None or pd.isna(denominator) or denominator == 0:
        return math.nan
    return float(numerator) / float(denominator)


def _rate_series(num: pd.Series, den: pd.Series) -> pd.Series:
    den = den.astype(float)
    return num.astype(float).div(den.where(den != 0, np.nan))


def parse_weights(text: str) -> tuple[float, float, float]:
    """Parse "0.30,0.35,0.35" into three non-negative weights summing to 1 (normalised)."""
    try:
        parts = tuple(float(p) for p in text.split(","))
    except ValueError:
        raise ValueError(f"three-rates weights must be three numbers, got {text!r}") from None
    if len(parts) != 3 or any(p < 0 for p in parts) or sum(parts) == 0:
        raise ValueError(f"three-rates weights must be three non-negative numbers, got {text!r}")
    total = sum(parts)
    return tuple(p / total for p in parts)  # type: ignore[return-value]


def three_rates_score(response: float, resolution: float, satisfaction: float,
                      weights: tuple[float, float, float] = (0.30, 0.35, 0.35)) -> float:
    """Composite score w1·response + w2·resolution + w3·satisfaction (rates as fractions).

    NaN when any of the three rates is NaN (an incomplete score would mislead a ranking).
    """
    values = (response, resolution, satisfaction)
    if any(v is None or pd.isna(v) for v in values):
        return math.nan
    return float(sum(w * v for w, v in zip(weights, values)))


def case_rates(counts: pd.DataFrame, population: pd.Series | None = None,
               weights: tuple[float, float, float] = (0.30, 0.35, 0.35)) -> pd.DataFrame:
    """Add the rate columns to a frame of counts (one row per village, month or township).

    ``population`` (aligned to ``counts``' index) adds cases_per_10k = received × 10,000 / population.
    """
    out = counts.copy()
    for name, (num, den) in RATE_DEFINITIONS.items():
        out[name] = _rate_series(out[num], out[den])
    if population is not None:
        out["cases_per_10k"] = _rate_series(out["received"] * 10_000, population)
    out["three_rates_score"] = [
        three_rates_score(r, s, f, weights)
        for r, s, f in zip(out["response_rate"], out["resolution_rate"], out["satisfaction_rate"])
    ]
    return out
