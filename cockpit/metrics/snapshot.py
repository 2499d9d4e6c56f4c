"""The state of the township in a month: one row per village, and township figures by month.

This is where store queries meet the metric functions; pages and figure builders read
these frames and compute nothing themselves.
"""

from __future__ import annotations

import pandas as pd

from cockpit.metrics.cases import case_rates
from cockpit.metrics.catalog import access_key, coverage_key
from cockpit.services.figures import village_accessibility
from cockpit.metrics.coverage import coverage_wide
from cockpit.metrics.resources import funding_per_resident, staff_per_1000
from cockpit.services.index import IndexDefinition, index_definition, index_values
from cockpit.store import Store

__all__ = ["village_table", "township_series", "WEIGHTS_DEFAULT"]

WEIGHTS_DEFAULT = (0.30, 0.35, 0.35)


def village_table(store: Store, period: str, weights=WEIGHTS_DEFAULT,
                  index: IndexDefinition | None = None) -> pd.DataFrame:
    """Every village with its profile and all of its metrics for ``period``.

    ``index``: the composite index's definition (default: the township's, from ``store``).
    Columns: the villages table, ``coverage:<domain>`` per domain, service_index, the case
    counts and rates (cockpit.metrics.cases), cases_per_10k, funding_yuan, staff_fte,
    funding_per_resident, staff_per_1000 and ``access:<domain>`` (accessibility: supply within
    reach per 1,000 residents, cockpit.services.village_accessibility).
    """
    villages = store.villages().set_index("village_id")
    domain_ids = list(store.domains()["domain_id"])
    wide = coverage_wide(store.coverage(period), domain_ids)
    wide.columns = [coverage_key(d) for d in wide.columns]
    out = villages.join(wide)
    index = index or index_definition(store)
    out["service_index"] = index_values(out[wide.columns], index.series().rename(coverage_key))

    counts = store.case_counts(period)
    counts = counts[counts["village_id"].notna()].set_index("village_id")
    out = out.join(case_rates(counts, out["population"].reindex(counts.index), weights))

    alloc = store.allocations(period).groupby("village_id")[["funding_yuan", "staff_fte"]].sum()
    out = out.join(alloc)
    out["funding_per_resident"] = funding_per_resident(out["funding_yuan"], out["population"])
    out["staff_per_1000"] = staff_per_1000(out["staff_fte"], out["population"])
    access = village_accessibility(villages.reset_index(), store.facilities(), domain_ids)
    out = out.join(access.rename(columns=access_key))
    return out.reset_index()


def township_series(store: Store, weights=WEIGHTS_DEFAULT, index: IndexDefinition | None = None) -> pd.DataFrame:
    """Township figures for every month (index: period): coverage by domain, service index,
    case rates, case counts, funding per resident, staff per 1,000 and total population.

    The township service index is the weighted mean of the township's domain coverages with the
    index's weights (``index``, default the township's), which equals the population-weighted
    mean of the village indices when no value is missing.
    """
    population = float(store.villages()["population"].sum())

    cov = store.coverage_by_period()
    cov["value"] = cov["people_covered"] / cov["population"]
    cov_wide = cov.pivot(index="period", columns="domain_id", values="value")
    cov_wide.columns = [coverage_key(d) for d in cov_wide.columns]
    index = index or index_definition(store)
    cov_wide["service_index"] = index_values(cov_wide, index.series().rename(coverage_key))

    counts = store.case_counts_by_period().set_index("period")
    cases = case_rates(counts, pd.Series(population, index=counts.index), weights)

    alloc = store.allocations_by_period().set_index("period")
    alloc["funding_per_resident"] = funding_per_resident(alloc["funding_yuan"], population)
    alloc["staff_per_1000"] = staff_per_1000(alloc["staff_fte"], population)

    out = cov_wide.join([cases, alloc], how="outer").sort_index()
    out["population"] = population
    return out
