"""Recommended allocations of a funding change: most coverage, fairest coverage, and the trade-off.

The response model (DOMAIN.md, "Allocation what-ifs"): a *cell* is one (village, domain) pair with
population ``pop_v`` (the village's residents), coverage ``c`` in [0, 1], response rate ``k > 0``
(per yuan per resident per month) and a change of monthly funding ``x`` yuan, ``x >= lower``
(``lower <= 0`` lets funding be taken away). Its projected coverage is::

    cov(x) = 1 - (1 - c) * exp(-k * x / pop_v)        clipped to [0, 1]

concave and increasing in ``x``. Arrays are (V, D): V villages, D domains. A village's coverage is
the mean over its domains; township *efficiency* is the population-weighted mean of village
coverage; the *worst-off* village is the one with the lowest coverage. Every allocation spends the
whole budget: ``sum(x) == budget``.

- :func:`max_coverage` maximises efficiency: greedy marginal allocation of ``step``-yuan units,
  optimal for concave responses up to one step per cell (:func:`greedy_units` is the general
  version over a table of values, e.g. whole handlers).
- :func:`maximin` maximises the worst-off village's coverage, then, holding it, efficiency with
  whatever is left. Two solvers of the same problem (``method``):

  * ``"exact"`` (default): the optimality conditions. Every funded cell of a village ends at the
    same coverage gained per yuan, so a village's coverage is a closed form of one number per
    village; bisection finds the level the budget can lift everyone to. Milliseconds at
    300 villages x 6 domains.
  * ``"lp"``: linear programs (HiGHS, sparse) over an outer approximation of each curve by tangent
    lines, tightened by adding a tangent at the solution until the exact coverage agrees with the
    linear one within :data:`LP_TOLERANCE` (every tangent of a concave curve lies above it, so the
    LP only ever over-promises, and the check measures by how much). Seconds at 300 x 6; kept as
    the independent check of the exact solver (the tests compare them).
- :func:`frontier` walks from the first to the second: most efficiency subject to "worst-off
  village >= tau", scored with the exact formula.
- :func:`maximin_linear` is the textbook linear case (coverage ``c0 + e * x``), pinned by a hand
  computation.

Clipping: the optimisers use the unclipped curve, which is concave everywhere. The clip at 1 never
bites (the curve stays below 1); the clip at 0 only bites for cuts deeper than
``pop / k * ln(1 / (1 - c))`` yuan a month, where the unclipped curve is the pessimistic one (it
keeps counting the loss). Reported figures (:func:`projected_coverage`) are clipped.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import sparse
from scipy.optimize import linprog

__all__ = ["LinearMaximin", "FrontierPoint", "projected_coverage", "village_coverage", "efficiency",
           "greedy_units", "max_coverage", "maximin_linear", "maximin", "frontier",
           "DEFAULT_UNITS_PER_CELL", "LP_TOLERANCE", "METHODS"]

DEFAULT_UNITS_PER_CELL = 1000   # max_coverage's default grid: this many steps per cell
LP_TOLERANCE = 1e-5       # coverage (share): how far the tangent LP may over-promise at its solution
_MAX_ROUNDS = 12          # rounds of added tangents per linear program
_STAGE_SLACK = 1e-9       # the worst-off level held in maximin's second stage: t* minus this
METHODS = ("exact", "lp")  # solvers of maximin and frontier


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


def village_coverage(cov: np.ndarray) -> np.ndarray:
    """(V,) a village's coverage: the mean of its (V, D) cells over domains."""
    cov = np.asarray(cov, dtype=float)
    if cov.ndim != 2:
        raise ValueError(f"cov must have shape (V, D), got {cov.shape}")
    return cov.mean(axis=1)


def efficiency(pop: np.ndarray, cov: np.ndarray) -> float:
    """Township coverage: ``sum_v pop_v * mean_d cov_vd / sum_v pop_v`` (a share in [0, 1])."""
    pop = np.asarray(pop, dtype=float)
    vil = village_coverage(cov)
    if pop.shape != vil.shape:
        raise ValueError(f"pop must have shape ({vil.size},), got {pop.shape}")
    return float(pop @ vil / pop.sum())


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


