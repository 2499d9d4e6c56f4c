"""Calibration recovers the sample generator's true parameters and a hand-made slope exactly."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from bench import legacy_queue_fit as legacy
from cockpit.planner import calibrate
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


# The sample's figures as the scalar path (Erlang C recursion, one minimize_scalar per share) gave
# them before issue 19.
QUEUE_BEFORE = {"mu": 0.48494501604393797, "share": 0.45, "r2": 0.7508086225851496,
                "backtest_mae": 1.0308309280571504, "closed_per_staff_month": 3.194349321348446}
COVERAGE_BEFORE = {
    "k": [0.214431657625, 0.349018161434, 0.147950757313, 0.120152909064, 0.250320511653, 0.177586660648],
    "r2": [0.990127708536, 0.989151777089, 0.985126182113, 0.986820431655, 0.993939664831, 0.988974024508],
    "backtest_mae": [0.00913044068567, 0.00783723138407, 0.0071615471501, 0.00944397533069, 0.00776163183874,
                     0.00862968987036]}


def test_queue_fit_keeps_the_figures_of_the_scalar_path(store):
    fit = fit_queue(store.queue_history(), draws=4)
    for name, value in QUEUE_BEFORE.items():
        assert getattr(fit, name) == pytest.approx(value, abs=1e-9), name
    assert fit.capacity == pytest.approx(fit.mu * fit.share)
    np.testing.assert_allclose(fit.capacity_draws, fit.mu_draws * fit.share_draws)


def test_coverage_fit_keeps_its_figures(store):
    fit = fit_coverage(store.coverage_funding_history())
    for name, values in COVERAGE_BEFORE.items():
        np.testing.assert_allclose(getattr(fit, name), values, rtol=1e-9, atol=0, err_msg=name)


def _edge_history(seed: int = 11) -> pd.DataFrame:
    """Ten villages over eight months: two with under one handler at low shares, two with the same
    arrival rate (their rows share cells), some months overloaded at most shares."""
    rng = np.random.default_rng(seed)
    rows = []
    for v in range(10):
        staff = {0: 0.8, 1: 1.4}.get(v, rng.uniform(3, 40))
        rate = 2.0 if v in (2, 3) else rng.uniform(0.2, 0.6) * staff * (1.6 if v == 4 else 0.5)
        for m in range(8):
            days = 30 + m % 2
            rows.append({"period": f"2025-{m + 1:02d}", "village_id": f"v{v}", "days": days,
                         "received": round(rate * days), "staff_fte": round(staff + rng.uniform(-0.4, 0.4), 2),
                         "closed": int(rng.integers(5, 60)), "mean_close_days": rng.uniform(1.5, 30)})
    return pd.DataFrame(rows)


def test_queue_fit_equals_the_scalar_path_at_the_edges():
    history = _edge_history()
    new, old = fit_queue(history, draws=0), legacy.fit_queue(history, draws=0)
    for name in ("mu", "share", "r2", "backtest_mae", "closed_per_staff_month"):
        np.testing.assert_allclose(getattr(new, name), getattr(old, name), rtol=1e-9, atol=1e-12, err_msg=name)
    # a bootstrap draw (villages weighted by how often they were drawn) over every share, both paths
    q = history.sort_values(["period", "village_id"]).reset_index(drop=True)
    lam, staff, obs, weight = calibrate._queue_arrays(q)
    village_of, villages = pd.factorize(q["village_id"])
    rng = np.random.default_rng(5)
    for _ in range(3):
        times = np.bincount(rng.choice(len(villages), len(villages)), minlength=len(villages))[village_of]
        rows = np.repeat(np.arange(len(q)), times)
        np.testing.assert_allclose(calibrate._solve(lam, staff, obs, weight * times),
                                   legacy._solve(lam[rows], staff[rows], obs[rows], weight[rows]), rtol=1e-9)
