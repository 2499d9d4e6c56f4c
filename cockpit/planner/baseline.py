"""The planner's starting point: one month's coverage, funding and staff, the case load, and the
calibrated model, all as arrays in a fixed village and domain order."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from cockpit.planner.calibrate import CoverageFit, QueueFit, fit_coverage, fit_queue
from cockpit.planner.cells import domain_weights
from cockpit.services.index import IndexDefinition, index_definition

__all__ = ["Baseline", "Model", "build_baseline", "calibrate_model", "model_from_store", "baseline_from_store",
           "LOAD_MONTHS"]

LOAD_MONTHS = 12  # months of arrivals averaged into a village's case load (a year evens out seasons)


@dataclass(frozen=True)
class Model:
    """Calibrated parameters: ``k`` per domain (baseline order) and the queue's ``mu`` and ``share``,
    with bootstrap draws of each for the uncertainty band."""

    k: np.ndarray
    k_draws: np.ndarray
    mu: float
    share: float
    mu_draws: np.ndarray
    share_draws: np.ndarray
    coverage_fit: CoverageFit
    queue_fit: QueueFit


@dataclass(frozen=True)
class Baseline:
    """One month of the township as arrays; villages (V) in ``village_ids`` order, domains (D) in
    ``domains`` order. Funding is yuan a month; staff FTE summed over domains; ``lam`` cases a day."""

    period: str
    village_ids: tuple[str, ...]
    domains: tuple[str, ...]
    population: np.ndarray
    area_group: np.ndarray
    kind: np.ndarray
    distance_km: np.ndarray
    coverage: np.ndarray
    funding: np.ndarray
    staff: np.ndarray
    lam: np.ndarray
    due_days: np.ndarray
    due_share: np.ndarray
    domain_weights: np.ndarray | None = None  # (D,) the index's weights (cockpit.services.index); None: equal

    @property
    def weights(self) -> np.ndarray:
        """(D,) the composite index's domain weights, summing to 1: a village's coverage in the
        planner is its index ``coverage @ weights``."""
        return domain_weights(self.domain_weights, len(self.domains))

    @property
    def funding_wan_year(self) -> np.ndarray:
        """Funding in 万元 a year (the month's funding times 12)."""
        return self.funding * 12 / 1e4


def calibrate_model(coverage_history: pd.DataFrame, queue_history: pd.DataFrame,
                    domains: tuple[str, ...]) -> Model:
    """Fit both responses and order ``k`` as ``domains``."""
    cov = fit_coverage(coverage_history)
    queue = fit_queue(queue_history)
    order = [cov.domains.index(d) for d in domains]
    return Model(k=cov.k[order], k_draws=cov.k_draws[:, order], mu=queue.mu, share=queue.share,
                 mu_draws=queue.mu_draws, share_draws=queue.share_draws, coverage_fit=cov, queue_fit=queue)


def build_baseline(period: str, villages: pd.DataFrame, coverage: pd.DataFrame, allocations: pd.DataFrame,
                   queue_history: pd.DataFrame, due_mix: pd.DataFrame, domains: tuple[str, ...],
                   weights: dict[str, float] | None = None) -> Baseline:
    """Assemble the baseline of ``period`` from the store's frames; ``weights`` are the composite
    index's domain weights (domain_id -> weight; None: equal).

    ``coverage`` and ``allocations`` are the month's (``Store.coverage``, ``Store.allocations``);
    ``queue_history`` gives the case load: the mean daily arrivals of the ``LOAD_MONTHS`` months up to
    ``period``; ``due_mix`` the share of each village's cases by closure deadline."""
    v = villages.sort_values("village_id").reset_index(drop=True)
    ids = tuple(v["village_id"])
    grid = pd.MultiIndex.from_product([ids, domains], names=["village_id", "domain_id"])
    cov = coverage.set_index(["village_id", "domain_id"])["coverage"].reindex(grid)
    alloc = allocations.set_index(["village_id", "domain_id"]).reindex(grid)
    if cov.isna().any() or alloc["funding_yuan"].isna().any():
        missing = cov.index[cov.isna() | alloc["funding_yuan"].isna()][0]
        raise ValueError(f"{period}: no coverage or funding for village {missing[0]}, domain {missing[1]}")
    shape = (len(ids), len(domains))
    q = queue_history[queue_history["period"] <= period]
    q = q[q["period"].isin(sorted(q["period"].unique())[-LOAD_MONTHS:])]
    lam = (q.groupby("village_id")["received"].sum() / q.groupby("village_id")["days"].sum()).reindex(ids).fillna(0.0)
    due = due_mix.pivot_table(index="village_id", columns="due_days", values="share", fill_value=0.0)
    due = due.reindex(ids)
    if due.empty or due.isna().all(axis=None):
        due = pd.DataFrame({7: np.ones(len(ids))}, index=list(ids))
    due = due.apply(lambda row: row.fillna(0) if row.notna().any() else due.mean(), axis=1)
    return Baseline(
        period=period, village_ids=ids, domains=tuple(domains),
        population=v["population"].to_numpy(float), area_group=v["area_group"].to_numpy(str),
        kind=v["kind"].to_numpy(str), distance_km=v["distance_km"].to_numpy(float),
        coverage=cov.to_numpy(float).reshape(shape), funding=alloc["funding_yuan"].to_numpy(float).reshape(shape),
        staff=alloc["staff_fte"].to_numpy(float).reshape(shape).sum(axis=1), lam=lam.to_numpy(float),
        due_days=due.columns.to_numpy(float), due_share=due.to_numpy(float),
        domain_weights=None if weights is None else np.array([weights.get(d, 0.0) for d in domains], dtype=float),
    )


def model_from_store(store) -> Model:
    """The model calibrated on the whole history in ``store`` (a :class:`cockpit.store.Store`)."""
    domains = tuple(store.domains()["domain_id"])
    return calibrate_model(store.coverage_funding_history(), store.queue_history(), domains)


def baseline_from_store(store, period: str, village_ids=None, definition: IndexDefinition | None = None) -> Baseline:
    """The baseline of ``period`` from ``store``, over ``village_ids`` (default: every village),
    with the weights of the township's composite index (``definition``; default: read from ``store``)."""
    villages = store.villages()
    if village_ids is not None:
        villages = villages[villages["village_id"].isin(list(village_ids))]
    weights = dict((definition or index_definition(store)).weights)
    return build_baseline(period, villages, store.coverage(period), store.allocations(period),
                          store.queue_history(), store.due_mix(), tuple(store.domains()["domain_id"]), weights)