# --- inputs -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class _Cells:
    """Validated inputs, cells flattened village by village (cell = v * D + d).

    With ``u = (x - lower) * k / pop`` (e-folds of the response), ``cov = 1 - r * exp(-u)``,
    ``r = (1 - c0) * exp(-k * lower / pop)``; ``u`` runs over [0, ``u_max``]."""

    shape: tuple[int, int]
    pop: np.ndarray       # (V,)
    c0: np.ndarray        # (V, D)
    k: np.ndarray         # (V, D)
    lower: np.ndarray     # (n,) yuan a month
    spare: float          # budget - sum(lower): what is left to distribute, yuan a month
    a: np.ndarray         # (n,) k / pop, per yuan
    r: np.ndarray         # (n,) remaining gap to full coverage at x = lower (unclipped)
    u_max: np.ndarray     # (n,) spare * a
    w: np.ndarray         # (n,) efficiency weight pop_v / (D * sum pop), sums to 1

    def x(self, u: np.ndarray) -> np.ndarray:
        return (self.lower + u / self.a).reshape(self.shape)

    def unclipped(self, u: np.ndarray) -> np.ndarray:
        return 1.0 - self.r * np.exp(-u)

    def score(self, x: np.ndarray) -> tuple[float, float]:
        """(worst-off village coverage, efficiency) of ``x`` with the exact, clipped formula."""
        cov = projected_coverage(self.c0, self.k, self.pop, x)
        return float(village_coverage(cov).min()), efficiency(self.pop, cov)


def _cells(pop, c0, k, budget, lower) -> _Cells:
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
    k = _broadcast("k", k, c0.shape)
    if not np.all(np.isfinite(k)) or np.any(k <= 0):
        raise ValueError("k must be finite and > 0 (per yuan per resident per month)")
    lower = np.zeros(c0.shape) if lower is None else _broadcast("lower", lower, c0.shape)
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
    a = (k / pop[:, None]).ravel()
    lo = lower.ravel().copy()
    r = (1.0 - c0.ravel()) * np.exp(-a * lo)
    w = np.repeat(pop / (d * pop.sum()), d)
    if not np.all(np.isfinite(r)):
        raise ValueError("lower takes away more than the response curve can represent (overflow)")
    return _Cells((v, d), pop, c0, k, lo, spare, a, r, spare * a, w)


def _broadcast(name: str, value, shape: tuple[int, int]) -> np.ndarray:
    try:
        return np.broadcast_to(np.asarray(value, dtype=float), shape).copy()
    except ValueError:
        raise ValueError(f"{name} must have shape {shape}, got {np.shape(value)}") from None


# --- most coverage ----------------------------------------------------------------------------

def max_coverage(pop: np.ndarray, c0: np.ndarray, k: np.ndarray, budget: float,
                 lower: np.ndarray | None = None, step: float | None = None) -> np.ndarray:
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
    cells = _cells(pop, c0, k, budget, lower)
    n = cells.lower.size
    if cells.spare == 0:
        return cells.lower.reshape(cells.shape).copy()
    step = cells.spare / (DEFAULT_UNITS_PER_CELL * n) if step is None else float(step)
    if not np.isfinite(step) or step <= 0:
        raise ValueError(f"step must be > 0 (yuan a month), got {step}")
    units = np.floor(cells.spare / step + 1e-9)
    if units > 2.0**53:
        raise ValueError(f"step {step:g} is too small: {units:g} units; use a coarser step")
    counts = _greedy_curve(cells.w * cells.r, cells.a * step, int(units))
    given = counts * step
    rest = cells.spare - given.sum()
    if rest > 0:
        slope = cells.w * cells.r * cells.a * np.exp(-cells.a * given)
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


# --- fairest coverage: linear case ------------------------------------------------------------

@dataclass(frozen=True)
class LinearMaximin:
    """Solution of :func:`maximin_linear`: ``t`` the lowest coverage reached (share), ``x`` the
    funding per cell (the budget's unit)."""

    t: float
    x: np.ndarray


