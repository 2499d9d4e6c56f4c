"""Projecting a reallocation: coverage, case handling and equality after moving funding and staff.

Coverage of village v and domain d after a change of ``df`` yuan a month:
``1 - (1 - coverage) * exp(-k_d * df / population_v)`` (DOMAIN.md), clipped to [0, 1]; a village's
coverage is its composite service index ``Σ_d ω_d cov_vd`` with the baseline's index weights ω. Case handling
after a change of staff: whole handlers ``round(share * staff)`` in an M/M/c queue
(:mod:`cockpit.planner.queueing`), the on-time share averaged over the village's mix of deadlines. Every
figure also comes as a band, the 10th to 90th percentile over the bootstrap draws of the parameters.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from cockpit.services.equity import gini, group_gap, theil_decomposition
from cockpit.planner.baseline import Baseline, Model
from cockpit.planner.cells import village_coverage
from cockpit.planner.queueing import backlog_growth, handlers, mean_time, within_time

__all__ = ["Moves", "Projection", "project", "zero_moves", "BAND", "DAYS_PER_MONTH"]

BAND = (10, 90)  # percentiles of the uncertainty band
DAYS_PER_MONTH = 365.25 / 12


@dataclass(frozen=True)
class Moves:
    """Changes against the baseline: funding in 万元 a year per village and domain (V x D), staff in
    FTE per village (V)."""

    funding_wan: np.ndarray
    staff_fte: np.ndarray


def zero_moves(baseline: Baseline) -> Moves:
    return Moves(np.zeros_like(baseline.funding), np.zeros_like(baseline.staff))


@dataclass(frozen=True)
class Projection:
    """Per village and domain coverage (V x D); per village: coverage (its composite service index,
    the baseline's domain weights), handlers, on-time share, mean days to close, backlog growth
    (cases a month); township coverage (population-weighted) per domain and overall (the index:
    ``domain_coverage @ weights``); equality indices of village coverage; ``*_band`` arrays hold
    (low, high) along the first axis."""

    coverage: np.ndarray
    village_coverage: np.ndarray
    village_coverage_band: np.ndarray
    domain_coverage: np.ndarray
    township_coverage: float
    township_coverage_band: np.ndarray
    handlers: np.ndarray
    on_time: np.ndarray
    on_time_band: np.ndarray
    mean_days: np.ndarray
    backlog_per_month: np.ndarray
    township_on_time: float
    township_on_time_band: np.ndarray
    equity: dict


def _coverage(c0: np.ndarray, k: np.ndarray, population: np.ndarray, df_month: np.ndarray) -> np.ndarray:
    """Coverage after the change; ``k`` (..., D) broadcasts over leading draw axes."""
    # c0 + (1 - c0)(1 - e^-x): the same curve, and exactly c0 when nothing moves
    gained = -np.expm1(-k[..., None, :] * df_month / population[:, None])
    return np.clip(c0 + (1.0 - c0) * gained, 0.0, 1.0)


def _on_time(baseline: Baseline, c: np.ndarray, mu) -> np.ndarray:
    """On-time share per village: the deadline mix times the share closed within each deadline."""
    mu = np.asarray(mu, dtype=float)
    mu = mu[:, None, None] if mu.ndim else mu      # one rate per draw: draws x villages x deadlines
    shares = within_time(c[..., None], baseline.lam[:, None], mu, baseline.due_days)
    return (shares * baseline.due_share).sum(axis=-1)


def _equity(village_coverage: np.ndarray, baseline: Baseline) -> dict:
    p, g = baseline.population, baseline.area_group
    theil = theil_decomposition(village_coverage, g, p, "T")
    gap, ratio = group_gap(village_coverage, g, p)
    return {"gini": gini(village_coverage, p), "theil_t": theil.total, "theil_between": theil.between,
            "theil_within": theil.within, "gap": gap, "gap_ratio": ratio, "min": float(village_coverage.min())}


def project(baseline: Baseline, model: Model, moves: Moves) -> Projection:
    """Project ``moves`` (see :func:`cockpit.planner.moves.check` for what is allowed)."""
    p = baseline.population
    weights = p / p.sum()
    df_month = moves.funding_wan * 1e4 / 12
    cov = _coverage(baseline.coverage, model.k, p, df_month)
    omega = baseline.weights                       # the index's domain weights: a village's coverage is its index
    village = village_coverage(cov, baseline.domain_weights)
    domain = weights @ cov
    draws = _coverage(baseline.coverage, model.k_draws, p, df_month)      # B x V x D
    township_draws = (weights @ draws) @ omega
    staff = baseline.staff + moves.staff_fte
    c = handlers(staff, model.share)
    on_time = _on_time(baseline, c, model.mu)
    c_draws = handlers(staff[None, :], model.share_draws[:, None])      # Bq x V
    on_time_draws = _on_time(baseline, c_draws, model.mu_draws)
    cases = baseline.lam / baseline.lam.sum() if baseline.lam.sum() > 0 else weights
    return Projection(
        coverage=cov, village_coverage=village, village_coverage_band=np.percentile(draws @ omega, BAND, axis=0),
        domain_coverage=domain,
        township_coverage=float(domain @ omega),
        township_coverage_band=np.percentile(township_draws, BAND),
        handlers=c, on_time=on_time, on_time_band=np.percentile(on_time_draws, BAND, axis=0),
        mean_days=mean_time(c, baseline.lam, model.mu),
        backlog_per_month=backlog_growth(c, baseline.lam, model.mu) * DAYS_PER_MONTH,
        township_on_time=float(cases @ on_time),
        township_on_time_band=np.percentile(on_time_draws @ cases, BAND),
        equity=_equity(village, baseline),
    )
