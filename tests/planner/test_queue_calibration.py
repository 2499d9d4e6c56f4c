"""The queue model's calibration against the truth, over many generated townships.

Each township is generated clean (no planted patterns) with the sample's true handler rate and
case-handling share (cockpit.sample.truth.TRUE), built into a database, and calibrated as the
planner does (``fit_queue`` on ``Store.queue_history``). The nominal 80% bootstrap interval of the
capacity per staff FTE (``mu * share``) must hold the true capacity in at least 70% of them, and
the capacity must not be biased: its mean over the townships within 3% of the truth.
"""

from __future__ import annotations

import numpy as np
import pytest

from cockpit.planner.calibrate import fit_queue
from cockpit.sample.generate import generate
from cockpit.sample.truth import TRUE
from cockpit.store import Store, build_database

pytestmark = pytest.mark.slow   # a bootstrap over many simulated townships: make test runs it

TOWNSHIPS = 20
TRUE_CAPACITY = TRUE.mu_per_staff_day * TRUE.case_staff_share


@pytest.fixture(scope="module")
def fits(tmp_path_factory):
    out = []
    for seed in range(1, TOWNSHIPS + 1):
        folder = tmp_path_factory.mktemp(f"township{seed}")
        generate(folder / "data", folder / "geo", villages=18, months=24, cases_per_year=6000, seed=seed,
                 end="2026-10", plant=False)
        build_database(folder / "data", folder / "db.duckdb")
        store = Store(folder / "db.duckdb")
        try:
            out.append(fit_queue(store.queue_history()))
        finally:
            store.close()
    return out


def test_the_capacity_interval_covers_the_truth(fits):
    inside = [lo <= TRUE_CAPACITY <= hi for lo, hi in (np.percentile(f.capacity_draws, [10, 90]) for f in fits)]
    assert sum(inside) >= 0.7 * TOWNSHIPS, f"{sum(inside)} of {TOWNSHIPS} intervals hold {TRUE_CAPACITY}"


def test_the_capacity_is_not_biased(fits):
    capacity = np.array([f.capacity for f in fits])
    assert capacity.mean() == pytest.approx(TRUE_CAPACITY, rel=0.03)
    # and the handler rate on its own, on average
    assert np.mean([f.mu for f in fits]) == pytest.approx(TRUE.mu_per_staff_day, rel=0.05)


def test_the_bootstrap_searches_every_share(fits):
    shares = np.concatenate([f.share_draws for f in fits])
    assert all(len(f.mu_draws) == 100 for f in fits)
    # no clamp around the estimate: draws reach shares more than 0.15 from it
    assert any(np.abs(f.share_draws - f.share).max() > 0.15 for f in fits)
    assert shares.min() >= 0.10 and shares.max() <= 1.0
