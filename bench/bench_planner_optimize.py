"""Benchmark: the planner's optimisers on a sample-sized and a large township.

19 villages × 6 domains (the sample's size) and 300 × 6, generated with a fixed seed: population
500–5,000, coverage 0.3–0.9, k 0.1–0.35, funding 40 yuan per resident per domain a month, a budget of
10 % of it. Each step is timed with ``time.perf_counter``, best of 3. Targets: maximin under 1 s,
the 7-point frontier under 2 s, greedy_units on 1,800 cells × 1,000 units under 100 ms. ``--lp``
also times the tangent-LP method at 300 × 6 (once; it takes tens of seconds). Run from the
repository root::

    .venv/bin/python -m bench.bench_planner_optimize [--lp]
"""

from __future__ import annotations

import sys
import time

import numpy as np

from cockpit.planner.optimize import (
    efficiency, frontier, greedy_units, max_coverage, maximin, projected_coverage, village_coverage,
)

DOMAINS = 6
SIZES = (19, 300)
TARGETS_S = {"maximin": 1.0, "frontier": 2.0, "greedy_units": 0.1}


def make_township(villages: int, seed: int = 42):
    """Population (V,), coverage and k (V, D), and the budget (yuan a month)."""
    rng = np.random.default_rng(seed)
    pop = rng.uniform(500, 5000, villages)
    c0 = rng.uniform(0.3, 0.9, (villages, DOMAINS))
    k = rng.uniform(0.1, 0.35, (villages, DOMAINS))
    funding = 40.0 * pop[:, None] * np.ones(DOMAINS)
    return pop, c0, k, 0.1 * funding.sum()


def greedy_table(cells: int = 1800, units: int = 1000, seed: int = 42) -> np.ndarray:
    """Concave values: cumulative sums of decreasing random gains."""
    rng = np.random.default_rng(seed)
    gains = -np.sort(-rng.uniform(0, 1, (cells, units)), axis=1)
    return np.hstack([np.zeros((cells, 1)), np.cumsum(gains, axis=1)])


def best_of(fn, repeat: int = 3) -> tuple[float, object]:
    best, result = float("inf"), None
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - t0)
    return best, result


def describe(pop, c0, k, x) -> str:
    cov = projected_coverage(c0, k, pop, x)
    return f"worst {village_coverage(cov).min():.4f}, township {efficiency(pop, cov):.4f}"


def main() -> None:
    rows, notes = [], []
    for v in SIZES:
        pop, c0, k, budget = make_township(v)
        size = f"{v} × {DOMAINS}"
        t, x = best_of(lambda: max_coverage(pop, c0, k, budget))
        rows.append((f"max_coverage, {size}", t, None))
        notes.append(f"{size} baseline {describe(pop, c0, k, np.zeros_like(c0))}; "
                     f"max_coverage {describe(pop, c0, k, x)}")
        t, x = best_of(lambda: maximin(pop, c0, k, budget))
        rows.append((f"maximin, {size}", t, TARGETS_S["maximin"]))
        notes.append(f"{size} maximin {describe(pop, c0, k, x)}")
        t, points = best_of(lambda: frontier(pop, c0, k, budget, points=7))
        rows.append((f"frontier (7 points), {size}: {len(points)} kept", t, TARGETS_S["frontier"]))
    pop, c0, k, budget = make_township(SIZES[0])
    t, _ = best_of(lambda: maximin(pop, c0, k, budget, method="lp"))
    rows.append((f"maximin method='lp', {SIZES[0]} × {DOMAINS}", t, None))
    t, _ = best_of(lambda: frontier(pop, c0, k, budget, points=7, method="lp"))
    rows.append((f"frontier method='lp', {SIZES[0]} × {DOMAINS}", t, None))
    if "--lp" in sys.argv[1:]:
        pop, c0, k, budget = make_township(SIZES[1])
        t, _ = best_of(lambda: maximin(pop, c0, k, budget, method="lp"), repeat=1)
        rows.append((f"maximin method='lp', {SIZES[1]} × {DOMAINS} (once)", t, None))
    table = greedy_table()
    t, _ = best_of(lambda: greedy_units(table, 1000))
    rows.append(("greedy_units, 1,800 cells × 1,000 units", t, TARGETS_S["greedy_units"]))

    width = max(len(name) for name, _, _ in rows)
    print(f"{'step (best of 3)':<{width}}  {'ms':>9}  target")
    for name, t, target in rows:
        verdict = "" if target is None else f"< {target * 1000:.0f} ms: {'met' if t < target else 'MISSED'}"
        print(f"{name:<{width}}  {t * 1000:9.1f}  {verdict}")
    print()
    for note in notes:
        print(note)


if __name__ == "__main__":
    main()
