"""Where funding and staff go: per-resident figures."""

from __future__ import annotations

import pandas as pd

__all__ = ["funding_per_resident", "staff_per_1000"]


def _per(amount: pd.Series | float, population: pd.Series | float, scale: float):
    if isinstance(population, pd.Series):
        return amount * scale / population.where(population > 0)
    return float("nan") if not population else amount * scale / population


def funding_per_resident(funding_yuan, population):
    """Funding in yuan per resident (for the same period as the funding)."""
    return _per(funding_yuan, population, 1.0)


def staff_per_1000(staff_fte, population):
    """Staff (FTE) per 1,000 residents."""
    return _per(staff_fte, population, 1000.0)
