"""Benchmark: the planner's calibration, its recompute after a control change, and the recommendation.

Calibration (once per data version: the history queries, the coverage fit and the queue fit) is
timed on the committed sample (19 villages) and on the county township of ``bench.bench_cases``
(300 villages and the seat, 2 million cases, generated once into the git-ignored ``bench_data/``).
``--legacy`` also times the queue fit as it was before issue 19 (``bench.legacy_queue_fit``: minutes
at county scale) and checks that both give the same figures. Target: calibration under 10 s at
county scale.

The recompute and the recommendation run on the sample and on a synthetic township of 300 villages
× 6 domains (plausible populations, coverage, funding, staff and case loads, the sample's
calibrated parameters). Each step is timed with ``time.perf_counter``, best of 5 for the recompute
(project + checks + village table + equality), best of 2 for the recommendation frontier.
Targets: recompute under 50 ms (sample) and 300 ms (300 villages); frontier under 2 s. Run from the
repository root::

    .venv/bin/python -m bench.bench_planner [--legacy]
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from dataclasses import replace
from pathlib import Path

import numpy as np

from bench import legacy_queue_fit
from bench.bench_cases import ensure_database
from cockpit import settings
from cockpit.planner.baseline import Baseline, baseline_from_store, calibrate_model
from cockpit.planner.calibrate import fit_coverage, fit_queue
from cockpit.planner.moves import check, shift_to_remotest
from cockpit.planner.project import project, zero_moves
from cockpit.planner.recommend import recommend
from cockpit.planner.report import equity_frame, village_frame
from cockpit.store import Store, build_database

TARGETS = {"sample": 0.050, "300 villages": 0.300}
FRONTIER_TARGET_S = 2.0
CALIBRATION_TARGET_S = 10.0  # at county scale


def _best(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def _timed(fn):
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


def calibration(db: Path, legacy: bool = False) -> tuple[dict[str, float], object]:
    """Seconds of each calibration step on ``db`` (with ``legacy``, also the old queue fit and the
    largest difference of its figures from the new one's), and the calibrated model."""
    store = Store(db)
    t_queries, (coverage, queue, domains) = _timed(lambda: (
        store.coverage_funding_history(), store.queue_history(), tuple(store.domains()["domain_id"])))
    store.close()
    times = {"history queries": t_queries}
    times["coverage fit"], _ = _timed(lambda: fit_coverage(coverage))
    times["queue fit"], fit = _timed(lambda: fit_queue(queue))
    times["total"] = sum(times.values())
    if legacy:
        times["queue fit, old path"], old = _timed(lambda: legacy_queue_fit.fit_queue(queue))
        times["old - new, largest |difference|"] = max(
            float(np.max(np.abs(np.asarray(getattr(fit, k)) - np.asarray(getattr(old, k)))))
            for k in ("mu", "share", "r2", "backtest_mae", "mu_draws", "share_draws"))
    return times, calibrate_model(coverage, queue, domains)


def sample_database() -> Path:
    path = Path(tempfile.mkdtemp()) / "cockpit.duckdb"
    build_database(settings.path("sample_dir"), path)
    return path


def print_calibration(columns: dict[str, dict[str, float]]) -> bool:
    """Print the calibration table; True when the county total meets the target."""
    print(f"{'calibration, s':<34}" + "".join(f"{name:>14}" for name in columns))
    for step in next(iter(columns.values())):
        cells = "".join(f"{times[step]:>14.3g}" if "difference" in step else f"{times[step]:>14.2f}"
                        for times in columns.values())
        print(f"  {step:<32}{cells}")
    county = columns["county"]["total"]
    fine = county <= CALIBRATION_TARGET_S
    print(f"  county total {county:.2f} s (target {CALIBRATION_TARGET_S:.0f} s) {'ok' if fine else 'SLOW'}; "
          f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f}")
    return fine


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


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--legacy", action="store_true", help="also time the queue fit before issue 19")
    args = parser.parse_args(argv)
    sample_db = sample_database()
    sample_times, model = calibration(sample_db, args.legacy)
    county_times, _ = calibration(ensure_database(), args.legacy)
    ok = print_calibration({"sample": sample_times, "county": county_times})
    store = Store(sample_db)
    sample = baseline_from_store(store, store.periods()[-1])
    store.close()
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