def maximin_linear(c0: np.ndarray, e: np.ndarray, budget: float,
                   upper: np.ndarray | float | None = None) -> LinearMaximin:
    """Raise the lowest of linear coverages ``c0_i + e_i * x_i`` as far as a budget allows.

    Maximise t subject to ``c0_i + e_i * x_i >= t`` for every cell, ``0 <= x_i <= upper_i`` and
    ``sum(x) <= budget`` (each cell is its own "village"; no cap at coverage 1). A second stage
    keeps ``t >= t* - 1e-9`` and minimises ``sum(x)``: of several optimal allocations the cheapest
    is returned, so money that cannot raise the minimum is left unspent.

    Parameters
    ----------
    c0 : (n,) current coverage.
    e : (n,) coverage gained per unit of funding, >= 0.
    budget : total funding available, >= 0 (same unit as ``x``).
    upper : (n,) or scalar largest funding per cell; default none.

    Returns
    -------
    LinearMaximin with ``t = min(c0 + e * x)`` of the returned ``x``.

    Examples
    --------
    >>> r = maximin_linear([0.5, 0.7, 0.9], [0.01, 0.02, 0.005], 30)
    >>> round(r.t, 6), np.round(r.x, 3).tolist()
    (0.766667, [26.667, 3.333, 0.0])
    """
    c0 = np.asarray(c0, dtype=float)
    e = np.asarray(e, dtype=float)
    if c0.ndim != 1 or c0.size == 0 or e.shape != c0.shape:
        raise ValueError(f"c0 and e must be 1-D of the same length, got {c0.shape} and {e.shape}")
    if not np.all(np.isfinite(c0)):
        raise ValueError("c0 must be finite")
    if not np.all(np.isfinite(e)) or np.any(e < 0):
        raise ValueError("e must be finite and >= 0")
    budget = float(budget)
    if not np.isfinite(budget) or budget < 0:
        raise ValueError(f"budget must be finite and >= 0, got {budget}")
    n = c0.size
    up = np.full(n, np.inf) if upper is None else _broadcast("upper", upper, (1, n))[0]
    if np.any(np.isnan(up)) or np.any(up < 0):
        raise ValueError("upper must be >= 0")
    # variables [x_1 .. x_n, t]; rows t - e_i x_i <= c0_i, then sum x <= budget
    cell = np.arange(n)
    a_ub = sparse.csr_matrix((np.concatenate([-e, np.ones(n), np.ones(n)]),
                              (np.concatenate([cell, cell, np.full(n, n)]),
                               np.concatenate([cell, np.full(n, n), cell]))), shape=(n + 1, n + 1))
    b_ub = np.append(c0, budget)
    bounds = [(0.0, None if np.isinf(u) else u) for u in up] + [(None, None)]
    first = _linprog(np.append(np.zeros(n), -1.0), a_ub, b_ub, None, None, bounds)
    t_star = -first.fun
    a_ub = sparse.vstack([a_ub, sparse.csr_matrix(np.append(np.zeros(n), -1.0))]).tocsr()
    second = _linprog(np.append(np.ones(n), 0.0), a_ub, np.append(b_ub, -(t_star - 1e-9)),
                      None, None, bounds)
    x = np.clip(second.x[:n], 0.0, up)
    return LinearMaximin(float(np.min(c0 + e * x)), x)


def _linprog(c, a_ub, b_ub, a_eq, b_eq, bounds):
    res = linprog(c, A_ub=a_ub, b_ub=b_ub, A_eq=a_eq, b_eq=b_eq, bounds=bounds, method="highs")
    if res.status != 0:
        raise RuntimeError(f"linear program not solved: {res.message}")
    return res


# --- fairest coverage: the saturating model ---------------------------------------------------

