"""Service equalization figures for the services page: composite index, equity over time,
accessibility. Composes the store's frames with cockpit.services.equity, composite and accessibility.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from cockpit import settings
from cockpit.services.accessibility import accessibility_by_domain
from cockpit.services.composite import NORMALIZATION, topsis
from cockpit.services.equity import equity_table
from cockpit.services.index import index_values

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


def coverage_long(coverage: pd.DataFrame, villages: pd.DataFrame) -> pd.DataFrame:
    """period, domain_id, village_id, value, population, area_group for equity tables."""
    v = villages[["village_id", "population", "area_group"]]
    out = coverage.merge(v, on="village_id", how="inner").rename(columns={"coverage": "value"})
    return out[["period", "domain_id", "village_id", "value", "population", "area_group"]]


def composite(wide: pd.DataFrame, weights: pd.Series) -> Composite:
    """Composite service index and TOPSIS closeness of villages (rows) over domains (columns),
    with the index's fixed weights (cockpit.services.index); villages missing a domain are left out."""
    wide = wide.dropna(axis=0, how="any")
    weights = weights.reindex(wide.columns).fillna(0.0)
    return Composite(weights, index_values(wide, weights), topsis(wide, weights))


def with_index(long: pd.DataFrame, weights: pd.Series) -> pd.DataFrame:
    """``long`` plus the composite index of every period as domain INDEX_ID, with the same
    ``weights`` in every period (so its trend moves only when coverage does)."""
    wide = long.pivot_table(index=["period", "village_id"], columns="domain_id", values="value")
    value = index_values(wide, weights).dropna()
    if value.empty:
        return long
    people = long.drop_duplicates(["period", "village_id"]).set_index(["period", "village_id"])
    people = people.loc[value.index]
    index = pd.DataFrame({
        "period": value.index.get_level_values("period"), "domain_id": INDEX_ID,
        "village_id": value.index.get_level_values("village_id"), "value": value.to_numpy(),
        "population": people["population"].to_numpy(), "area_group": people["area_group"].to_numpy(),
    })
    return pd.concat([long, index], ignore_index=True)


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
