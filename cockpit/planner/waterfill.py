"""The exact solver of :func:`~cockpit.planner.optimize.maximin` and
:func:`~cockpit.planner.optimize.frontier` (``method="exact"``, the default).

The optimality conditions: every funded cell of a village ends at the same coverage gained per yuan,
so a village's coverage is a closed form of one number per village; bisection finds the level the
budget can lift everyone to. Milliseconds at 300 villages x 6 domains. The tangent LP
(:mod:`cockpit.planner.tangent_lp`) solves the same problems independently; the tests compare them.
"""

from __future__ import annotations

import numpy as np

from cockpit.planner.cells import Cells

__all__ = ["WaterFill"]


# --- fairest coverage: the saturating model ---------------------------------------------------

class WaterFill:
    """The exact solver: the optimality conditions of the concave problems, solved in closed form.

    A village's coverage is its index ``I_v = sum_d ω_d cov_vd``. In the scaled coverage of
    :class:`~cockpit.planner.cells.Cells`, ``y_i = h_i - r_i e^-u_i`` with ``h_i = D * ω_d``, so that
    ``I_v = mean_d y_vd``: maximising ``sum_i w_i y_i`` subject to ``sum x = budget`` and
    ``I_v >= tau`` (multipliers ``lambda`` and ``mu_v``), every funded cell of village v ends where
    the scaled coverage it gains per yuan is the same, ``a_i * (h_i - y_i) = 1 / M_v`` with
    ``M_v = (w_v + mu_v / D) / lambda``; in plain coverage ``D * ω_d * a_i * (1 - cov_i) = 1 / M_v``:
    every funded cell adds as much index per yuan. Hence, with ``rho_i = a_i * r_i`` the gain per
    yuan at ``lower`` and ``s_i = 1 / a_i`` the yuan per e-fold:

    - ``u_i = max(0, ln(rho_i * M_v))``: a cell is funded once ``M_v`` passes ``theta_i = 1 / rho_i``,
      and a funded cell's scaled coverage is ``h_i - s_i / M_v``;
    - with the village's cells sorted by ``theta`` and the first j funded,
      ``D * I_v(M) = sum_{i<=j} h_i - sum_{i<=j} s_i / M + sum_{i>j} q_i`` (``q_i = h_i - r_i``, the
      scaled coverage at ``lower``): ``start`` is ``sum q / D``, ``levels`` is ``I_v`` at each
      ``theta_j``, and the smallest ``M_v`` reaching tau (:meth:`need`) is one division,
      ``sum_{i<=j} s_i / (sum_{i<=j} h_i + sum_{i>j} q_i - D * tau)``.

    With equal weights ``h = 1`` and these are the unweighted forms. A domain of weight 0 has
    ``h = r = rho = 0``: it adds nothing at any price and is never funded. ``M_v = max(w_v * beta,
    need_v)`` with ``beta = 1 / lambda`` found by bisection so that the budget is spent exactly. The
    highest reachable tau (:meth:`worst`) is a bisection on the cost of bringing every village to tau.
    """

    def __init__(self, cells: Cells):
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
        h = np.take_along_axis(cells.h.reshape(v, d), order, axis=1)
        q = h - np.take_along_axis(r, order, axis=1)         # scaled coverage at lower
        # a cell that gains nothing (rho = 0: full already, or a domain of weight 0) is never funded:
        # it keeps its coverage at lower, with no yuan-per-e-fold term
        s_funded = np.where(self.rho > 0, self.s, 0.0)
        self.a_sum = np.cumsum(np.take_along_axis(s_funded, order, axis=1), axis=1)
        self.b_sum = q.sum(axis=1, keepdims=True) - np.cumsum(q, axis=1)
        self.h_sum = np.cumsum(h, axis=1)                    # the funded cells' h
        # village coverage at M = theta_(j), when its j-th cell starts being funded
        self.levels = (self.b_sum + self.h_sum - self.a_sum / theta) / d
        self.start = q.sum(axis=1) / d                       # village coverage at lower

    def need(self, tau: float) -> np.ndarray:
        """(V,) the smallest M_v that brings each village to tau (0: there already; inf: never)."""
        if tau >= 1.0:
            return np.where(self.start >= tau, 0.0, np.inf)
        j = np.maximum((self.levels < tau).sum(axis=1), 1) - 1
        rows = np.arange(j.size)
        den = self.b_sum[rows, j] + self.h_sum[rows, j] - self.d * tau
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
        if not np.any(self.rho > 0):       # nothing can rise: share out evenly over the counted cells
            counted = self.cells.counted
            return np.where(counted, spare / counted.sum() * self.cells.a, 0.0)
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