class _WaterFill:
    """The exact solver: the optimality conditions of the concave problems, solved in closed form.

    Maximising ``sum_i w_i cov_i`` subject to ``sum x = budget`` and "village v's coverage >= tau"
    (multipliers ``lambda`` and ``mu_v``), every funded cell of village v ends where the coverage it
    gains per yuan, ``a_i * (1 - cov_i)``, equals ``1 / M_v`` with ``M_v = (w_v + mu_v / D) / lambda``:
    ``u_i = max(0, ln(rho_i * M_v))``, ``rho_i = a_i * r_i`` its gain per yuan at ``lower``, and a
    funded cell's coverage is ``1 - 1 / (a_i * M_v)``. A village's coverage is then increasing in
    ``M_v``, piecewise in closed form between the levels where one more cell gets funded, so the
    smallest ``M_v`` reaching tau (:meth:`need`) is one division; ``M_v = max(w_v * beta, need_v)``
    with ``beta = 1 / lambda`` found by bisection so that the budget is spent exactly. The highest
    reachable tau (:meth:`worst`) is a bisection on the cost of bringing every village to tau.
    """

    def __init__(self, cells: _Cells):
        v, d = cells.shape
        self.cells, self.d = cells, d
        r, a = cells.r.reshape(v, d), cells.a.reshape(v, d)
        self.rho = r * a
        self.s = 1.0 / a                                     # yuan per e-fold
        self.w = cells.w.reshape(v, d)[:, 0]
        with np.errstate(divide="ignore"):
            theta = np.where(self.rho > 0, 1.0 / np.where(self.rho > 0, self.rho, 1.0), np.inf)
        order = np.argsort(theta, axis=1, kind="stable")     # funded first: the steepest at lower
        theta = np.take_along_axis(theta, order, axis=1)
        q = np.take_along_axis(1.0 - r, order, axis=1)       # coverage at lower
        self.a_sum = np.cumsum(np.take_along_axis(self.s, order, axis=1), axis=1)
        self.b_sum = q.sum(axis=1, keepdims=True) - np.cumsum(q, axis=1)
        self.funded = np.arange(1, d + 1)
        # village coverage at M = theta_(j), when its j-th cell starts being funded
        self.levels = (self.b_sum + self.funded - self.a_sum / theta) / d
        self.start = q.sum(axis=1) / d                       # village coverage at lower

    def need(self, tau: float) -> np.ndarray:
        """(V,) the smallest M_v that brings each village to tau (0: there already; inf: never)."""
        if tau >= 1.0:
            return np.where(self.start >= tau, 0.0, np.inf)
        j = np.maximum((self.levels < tau).sum(axis=1), 1) - 1
        rows = np.arange(j.size)
        den = self.b_sum[rows, j] + self.funded[j] - self.d * tau
        with np.errstate(divide="ignore"):
            m = np.where(den > 0, self.a_sum[rows, j] / np.where(den > 0, den, 1.0), np.inf)
        return np.where(self.start >= tau, 0.0, m)

    def u(self, m: np.ndarray) -> np.ndarray:
        with np.errstate(divide="ignore", invalid="ignore"):
            u = np.log(self.rho * m[:, None])
        return np.where(self.rho > 0, np.maximum(u, 0.0), 0.0)

    def cost(self, m: np.ndarray) -> float:
        return float((self.s * self.u(m)).sum())

    def worst(self) -> float:
        spare = self.cells.spare
        lo, hi = float(self.start.min()), 1.0
        while True:
            mid = 0.5 * (lo + hi)
            if not lo < mid < hi:
                return lo
            if self.cost(self.need(mid)) <= spare:
                lo = mid
            else:
                hi = mid

    def best(self, tau: float) -> np.ndarray:
        spare = self.cells.spare
        floor = self.need(tau)
        base = self.cost(floor)
        if base > spare * (1 + 1e-9):
            raise ValueError(f"no allocation of the budget brings every village to coverage {tau:.6f}")
        if not np.any(self.rho > 0):                        # nothing can rise: share out evenly
            return (spare / self.rho.size * self.cells.a).copy()
        if base >= spare:
            u = self.u(floor)
            return (u * (spare / base)).ravel() if base > 0 else u.ravel()
        spend = lambda beta: self.cost(np.maximum(self.w * beta, floor))  # noqa: E731
        lo, hi = 0.0, 1.0 / float(np.max(self.w[:, None] * self.rho))
        while spend(hi) < spare:
            lo, hi = hi, 2.0 * hi
        while True:
            mid = 0.5 * (lo + hi)
            if not lo < mid < hi:
                break
            if spend(mid) < spare:
                lo = mid
            else:
                hi = mid
        u_lo = self.u(np.maximum(self.w * lo, floor))
        u_hi = self.u(np.maximum(self.w * hi, floor))
        s_lo, s_hi = float((self.s * u_lo).sum()), float((self.s * u_hi).sum())
        part = (spare - s_lo) / (s_hi - s_lo) if s_hi > s_lo else 0.0
        return (u_lo + part * (u_hi - u_lo)).ravel()


