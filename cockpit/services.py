"""Service equalization figures for the services page: composite index, equity over time,
accessibility. Composes the store's frames with cockpit.equity, composite and accessibility.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from cockpit import settings
from cockpit.accessibility import accessibility_by_domain
from cockpit.composite import NORMALIZATION, entropy_weights, topsis, weighted_index
from cockpit.equity import equity_table

__all__ = ["INDEX_ID", "NORMALIZATION", "Composite", "coverage_long", "composite", "with_index",
           "equity_trend", "village_accessibility", "SUPPLY_COLUMNS"]

INDEX_ID = "_index"  # the composite index, treated as one more "domain" in equity tables
# Digital-access points have no staff; their capacity (connections) is the supply.
SUPPLY_COLUMNS = {"digital": "capacity"}


@dataclass(frozen=True)
class Composite:
    weights: pd.Series      # domain_id -> weight (sums to 1)
    index: pd.Series        # village_id -> weighted coverage, 0–1
    closeness: pd.Series    # village_id -> TOPSIS closeness to the ideal village, 0–1
    method: str             # "entropy" or "user"


def coverage_long(coverage: pd.DataFrame, villages: pd.DataFrame) -> pd.DataFrame:
    """period, domain_id, village_id, value, population, area_group for equity tables."""
    v = villages[["village_id", "population", "area_group"]]
    out = coverage.merge(v, on="village_id", how="inner").rename(columns={"coverage": "value"})
    return out[["period", "domain_id", "village_id", "value", "population", "area_group"]]


def composite(wide: pd.DataFrame, user_weights: dict[str, float] | None = None) -> Composite:
    """Composite service index of villages (rows) over domains (columns).

    Entropy weights on min–max normalized coverage by default; ``user_weights`` (any
    non-negative numbers, normalised to sum 1) replace them. The index is the weighted mean
    of the raw coverage; TOPSIS closeness uses the same weights and normalization.
    """
    wide = wide.dropna(axis=0, how="any")
    if user_weights:
        total = sum(max(0.0, float(w)) for w in user_weights.values())
        if total <= 0:
            raise ValueError("user weights must not all be zero")
        weights = pd.Series({d: max(0.0, float(user_weights.get(d, 0.0))) / total for d in wide.columns},
                            name="weight")
        method = "user"
    else:
        weights, method = entropy_weights(wide), "entropy"
    return Composite(weights, weighted_index(wide, weights), topsis(wide, weights), method)


def with_index(long: pd.DataFrame, user_weights: dict[str, float] | None = None) -> pd.DataFrame:
    """``long`` plus the composite index of every period as domain INDEX_ID."""
    parts = [long]
    for period, g in long.groupby("period", sort=True):
        wide = g.pivot_table(index="village_id", columns="domain_id", values="value")
        comp = composite(wide, user_weights)
        v = g.drop_duplicates("village_id").set_index("village_id")
        parts.append(pd.DataFrame({
            "period": period, "domain_id": INDEX_ID, "village_id": comp.index.index,
            "value": comp.index.to_numpy(), "population": v.loc[comp.index.index, "population"].to_numpy(),
            "area_group": v.loc[comp.index.index, "area_group"].to_numpy(),
        }))
    return pd.concat(parts, ignore_index=True)


def equity_trend(long_with_index: pd.DataFrame) -> pd.DataFrame:
    """Equity indices for every (period, domain) including the composite index."""
    return equity_table(long_with_index)


def village_accessibility(villages: pd.DataFrame, facilities: pd.DataFrame, domain_ids: list[str],
                          threshold_km: float | None = None, method: str | None = None) -> pd.DataFrame:
    """Accessibility (supply within reach per 1,000 residents) village_id × domain_id, with the
    threshold, terrain factor and method from settings unless given."""
    return accessibility_by_domain(
        villages, facilities,
        threshold_km=threshold_km if threshold_km is not None else settings.number("access_threshold_km"),
        terrain_factor=settings.number("terrain_factor"),
        method=method or settings.get("access_method"),
        domain_ids=domain_ids, supply_col=SUPPLY_COLUMNS,
    )
