"""The figures of one village's card, side by side with the township: pure tables."""

from __future__ import annotations

import pandas as pd

from cockpit.metrics.catalog import access_key, coverage_key
from cockpit.metrics.resources import funding_per_resident, staff_per_1000

__all__ = ["coverage_rows", "case_rows", "resource_rows", "CARD_CASE_METRICS"]

CARD_CASE_METRICS = ("received", "response_rate", "closure_rate", "on_time_rate",
                     "satisfaction_rate", "open_at_end", "overdue_at_end", "cases_per_10k")


def coverage_rows(village: pd.Series, township: pd.Series, domains: pd.DataFrame) -> pd.DataFrame:
    """domain_id, village and township coverage, and the village's accessibility, in domain order."""
    keys = [coverage_key(d) for d in domains["domain_id"]]
    return pd.DataFrame({"domain_id": list(domains["domain_id"]),
                         "village": [village.get(k) for k in keys],
                         "township": [township.get(k) for k in keys],
                         "access": [village.get(access_key(d)) for d in domains["domain_id"]]})


def case_rows(village: pd.Series, township: pd.Series) -> pd.DataFrame:
    """metric, village and township value for the card's case figures."""
    return pd.DataFrame({"metric": list(CARD_CASE_METRICS),
                         "village": [village.get(k) for k in CARD_CASE_METRICS],
                         "township": [township.get(k) for k in CARD_CASE_METRICS]})


def resource_rows(allocations: pd.DataFrame, village_id: str, population: float,
                  domains: pd.DataFrame) -> pd.DataFrame:
    """Per domain: funding (yuan), staff (FTE), funding per resident and staff per 1,000."""
    mine = allocations[allocations["village_id"] == village_id].set_index("domain_id")
    mine = mine.reindex(list(domains["domain_id"]))
    return pd.DataFrame({
        "domain_id": list(domains["domain_id"]),
        "funding_yuan": mine["funding_yuan"].to_numpy(),
        "staff_fte": mine["staff_fte"].to_numpy(),
        "funding_per_resident": funding_per_resident(mine["funding_yuan"], population).to_numpy(),
        "staff_per_1000": staff_per_1000(mine["staff_fte"], population).to_numpy(),
    })
