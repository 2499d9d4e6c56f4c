"""Bounded scalar minimisation of many one-dimensional problems at once.

Brent's method for a minimum on an interval (golden-section steps, parabolic steps when a
parabola through the last three points is trustworthy; Brent 1973, as in Forsythe, Malcolm and
Moler's ``fmin``), run on ``n`` problems in lockstep: each round asks for one new point of every
problem still searching, in a single call. A family of problems that share their arrays (the
queue loss at every share of staff) then costs one vectorised evaluation per round instead of
one Python call per point.

Each problem takes exactly the steps of ``scipy.optimize.minimize_scalar(method="bounded")``
(same tolerances, same tie rules), so the two agree to the last digit when the losses agree.
"""

from __future__ import annotations

from math import sqrt

import numpy as np

__all__ = ["minimize_bounded"]

_GOLDEN = 0.5 * (3.0 - sqrt(5.0))
_SQRT_EPS = sqrt(2.2e-16)


def minimize_bounded(loss, n: int, bounds: tuple[float, float], xatol: float = 1e-5,
                     maxfun: int = 500) -> tuple[np.ndarray, np.ndarray]:
    """Minimise ``n`` functions of one variable on ``bounds``; return the minimisers and minima.

    Parameters
    ----------
    loss : callable ``loss(x, which) -> values``; ``x`` holds one point for each problem listed
        in ``which`` (indices into ``range(n)``, ascending), and ``values`` the losses there.
    n : number of problems.
    bounds : ``(lower, upper)``, finite, the same for every problem.
    xatol : absolute tolerance of each minimiser.
    maxfun : evaluations per problem at most.

    Returns
    -------
    x, fun : arrays of ``n``.

    Examples
    --------
    >>> x, fun = minimize_bounded(lambda x, which: (x - np.array([0.5, 2.0])[which]) ** 2, 2, (0.0, 3.0))
    >>> np.round(x, 4).tolist()
    [0.5, 2.0]
    """
    lower, upper = float(bounds[0]), float(bounds[1])
    if not (np.isfinite(lower) and np.isfinite(upper) and lower <= upper):
        raise ValueError(f"bounds must be finite and ordered, got {bounds!r}")
    a, b = np.full(n, lower), np.full(n, upper)
    xf = a + _GOLDEN * (b - a)
    fx = np.asarray(loss(xf, np.arange(n)), dtype=float)
    # xf, fx: best point; nfc, fnfc: second best; fulc, ffulc: the one before
    nfc, fnfc, fulc, ffulc = xf.copy(), fx.copy(), xf.copy(), fx.copy()
    e, rat = np.zeros(n), np.zeros(n)
    for _ in range(maxfun - 1):
        xm = 0.5 * (a + b)
        tol1 = _SQRT_EPS * np.abs(xf) + xatol / 3.0
        tol2 = 2.0 * tol1
        s = np.flatnonzero(np.abs(xf - xm) > (tol2 - 0.5 * (b - a)))        # still searching
        if not len(s):
            break
        x, new_e, new_rat = _step(a[s], b[s], xf[s], fx[s], nfc[s], fnfc[s], fulc[s], ffulc[s],
                                  e[s], rat[s], xm[s], tol1[s], tol2[s])
        e[s], rat[s] = new_e, new_rat
        fu = np.asarray(loss(x, s), dtype=float)
        _update(s, x, fu, a, b, xf, fx, nfc, fnfc, fulc, ffulc)
    return xf, fx


def _step(a, b, xf, fx, nfc, fnfc, fulc, ffulc, e, rat, xm, tol1, tol2):
    """The next point of each problem: parabolic when acceptable, else golden section."""
    with np.errstate(divide="ignore", invalid="ignore"):
        r = (xf - nfc) * (fx - ffulc)
        q = (xf - fulc) * (fx - fnfc)
        p = (xf - fulc) * q - (xf - nfc) * r
        q = 2.0 * (q - r)
        p = np.where(q > 0.0, -p, p)
        q = np.abs(q)
        parabolic = ((np.abs(e) > tol1) & (np.abs(p) < np.abs(0.5 * q * e))
                     & (p > q * (a - xf)) & (p < q * (b - xf)))
        rat_p = (p + 0.0) / q
    x_p = xf + rat_p
    toward_middle = np.sign(xm - xf) + ((xm - xf) == 0)
    rat_p = np.where(((x_p - a) < tol2) | ((b - x_p) < tol2), tol1 * toward_middle, rat_p)
    golden_e = np.where(xf >= xm, a - xf, b - xf)
    new_e = np.where(parabolic, rat, golden_e)      # a parabolic step remembers the step before
    new_rat = np.where(parabolic, rat_p, _GOLDEN * golden_e)
    sign = np.sign(new_rat) + (new_rat == 0)
    return xf + sign * np.maximum(np.abs(new_rat), tol1), new_e, new_rat


def _update(s, x, fu, a, b, xf, fx, nfc, fnfc, fulc, ffulc) -> None:
    """Narrow the bracket of problems ``s`` and keep their three best points (in place)."""
    better = fu <= fx[s]
    right = x >= xf[s]
    a[s] = np.where(better, np.where(right, xf[s], a[s]), np.where(right, a[s], x))
    b[s] = np.where(better, np.where(right, b[s], xf[s]), np.where(right, x, b[s]))
    second = ~better & ((fu <= fnfc[s]) | (nfc[s] == xf[s]))
    third = ~better & ~second & ((fu <= ffulc[s]) | (fulc[s] == xf[s]) | (fulc[s] == nfc[s]))
    shift = better | second
    fulc[s] = np.where(shift, nfc[s], np.where(third, x, fulc[s]))
    ffulc[s] = np.where(shift, fnfc[s], np.where(third, fu, ffulc[s]))
    nfc[s] = np.where(better, xf[s], np.where(second, x, nfc[s]))
    fnfc[s] = np.where(better, fx[s], np.where(second, fu, fnfc[s]))
    xf[s] = np.where(better, x, xf[s])
    fx[s] = np.where(better, fu, fx[s])
