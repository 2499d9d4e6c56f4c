"""Service coverage: population-weighted township figures and the village × domain table."""

from __future__ import annotations

import math

import pandas as pd

__all__ = ["population_weighted_mean", "coverage_wide", "township_coverage"]


def population_weighted_mean(values: pd.Series, population: pd.Series) -> float:
    """Σ pᵢ·yᵢ / Σ pᵢ over the rows where the value is known; NaN when none is."""
    known = values.notna() & population.notna()
    total = float(population[known].sum())
    if total == 0:
        return math.nan
    return float((values[known] * population[known]).sum() / total)


def coverage_wide(coverage_long: pd.DataFrame, domain_ids: list[str]) -> pd.DataFrame:
    """village_id × domain table of coverage (columns in ``domain_ids`` order; NaN if missing)."""
    wide = coverage_long.pivot_table(index="village_id", columns="domain_id", values="coverage")
    return wide.reindex(columns=domain_ids)


def township_coverage(coverage_long: pd.DataFrame, villages: pd.DataFrame) -> pd.DataFrame:
    """Per domain: population-weighted coverage and the number of people covered."""
    df = coverage_long.merge(villages[["village_id", "population"]], on="village_id")
    rows = []
    for domain_id, g in df.groupby("domain_id", sort=False):
        share = population_weighted_mean(g["coverage"], g["population"])
        rows.append({"domain_id": domain_id, "coverage": share,
                     "people_covered": float((g["coverage"] * g["population"]).sum())})
    return pd.DataFrame(rows, columns=["domain_id", "coverage", "people_covered"])
