"""Optimising a funding change: greedy against brute force, most coverage against random allocations
and its optimality conditions, the pinned linear maximin, maximin against a fine grid and against
the tangent LP, the efficiency / equality frontier."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from cockpit.planner.optimize import (
    FrontierPoint, LinearMaximin, efficiency, frontier, greedy_units, max_coverage, maximin,
    maximin_linear, projected_coverage, village_coverage,
)


def township(v: int, d: int, seed: int):
    """A plausible township: pop 500-5000, coverage 0.3-0.9, k 0.1-0.35, funding 40 yuan per
    resident per domain a month, a budget of 10 % of it."""
    rng = np.random.default_rng(seed)
    pop = rng.uniform(500, 5000, v)
    c0 = rng.uniform(0.3, 0.9, (v, d))
    k = rng.uniform(0.1, 0.35, (v, d))
    funding = np.repeat(40.0 * pop[:, None], d, axis=1)
    return pop, c0, k, funding, 0.1 * funding.sum()


def score(pop, c0, k, x, weights=None) -> tuple[float, float]:
    cov = projected_coverage(c0, k, pop, x)
    return float(village_coverage(cov, weights).min()), efficiency(pop, cov, weights)


def random_weights(d: int, seed: int) -> np.ndarray:
    """Index weights: random, unequal, one of them 0, summing to 1."""
    rng = np.random.default_rng(seed)
    w = rng.dirichlet(np.ones(d))
    w[rng.integers(d)] = 0.0
    return w / w.sum()


# the cross-checks run unweighted (equal weights) and with unequal index weights, one of them 0
WEIGHTINGS = [pytest.param(None, id="equal"), pytest.param(random_weights(3, 41), id="weighted-a"),
              pytest.param(random_weights(3, 42), id="weighted-b")]


# --- the model --------------------------------------------------------------------------------

def test_projected_coverage_by_hand():
    c0 = np.array([[0.5, 0.5, 0.8]])
    k = np.array([0.2, 0.2, 0.1])
    x = np.array([[5000.0, 0.0, -100_000.0]])
    cov = projected_coverage(c0, k, np.array([1000.0]), x)
    # 1 - 0.5 e^-1; unchanged; 1 - 0.2 e^10 < 0 clipped to 0
    assert cov[0] == pytest.approx([1 - 0.5 * np.exp(-1.0), 0.5, 0.0], abs=1e-12)
    assert cov[0, 1] == 0.5


def test_efficiency_and_village_coverage_by_hand():
    cov = np.array([[0.4, 0.6], [0.8, 1.0]])
    assert village_coverage(cov) == pytest.approx([0.5, 0.9])
    assert efficiency(np.array([1000.0, 3000.0]), cov) == pytest.approx((500 + 2700) / 4000)


# --- greedy_units -----------------------------------------------------------------------------

def brute_force(values: np.ndarray, units: int, exact: bool) -> float:
    cells = values.shape[0]
    best = -np.inf
    for n in itertools.product(range(units + 1), repeat=cells):
        if sum(n) == units or (not exact and sum(n) <= units):
            best = max(best, values[np.arange(cells), n].sum())
    return best


def concave_values(rng, cells: int, units: int, signed: bool) -> np.ndarray:
    gains = rng.normal(0.2, 1.0, (cells, units)) if signed else rng.uniform(0, 1, (cells, units))
    gains = -np.sort(-gains, axis=1)                       # non-increasing marginal gains
    start = rng.uniform(-1, 1, (cells, 1))
    return np.hstack([start, start + np.cumsum(gains, axis=1)])


@pytest.mark.parametrize("signed", [False, True])
def test_greedy_units_matches_brute_force(signed):
    rng = np.random.default_rng(7 + signed)
    for _ in range(60):
        cells, units = int(rng.integers(3, 5)), int(rng.integers(5, 7))
        values = concave_values(rng, cells, units, signed)
        counts = greedy_units(values, units)
        got = values[np.arange(cells), counts].sum()
        assert got == pytest.approx(brute_force(values, units, exact=not signed), abs=1e-12)
        if not signed:
            assert counts.sum() == units
        gains = np.diff(values, axis=1)
        taken = np.arange(units)[None, :] < counts[:, None]
        assert np.all(gains[taken] >= 0)                   # never a unit with a negative gain


def test_greedy_units_zero_gains_go_round_robin_and_negative_gains_are_refused():
    assert greedy_units(np.zeros((3, 5)), 4).tolist() == [2, 1, 1]
    losing = -np.tile(np.arange(5.0), (3, 1))
    assert greedy_units(losing, 4).tolist() == [0, 0, 0]
    mixed = np.array([[0.0, 1.0, 1.5, 1.0], [0.0, 0.2, 0.1, -1.0]])
    assert greedy_units(mixed, 3).tolist() == [2, 1]        # gains 1, 0.5, 0.2 taken; -0.5, -0.1 not


def test_greedy_units_refuses_bad_input():
    with pytest.raises(ValueError, match="concave"):
        greedy_units(np.array([[0.0, 1.0, 3.0]]), 2)
    with pytest.raises(ValueError, match="units \\+ 1"):
        greedy_units(np.zeros((2, 4)), 2)
    with pytest.raises(ValueError, match="units"):
        greedy_units(np.zeros((2, 3)), -1)


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 6), st.integers(0, 12), st.integers(0, 2**31 - 1))
def test_greedy_units_spends_every_unit_and_no_exchange_helps(cells, units, seed):
    rng = np.random.default_rng(seed)
    values = concave_values(rng, cells, units, signed=False)
    counts = greedy_units(values, units)
    assert counts.sum() == units and counts.min() >= 0
    total = values[np.arange(cells), counts].sum()
    for i, j in itertools.permutations(range(cells), 2):    # move one unit from i to j
        if counts[i] > 0 and counts[j] < units:
            moved = counts.copy()
            moved[i] -= 1
            moved[j] += 1
            assert values[np.arange(cells), moved].sum() <= total + 1e-12


# --- max_coverage -----------------------------------------------------------------------------

def test_max_coverage_is_greedy_units_on_the_same_grid():
    pop, c0, k, _, _ = township(4, 3, seed=3)
    budget, step = 60_000.0, 2_500.0
    x = max_coverage(pop, c0, k, budget, step=step)
    units = int(budget / step)
    grid = np.arange(units + 1) * step
    cov = 1 - (1 - c0.ravel())[:, None] * np.exp(-(k / pop[:, None]).ravel()[:, None] * grid)
    values = np.repeat(pop, 3)[:, None] * cov
    counts = greedy_units(values, units)
    assert np.allclose(x % step, 0) and x.sum() == pytest.approx(budget)
    assert values[np.arange(12), (x.ravel() / step).round().astype(int)].sum() == pytest.approx(
        values[np.arange(12), counts].sum(), rel=1e-12)


def test_max_coverage_beats_random_allocations_and_keeps_the_budget():
    pop, c0, k, funding, budget = township(12, 4, seed=11)
    lower = -0.2 * funding
    x = max_coverage(pop, c0, k, budget, lower=lower)
    assert x.sum() == pytest.approx(budget, rel=1e-9)
    assert np.all(x >= lower)
    best = score(pop, c0, k, x)[1]
    rng = np.random.default_rng(0)
    spare = budget - lower.sum()
    for _ in range(200):
        other = lower + spare * rng.dirichlet(np.ones(c0.size)).reshape(c0.shape)
        assert score(pop, c0, k, other)[1] <= best


def test_max_coverage_meets_the_optimality_conditions():
    # at the optimum every funded cell gains the same efficiency per extra yuan, the others less;
    # on a grid, up to the change of that gain over one step (a factor exp(-k / pop * step))
    pop, c0, k, _, budget = township(30, 6, seed=5)
    x = max_coverage(pop, c0, k, budget)
    cov = projected_coverage(c0, k, pop, x)
    per_yuan = k * (1 - cov)                                # d(pop * cov) / dx
    funded = x > 0
    assert funded.sum() > c0.size // 4
    tol = 2 * (k / pop[:, None]).max() * budget / (1000 * c0.size)
    assert tol < 0.02
    level = np.median(per_yuan[funded])
    assert np.all(np.abs(per_yuan[funded] / level - 1) < tol)
    assert np.all(per_yuan[~funded] <= level * (1 + tol))


def test_max_coverage_budget_neutral_reallocation():
    pop, c0, k, funding, _ = township(10, 6, seed=2)
    lower = -0.25 * funding
    x = max_coverage(pop, c0, k, 0.0, lower=lower)
    assert abs(x.sum()) <= 1e-6 * np.abs(lower).sum()
    assert np.all(x >= lower)
    assert x.min() < 0 < x.max()                            # money did move
    assert score(pop, c0, k, x)[1] > score(pop, c0, k, np.zeros_like(x))[1]


def test_max_coverage_with_nothing_to_distribute_returns_the_lower_bounds():
    pop, c0, k, funding, _ = township(3, 2, seed=1)
    lower = -0.1 * funding
    assert np.array_equal(max_coverage(pop, c0, k, lower.sum(), lower=lower), lower)


def test_inputs_are_checked_by_name():
    pop, c0, k, _, budget = township(3, 2, seed=1)
    with pytest.raises(ValueError, match="^k must"):
        max_coverage(pop, c0, k[:, :1].T, budget)
    with pytest.raises(ValueError, match="^c0 must"):
        max_coverage(pop, c0 + 1, k, budget)
    with pytest.raises(ValueError, match="^pop must"):
        maximin(-pop, c0, k, budget)
    with pytest.raises(ValueError, match="^budget"):
        maximin(pop, c0, k, -1.0)
    with pytest.raises(ValueError, match="^method"):
        maximin(pop, c0, k, budget, method="simplex")
    with pytest.raises(ValueError, match="^step"):
        max_coverage(pop, c0, k, budget, step=0)


# --- maximin_linear ---------------------------------------------------------------------------

def test_maximin_linear_pinned():
    r = maximin_linear([0.5, 0.7, 0.9], [0.01, 0.02, 0.005], 30)
    # 0.5 + 0.01 x1 = 0.7 + 0.02 x2 = t, x1 + x2 = 30  =>  t = 115 / 150
    assert isinstance(r, LinearMaximin)
    assert r.t == pytest.approx(0.766667, abs=1e-4)
    assert r.x == pytest.approx([26.667, 3.333, 0.0], abs=1e-3)


def test_maximin_linear_leaves_money_that_cannot_raise_the_minimum():
    # cell 0 is capped at 20 (coverage 0.7); cell 1 is above 0.7 already: 20 of 100 is enough
    r = maximin_linear([0.5, 0.9], [0.01, 0.01], 100, upper=[20, np.inf])
    assert r.t == pytest.approx(0.7, abs=1e-8)
    assert r.x == pytest.approx([20.0, 0.0], abs=1e-6)


# --- maximin ----------------------------------------------------------------------------------

def test_maximin_two_villages_against_a_fine_grid():
    pop = np.array([1000.0, 3000.0])
    c0 = np.array([[0.4], [0.6]])
    k = np.array([[0.2], [0.15]])
    budget = 20_000.0
    x1 = np.linspace(0, budget, 400_001)
    grid = np.column_stack([x1, budget - x1])
    cov = 1 - (1 - c0[:, 0]) * np.exp(-k[:, 0] * grid / pop)
    best = cov.min(axis=1).max()
    for method in ("exact", "lp"):
        x = maximin(pop, c0, k, budget, method=method)
        assert x.sum() == pytest.approx(budget)
        assert score(pop, c0, k, x)[0] == pytest.approx(best, abs=1e-3)
    assert score(pop, c0, k, maximin(pop, c0, k, budget))[0] == pytest.approx(best, abs=1e-6)


@pytest.mark.parametrize("w", WEIGHTINGS)
def test_maximin_raises_the_worst_off_village_and_agrees_with_the_lp(w):
    pop, c0, k, funding, budget = township(8, 3, seed=4)
    x = maximin(pop, c0, k, budget, weights=w)
    worst = score(pop, c0, k, x, w)[0]
    assert x.sum() == pytest.approx(budget, rel=1e-9) and np.all(x >= 0)
    assert worst >= score(pop, c0, k, max_coverage(pop, c0, k, budget, weights=w), w)[0]
    assert worst > score(pop, c0, k, np.zeros_like(x), w)[0]
    x_lp = maximin(pop, c0, k, budget, method="lp", weights=w)
    assert x_lp.sum() == pytest.approx(budget, rel=1e-9)
    assert score(pop, c0, k, x_lp, w)[0] == pytest.approx(worst, abs=5e-5)
    assert np.abs(x_lp - x).max() <= 0.01 * budget


def test_maximin_budget_neutral_takes_from_the_best_off():
    pop, c0, k, funding, _ = township(10, 3, seed=9)
    lower = -0.3 * funding
    x = maximin(pop, c0, k, 0.0, lower=lower)
    assert abs(x.sum()) <= 1e-6 * np.abs(lower).sum()
    assert np.all(x >= lower - 1e-9)
    assert score(pop, c0, k, x)[0] > score(pop, c0, k, np.zeros_like(x))[0] + 0.01


def test_maximin_spends_the_budget_when_everything_is_full():
    pop, _, k, _, _ = township(4, 2, seed=1)
    x = maximin(pop, np.ones((4, 2)), k, 8000.0)
    assert x.sum() == pytest.approx(8000.0) and np.all(x >= 0)


# --- frontier ---------------------------------------------------------------------------------

def test_frontier_runs_from_most_coverage_to_maximin():
    pop, c0, k, _, budget = township(19, 6, seed=12)
    points = frontier(pop, c0, k, budget, points=7)
    assert len(points) == 7 and all(isinstance(p, FrontierPoint) for p in points)
    mins = np.array([p.min_coverage for p in points])
    effs = np.array([p.efficiency for p in points])
    assert np.all(np.diff(mins) > 0)
    assert np.all(np.diff(effs) <= 1e-12)                   # efficiency falls as equality rises
    for p in points:
        assert score(pop, c0, k, p.x) == pytest.approx((p.min_coverage, p.efficiency), abs=1e-12)
        assert p.x.sum() == pytest.approx(budget, rel=1e-9)
    first, last = points[0], points[-1]
    assert (first.min_coverage, first.efficiency) == pytest.approx(
        score(pop, c0, k, max_coverage(pop, c0, k, budget)), abs=1e-9)
    assert (last.min_coverage, last.efficiency) == pytest.approx(
        score(pop, c0, k, maximin(pop, c0, k, budget)), abs=1e-9)
    assert last.min_coverage - first.min_coverage > 0.01    # a real trade-off on this township


@pytest.mark.parametrize("w", WEIGHTINGS)
def test_frontier_lp_agrees_with_exact(w):
    pop, c0, k, funding, budget = township(6, 3, seed=8)
    lower = -0.1 * funding
    exact = frontier(pop, c0, k, budget, lower=lower, points=5, weights=w)
    lp = frontier(pop, c0, k, budget, lower=lower, points=5, method="lp", weights=w)
    assert len(exact) == len(lp) == 5
    for a, b in zip(exact, lp):
        assert (a.min_coverage, a.efficiency) == pytest.approx(score(pop, c0, k, a.x, w), abs=1e-12)
        assert (b.min_coverage, b.efficiency) == pytest.approx((a.min_coverage, a.efficiency), abs=5e-5)


def test_frontier_collapses_when_efficiency_and_equality_agree():
    # one village: its coverage is both the township's and the worst-off's
    pop, c0, k, _, budget = township(1, 4, seed=6)
    points = frontier(pop, c0, k, budget)
    assert len(points) == 1
    assert points[0].min_coverage == pytest.approx(points[0].efficiency)


# --- the composite index's weights ------------------------------------------------------------

WEIGHTS = np.array([0.5, 0.3, 0.0, 0.2])   # one domain of weight 0


def weighted_score(pop, c0, k, x, w) -> tuple[float, float]:
    cov = projected_coverage(c0, k, pop, x)
    index = cov @ (w / w.sum())
    return float(index.min()), float(pop @ index / pop.sum())


def test_equal_weights_give_exactly_the_unweighted_results():
    pop, c0, k, funding, budget = township(7, 4, seed=3)
    equal = np.full(4, 0.25)
    np.testing.assert_allclose(max_coverage(pop, c0, k, budget, weights=equal), max_coverage(pop, c0, k, budget),
                               rtol=0, atol=1e-9 * budget)
    np.testing.assert_allclose(maximin(pop, c0, k, budget, weights=equal), maximin(pop, c0, k, budget),
                               rtol=0, atol=1e-6 * budget)
    assert village_coverage(c0, equal) == pytest.approx(village_coverage(c0), abs=1e-15)


def test_a_domain_of_weight_zero_gets_no_money():
    pop, c0, k, funding, budget = township(6, 4, seed=5)
    for x in (max_coverage(pop, c0, k, budget, weights=WEIGHTS), maximin(pop, c0, k, budget, weights=WEIGHTS),
              *[p.x for p in frontier(pop, c0, k, budget, points=4, weights=WEIGHTS)]):
        assert np.all(x[:, 2] == 0) and x.sum() == pytest.approx(budget, rel=1e-9)


def test_weighted_greedy_by_hand():
    # one village, two domains weighing 3 : 1, equal curves: the optimum spends ln(3) / a more on the
    # first (its weighted gain per yuan 0.75 a e^-a x0 equals the second's 0.25 a e^-a x1)
    pop, c0, k, budget = np.array([1000.0]), np.array([[0.5, 0.5]]), np.array([[0.2, 0.2]]), 20_000.0
    x = max_coverage(pop, c0, k, budget, weights=[0.75, 0.25])
    a = 0.2 / 1000.0
    step = budget / (1000 * 2)                 # the default grid: within a step per cell of the optimum
    assert x[0, 0] - x[0, 1] == pytest.approx(np.log(3) / a, abs=2 * step)
    assert x.sum() == pytest.approx(budget)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_weighted_maximin_and_frontier_agree_with_the_lp(seed):
    pop, c0, k, funding, budget = township(6, 4, seed=seed)
    lower = -0.1 * funding
    x = maximin(pop, c0, k, budget, lower=lower, weights=WEIGHTS)
    x_lp = maximin(pop, c0, k, budget, lower=lower, method="lp", weights=WEIGHTS)
    assert weighted_score(pop, c0, k, x_lp, WEIGHTS)[0] == pytest.approx(weighted_score(pop, c0, k, x, WEIGHTS)[0],
                                                                          abs=5e-5)
    exact = frontier(pop, c0, k, budget, lower=lower, points=4, weights=WEIGHTS)
    lp = frontier(pop, c0, k, budget, lower=lower, points=4, method="lp", weights=WEIGHTS)
    assert len(exact) == len(lp)
    for p, q in zip(exact, lp):
        assert (p.min_coverage, p.efficiency) == pytest.approx(weighted_score(pop, c0, k, p.x, WEIGHTS), abs=1e-12)
        assert (q.min_coverage, q.efficiency) == pytest.approx((p.min_coverage, p.efficiency), abs=5e-5)
    # and the weights matter: the unweighted maximin is worse for the weighted worst-off village
    plain = maximin(pop, c0, k, budget, lower=lower)
    assert weighted_score(pop, c0, k, plain, WEIGHTS)[0] < weighted_score(pop, c0, k, x, WEIGHTS)[0] - 1e-4


def test_weighted_maximin_against_a_general_solver():
    """2 villages x 3 domains: the exact solver's worst-off index equals SciPy's SLSQP optimum."""
    from scipy.optimize import minimize

    pop = np.array([1200.0, 2500.0])
    c0 = np.array([[0.4, 0.7, 0.5], [0.6, 0.5, 0.8]])
    k = np.array([[0.2, 0.1, 0.3], [0.15, 0.25, 0.1]])
    w, budget = np.array([0.5, 0.2, 0.3]), 30_000.0
    t_exact = weighted_score(pop, c0, k, maximin(pop, c0, k, budget, weights=w), w)[0]

    def index(z):                              # z: thousands of yuan a month per cell, then t
        return (1 - (1 - c0) * np.exp(-k * 1000 * z[:6].reshape(2, 3) / pop[:, None])) @ w

    res = minimize(lambda z: -z[6], np.append(np.full(6, budget / 6000), 0.0), method="SLSQP",
                   bounds=[(0, budget / 1000)] * 6 + [(None, None)],
                   constraints=[{"type": "eq", "fun": lambda z: z[:6].sum() - budget / 1000},
                                {"type": "ineq", "fun": lambda z: index(z) - z[6]}],
                   options={"ftol": 1e-14, "maxiter": 1000})
    assert res.success
    x = res.x[:6].reshape(2, 3) * 1000
    assert weighted_score(pop, c0, k, x, w)[0] == pytest.approx(res.x[6], abs=1e-9)
    assert t_exact == pytest.approx(res.x[6], abs=1e-6)
