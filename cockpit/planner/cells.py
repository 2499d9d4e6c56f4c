"""The response model of a funding change, and the validated inputs the optimisers share.

The response model (DOMAIN.md, "Allocation what-ifs"): a *cell* is one (village, domain) pair with
population ``pop_v`` (the village's residents), coverage ``c`` in [0, 1], response rate ``k > 0``
(per yuan per resident per month) and a change of monthly funding ``x`` yuan, ``x >= lower``
(``lower <= 0`` lets funding be taken away). Its projected coverage is::

    cov(x) = 1 - (1 - c) * exp(-k * x / pop_v)        clipped to [0, 1]

concave and increasing in ``x``. Arrays are (V, D): V villages, D domains. A village's coverage is
its composite service index, the weighted mean over its domains with the index's weights ``ω``
(:mod:`cockpit.services.index`; equal weights when none are given); township *efficiency* is the
population-weighted mean of village coverage; the *worst-off* village is the one with the lowest
coverage.

Clipping: the optimisers use the unclipped curve, which is concave everywhere. The clip at 1 never
bites (the curve stays below 1); the clip at 0 only bites for cuts deeper than
``pop / k * ln(1 / (1 - c))`` yuan a month, where the unclipped curve is the pessimistic one (it
keeps counting the loss). Reported figures (:func:`projected_coverage`) are clipped.

:func:`make_cells` validates the inputs of an allocation problem once and flattens them into
:class:`Cells`, the form the solvers work in (:mod:`cockpit.planner.optimize`,
:mod:`cockpit.planner.waterfill`, :mod:`cockpit.planner.tangent_lp`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["Cells", "projected_coverage", "village_coverage", "efficiency", "make_cells",
           "broadcast", "domain_weights"]


# --- the model --------------------------------------------------------------------------------

def projected_coverage(c0: np.ndarray, k: np.ndarray, pop: np.ndarray, x: np.ndarray) -> np.ndarray:
    """Coverage after a change of funding, clipped to [0, 1].

    Parameters
    ----------
    c0 : (V, D) current coverage, shares in [0, 1].
    k : (V, D) or (D,) response rate, per yuan per resident per month.
    pop : (V,) village population, residents.
    x : (V, D) change of monthly funding, yuan a month (negative: funding taken away).

    Returns
    -------
    (V, D) coverage ``1 - (1 - c0) * exp(-k * x / pop)``, written as ``c0 + (1 - c0) * (1 - e^..)``
    so that ``x = 0`` gives back ``c0`` exactly.
    """
    c0 = np.asarray(c0, dtype=float)
    pop = np.asarray(pop, dtype=float)
    if pop.ndim != 1 or c0.ndim != 2 or c0.shape[0] != pop.size:
        raise ValueError(f"c0 must have shape (V, D) with V = len(pop) = {pop.size}, got {c0.shape}")
    gained = -np.expm1(-np.asarray(k, dtype=float) * np.asarray(x, dtype=float) / pop[:, None])
    return np.clip(c0 + (1.0 - c0) * gained, 0.0, 1.0)


def domain_weights(weights, d: int) -> np.ndarray:
    """(D,) the index's domain weights, non-negative and summing to 1; None: equal weights."""
    if weights is None:
        return np.full(d, 1.0 / d)
    w = np.asarray(weights, dtype=float)
    if w.shape != (d,) or not np.all(np.isfinite(w)) or np.any(w < 0) or w.sum() <= 0:
        raise ValueError(f"weights must be {d} finite numbers >= 0, not all 0, got {weights!r}")
    return w / w.sum()


def village_coverage(cov: np.ndarray, weights=None) -> np.ndarray:
    """(V,) a village's coverage: the weighted mean of its (V, D) cells over domains (equal weights
    when ``weights`` is None)."""
    cov = np.asarray(cov, dtype=float)
    if cov.ndim != 2:
        raise ValueError(f"cov must have shape (V, D), got {cov.shape}")
    if weights is None:
        return cov.mean(axis=1)
    return cov @ domain_weights(weights, cov.shape[1])


def efficiency(pop: np.ndarray, cov: np.ndarray, weights=None) -> float:
    """Township coverage: ``sum_v pop_v * index_v / sum_v pop_v`` (a share in [0, 1])."""
    pop = np.asarray(pop, dtype=float)
    vil = village_coverage(cov, weights)
    if pop.shape != vil.shape:
        raise ValueError(f"pop must have shape ({vil.size},), got {pop.shape}")
    return float(pop @ vil / pop.sum())


