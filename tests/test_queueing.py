"""The M/M/c queue against published figures, hand computations and a simulation."""

from __future__ import annotations

import heapq

import numpy as np
import pytest

from cockpit.queueing import backlog_growth, erlang_c, handlers, mean_time, within_time


def test_erlang_c_matches_pyworkforce():
    # pyworkforce's ErlangC example: 14 agents, offered load 10 Erlangs -> probability of waiting 0.174
    assert erlang_c(14, 10.0) == pytest.approx(0.1741, abs=1e-4)


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


def _simulate(c: int, lam: float, mu: float, n: int, seed: int = 1) -> np.ndarray:
    """Times in the system of an FCFS M/M/c queue, by event simulation."""
    rng = np.random.default_rng(seed)
    arrivals = np.cumsum(rng.exponential(1 / lam, n))
    service = rng.exponential(1 / mu, n)
    free = [0.0] * c
    out = np.empty(n)
    for i in range(n):
        start = max(arrivals[i], heapq.heappop(free))
        heapq.heappush(free, start + service[i])
        out[i] = start + service[i] - arrivals[i]
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
