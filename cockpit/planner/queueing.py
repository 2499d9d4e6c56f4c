"""The M/M/c queue of case handling: Erlang C, the time a case takes, whole handlers from staff.

A village handles its cases as one queue: cases arrive at ``lam`` per day, ``c`` case handlers
each close ``mu`` cases per day, first come first served. With offered load ``a = lam / mu``:

- Erlang C, the probability that a case waits: ``C = c B / (c - a (1 - B))`` with Erlang B
  ``B = P(N = c) / P(N <= c)``, ``N ~ Poisson(a)`` (what the recursion ``B_k = a B_{k-1} / (k + a B_{k-1})``
  computes in ``c`` steps), in one step per element however many handlers;
- a waiting case waits ``Exp(theta)`` with ``theta = c mu - lam``; service takes ``Exp(mu)``; so the
  time to close ``S`` has ``P(S > t) = (1 - C) e^(-mu t) + C (theta e^(-mu t) - mu e^(-theta t)) /
  (theta - mu)`` (``(1 + mu t) e^(-mu t)`` when ``theta = mu``) and mean ``1/mu + C/theta``.

Handlers are whole people: ``handlers(staff, share)`` rounds the case-handling share of the staff
(FTE) to whole handlers; half an FTE more adds a handler only when it completes one. With no
handler, or when ``a >= c``, the queue is overloaded: no steady state exists, the backlog grows by
``lam - c mu`` cases a day, and no case is closed in time (share 0, mean time infinite).
"""

from __future__ import annotations

import numpy as np
from scipy.special import gammaincc, gammaln, xlogy

__all__ = ["erlang_b", "erlang_c", "handlers", "occupancy", "wait_within", "within_time", "mean_time",
           "backlog_growth"]


def erlang_b(c, a) -> np.ndarray:
    """Blocking probability of ``c >= 0`` servers (truncated to whole servers) at load ``a >= 0``.

    ``B = P(N = c) / P(N <= c)`` for ``N ~ Poisson(a)``: the ratio that the recursion
    ``B_k = a B_{k-1} / (k + a B_{k-1})`` builds term by term, here in one step per element (the
    probability in log space, the tail by ``gammaincc``), so its cost does not grow with ``c``.

    Examples
    --------
    >>> round(float(erlang_b(2, 1.0)), 12)     # (1/2) / (1 + 1 + 1/2)
    0.2
    """
    c = np.asarray(c, dtype=np.int64)
    a = np.asarray(a, dtype=float)
    with np.errstate(invalid="ignore"):
        log_p = xlogy(c, a) - a - gammaln(c + 1.0)
        return np.where(c >= 1, np.exp(log_p) / gammaincc(c + 1.0, a), 1.0)


def erlang_c(c, a) -> np.ndarray:
    """Probability of waiting with integer ``c >= 1`` handlers and offered load ``a = lam / mu``.

    Defined as 1 when ``a >= c`` (overloaded: every case waits). ``c`` is truncated to whole
    handlers; every element costs the same whatever ``c`` (see :func:`erlang_b`).

    Examples
    --------
    >>> round(float(erlang_c(1, 0.6)), 12)      # M/M/1: the utilisation
    0.6
    """
    c = np.asarray(c, dtype=np.int64)
    a = np.asarray(a, dtype=float)
    stable = a < c
    b = erlang_b(np.where(stable, c, 1), np.where(stable, a, 0.0))
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(stable, c * b / (c - a * (1.0 - b)), 1.0)


def _within_int(c, lam, mu, t) -> np.ndarray:
    """``P(S <= t)`` with integer ``c`` handlers of rate ``mu``; 0 when overloaded."""
    c = np.asarray(c, dtype=np.int64)
    lam, mu, t = (np.asarray(x, dtype=float) for x in (lam, mu, t))
    p_wait = erlang_c(c, lam / mu)
    theta = c * mu - lam
    e_mu = np.exp(-mu * t)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        close = np.isclose(theta, mu)
        waited = np.where(close, (1 + mu * t) * e_mu,
                          (theta * e_mu - mu * np.exp(-np.where(theta > 0, theta, 0) * t)) / (theta - mu))
    late = (1 - p_wait) * e_mu + p_wait * waited
    return np.where(theta > 0, np.clip(1.0 - late, 0.0, 1.0), 0.0)


def _mean_int(c, lam, mu) -> np.ndarray:
    c = np.asarray(c, dtype=np.int64)
    lam, mu = np.asarray(lam, dtype=float), np.asarray(mu, dtype=float)
    theta = c * mu - lam
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(theta > 0, 1.0 / mu + erlang_c(c, lam / mu) / theta, np.inf)


def handlers(staff, share: float) -> np.ndarray:
    """Whole case handlers: ``round(share * staff)`` (halves to even), never negative."""
    return np.maximum(0, np.round(np.asarray(staff, dtype=float) * share)).astype(np.int64)


def occupancy(c, lam, mu) -> np.ndarray:
    """Share of the handlers' time spent on cases: ``a / c`` (``a = lam / mu``), 1 when overloaded
    (``a >= c``: every handler always busy) and NaN with no handler.

    >>> round(float(occupancy(14, 10.0, 1.0)), 3)
    0.714
    """
    c = np.asarray(c, dtype=float)
    a = np.asarray(lam, dtype=float) / np.asarray(mu, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(c >= 1, np.minimum(a / np.maximum(c, 1), 1.0), np.nan)


def wait_within(c, lam, mu, t) -> np.ndarray:
    """The classic service level: the share of cases that wait at most ``t`` days before a handler
    takes them up, ``1 - C e^(-(c mu - lam) t)`` (waiting only; :func:`within_time` adds the
    handling). 0 when overloaded or unstaffed.

    >>> round(float(wait_within(14, 10.0, 1.0, 0.0)), 4)   # 1 - P(wait), P(wait) = 0.1741
    0.8259
    """
    c = np.asarray(c, dtype=np.int64)
    lam, mu, t = (np.asarray(x, dtype=float) for x in (lam, mu, t))
    theta = c * mu - lam
    p_wait = erlang_c(np.maximum(c, 1), lam / mu)
    with np.errstate(over="ignore"):
        level = 1.0 - p_wait * np.exp(-np.where(theta > 0, theta, 0.0) * t)
    return np.where((c >= 1) & (theta > 0), level, 0.0)


def within_time(c, lam, mu, t) -> np.ndarray:
    """Share of cases closed within ``t`` days (steady state) with ``c`` whole handlers."""
    return _within_int(np.maximum(c, 1), lam, mu, t) * (np.asarray(c) >= 1)


def mean_time(c, lam, mu) -> np.ndarray:
    """Mean days from receipt to closure (steady state); ``inf`` when overloaded or unstaffed."""
    return np.where(np.asarray(c) >= 1, _mean_int(np.maximum(c, 1), lam, mu), np.inf)


def backlog_growth(c, lam, mu) -> np.ndarray:
    """Cases a day by which the backlog grows: ``max(0, lam - c * mu)``."""
    return np.maximum(0.0, np.asarray(lam, dtype=float) - np.asarray(c, dtype=float) * np.asarray(mu, float))
