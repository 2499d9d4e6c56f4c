"""The M/M/c queue against published figures, hand computations and a simulation."""

from __future__ import annotations

import heapq
from fractions import Fraction
from math import factorial

import numpy as np
import pytest

from bench.legacy_queue_fit import erlang_c as erlang_c_recursion
from cockpit.planner.queueing import (backlog_growth, erlang_b, erlang_c, handlers, mean_time, occupancy, wait_within,
                              within_time)


def test_erlang_c_matches_pyworkforce():
    # pyworkforce's ErlangC example: 14 agents, offered load 10 Erlangs -> probability of waiting 0.174
    assert erlang_c(14, 10.0) == pytest.approx(0.1741, abs=1e-4)


def _erlang_c_exact(c: int, a: Fraction) -> Fraction:
    """Erlang C in exact rational arithmetic, from its textbook sum."""
    top = a ** c / factorial(c) * Fraction(c) / (c - a)
    return top / (sum(a ** k / factorial(k) for k in range(c)) + top)


@pytest.mark.parametrize("c, a", [(2, Fraction(1)), (3, Fraction(5, 2)), (7, Fraction(3)), (30, Fraction(57, 2))])
def test_erlang_c_by_hand(c, a):
    assert erlang_c(c, float(a)) == pytest.approx(float(_erlang_c_exact(c, a)), rel=1e-12)


def test_erlang_b_by_hand():
    assert erlang_b(2, 1.0) == pytest.approx(0.2, rel=1e-14)        # (1/2) / (1 + 1 + 1/2)
    assert erlang_b(0, 3.0) == 1.0 and erlang_b(5, 0.0) == 0.0
    # C = c B / (c - a (1 - B)): c = 2, a = 1 gives 1/3
    assert erlang_c(2, 1.0) == pytest.approx(1 / 3, rel=1e-14)


def test_erlang_c_matches_the_recursion_on_a_grid():
    servers = np.array([0, 1, 2, 3, 5, 10, 20, 50, 100, 250, 516, 1000])[:, None]
    rho = np.array([0, 1e-9, 1e-3, 0.1, 0.3, 0.5, 0.7, 0.8, 0.9, 0.95, 0.99, 0.999, 1 - 1e-9, 1, 1.001, 1.5, 3])
    load = np.maximum(servers, 1) * rho
    np.testing.assert_allclose(erlang_c(servers, load), erlang_c_recursion(servers, load), rtol=1e-9, atol=1e-300)
    rng = np.random.default_rng(5)
    c = rng.integers(1, 800, 20_000)
    a = c * rng.uniform(0, 1.2, c.size)
    np.testing.assert_allclose(erlang_c(c, a), erlang_c_recursion(c, a), rtol=1e-9, atol=1e-300)


@pytest.mark.parametrize("c, a, expected", [
    (0, 0.0, 1.0),        # no handler: every case waits, even with nothing to do
    (0, 2.0, 1.0),
    (3, 0.0, 0.0),        # no load: nobody waits
    (3, 3.0, 1.0),        # load = handlers: overloaded
    (3, 7.5, 1.0),
])
def test_erlang_c_edges_as_the_recursion(c, a, expected):
    assert erlang_c(c, a) == expected == erlang_c_recursion(c, a)


def test_erlang_c_truncates_staff_and_broadcasts_as_the_recursion():
    c, a = np.array([[0.5], [1.5], [2.7], [99.9]]), np.array([0.0, 0.4, 1.2, 2.5, 98.0])
    assert erlang_c(c, a).shape == (4, 5)
    np.testing.assert_allclose(erlang_c(c, a), erlang_c_recursion(c, a), rtol=1e-12, atol=0)
    assert erlang_c(2.7, 1.2) == pytest.approx(erlang_c(2, 1.2), rel=0)


def test_erlang_c_stays_finite_where_the_textbook_sum_overflows():
    # a^c / c! overflows a float beyond c of about 170; the recursion and the tail function do not
    c, a = np.array([400, 1000, 1000]), np.array([380.0, 900.0, 999.0])
    p = erlang_c(c, a)
    assert np.isfinite(p).all() and ((0 < p) & (p < 1)).all()
    np.testing.assert_allclose(p, erlang_c_recursion(c, a), rtol=1e-9)


