"""Everything the cases page shows, for one period and filter, in one call.

The counts of the period and of the previous period are fetched once and shared by the KPI
row, the village table and the ranking. Pages may also call the parts one by one (and cache
each); this function is what the benchmark times as "the page's data".
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import pandas as pd

from cockpit import settings
from cockpit.cases.alerts import alerts
from cockpit.cases.exclusions import exclusions
from cockpit.values.case_filter import CaseFilter, Period
from cockpit.cases.kpis import kpi_rows, trend
from cockpit.cases.overdue import overdue_list
from cockpit.cases.quality import Finding, run_checks
from cockpit.cases.ranking import ranking
from cockpit.cases.repeats import RepeatSummary, repeat_summary
from cockpit.metrics.cases import case_rates, parse_weights

__all__ = ["CasePage", "load_case_page"]


_WORKERS = 3  # queries of the page in flight at once


@dataclass(frozen=True)
class CasePage:
    """The data of the cases page (every frame as documented by the function that makes it).

    Attributes
    ----------
    period, filt
        What was asked for.
    kpis
        :func:`cockpit.cases.kpis.kpi_rows`: one row per KPI, with previous period and target.
    villages
        Per-village counts and rates of the period (cockpit.metrics.cases.case_rates), with
        cases_per_10k.
    ranking
        :func:`cockpit.cases.ranking.ranking`.
    trend
        :func:`cockpit.cases.kpis.trend`: township counts and rates by month (days to close
        only with ``trend_days``).
    matrix
        ``Store.case_counts_matrix``: counts per department × village (long form); turn it into
        a heatmap with :func:`cockpit.cases.matrix.matrix`.
    overdue
        :func:`cockpit.cases.overdue.overdue_list` (masked unless allowed).
    repeats
        :func:`cockpit.cases.repeats.repeat_summary`: the most telling groups and counts of all.
    alerts, exclusions
        :func:`cockpit.cases.alerts.alerts`,
        :func:`cockpit.cases.exclusions.exclusions`.
    findings
        :func:`cockpit.cases.quality.run_checks` for the period and filter.
    """

    period: Period
    filt: CaseFilter
    kpis: pd.DataFrame = field(repr=False)
    villages: pd.DataFrame = field(repr=False)
    ranking: pd.DataFrame = field(repr=False)
    trend: pd.DataFrame = field(repr=False)
    matrix: pd.DataFrame = field(repr=False)
    overdue: pd.DataFrame = field(repr=False)
    repeats: RepeatSummary = field(repr=False)
    alerts: pd.DataFrame = field(repr=False)
    exclusions: pd.DataFrame = field(repr=False)
    findings: tuple[Finding, ...] = field(repr=False)


def load_case_page(store, period, filt: CaseFilter | None = None,
                   weights: tuple[float, float, float] | None = None,
                   targets: dict[str, float] | None = None, allowed: bool = False,
                   overdue_limit: int | None = None, trend_days: bool = False,
                   with_trend: bool = True) -> CasePage:
    """Fetch and compute everything the cases page shows.

    ``weights`` default to the three_rates_weights setting, ``targets`` to
    cockpit.cases.scorecard.DEFAULT_TARGETS; ``allowed`` unmasks personal fields of the
    overdue list (only for a role entitled to them). The trend carries the rates and counts;
    ``trend_days=True`` adds median and p90 days to close per month (the KPI row has them for
    the period either way). The trend does not depend on the period: ``with_trend=False``
    leaves it empty for a caller that keeps it across periods.
    """
    p, filt = Period.of(period), filt or CaseFilter()
    if weights is None:
        weights = parse_weights(settings.get("three_rates_weights"))
    now, before = store.case_counts(p, filt), store.case_counts(p.previous(), filt)
    population = store.villages().set_index("village_id")["population"]
    per_village = now[now["village_id"].notna()].reset_index(drop=True)
    villages = case_rates(per_village, population.reindex(per_village["village_id"]).reset_index(
        drop=True), weights)
    # independent queries run side by side: the store gives each thread its own cursor, and DuckDB
    # releases the interpreter while it works (about a third off the page's time on two cores)
    with ThreadPoolExecutor(max_workers=_WORKERS) as pool:
        jobs = {
            "matrix": pool.submit(store.case_counts_matrix, p, filt),
            "overdue": pool.submit(overdue_list, store, p, filt, allowed=allowed, limit=overdue_limit),
            "repeats": pool.submit(repeat_summary, store, p, filt),
            "alerts": pool.submit(alerts, store, p, filt),
            "exclusions": pool.submit(exclusions, store, p, filt),
            "findings": pool.submit(lambda: tuple(run_checks(store, p, filt))),
        }
        if with_trend:
            jobs["trend"] = pool.submit(trend, store, filt, weights, days=trend_days)
        done = {"trend": pd.DataFrame(), **{name: job.result() for name, job in jobs.items()}}
    return CasePage(period=p, filt=filt, kpis=kpi_rows(now, before, targets), villages=villages,
                    ranking=ranking(now, before, weights), **done)
