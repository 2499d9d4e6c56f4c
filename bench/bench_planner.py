"""Benchmark: the what-if planner's recompute after a control change, and the recommendation.

Two townships: the committed sample (19 villages, model calibrated on its history) and a synthetic
one of 300 villages × 6 domains (plausible populations, coverage, funding, staff and case loads,
the sample's calibrated parameters). Each step is timed with ``time.perf_counter``, best of 5 for
the recompute (project + checks + village table + equality), best of 2 for the recommendation
frontier. Targets: recompute under 50 ms (sample) and 300 ms (300 villages); frontier under 2 s.
Run from the repository root::

    .venv/bin/python -m bench.bench_planner
"""

from __future__ import annotations

import tempfile
import time
from dataclasses import replace
from pathlib import Path

import numpy as np

from cockpit import settings
from cockpit.planner.baseline import Baseline, baseline_from_store, model_from_store
from cockpit.planner.moves import check, shift_to_remotest
from cockpit.planner.project import project, zero_moves
from cockpit.planner.recommend import recommend
from cockpit.planner.report import equity_frame, village_frame
from cockpit.store import Store, build_database

TARGETS = {"sample": 0.050, "300 villages": 0.300}
FRONTIER_TARGET_S = 2.0


def _best(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def sample_township():
    path = Path(tempfile.mkdtemp()) / "cockpit.duckdb"
    build_database(settings.path("sample_dir"), path)
    store = Store(path)
    start = time.perf_counter()
    model = model_from_store(store)
    calibration = time.perf_counter() - start
    baseline = baseline_from_store(store, store.periods()[-1])
    store.close()
    return baseline, model, calibration


def large_township(like: Baseline, n: int = 300, seed: int = 7) -> Baseline:
    rng = np.random.default_rng(seed)
    d = len(like.domains)
    population = rng.integers(500, 5000, n).astype(float)
    kind = np.array(["seat"] + ["village"] * (n - 1))
    distance = np.r_[0.0, rng.uniform(1, 30, n - 1)]
    coverage = np.clip(0.9 - 0.3 * distance[:, None] / 30 + rng.normal(0, 0.05, (n, d)), 0.05, 0.99)
    funding = population[:, None] * rng.uniform(3, 10, (n, d))
    staff = np.round(population / 400 + rng.uniform(0.5, 2, n), 2)
    lam = population * 4000 / 365.25 / 40_000 * rng.uniform(0.7, 1.3, n)
    return replace(like, village_ids=tuple(f"v{i:03d}" for i in range(n)), population=population,
                   area_group=np.where(distance < 5, "urban", "rural"), kind=kind, distance_km=distance,
                   coverage=coverage, funding=funding, staff=staff, lam=lam,
                   due_share=np.tile(like.due_share.mean(axis=0), (n, 1)))


def recompute(baseline: Baseline, model, moves) -> None:
    check(baseline, moves, "neutral")
    before, after = project(baseline, model, zero_moves(baseline)), project(baseline, model, moves)
    village_frame(baseline, before, after, moves)
    equity_frame(before, after)


def main() -> None:
    sample, model, calibration = sample_township()
    print(f"calibration on the sample history: {calibration * 1000:8.1f} ms (once per data version, cached)")
    ok = True
    for name, baseline in (("sample", sample), ("300 villages", large_township(sample))):
        moves = shift_to_remotest(baseline, zero_moves(baseline), 20, 5, 10)
        took = _best(lambda: recompute(baseline, model, moves), 5)
        fine = took <= TARGETS[name]
        ok &= fine
        print(f"{name:>13}: recompute {took * 1000:8.1f} ms  (target {TARGETS[name] * 1000:.0f} ms) "
              f"{'ok' if fine else 'SLOW'}")
        for mode, added in (("neutral", 0.0), ("added", float(baseline.funding.sum() * 12 / 1e4 * 0.05))):
            took = _best(lambda: recommend(baseline, model, mode, added, 0.2), 2)
            fine = took <= FRONTIER_TARGET_S
            ok &= fine
            print(f"{name:>13}: frontier ({mode:>7}) {took:6.2f} s  (target {FRONTIER_TARGET_S:.0f} s) "
                  f"{'ok' if fine else 'SLOW'}")
    print("all targets met" if ok else "SOME TARGETS MISSED")


if __name__ == "__main__":
    main()
