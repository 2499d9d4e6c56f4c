"""Calibration recovers the sample generator's true parameters and a hand-made slope exactly."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from cockpit.planner.calibrate import coverage_slopes, fit_coverage, fit_queue
from cockpit.sample.truth import TRUE
from cockpit.store import Store


@pytest.fixture(scope="module")
def store(sample_db):
    s = Store(sample_db)
    yield s
    s.close()


def test_coverage_slope_by_hand():
    # two villages, exact curve 1 - (1 - b) e^(-k x): the fixed-effects slope is k exactly
    k, rows = 0.2, []
    for village, base, pop in (("a", 0.5, 1000), ("b", 0.7, 2000)):
        for i, per_resident in enumerate((1.0, 2.0, 4.0)):
            rows.append({"period": f"2026-0{i + 1}", "village_id": village, "domain_id": "health",
                         "coverage": 1 - (1 - base) * np.exp(-k * per_resident),
                         "funding_yuan": per_resident * pop, "population": pop})
    slopes, alpha = coverage_slopes(pd.DataFrame(rows))
    assert slopes["health"] == pytest.approx(k, rel=1e-12)
    assert np.exp(alpha.loc["a", "health"]) == pytest.approx(0.5)


def test_coverage_fit_recovers_the_generator(store):
    fit = fit_coverage(store.coverage_funding_history())
    for domain, k in zip(fit.domains, fit.k):
        assert k == pytest.approx(TRUE.domains[domain].k, rel=0.05), domain
    assert (fit.r2 > 0.95).all()
    assert (fit.backtest_mae < 0.02).all()          # under 2 percentage points on held-out months
    low, high = np.percentile(fit.k_draws, [2.5, 97.5], axis=0)
    assert ((low < fit.k) & (fit.k < high)).all()


def test_queue_fit_recovers_the_generator(store):
    fit = fit_queue(store.queue_history(), draws=10)
    assert fit.mu == pytest.approx(TRUE.mu_per_staff_day, rel=0.10)
    assert fit.share == pytest.approx(TRUE.case_staff_share, abs=0.10)
    assert fit.r2 > 0.5
    # throughput per staff-month is far below capacity: staff are busy part of the time
    assert fit.closed_per_staff_month < fit.mu * fit.share * 30.4
    assert len(fit.mu_draws) == 10
