"""Many bounded minimisations at once take SciPy's steps exactly, on smooth, kinked, flat and
stepped functions."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.optimize import minimize_scalar

from cockpit.planner.bounded import minimize_bounded

BOUNDS = (-2.0, 2.5)


def _family(n: int, seed: int = 3):
    """``n`` functions of five kinds, each with its own centre and scale; ``f(x, which)``."""
    rng = np.random.default_rng(seed)
    centre, scale, kind = rng.uniform(-3, 3, n), rng.uniform(0.1, 5, n), np.arange(n) % 5

    def f(x, which):
        x, c, k = np.asarray(x, float), centre[which], scale[which]
        return np.select(
            [kind[which] == 0, kind[which] == 1, kind[which] == 2, kind[which] == 3],
            [(x - c) ** 2, np.abs(x - c) * k, np.minimum((x - c) ** 2, 1.0), np.round(x * k)],
            np.cos(k * x) + 0.1 * x)

    return f


@pytest.mark.parametrize("xatol", [1e-5, 1e-4, 0.05])
def test_every_problem_takes_scipys_steps(xatol):
    n = 200
    f = _family(n)
    x, fun = minimize_bounded(f, n, BOUNDS, xatol=xatol)
    for j in range(n):
        one = np.array([j])
        res = minimize_scalar(lambda t: float(f(np.array([t]), one)[0]), bounds=BOUNDS, method="bounded",
                              options={"xatol": xatol})
        assert (x[j], fun[j]) == (res.x, res.fun), j


def test_only_searching_problems_are_evaluated():
    calls = []

    def f(x, which):
        calls.append(which.copy())
        return (x - np.array([0.0, 2.4])[which]) ** 2 + np.array([0.0, 1.0])[which]

    x, fun = minimize_bounded(f, 2, BOUNDS, xatol=1e-6)
    assert x == pytest.approx([0.0, 2.4], abs=1e-5)
    assert fun == pytest.approx([0.0, 1.0], abs=1e-9)
    assert calls[0].tolist() == [0, 1]
    assert all(np.all(np.diff(w) > 0) for w in calls)           # ascending, no repeats
    assert len(calls[-1]) == 1                                  # one finished before the other


def test_maxfun_caps_the_evaluations():
    seen = []
    minimize_bounded(lambda x, w: seen.append(len(w)) or np.cos(5 * x), 3, BOUNDS, xatol=1e-12, maxfun=4)
    assert len(seen) == 4


@pytest.mark.parametrize("bounds", [(1.0, 0.0), (0.0, np.inf), (np.nan, 1.0)])
def test_bad_bounds_raise(bounds):
    with pytest.raises(ValueError, match="bounds"):
        minimize_bounded(lambda x, w: x, 1, bounds)