# --- inputs -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Cells:
    """Validated inputs, cells flattened village by village (cell = v * D + d).

    With ``u = (x - lower) * k / pop`` (e-folds of the response), a cell's *scaled* coverage is
    ``h * cov = h - r * exp(-u)`` with ``h = D * ω_d`` and ``r = h * (1 - c0) * exp(-k * lower / pop)``;
    ``u`` runs over [0, ``u_max``]. The scale makes a village's plain mean of its cells' scaled
    coverage equal its index ``Σ_d ω_d cov_d``, so the solvers, written for means, serve any
    weights; with equal weights ``h = 1`` and nothing is scaled. A domain of weight 0 has
    ``h = r = u_max = 0``: it gains nothing from money, and no solver gives it any."""

    shape: tuple[int, int]
    pop: np.ndarray       # (V,)
    c0: np.ndarray        # (V, D)
    k: np.ndarray         # (V, D)
    lower: np.ndarray     # (n,) yuan a month
    spare: float          # budget - sum(lower): what is left to distribute, yuan a month
    a: np.ndarray         # (n,) k / pop, per yuan
    r: np.ndarray         # (n,) remaining scaled gap to full coverage at x = lower (unclipped)
    u_max: np.ndarray     # (n,) spare * a; 0 in a domain of weight 0
    w: np.ndarray         # (n,) efficiency weight pop_v / (D * sum pop), sums to 1
    h: np.ndarray         # (n,) scale D * ω_d of the cell's domain
    weights: np.ndarray | None  # (D,) the index's domain weights ω, summing to 1; None: equal

    @property
    def counted(self) -> np.ndarray:
        """(n,) cells of a domain the index counts (weight above 0): the only ones given money."""
        return self.h > 0

    def x(self, u: np.ndarray) -> np.ndarray:
        return (self.lower + u / self.a).reshape(self.shape)

    def unclipped(self, u: np.ndarray) -> np.ndarray:
        """Scaled coverage ``h - r e^-u``: a village's mean of it over its cells is its index."""
        return self.h - self.r * np.exp(-u)

    def score(self, x: np.ndarray) -> tuple[float, float]:
        """(worst-off village coverage, efficiency) of ``x`` with the exact, clipped formula."""
        cov = projected_coverage(self.c0, self.k, self.pop, x)
        return float(village_coverage(cov, self.weights).min()), efficiency(self.pop, cov, self.weights)


def make_cells(pop, c0, k, budget, lower, weights=None) -> Cells:
    pop = np.asarray(pop, dtype=float)
    if pop.ndim != 1 or pop.size == 0:
        raise ValueError(f"pop must be a non-empty 1-D array (residents per village), got shape {pop.shape}")
    if not np.all(np.isfinite(pop)) or np.any(pop <= 0):
        raise ValueError("pop must be finite and > 0")
    c0 = np.asarray(c0, dtype=float)
    if c0.ndim != 2 or c0.shape[0] != pop.size or c0.shape[1] == 0:
        raise ValueError(f"c0 must have shape (V, D) with V = len(pop) = {pop.size}, got {c0.shape}")
    if not np.all(np.isfinite(c0)) or np.any((c0 < 0) | (c0 > 1)):
        raise ValueError("c0 must be coverage shares in [0, 1]")
    k = broadcast("k", k, c0.shape)
    if not np.all(np.isfinite(k)) or np.any(k <= 0):
        raise ValueError("k must be finite and > 0 (per yuan per resident per month)")
    lower = np.zeros(c0.shape) if lower is None else broadcast("lower", lower, c0.shape)
    if not np.all(np.isfinite(lower)):
        raise ValueError("lower must be finite (yuan a month)")
    budget = float(budget)
    if not np.isfinite(budget):
        raise ValueError(f"budget must be finite (yuan a month), got {budget}")
    spare = budget - float(lower.sum())
    scale = max(1.0, abs(budget), float(np.abs(lower).sum()))
    if spare < -1e-12 * scale:
        raise ValueError(f"budget ({budget:g}) is below sum(lower) ({lower.sum():g}): no allocation "
                         "respects the lower bounds")
    spare = max(spare, 0.0)
    v, d = c0.shape
    omega = None if weights is None else domain_weights(weights, d)
    h = np.ones(v * d) if omega is None else np.tile(d * omega, v)
    a = (k / pop[:, None]).ravel()
    lo = lower.ravel().copy()
    with np.errstate(over="ignore", invalid="ignore"):
        r = np.where(h > 0, h * (1.0 - c0.ravel()) * np.exp(-a * lo), 0.0)
    w = np.repeat(pop / (d * pop.sum()), d)
    if not np.all(np.isfinite(r)):
        raise ValueError("lower takes away more than the response curve can represent (overflow)")
    return Cells((v, d), pop, c0, k, lo, spare, a, r, np.where(h > 0, spare * a, 0.0), w, h, omega)


def broadcast(name: str, value, shape: tuple[int, int]) -> np.ndarray:
    try:
        return np.broadcast_to(np.asarray(value, dtype=float), shape).copy()
    except ValueError:
        raise ValueError(f"{name} must have shape {shape}, got {np.shape(value)}") from None