def test_single_handler_by_hand():
    lam, mu = 0.3, 0.5
    assert erlang_c(1, lam / mu) == pytest.approx(0.6)
    assert mean_time(1, lam, mu) == pytest.approx(1 / (mu - lam))
    # M/M/1: the time in the system is Exp(mu - lam)
    assert within_time(1, lam, mu, 4.0) == pytest.approx(1 - np.exp(-(mu - lam) * 4.0))


def test_equal_rates_branch():
    # c=2, lam=0.5, mu=0.5: theta = c mu - lam = mu; C = 1/3; P(S>t) = e^-mu t (2/3 + (1 + mu t)/3)
    t = 5.0
    late = np.exp(-0.5 * t) * (2 / 3 + (1 + 0.5 * t) / 3)
    assert within_time(2, 0.5, 0.5, t) == pytest.approx(1 - late)


def _simulate(c: int, lam: float, mu: float, n: int, seed: int = 1, wait_only: bool = False) -> np.ndarray:
    """Times in the system (or, ``wait_only``, in the queue) of an FCFS M/M/c queue, by event simulation."""
    rng = np.random.default_rng(seed)
    arrivals = np.cumsum(rng.exponential(1 / lam, n))
    service = rng.exponential(1 / mu, n)
    free = [0.0] * c
    out = np.empty(n)
    for i in range(n):
        start = max(arrivals[i], heapq.heappop(free))
        heapq.heappush(free, start + service[i])
        out[i] = start - arrivals[i] + (0.0 if wait_only else service[i])
    return out[n // 10:]


@pytest.mark.parametrize("c, lam, mu", [(3, 1.2, 0.5), (1, 0.4, 0.5), (5, 1.8, 0.5)])
def test_against_simulation(c, lam, mu):
    times = _simulate(c, lam, mu, 200_000)
    for t in (2.0, 5.0, 10.0):
        assert within_time(c, lam, mu, t) == pytest.approx((times <= t).mean(), abs=0.01)
    assert mean_time(c, lam, mu) == pytest.approx(times.mean(), rel=0.05)


def test_overloaded_and_unstaffed_queues_show_a_growing_backlog():
    lam, mu = np.array([1.2, 0.4]), 0.5
    c = np.array([2, 0])
    assert within_time(c, lam, mu, 10.0).tolist() == [0.0, 0.0]
    assert np.isinf(mean_time(c, lam, mu)).all()
    assert backlog_growth(c, lam, mu) == pytest.approx([0.2, 0.4])
    assert backlog_growth(3, 1.2, 0.5) == 0.0


def test_handlers_are_whole_people():
    assert handlers([0.4, 1.0, 2.9, 3.1, 7.0], 0.5).tolist() == [0, 0, 1, 2, 4]


def test_occupancy_and_wait_only_service_level_pinned():
    # c=14 handlers, offered load A=10: occupancy 10/14; P(wait) = 0.1741 (pyworkforce's example)
    assert occupancy(14, 10.0, 1.0) == pytest.approx(10 / 14)
    assert round(float(occupancy(14, 20.0, 2.0)), 3) == 0.714
    assert wait_within(14, 10.0, 1.0, 0.0) == pytest.approx(1 - 0.1741, abs=1e-4)
    # by hand: 1 - C e^-(c mu - lam) t with theta = 14 - 10 = 4 a day, t = 0.25 days
    assert wait_within(14, 10.0, 1.0, 0.25) == pytest.approx(1 - float(erlang_c(14, 10.0)) * np.exp(-1.0))
    # overloaded, unstaffed
    assert occupancy([2, 0], [1.2, 0.4], 0.5)[0] == 1.0 and np.isnan(occupancy([2, 0], [1.2, 0.4], 0.5)[1])
    assert wait_within([2, 0], [1.2, 0.4], 0.5, 3.0).tolist() == [0.0, 0.0]


@pytest.mark.parametrize("c, lam, mu", [(3, 1.2, 0.5), (5, 1.8, 0.5)])
def test_wait_only_service_level_against_simulation(c, lam, mu):
    waits = _simulate(c, lam, mu, 200_000, wait_only=True)
    for t in (0.0, 0.5, 2.0):
        assert wait_within(c, lam, mu, t) == pytest.approx((waits <= t).mean(), abs=0.01)
