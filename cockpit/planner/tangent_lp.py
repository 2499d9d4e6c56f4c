"""Linear programming (HiGHS, sparse): the tangent-LP solver and the textbook linear maximin.

- :class:`TangentLP` is the ``method="lp"`` solver of :func:`~cockpit.planner.optimize.maximin`
  and :func:`~cockpit.planner.optimize.frontier`: linear programs over an outer approximation of
  each curve by tangent lines, tightened by adding a tangent at the solution until the exact
  coverage agrees with the linear one within :data:`LP_TOLERANCE` (every tangent of a concave curve
  lies above it, so the LP only ever over-promises, and the check measures by how much). Seconds
  at 300 villages x 6 domains; kept as the independent check of the exact solver
  (:mod:`cockpit.planner.waterfill`; the tests compare them).
- :func:`maximin_linear` is the textbook linear case (coverage ``c0 + e * x``), pinned by a hand
  computation.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import sparse
from scipy.optimize import linprog

from cockpit.planner.cells import Cells, broadcast

__all__ = ["LinearMaximin", "maximin_linear", "TangentLP", "LP_TOLERANCE"]

LP_TOLERANCE = 1e-5       # coverage (share): how far the tangent LP may over-promise at its solution
_MAX_ROUNDS = 12          # rounds of added tangents per linear program


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
    up = np.full(n, np.inf) if upper is None else broadcast("upper", upper, (1, n))[0]
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


# --- fairest coverage: the saturating model, by tangent lines ---------------------------------

class TangentLP:
    """Outer approximation of every cell's curve by tangent lines, as a linear program (HiGHS).

    Variables ``[u (n), y (n), t]``: ``u`` the cell's funding above ``lower`` in e-folds
    (``x = lower + u * pop / k``; this scaling keeps every coefficient of order 1), ``y`` its
    coverage as the LP sees it, ``t`` the worst-off village level. Rows: one per tangent
    ``y_i <= h_i - g + g * (u_i - u_j)`` with ``g = r_i e^-u_j``; one per village
    ``t <= mean_d y_vd``; the budget ``sum x == budget`` as an equality. Bounds ``0 <= u_i <= u_max_i``,
    ``y_i <= h_i``. ``y`` is the scaled coverage of :class:`~cockpit.planner.cells.Cells` (``h_i``
    is ``D`` times the domain's weight), so a village's mean of it is its index. Tangents added by :meth:`solve` stay for later solves (each is valid everywhere).
    """

    def __init__(self, cells: Cells, tangents: int):
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
        keep = cells.r > 0                                            # r = 0: y <= h says it all
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
        b_ub = np.concatenate([cells.h[cell] - g * (1.0 + uj), np.zeros(self.village.shape[0])])
        c = np.zeros(2 * n + 1)
        if objective == "worst":
            c[-1] = -1.0
        else:
            c[n:2 * n] = -cells.w
        bounds = np.empty((2 * n + 1, 2))
        bounds[:n] = np.column_stack([np.zeros(n), cells.u_max])
        bounds[n:2 * n, 0], bounds[n:2 * n, 1] = -np.inf, cells.h
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

