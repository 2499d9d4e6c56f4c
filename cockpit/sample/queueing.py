"""Case load and case-handling staff: arrival rates, servers and the Erlang C waiting probability.

Each village and month is an M/M/c queue: arrivals at ``lam`` cases per day, ``c`` servers, each
closing ``mu`` cases per day. Staff is sized so that ordinary villages run at a utilisation
``rho = lam / (c mu)`` of at most ``TRUE.rho_normal[1]``; the high-load villages run near capacity.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from cockpit.planner.queueing import erlang_c
from cockpit.sample.truth import Truth

__all__ = ["Load", "erlang_c", "plan_load", "servers"]


@dataclass(frozen=True)
class Load:
    """Per village (rows) and month (columns): expected arrivals, servers, staff and case counts.

    Attributes
    ----------
    lam : expected cases per day (the arrival rate of the queue).
    servers : case-handling servers ``c``.
    staff : staff FTE per village, month and domain (3-D: village x month x domain), rounded to 0.01.
    p_wait : Erlang C probability that a case waits.
    counts : cases received (Poisson draws of ``lam * days``).
    """

    lam: np.ndarray
    servers: np.ndarray
    staff: np.ndarray
    p_wait: np.ndarray
    counts: np.ndarray


def servers(staff_total: np.ndarray, truth: Truth) -> np.ndarray:
    """Case-handling servers from total staff: ``max(1, round(staff_total * case_staff_share))``."""
    return np.maximum(1, np.round(np.asarray(staff_total) * truth.case_staff_share)).astype(np.int64)


def plan_load(population: np.ndarray, high_load: tuple[int, ...], month_of_year: np.ndarray,
              days: np.ndarray, cases_per_year: float, n_domains: int, truth: Truth,
              rng: np.random.Generator) -> Load:
    """Plan arrival rates, servers and staff of every village and month, and draw case counts.

    Ordinary villages get ``c = ceil(lam / (mu * rho))`` servers with ``rho`` drawn from
    ``truth.rho_normal``; high-load villages get the fewest servers and an arrival rate of
    ``rho * c * mu`` with ``rho`` from ``truth.rho_high_load`` (capped so that they receive at most
    ``truth.high_load_max_share`` of all cases). Any month whose utilisation would reach
    ``truth.rho_reinforce`` gets one more server (temporary reinforcement), so every queue is stable.
    """
    mu = truth.mu_per_staff_day
    n_v = len(population)
    total = cases_per_year / 365.25
    w = population * np.exp(rng.normal(0, truth.cases_village_sd, n_v))
    high = np.zeros(n_v, bool)
    high[list(high_load)] = True
    lam_v = total * w / w.sum()
    c_v = np.ones(n_v, np.int64)
    if high.any():
        rho_h = rng.uniform(*truth.rho_high_load, n_v)
        c_v[high] = np.maximum(1, np.round(lam_v[high] / (mu * rho_h[high])))
        lam_h = rho_h[high] * c_v[high] * mu
        cap = truth.high_load_max_share * total
        lam_h *= min(1.0, cap / lam_h.sum())
        lam_v[high] = lam_h
        lam_v[~high] = (total - lam_h.sum()) * w[~high] / w[~high].sum()
    rho_n = rng.uniform(*truth.rho_normal, n_v)
    c_v[~high] = np.maximum(1, np.ceil(lam_v[~high] / (mu * rho_n[~high])))
    season = 1.0 + truth.cases_seasonal_amplitude * np.sin(2 * np.pi * (month_of_year - 4) / 12)
    lam = lam_v[:, None] * season[None, :]
    c = np.repeat(c_v[:, None], len(days), axis=1)
    while True:
        hot = lam / (c * mu) >= truth.rho_reinforce
        if not hot.any():
            break
        c = c + hot
    # staff: total FTE whose rounded case share gives exactly c; slow AR(1) drift inside the band
    drift = np.zeros_like(lam)
    e = rng.uniform(-0.2, 0.2, n_v)
    for m in range(len(days)):
        e = np.clip(0.8 * e + rng.normal(0, 0.08, n_v), -0.3, 0.3)
        drift[:, m] = e
    total_staff = (c + drift) / truth.case_staff_share
    floor = 0.2
    share = rng.dirichlet(np.full(n_domains, 3.0), n_v)
    staff = floor + (total_staff[:, :, None] - floor * n_domains) * share[:, None, :]
    staff = np.round(staff, 2)
    c_check = servers(staff.sum(axis=2), truth)
    assert (c_check == c).all(), "staff rounding changed the number of servers"
    counts = rng.poisson(lam * days[None, :])
    return Load(lam=lam, servers=c, staff=staff, p_wait=erlang_c(c, lam / mu), counts=counts)