class _TangentLP:
    """Outer approximation of every cell's curve by tangent lines, as a linear program (HiGHS).

    Variables ``[u (n), y (n), t]``: ``u`` the cell's funding above ``lower`` in e-folds
    (``x = lower + u * pop / k``; this scaling keeps every coefficient of order 1), ``y`` its
    coverage as the LP sees it, ``t`` the worst-off village level. Rows: one per tangent
    ``y_i <= 1 - g + g * (u_i - u_j)`` with ``g = r_i e^-u_j``; one per village
    ``t <= mean_d y_vd``; the budget ``sum x == budget`` as an equality. Bounds ``0 <= u_i <= u_max_i``,
    ``y_i <= 1``. Tangents added by :meth:`solve` stay for later solves (each is valid everywhere).
    """

    def __init__(self, cells: _Cells, tangents: int):
        if isinstance(tangents, bool) or not isinstance(tangents, (int, np.integer)) or tangents < 2:
            raise ValueError(f"tangents must be an integer >= 2, got {tangents!r}")
        self.cells = cells
        n = cells.r.size
        v, d = cells.shape
        self.n = n
        # tangent points evenly spaced in sqrt(r e^-u), the square root of the gap to full coverage:
        # the largest distance between the tangent envelope and the curve is then about the same in
        # every interval (it scales as r * (du)^2 / 8 and du ~ d(gap) / gap)
        frac = np.linspace(0.0, 1.0, tangents)
        tail = np.exp(-np.minimum(cells.u_max, 60.0) / 2)            # sqrt(gap) ratio at u_max
        points = -2.0 * np.log(1.0 - frac[None, :] * (1.0 - tail)[:, None])
        keep = cells.r > 0                                            # r = 0: y <= 1 says it all
        self.cut_cell = [np.repeat(np.flatnonzero(keep), tangents)]
        self.cut_u = [np.minimum(points[keep], cells.u_max[keep, None]).ravel()]
        rows = np.repeat(np.arange(v), d)
        self.village = sparse.csr_matrix(
            (np.concatenate([np.full(n, -1.0 / d), np.ones(v)]),
             (np.concatenate([rows, np.arange(v)]), np.concatenate([n + np.arange(n), np.full(v, 2 * n)]))),
            shape=(v, 2 * n + 1))
        scale = 1.0 / cells.a                                         # yuan per e-fold
        unit = scale.mean()
        self.a_eq = sparse.csr_matrix(np.concatenate([scale / unit, np.zeros(n + 1)])[None, :])
        self.b_eq = np.array([cells.spare / unit])

    def _solve_once(self, objective: str, t_low: float | None):
        cells, n = self.cells, self.n
        cell = np.concatenate(self.cut_cell)
        uj = np.concatenate(self.cut_u)
        g = cells.r[cell] * np.exp(-uj)
        m = cell.size
        cuts = sparse.csr_matrix(
            (np.concatenate([-g, np.ones(m)]),
             (np.tile(np.arange(m), 2), np.concatenate([cell, n + cell]))), shape=(m, 2 * n + 1))
        a_ub = sparse.vstack([cuts, self.village], format="csr")
        b_ub = np.concatenate([1.0 - g * (1.0 + uj), np.zeros(self.village.shape[0])])
        c = np.zeros(2 * n + 1)
        if objective == "worst":
            c[-1] = -1.0
        else:
            c[n:2 * n] = -cells.w
        bounds = np.empty((2 * n + 1, 2))
        bounds[:n] = np.column_stack([np.zeros(n), cells.u_max])
        bounds[n:2 * n] = [-np.inf, 1.0]
        bounds[-1] = [-np.inf if t_low is None else t_low, np.inf]
        res = _linprog(c, a_ub, b_ub, self.a_eq, self.b_eq, bounds)
        return np.clip(res.x[:n], 0.0, cells.u_max), res.x[n:2 * n], res.x[-1]

    def _solve(self, objective: str, t_low: float | None) -> np.ndarray:
        """Solve, add tangents where the LP over-promises, repeat. "worst": maximise t, stop when
        the exact worst-off village is within LP_TOLERANCE of t; "efficiency": maximise the
        weighted sum of y with ``t >= t_low``, stop when no y exceeds its exact coverage by more."""
        cells = self.cells
        v, d = cells.shape
        for _ in range(_MAX_ROUNDS):
            u, y, t = self._solve_once(objective, t_low)
            exact = cells.unclipped(u)
            over = y - exact > LP_TOLERANCE
            if objective == "worst":
                short = exact.reshape(v, d).mean(axis=1) < t - LP_TOLERANCE
                if not short.any():
                    break
                over &= np.repeat(short, d)
            if not over.any():
                break
            self.cut_cell.append(np.flatnonzero(over))
            self.cut_u.append(u[over])
        return u

    def worst(self) -> float:
        """The worst-off village coverage (exact, unclipped) at the first stage's solution: a level
        every later solve can reach whatever tangents are added."""
        v, d = self.cells.shape
        u = self._solve("worst", None)
        return float(self.cells.unclipped(u).reshape(v, d).mean(axis=1).min())

    def best(self, tau: float) -> np.ndarray:
        return self._solve("efficiency", tau)


