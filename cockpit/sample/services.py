"""Public services of the sample township: facilities, monthly allocations and true coverage.

Funding per resident varies across villages (a fixed village-domain factor, less for remote
villages), over time (an annual budget cycle peaking in December, monthly shocks) and by a few step
changes, so that the coverage-funding response is identifiable. Coverage follows the true model of
:mod:`cockpit.sample.truth`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from cockpit.sample import geography as geo
from cockpit.sample.truth import Truth
from cockpit.sample.villages import Township

__all__ = ["funding_matrix", "coverage_matrix", "base_coverage", "facilities_frame", "allocations_frame",
           "coverage_frame"]


def funding_matrix(tw: Township, domains: list[str], month_of_year: np.ndarray, truth: Truth,
                   rng: np.random.Generator) -> np.ndarray:
    """Funding in yuan per village, month and domain (3-D array), rounded to whole yuan."""
    n_v, n_m, n_d = len(tw.villages), len(month_of_year), len(domains)
    pop = tw.villages["population"].to_numpy(float)
    x0 = np.array([truth.domains[d].funding_per_resident for d in domains])
    sd = np.array([truth.domains[d].village_sd for d in domains])
    village = np.exp(rng.normal(-sd ** 2 / 2, sd, (n_v, n_d)))
    slope = truth.funding_remote_slope
    village *= (1 + slope / 2 - slope * tw.remoteness)[:, None]
    cycle = 1 + truth.funding_cycle_amplitude * np.cos(2 * np.pi * (month_of_year - 12) / 12)
    ssd = truth.funding_shock_sd
    shock = np.exp(rng.normal(-ssd ** 2 / 2, ssd, (n_v, n_m, n_d)))
    step = np.ones((n_v, n_m, n_d))
    has_step = rng.random((n_v, n_d)) < truth.funding_step_share
    at = rng.integers(n_m // 4, max(n_m // 4 + 1, 3 * n_m // 4), (n_v, n_d))
    up = rng.random((n_v, n_d)) < 0.5
    size = np.where(up, rng.uniform(1.3, 1.6, (n_v, n_d)), rng.uniform(0.6, 0.8, (n_v, n_d)))
    months = np.arange(n_m)
    step = np.where(has_step[:, None, :] & (months[None, :, None] >= at[:, None, :]), size[:, None, :], step)
    per_resident = x0[None, None, :] * village[:, None, :] * cycle[None, :, None] * shock * step
    return np.round(per_resident * pop[:, None, None])


def base_coverage(tw: Township, domains: list[str], truth: Truth) -> np.ndarray:
    """Base coverage ``base_vd`` (village x domain) without funding."""
    bb = tw.villages["broadband_share"].to_numpy(float)
    out = np.empty((len(tw.villages), len(domains)))
    for j, d in enumerate(domains):
        t = truth.domains[d]
        gap = (1.0 - bb) if d == "digital" else tw.remoteness
        out[:, j] = t.b - t.r * gap
    return np.clip(out, truth.base_min, truth.base_max)


def coverage_matrix(tw: Township, domains: list[str], funding: np.ndarray, truth: Truth,
                    rng: np.random.Generator) -> np.ndarray:
    """True coverage per village, month and domain: ``1 - (1 - base) exp(-k f / pop) + noise``, clipped."""
    pop = tw.villages["population"].to_numpy(float)
    k = np.array([truth.domains[d].k for d in domains])
    base = base_coverage(tw, domains, truth)
    cov = 1 - (1 - base[:, None, :]) * np.exp(-k[None, None, :] * funding / pop[:, None, None])
    cov += rng.normal(0, truth.coverage_noise_sd, cov.shape)
    return np.round(np.clip(cov, truth.coverage_min, truth.coverage_max), 4)


def _long(periods: list[str], vids: np.ndarray, domains: list[str], **values: np.ndarray) -> pd.DataFrame:
    n_v, n_m, n_d = len(vids), len(periods), len(domains)
    df = pd.DataFrame({
        "period": np.repeat(np.array(periods), n_v * n_d),
        "village_id": np.tile(np.repeat(vids, n_d), n_m),
        "domain_id": np.tile(np.array(domains), n_m * n_v),
    })
    for name, arr in values.items():  # arr is village x month x domain; rows run month, village, domain
        df[name] = np.transpose(arr, (1, 0, 2)).reshape(-1)
    return df


def allocations_frame(periods: list[str], vids: np.ndarray, domains: list[str], funding: np.ndarray,
                      staff: np.ndarray) -> pd.DataFrame:
    """The allocations table, sorted by period, village and domain."""
    return _long(periods, vids, domains, funding_yuan=funding.astype(float), staff_fte=staff)


def coverage_frame(periods: list[str], vids: np.ndarray, domains: list[str], cov: np.ndarray) -> pd.DataFrame:
    """The coverage table, sorted by period, village and domain."""
    return _long(periods, vids, domains, coverage=cov)


# (domain, zh suffix, en suffix, capacity range, staff range): facilities of an ordinary village
_VILLAGE_KINDS = (
    ("education", "小学", "Primary School", (90, 300), (6, 18)),
    ("education", "幼儿园", "Kindergarten", (40, 120), (3, 8)),
    ("health", "卫生室", "Clinic", (1, 3), (1, 2.5)),
    ("elderly", "居家养老服务站", "Home Care Station", (10, 30), (0.5, 2)),
    ("culture", "综合文化服务中心", "Cultural Service Centre", (60, 200), (0.5, 1)),
    ("assistance", "便民服务代办点", "Service Point", None, (0.5, 1)),
    ("digital", "光纤接入点", "Fibre Access Point", (150, 900), None),
    ("digital", "5G基站", "5G Base Station", (300, 1200), None),
)
# facilities of the township seat
_SEAT_FACILITIES = (
    ("education", "青溪中心小学", "Qingxi Central Primary School", (900, 1400), (55, 80)),
    ("education", "青溪中学", "Qingxi Middle School", (600, 1000), (45, 70)),
    ("education", "青溪中心幼儿园", "Qingxi Central Kindergarten", (240, 360), (18, 28)),
    ("health", "青溪镇卫生院", "Qingxi Township Health Centre", (40, 60), (30, 45)),
    ("elderly", "青溪镇敬老院", "Qingxi Nursing Home", (80, 120), (10, 16)),
    ("culture", "青溪镇综合文化站", "Qingxi Cultural Station", (250, 400), (3, 5)),
    ("assistance", "青溪镇社会救助服务站", "Qingxi Social Assistance Station", None, (2, 4)),
    ("digital", "城关5G基站一号", "Chengguan 5G Base Station 1", (800, 1500), None),
    ("digital", "城关5G基站二号", "Chengguan 5G Base Station 2", (800, 1500), None),
    ("digital", "城关光纤接入机房", "Chengguan Fibre Exchange", (2000, 4000), None),
)


def _has(kind: str, pop: float, rem: float, bb: float, u: float) -> bool:
    """Whether an ordinary village (or the urban community) has a facility of this kind."""
    return {
        "小学": pop >= 1500 or u < 0.15,
        "幼儿园": u < 0.20 + 0.25 * (pop > 2000),
        "卫生室": u < 1.05 - 0.35 * rem,
        "居家养老服务站": u < 0.45 + 0.4 * rem,
        "5G基站": u < bb - 0.15,
        "光纤接入点": bb >= 0.62 or u < 0.5,
    }.get(kind, True)


def facilities_frame(tw: Township, rng: np.random.Generator) -> pd.DataFrame:
    """The facilities table: the seat's township-level facilities and each village's own."""
    vil = tw.villages
    rows = []
    for v, row in enumerate(vil.itertuples()):
        stem_zh = row.name_zh[:-1] if row.kind == "village" else row.name_zh[:-2]
        stem_en = row.name_en.rsplit(" ", 1)[0]
        if row.kind == "seat":
            kinds = list(_SEAT_FACILITIES)
        else:
            school = ("小学", "幼儿园")
            kinds = [(d, (stem_zh if z in school else row.name_zh) + z,
                      f"{stem_en if z in school else row.name_en} {e}", cap, st)
                     for d, z, e, cap, st in _VILLAGE_KINDS
                     if _has(z, row.population, tw.remoteness[v], row.broadband_share, rng.random())]
        pts = geo.sample_points(tw.cells[v], len(kinds), tw.seats[v:v + 1], np.ones(1), 180.0, rng)
        lon, lat = geo.to_lonlat(pts[:, 0], pts[:, 1])
        for (d, zh, en, cap, st), x, y in zip(kinds, lon, lat):
            capacity = int(rng.integers(cap[0], cap[1] + 1)) if cap else None
            staff = round(float(rng.uniform(*st)), 1) if st else None
            rows.append((row.village_id, d, zh, en, float(x), float(y), capacity, staff))
    df = pd.DataFrame(rows, columns=["village_id", "domain_id", "name_zh", "name_en", "lon", "lat",
                                     "capacity", "staff"])
    df.insert(0, "facility_id", [f"F{i:05d}" for i in range(1, len(df) + 1)])
    df["capacity"] = df["capacity"].astype("Int64")
    return df
