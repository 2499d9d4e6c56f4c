"""Projection of moves: zero moves reproduce the baseline, hand computations, conservation,
refusals and the quick move."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from cockpit.planner.moves import FUNDING_TOLERANCE_WAN, STAFF_TOLERANCE_FTE, check, remotest, shift_to_remotest
from cockpit.planner.recommend import recommend
from cockpit.planner.project import Moves, project, zero_moves
from cockpit.planner.queueing import handlers, within_time


@pytest.fixture(scope="module")
def planner(sample_planner):
    return sample_planner


def test_zero_moves_reproduce_the_baseline_exactly(planner):
    baseline, model = planner
    p = project(baseline, model, zero_moves(baseline))
    assert np.array_equal(p.coverage, baseline.coverage)
    assert p.township_coverage_band[0] == pytest.approx(p.township_coverage_band[1])
    weights = baseline.population / baseline.population.sum()
    # a village's coverage is its composite service index, with the township's index weights
    assert p.township_coverage == pytest.approx((weights @ baseline.coverage) @ baseline.weights)
    np.testing.assert_allclose(p.village_coverage, baseline.coverage @ baseline.weights, rtol=0, atol=1e-12)


def test_the_baseline_carries_the_townships_index_weights(sample_db, planner):
    from cockpit.services.index import index_definition
    from cockpit.store import Store

    baseline, _ = planner
    store = Store(sample_db)
    try:
        expected = dict(index_definition(store).weights)
    finally:
        store.close()
    np.testing.assert_allclose(baseline.weights, [expected[d] for d in baseline.domains], rtol=0, atol=1e-15)
    assert baseline.weights.max() - baseline.weights.min() > 0.01     # entropy weights, not equal ones


def test_the_planners_township_coverage_is_the_overviews_service_index(sample_db, planner):
    from cockpit.metrics import snapshot
    from cockpit.store import Store

    baseline, model = planner
    store = Store(sample_db)
    try:
        expected = snapshot.township_series(store).at[baseline.period, "service_index"]
    finally:
        store.close()
    assert project(baseline, model, zero_moves(baseline)).township_coverage == pytest.approx(expected, abs=1e-12)


def test_one_cell_by_hand(planner):
    baseline, model = planner
    moves = zero_moves(baseline)
    funding = moves.funding_wan.copy()
    funding[3, 2] = 12.0                       # 12 万元 a year = 10,000 yuan a month
    p = project(baseline, model, Moves(funding, moves.staff_fte))
    c0, pop, k = baseline.coverage[3, 2], baseline.population[3], model.k[2]
    assert p.coverage[3, 2] == pytest.approx(1 - (1 - c0) * np.exp(-k * 10_000 / pop), abs=1e-12)
    changed = np.argwhere(p.coverage != baseline.coverage)
    assert changed.tolist() == [[3, 2]]


def test_staff_moves_change_case_handling_as_the_queue_says(planner):
    baseline, model = planner
    v = int(np.argmax(baseline.lam))
    moves = zero_moves(baseline)
    staff = moves.staff_fte.copy()
    staff[v] = 4.0 / model.share               # four more handlers
    p = project(baseline, model, Moves(moves.funding_wan, staff))
    c = handlers(baseline.staff[v] + staff[v], model.share)
    expected = (within_time(c, baseline.lam[v], model.mu, baseline.due_days) * baseline.due_share[v]).sum()
    assert p.on_time[v] == pytest.approx(expected)
    base = project(baseline, model, zero_moves(baseline))
    assert p.on_time[v] > base.on_time[v]


def test_stripping_a_village_of_staff_shows_its_backlog_growing(planner):
    baseline, model = planner
    v = int(np.argmax(baseline.lam))
    moves = zero_moves(baseline)
    staff = moves.staff_fte.copy()
    staff[v] = -baseline.staff[v]
    p = project(baseline, model, Moves(moves.funding_wan, staff))
    assert p.handlers[v] == 0 and p.on_time[v] == 0
    assert p.backlog_per_month[v] == pytest.approx(baseline.lam[v] * 365.25 / 12)
    assert np.isinf(p.mean_days[v])


def _random_moves(data, baseline, balanced: bool) -> Moves:
    """Changes to some cells (funding, 万元 a year) and villages (staff, FTE), drawn anywhere from
    taking all a cell has (and a little more) to adding; with ``balanced``, each total is brought
    back to zero on a cell and a village that can give it."""
    n_v, n_d = baseline.funding.shape
    moves = zero_moves(baseline)
    funding, staff = moves.funding_wan.copy(), moves.staff_fte.copy()
    for _ in range(data.draw(st.integers(1, 6))):
        v, d = data.draw(st.integers(0, n_v - 1)), data.draw(st.integers(0, n_d - 1))
        have = float(baseline.funding_wan_year[v, d])
        funding[v, d] += data.draw(st.floats(-1.05 * have, 50.0, allow_nan=False))
        u = data.draw(st.integers(0, n_v - 1))
        staff[u] += data.draw(st.floats(-1.05 * float(baseline.staff[u]), 3.0, allow_nan=False))
    if balanced:
        richest = np.unravel_index(np.argmax(baseline.funding_wan_year + funding), funding.shape)
        funding[richest] -= funding.sum()
        staff[int(np.argmax(baseline.staff + staff))] -= staff.sum()
    return Moves(funding, staff)


@settings(max_examples=60, deadline=None)
@given(data=st.data(), balanced=st.booleans())
def test_budget_neutral_check_accepts_exactly_what_conserves_money_and_staff(planner, data, balanced):
    baseline, _ = planner
    moves = _random_moves(data, baseline, balanced)
    funding_after = baseline.funding_wan_year + moves.funding_wan
    staff_after = baseline.staff + moves.staff_fte
    conserves = (abs(funding_after.sum() - baseline.funding_wan_year.sum()) <= FUNDING_TOLERANCE_WAN
                 and abs(staff_after.sum() - baseline.staff.sum()) <= STAFF_TOLERANCE_FTE)
    feasible = (funding_after >= -FUNDING_TOLERANCE_WAN).all() and (staff_after >= -STAFF_TOLERANCE_FTE).all()
    assert (check(baseline, moves, "neutral") == []) == (conserves and feasible)


@settings(max_examples=30, deadline=None)
@given(data=st.data())
def test_moves_change_only_the_villages_they_touch(planner, data):
    """Zero moves reproduce the baseline exactly, village by village: a village nobody moves
    money or staff to or from keeps every projected figure bit for bit."""
    baseline, model = planner
    before = project(baseline, model, zero_moves(baseline))
    moves = _random_moves(data, baseline, balanced=False)
    moves = Moves(np.maximum(moves.funding_wan, -baseline.funding_wan_year), np.maximum(moves.staff_fte, -baseline.staff))
    after = project(baseline, model, moves)
    untouched = (moves.funding_wan == 0).all(axis=1) & (moves.staff_fte == 0)
    for field in ("coverage", "village_coverage", "handlers", "on_time", "mean_days", "backlog_per_month"):
        a, b = getattr(after, field)[untouched], getattr(before, field)[untouched]
        assert np.array_equal(a, b), field
    assert np.array_equal(after.on_time_band[:, untouched], before.on_time_band[:, untouched])
    unfunded = (moves.funding_wan == 0)
    assert np.array_equal(after.coverage[unfunded], baseline.coverage[unfunded])


@settings(max_examples=10, deadline=None)
@given(share=st.floats(0.0, 1.0), points=st.integers(2, 5))
def test_recommendations_are_budget_neutral_and_allowed(planner, share, points):
    baseline, model = planner
    for rec in recommend(baseline, model, "neutral", movable_share=share, points=points):
        assert abs(rec.moves.funding_wan.sum()) <= FUNDING_TOLERANCE_WAN
        assert np.array_equal(rec.moves.staff_fte, np.zeros_like(rec.moves.staff_fte))
        assert check(baseline, rec.moves, "neutral") == []


@settings(max_examples=25, deadline=None)
@given(percent=st.floats(0, 100), staff_percent=st.floats(0, 100), n=st.integers(1, 8))
def test_shift_to_remotest_conserves_totals(planner, percent, staff_percent, n):
    baseline, _ = planner
    moves = shift_to_remotest(baseline, zero_moves(baseline), percent, n, staff_percent)
    assert abs(moves.funding_wan.sum()) < 1e-9 and abs(moves.staff_fte.sum()) < 1e-9
    assert check(baseline, moves, "neutral") == []
    receivers = set(np.flatnonzero(moves.funding_wan.sum(axis=1) > 0))
    assert receivers <= set(remotest(baseline, n))


def test_impossible_moves_are_refused_with_reasons(planner):
    baseline, _ = planner
    moves = zero_moves(baseline)
    funding, staff = moves.funding_wan.copy(), moves.staff_fte.copy()
    funding[0, 0] = -baseline.funding_wan_year[0, 0] - 1
    staff[1] = 1.0
    keys = [p.key for p in check(baseline, Moves(funding, staff), "neutral")]
    assert keys == ["negative_funding", "unbalanced_funding", "unbalanced_staff"]
    added = zero_moves(baseline)
    more = added.funding_wan.copy()
    more[2, 1] = 30.0
    assert [p.key for p in check(baseline, Moves(more, added.staff_fte), "added", added_wan=20)] == ["over_budget"]
    assert check(baseline, Moves(more, added.staff_fte), "added", added_wan=30) == []


def test_recommendations_are_feasible_moves_along_the_frontier(planner):
    from cockpit.planner.recommend import recommend
    baseline, model = planner
    for mode, added in (("neutral", 0.0), ("added", 100.0)):
        found = recommend(baseline, model, mode, added, 0.2)
        assert len(found) >= 2
        for r in found:
            assert check(baseline, r.moves, mode, added) == []
            assert round(float(r.moves.funding_wan.sum()), 2) == added
            p = project(baseline, model, r.moves)
            assert p.township_coverage == pytest.approx(r.township_coverage, abs=2e-4)   # rounding to 0.01 万元
        # along the frontier: the worst-off rises, the township falls
        assert found[-1].min_coverage > found[0].min_coverage
        assert found[0].township_coverage >= found[-1].township_coverage
        base = project(baseline, model, zero_moves(baseline))
        assert found[0].township_coverage > base.township_coverage


def test_scenario_round_trip_of_moves(planner):
    from cockpit.planner.scenario import moves_of, scenario_of
    baseline, _ = planner
    moves = shift_to_remotest(baseline, zero_moves(baseline), 15, 3, 10)
    record = scenario_of(baseline, moves, "test", "planner", None, "neutral", 0.0)
    back, unknown = moves_of(baseline, record)
    assert unknown == []
    assert np.array_equal(back.funding_wan, moves.funding_wan) and np.array_equal(back.staff_fte, moves.staff_fte)


def test_each_village_has_a_band_around_its_projection(planner):
    baseline, model = planner
    moves = shift_to_remotest(baseline, zero_moves(baseline), 30, 4, 20)
    p = project(baseline, model, moves)
    lo, hi = p.village_coverage_band
    assert lo.shape == hi.shape == p.village_coverage.shape
    assert (lo <= hi).all() and (lo <= p.village_coverage + 1e-9).all() and (p.village_coverage <= hi + 1e-9).all()
    receivers = remotest(baseline, 4)
    assert (hi[receivers] - lo[receivers] > 0).all()           # uncertain where money moved
    still = project(baseline, model, zero_moves(baseline)).village_coverage_band
    assert np.allclose(still[0], still[1]) and np.allclose(still[0], baseline.coverage @ baseline.weights)