def _solver(cells: _Cells, method: str, tangents: int):
    if method == "exact":
        return _WaterFill(cells)
    if method == "lp":
        return _TangentLP(cells, tangents)
    raise ValueError(f"method must be one of {METHODS}, got {method!r}")


def maximin(pop: np.ndarray, c0: np.ndarray, k: np.ndarray, budget: float,
            lower: np.ndarray | None = None, tangents: int = 12, method: str = "exact") -> np.ndarray:
    """The allocation that raises the worst-off village's coverage the most.

    First stage: maximise t*, the lowest village coverage (mean over its domains). Second stage:
    hold every village at ``t* - 1e-9`` or more and maximise township efficiency, so that money
    which cannot raise the worst-off village any further goes where it does the most good instead
    of being left idle. Coverage never falls when funding rises, so spending the whole budget
    costs the first stage nothing: ``sum(x) == budget`` in both.

    ``method="exact"`` (default) solves the optimality conditions in closed form plus bisection
    (:class:`_WaterFill`); ``method="lp"`` solves linear programs (HiGHS, sparse) over ``tangents``
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

    Returns
    -------
    (V, D) change of monthly funding x, yuan a month, ``x >= lower``, ``sum(x) == budget``.
    """
    cells = _cells(pop, c0, k, budget, lower)
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
             method: str = "exact") -> list[FrontierPoint]:
    """Allocations trading township efficiency for the worst-off village's coverage.

    The ends are :func:`max_coverage` (highest efficiency) and :func:`maximin` (highest minimum);
    between them, ``points - 2`` allocations maximise efficiency subject to "every village's
    coverage >= tau", tau evenly spaced between the two ends' minimum coverage (solved as
    :func:`maximin`'s second stage, by ``method``). Every point is scored with the exact formula;
    a point that another beats on one measure without losing on the other is dropped.

    Parameters
    ----------
    pop, c0, k, budget, lower, tangents, method : as :func:`maximin`.
    points : allocations computed, ends included, >= 2.

    Returns
    -------
    list of FrontierPoint by increasing ``min_coverage``, hence non-increasing ``efficiency``: the
    first is the most efficient, the last the fairest. One point when the two ends coincide.
    """
    if isinstance(points, bool) or not isinstance(points, (int, np.integer)) or points < 2:
        raise ValueError(f"points must be an integer >= 2, got {points!r}")
    cells = _cells(pop, c0, k, budget, lower)
    solver = _solver(cells, method, tangents)
    x_eff = max_coverage(pop, c0, k, budget, lower)
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
