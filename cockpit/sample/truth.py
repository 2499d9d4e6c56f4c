"""The true parameters of the sample township: the one place later calibration is checked against.

Every relation the generator embeds reads its constants from :data:`TRUE`. The relations are

- coverage (per month m, village v, domain d)::

      coverage = clip(1 - (1 - base_vd) * exp(-k_d * funding_yuan / population) + N(0, noise_sd),
                      coverage_min, coverage_max)
      base_vd  = clip(b_d - r_d * remoteness_v, base_min, base_max)

  with ``remoteness_v = distance_km / max(distance_km)``. For the digital domain the remoteness term is
  replaced by the broadband gap, ``base_vd = b_d - r_d * (1 - broadband_share_v)``, so digital coverage
  tracks broadband.
- case handling (a queue per village and month): arrival rate ``lam`` (expected cases per day), servers
  ``c = max(1, round(sum_d staff_fte * case_staff_share))``, per-server service rate ``mu_per_staff_day``.
  Time to close in days = ``min_close_hours / 24 + service + wait`` with ``service ~ Exp(mu)`` and, with
  probability ErlangC(c, lam / mu), ``wait ~ Exp(c * mu - lam)`` (otherwise 0). These days run on a
  working clock: one day is the 12 working hours 08:00-20:00 (every day of the week), so closures
  fall in working hours and a calendar day still equals one model day on average.
- acknowledgement delay in hours = ``response_hours(category) * exp(N(ack_log_mu0 + ack_log_mu_remote *
  remoteness, ack_log_sd))``.
- satisfaction: P(rating >= 4) = logistic(sat_a - sat_b * days_to_close), days measured from receipt to
  closure; a rating exists for ``rated_share`` of closed cases, entered by a follow-up call on day
  1, 2 or 3 after the closure day, between 09:00 and 18:00.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Mapping

__all__ = ["DomainTruth", "Truth", "TRUE"]


@dataclass(frozen=True)
class DomainTruth:
    """Coverage-response parameters of one domain.

    Attributes
    ----------
    k : float
        Response rate per (yuan per resident per month).
    b, r : float
        Base coverage at the seat and its fall with remoteness (or with the broadband gap for digital).
    funding_per_resident : float
        Mean monthly funding, yuan per resident, before village, cycle and shock factors.
    village_sd : float
        Log-sd of the fixed village factor of funding (digital funding follows a uniform formula).
    """

    k: float
    b: float
    r: float
    funding_per_resident: float
    village_sd: float = 0.30


def _domains() -> Mapping[str, DomainTruth]:
    return MappingProxyType({
        "education": DomainTruth(k=0.12, b=0.55, r=0.25, funding_per_resident=10.0),
        "health": DomainTruth(k=0.18, b=0.50, r=0.30, funding_per_resident=6.7),
        "elderly": DomainTruth(k=0.25, b=0.40, r=0.30, funding_per_resident=4.8),
        "culture": DomainTruth(k=0.35, b=0.45, r=0.30, funding_per_resident=3.4),
        "assistance": DomainTruth(k=0.22, b=0.50, r=0.25, funding_per_resident=5.5),
        "digital": DomainTruth(k=0.15, b=0.60, r=1.00, funding_per_resident=8.0, village_sd=0.05),
    })


@dataclass(frozen=True)
class Truth:
    """All true parameters of the generator (see the module docstring for the formulas)."""

    domains: Mapping[str, DomainTruth] = field(default_factory=_domains)
    # coverage
    coverage_noise_sd: float = 0.01
    coverage_min: float = 0.02
    coverage_max: float = 0.995
    base_min: float = 0.05
    base_max: float = 0.95
    # funding per resident: factors multiplying funding_per_resident
    funding_remote_slope: float = 0.30     # factor (1 + slope/2 - slope * remoteness): remote gets less
    funding_cycle_amplitude: float = 0.25  # annual budget cycle, peak in December
    funding_shock_sd: float = 0.15         # log-sd of the monthly shock
    funding_step_share: float = 0.15       # share of village-domain pairs with one step change
    # case handling queue
    mu_per_staff_day: float = 0.5          # cases one case-handling server closes per day
    case_staff_share: float = 0.5          # share of a village's service staff that handles cases
    min_close_hours: float = 2.0           # shortest time to close, model hours (= 1 working hour)
    rho_normal: tuple[float, float] = (0.30, 0.65)   # target utilisation of ordinary villages
    rho_high_load: tuple[float, float] = (0.85, 0.90)  # villages deliberately short of staff
    rho_reinforce: float = 0.97            # above this, a village gets one more server that month
    high_load_max_share: float = 0.35      # at most this share of all cases in high-load villages
    # arrivals
    cases_seasonal_amplitude: float = 0.06  # peak in July (rains, roads, water)
    cases_village_sd: float = 0.20          # log-sd of the per-capita appeal rate of a village
    # acknowledgement
    ack_log_mu0: float = -1.6
    ack_log_mu_remote: float = 0.9
    ack_log_sd: float = 0.9
    # outcome of closed cases
    resolved_true: float = 0.85
    resolved_false: float = 0.10           # the rest (0.05) carries no flag
    rated_share: float = 0.70
    sat_a: float = 2.2
    sat_b: float = 0.12
    rating_delay_days: tuple[int, int] = (1, 3)
    # channels: hotline, app, visit, grid; app share scales with (1 + app_remote_slope * (0.5 - remoteness))
    channel_shares: tuple[float, float, float, float] = (0.45, 0.25, 0.15, 0.15)
    app_remote_slope: float = 1.2


TRUE = Truth()
"""The frozen truth used by :func:`cockpit.sample.generate.generate`."""
