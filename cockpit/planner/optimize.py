"""Recommended allocations of a funding change: most coverage, fairest coverage, and the trade-off.

The response model lives in :mod:`cockpit.planner.cells`: a *cell* is one (village, domain) pair
whose coverage rises, concavely, with a change of monthly funding ``x >= lower`` yuan; arrays are
(V, D); township *efficiency* is the population-weighted mean of village coverage, the *worst-off*
village the one with the lowest coverage. Every allocation spends the whole budget:
``sum(x) == budget``.

- :func:`max_coverage` maximises efficiency: greedy marginal allocation of ``step``-yuan units,
  optimal for concave responses up to one step per cell (:func:`greedy_units` is the general
  version over a table of values, e.g. whole handlers).
- :func:`maximin` maximises the worst-off village's coverage, then, holding it, efficiency with
  whatever is left. Two solvers of the same problem (``method``):

  * ``"exact"`` (default, :mod:`cockpit.planner.waterfill`): the optimality conditions in closed
    form plus bisection. Milliseconds at 300 villages x 6 domains.
  * ``"lp"`` (:mod:`cockpit.planner.tangent_lp`): linear programs (HiGHS, sparse) over tangent
    lines of each curve, tightened until the exact coverage agrees within :data:`LP_TOLERANCE`.
    Seconds at 300 x 6; kept as the independent check of the exact solver (the tests compare them).
- :func:`frontier` walks from the first to the second: most efficiency subject to "worst-off
  village >= tau", scored with the exact formula.

The model (:func:`projected_coverage`, :func:`village_coverage`, :func:`efficiency`), the linear
maximin (:func:`maximin_linear`, :class:`LinearMaximin`) and :data:`LP_TOLERANCE` are re-exported
from here, so ``from cockpit.planner.optimize import ...`` reaches every planner optimiser name.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from cockpit.planner.cells import (
    Cells, efficiency, make_cells, projected_coverage, village_coverage,
)
from cockpit.planner.tangent_lp import LP_TOLERANCE, LinearMaximin, TangentLP, maximin_linear
from cockpit.planner.waterfill import WaterFill

__all__ = ["LinearMaximin", "FrontierPoint", "projected_coverage", "village_coverage", "efficiency",
           "greedy_units", "max_coverage", "maximin_linear", "maximin", "frontier",
           "DEFAULT_UNITS_PER_CELL", "LP_TOLERANCE", "METHODS"]

DEFAULT_UNITS_PER_CELL = 1000   # max_coverage's default grid: this many steps per cell
_STAGE_SLACK = 1e-9       # the worst-off level held in maximin's second stage: t* minus this
METHODS = ("exact", "lp")  # solvers of maximin and frontier


# --- greedy marginal allocation ---------------------------------------------------------------

def greedy_units(values: np.ndarray, units: int) -> np.ndarray:
    """Share ``units`` indivisible units among cells by largest marginal gain.

    Parameters
    ----------
    values : (cells, units + 1) ``values[i, n]`` is cell i's objective with n units; concave in n
        (marginal gains ``values[i, n + 1] - values[i, n]`` non-increasing). Any unit of measure.
    units : number of units to share, >= 0.

    Returns
    -------
    (cells,) int counts maximising ``sum_i values[i, counts[i]]`` subject to ``sum(counts) <= units``.
    The ``units`` largest marginal gains are taken at once (a partition, not a heap), ties broken by
    unit index, then cell index, so equal gains go round-robin over cells. A unit whose gain is
    negative is never allocated: the counts sum to ``units`` unless fewer than ``units`` gains are
    >= 0. Zero-gain units *are* allocated (they cost nothing and keep a budget fully spent).

    Raises
    ------
    ValueError
        ``values`` not 2-D, not finite, not ``units + 1`` columns wide, or not concave in n.
    """
    values = np.asarray(values, dtype=float)
    if isinstance(units, bool) or not isinstance(units, (int, np.integer)) or units < 0:
        raise ValueError(f"units must be an integer >= 0, got {units!r}")
    if values.ndim != 2 or values.shape[1] != units + 1:
        raise ValueError(f"values must have shape (cells, units + 1) = (cells, {units + 1}), "
                         f"got {values.shape}")
    if not np.all(np.isfinite(values)):
        raise ValueError("values must be finite")
    counts = np.zeros(values.shape[0], dtype=np.int64)
    if units == 0 or values.shape[0] == 0:
        return counts
    gains = np.diff(values, axis=1)
    scale = max(1.0, float(np.abs(values).max()))
    if units > 1 and np.any(np.diff(gains, axis=1) > 1e-9 * scale):
        raise ValueError("values must be concave in the number of units (non-increasing marginal "
                         "gains); greedy allocation is not optimal otherwise")
    flat = gains.ravel()
    take = min(units, int(np.count_nonzero(flat >= 0)))
    if take == 0:
        return counts
    threshold = np.partition(flat, flat.size - take)[flat.size - take]   # the take-th largest gain
    counts += np.count_nonzero(gains > threshold, axis=1)
    missing = take - int(counts.sum())
    if missing > 0:                    # gains equal to the threshold: by unit index, then cell
        _, tied_cells = np.nonzero((gains == threshold).T)
        np.add.at(counts, tied_cells[:missing], 1)
    return counts


# --- most coverage ----------------------------------------------------------------------------

def max_coverage(pop: np.ndarray, c0: np.ndarray, k: np.ndarray, budget: float,
                 lower: np.ndarray | None = None, step: float | None = None, weights=None) -> np.ndarray:
    """The allocation with the highest township efficiency (population-weighted coverage).

    Greedy marginal allocation: the budget to distribute, ``budget - sum(lower)``, is cut into
    ``step``-yuan units and each unit goes where it raises efficiency most; for concave curves this
    is optimal on the grid. It is :func:`greedy_units` without the (cells x units) table: on this
    curve a cell's n-th unit gains ``g1 * exp(-k * step / pop * (n - 1))``, so the number of units
    whose gain exceeds a threshold is a closed form and the threshold that hands out exactly the
    units is found by bisection. That lets the default grid be fine (1,000 units per cell) at any
    number of cells; tests check it against :func:`greedy_units` on small tables.

    Parameters
    ----------
    pop : (V,) residents per village.
    c0 : (V, D) current coverage in [0, 1].
    k : (V, D) response rate, per yuan per resident per month ((D,) broadcasts).
    budget : change of total monthly funding, yuan a month (0: a budget-neutral reallocation).
    lower : (V, D) smallest change allowed per cell, yuan a month; default 0 (nothing taken away).
        Cells start at ``lower`` and ``budget - sum(lower)`` is distributed on top.
    step : grid, yuan a month; default ``(budget - sum(lower)) / (1000 * V * D)``.
    weights : (D,) the index's domain weights (a village's coverage is ``Σ_d ω_d cov_d``); default equal.

    Returns
    -------
    (V, D) change of monthly funding x, yuan a month, ``x >= lower`` and ``sum(x) == budget``:
    whole steps, and the part of the budget smaller than a step on the cell with the steepest curve
    at its allocation. Within one step per cell of the optimum.

    Raises
    ------
    ValueError
        Bad shapes or values (naming the input), ``budget < sum(lower)``, ``step <= 0`` or so
        small that the number of units passes 2**53.
    """
    cells = make_cells(pop, c0, k, budget, lower, weights)
    n = cells.lower.size
    if cells.spare == 0:
        return cells.lower.reshape(cells.shape).copy()
    step = cells.spare / (DEFAULT_UNITS_PER_CELL * n) if step is None else float(step)
    if not np.isfinite(step) or step <= 0:
        raise ValueError(f"step must be > 0 (yuan a month), got {step}")
    units = np.floor(cells.spare / step + 1e-9)
    if units > 2.0**53:
        raise ValueError(f"step {step:g} is too small: {units:g} units; use a coarser step")
    # a cell's efficiency is w * (h - r e^-u): r carries h = D * ω_d, so a yuan's gain is scaled by
    # its domain's weight; a domain of weight 0 gains nothing and gets nothing, not even a free unit
    counted = cells.counted
    counts = np.zeros(n)
    counts[counted] = _greedy_curve((cells.w * cells.r)[counted], (cells.a * step)[counted], int(units))
    given = counts * step
    rest = cells.spare - given.sum()
    if rest > 0:
        slope = np.where(counted, cells.w * cells.r * cells.a * np.exp(-cells.a * given), -np.inf)
        given[int(np.argmax(slope))] += rest
    elif rest < 0:                      # rounding of spare / step: take it back from a funded cell
        given[int(np.argmax(counts))] += rest
    return (cells.lower + given).reshape(cells.shape)


def _greedy_curve(scale: np.ndarray, decay: np.ndarray, units: int) -> np.ndarray:
    """:func:`greedy_units` for values ``-scale * exp(-decay * n)``, n = 0 .. units (float counts).

    The n-th unit of a cell gains ``g1 * exp(-decay * (n - 1))`` with ``g1 = scale * (1 - e^-decay)``;
    ``ceil(ln(g1 / T) / decay)`` of them gain more than T. Bisection on ln T down to adjacent floats,
    then the few units left (gains equal to the threshold) to the largest next gains.
    """
    counts = np.zeros(scale.size)
    g1 = scale * -np.expm1(-decay)
    live = np.flatnonzero(g1 > 0)
    if units == 0:
        return counts
    if live.size == 0:                  # nothing gains anything: round-robin, as greedy_units
        counts += units // scale.size
        counts[: units % scale.size] += 1
        return counts
    log_g1, dec = np.log(g1[live]), decay[live]

    def above(log_t: float) -> np.ndarray:
        with np.errstate(over="ignore"):  # a tiny decay gives inf units, capped to ``units``
            return np.minimum(units, np.ceil(np.maximum(log_g1 - log_t, 0.0) / dec))

    lo, hi = float(np.min(log_g1 - dec * units)) - 1.0, float(np.max(log_g1))
    while True:                          # above(lo).sum() > units >= above(hi).sum()
        mid = 0.5 * (lo + hi)
        if not lo < mid < hi:
            break
        if above(mid).sum() > units:
            lo = mid
        else:
            hi = mid
    got = above(hi)
    left = units - int(got.sum())
    while left > 0:
        following = np.where(got < units, log_g1 - dec * got, -np.inf)
        pick = np.argsort(-following, kind="stable")[: min(left, live.size)]
        got[pick] += 1
        left -= pick.size
    counts[live] = got
    return counts


# --- fairest coverage: the saturating model ---------------------------------------------------

def _solver(cells: Cells, method: str, tangents: int):
    if method == "exact":
        return WaterFill(cells)
    if method == "lp":
        return TangentLP(cells, tangents)
    raise ValueError(f"method must be one of {METHODS}, got {method!r}")


def maximin(pop: np.ndarray, c0: np.ndarray, k: np.ndarray, budget: float,
            lower: np.ndarray | None = None, tangents: int = 12, method: str = "exact",
            weights=None) -> np.ndarray:
    """The allocation that raises the worst-off village's coverage the most.

    First stage: maximise t*, the lowest village coverage (its index: the mean over its domains
    weighted by ``weights``, equal by default). Second stage:
    hold every village at ``t* - 1e-9`` or more and maximise township efficiency, so that money
    which cannot raise the worst-off village any further goes where it does the most good instead
    of being left idle. Coverage never falls when funding rises, so spending the whole budget
    costs the first stage nothing: ``sum(x) == budget`` in both.

    ``method="exact"`` (default) solves the optimality conditions in closed form plus bisection
    (:class:`WaterFill`); ``method="lp"`` solves linear programs (HiGHS, sparse) over ``tangents``
    tangent lines per cell spread over [lower, lower + budget - sum(lower)], adding a tangent at the
    solution until the exact coverage agrees within :data:`LP_TOLERANCE`. Both reach the same
    allocation; the LP takes seconds at 300 villages x 6 domains, the exact method milliseconds.

    Parameters
    ----------
    pop : (V,) residents per village.
    c0 : (V, D) current coverage in [0, 1].
    k : (V, D) response rate, per yuan per resident per month ((D,) broadcasts).
    budget : change of total monthly funding, yuan a month.
    lower : (V, D) smallest change allowed per cell, yuan a month; default 0.
    tangents : initial tangent lines per cell (``method="lp"`` only), >= 2.
    method : "exact" or "lp".
    weights : (D,) the index's domain weights; default equal.

    Returns
    -------
    (V, D) change of monthly funding x, yuan a month, ``x >= lower``, ``sum(x) == budget``.
    """
    cells = make_cells(pop, c0, k, budget, lower, weights)
    solver = _solver(cells, method, tangents)
    if cells.spare == 0:
        return cells.lower.reshape(cells.shape).copy()
    return _maximin(solver)


def _maximin(solver) -> np.ndarray:
    return solver.cells.x(solver.best(solver.worst() - _STAGE_SLACK))


# --- the trade-off ----------------------------------------------------------------------------

@dataclass(frozen=True)
class FrontierPoint:
    """One allocation on the efficiency / equality frontier: ``min_coverage`` of the worst-off
    village and township ``efficiency`` (shares, exact formula), ``x`` (V, D) yuan a month."""

    min_coverage: float
    efficiency: float
    x: np.ndarray


def frontier(pop: np.ndarray, c0: np.ndarray, k: np.ndarray, budget: float,
             lower: np.ndarray | None = None, points: int = 7, tangents: int = 12,
             method: str = "exact", weights=None) -> list[FrontierPoint]:
    """Allocations trading township efficiency for the worst-off village's coverage.

    The ends are :func:`max_coverage` (highest efficiency) and :func:`maximin` (highest minimum);
    between them, ``points - 2`` allocations maximise efficiency subject to "every village's
    coverage >= tau", tau evenly spaced between the two ends' minimum coverage (solved as
    :func:`maximin`'s second stage, by ``method``). Every point is scored with the exact formula;
    a point that another beats on one measure without losing on the other is dropped.

    Parameters
    ----------
    pop, c0, k, budget, lower, tangents, method, weights : as :func:`maximin`.
    points : allocations computed, ends included, >= 2.

    Returns
    -------
    list of FrontierPoint by increasing ``min_coverage``, hence non-increasing ``efficiency``: the
    first is the most efficient, the last the fairest. One point when the two ends coincide.
    """
    if isinstance(points, bool) or not isinstance(points, (int, np.integer)) or points < 2:
        raise ValueError(f"points must be an integer >= 2, got {points!r}")
    cells = make_cells(pop, c0, k, budget, lower, weights)
    solver = _solver(cells, method, tangents)
    x_eff = max_coverage(pop, c0, k, budget, lower, weights=weights)
    if cells.spare == 0:
        return [FrontierPoint(*cells.score(x_eff), x_eff)]
    x_fair = _maximin(solver)
    found = [FrontierPoint(*cells.score(x_eff), x_eff), FrontierPoint(*cells.score(x_fair), x_fair)]
    low, high = found[0].min_coverage, found[1].min_coverage
    if high > low + 1e-9:
        for tau in np.linspace(low, high, points)[1:-1]:
            x = cells.x(solver.best(float(tau)))
            found.append(FrontierPoint(*cells.score(x), x))
    return _undominated(found)


def _undominated(found: list[FrontierPoint], tol: float = 1e-12) -> list[FrontierPoint]:
    keep: list[FrontierPoint] = []
    for p in found:
        beaten = any(q.min_coverage >= p.min_coverage and q.efficiency >= p.efficiency
                     and (q.min_coverage > p.min_coverage + tol or q.efficiency > p.efficiency + tol)
                     for q in found)
        duplicate = any(q.min_coverage == p.min_coverage and q.efficiency == p.efficiency for q in keep)
        if not beaten and not duplicate:
            keep.append(p)
    return sorted(keep, key=lambda p: (p.min_coverage, -p.efficiency))
