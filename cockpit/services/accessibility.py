"""Spatial accessibility of services: two-step floating catchment (2SFCA) and its enhanced form.

Supply S_j is a facility's staff (FTE), demand P_k a village's population, d the travel cost in
km from the village seat to the facility and d0 the catchment threshold.

1. Each facility's staff-to-population ratio over the villages in its reach:
   R_j = S_j / Σ_{k: d_kj ≤ d0} W(d_kj) P_k
2. A village's accessibility sums the ratios of the facilities in its reach:
   A_i = Σ_{j: d_ij ≤ d0} W(d_ij) R_j

Plain 2SFCA has W = 1 inside the catchment; the enhanced 2SFCA (E2SFCA, Luo & Qi 2009) lets the
weight fall with distance so a clinic 1 km away counts more than one 9 km away. A is staff per
resident; ×1,000 it reads "staff per 1,000 residents within reach": 2.4 means the village's
residents share, with everyone else who can reach the same facilities, 2.4 staff per 1,000.

Conservation: Σ_i P_i A_i = Σ_j S_j when every facility has demand in reach (each facility's
staff is shared out exactly over the residents who can reach it). A facility with no demand in
reach has an undefined R_j (0 / 0); it is set to 0 and reported in ``unreached``: its staff reach
nobody, and conservation then holds for the other facilities.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

__all__ = ["EARTH_RADIUS_KM", "TERRAIN_FACTOR", "DECAYS", "LUO_QI_STEPS", "FCAResult",
           "travel_cost_km", "decay_weights", "two_step_fca", "enhanced_two_step_fca",
           "accessibility_by_domain"]

EARTH_RADIUS_KM = 6371.0088
TERRAIN_FACTOR = 1.4
DECAYS = ("gaussian", "step")
# Luo & Qi (2009) travel-time zones as fractions of the threshold, with their weights.
LUO_QI_STEPS = ((1 / 3, 1.0), (2 / 3, 0.68), (1.0, 0.22))


@dataclass(frozen=True)
class FCAResult:
    """``accessibility`` A_i per village (staff per resident), ``ratio`` R_j per facility and
    ``unreached``, the facilities with no demand in reach (R_j set to 0)."""

    accessibility: pd.Series
    ratio: pd.Series
    unreached: tuple


def _lon_lat(frame: pd.DataFrame, name: str) -> tuple[np.ndarray, np.ndarray]:
    if not isinstance(frame, pd.DataFrame) or not {"lon", "lat"} <= set(frame.columns):
        raise ValueError(f"{name} must be a DataFrame with lon and lat columns")
    lon, lat = frame["lon"].to_numpy(float), frame["lat"].to_numpy(float)
    if not (np.all(np.isfinite(lon)) and np.all(np.abs(lon) <= 180)):
        raise ValueError(f"{name}.lon must be finite longitudes in [-180, 180]")
    if not (np.all(np.isfinite(lat)) and np.all(np.abs(lat) <= 90)):
        raise ValueError(f"{name}.lat must be finite latitudes in [-90, 90]")
    return np.radians(lon), np.radians(lat)


def travel_cost_km(origins: pd.DataFrame, destinations: pd.DataFrame,
                   terrain_factor=TERRAIN_FACTOR) -> pd.DataFrame:
    """Great-circle (haversine) distance in km × ``terrain_factor``, origins × destinations.

    Roads in hilly townships wind: the road distance is typically 1.2–1.6 times the straight
    line, so the default factor 1.4 turns 5 km as the crow flies into 7 km of road. Give one
    factor, or one per origin (a sequence or a Series aligned with ``origins``), each ≥ 1.
    Both inputs need lon and lat columns (WGS84); the result is labelled by their indexes.
    """
    lon1, lat1 = _lon_lat(origins, "origins")
    lon2, lat2 = _lon_lat(destinations, "destinations")
    f = np.asarray(terrain_factor.reindex(origins.index) if isinstance(terrain_factor, pd.Series)
                   else terrain_factor, dtype=float)
    if f.ndim > 1 or (f.ndim == 1 and f.size != len(origins)):
        raise ValueError("terrain_factor must be one number or one per origin")
    if not (np.all(np.isfinite(f)) and np.all(f >= 1)):
        raise ValueError("terrain_factor must be ≥ 1 (roads are never shorter than crow-flight)")
    a = (np.sin((lat2[None, :] - lat1[:, None]) / 2) ** 2
         + np.cos(lat1)[:, None] * np.cos(lat2)[None, :]
         * np.sin((lon2[None, :] - lon1[:, None]) / 2) ** 2)
    km = 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(a, 0, 1)))
    km *= f[:, None] if f.ndim == 1 else f
    return pd.DataFrame(km, index=origins.index, columns=destinations.index)


def decay_weights(cost, threshold: float, decay="gaussian", bandwidth: float | None = None,
                  steps=None) -> np.ndarray:
    """Weight W(d) of each travel cost: 0 beyond ``threshold`` (or where the cost is NaN).

    ``decay``: ``"gaussian"``, W = exp(−½ (d / bandwidth)²) with W(0) = 1 and bandwidth =
    threshold by default (W = 0.61 at the threshold); ``"step"``, zones ``steps`` =
    ((upper_km, weight), ...), by default Luo & Qi's thirds of the threshold with weights
    1, 0.68, 0.22 (``((threshold, 1.0),)`` is plain 2SFCA); or a function of the cost array.
    """
    d = np.asarray(cost, dtype=float)
    if not (np.isfinite(threshold) and threshold > 0):
        raise ValueError("threshold must be a positive number of km")
    if np.any(d < 0):
        raise ValueError("cost must be non-negative")
    inside = np.isfinite(d) & (d <= threshold)
    dd = np.where(inside, d, 0.0)
    if callable(decay):
        with np.errstate(divide="ignore", invalid="ignore"):   # outside entries are masked
            w = np.asarray(decay(dd), dtype=float)
    elif decay == "gaussian":
        bw = threshold if bandwidth is None else float(bandwidth)
        if not bw > 0:
            raise ValueError("bandwidth must be positive")
        w = np.exp(-0.5 * (dd / bw) ** 2)
    elif decay == "step":
        zones = [(u * threshold, v) for u, v in LUO_QI_STEPS] if steps is None else steps
        w = np.zeros_like(dd)
        for upper, value in sorted(zones, reverse=True):   # nearest zone written last
            w = np.where(dd <= upper, value, w)
    else:
        raise ValueError(f"decay must be one of {DECAYS} or a function, got {decay!r}")
    return np.where(inside, w, 0.0)


def _fca(population: np.ndarray, staff: np.ndarray, w: np.ndarray):
    demand = population @ w                          # Σ_k W(d_kj) P_k, one per facility
    with np.errstate(invalid="ignore", divide="ignore"):
        ratio = np.where(demand > 0, staff / demand, 0.0)
    return ratio, demand <= 0


def _series(values, name: str) -> pd.Series:
    if not isinstance(values, pd.Series):
        raise ValueError(f"{name} must be a pandas Series indexed by id")
    v = values.astype(float)
    if not (np.all(np.isfinite(v)) and np.all(v >= 0)):
        raise ValueError(f"{name} must be finite and non-negative")
    return v


def enhanced_two_step_fca(demand: pd.Series, supply: pd.Series, cost: pd.DataFrame,
                          threshold: float, decay="gaussian", bandwidth: float | None = None,
                          steps=None) -> FCAResult:
    """E2SFCA: 2SFCA with the weights of :func:`decay_weights` in both steps.

    ``demand``: population by village id; ``supply``: staff by facility id; ``cost``: travel
    cost (km), villages × facilities (rows and columns must cover both indexes; NaN = no route).
    """
    p, s = _series(demand, "demand"), _series(supply, "supply")
    if not isinstance(cost, pd.DataFrame):
        raise ValueError("cost must be a DataFrame, villages × facilities")
    missing = [*set(p.index) - set(cost.index), *set(s.index) - set(cost.columns)]
    if missing:
        raise ValueError(f"cost has no row or column for: {', '.join(map(str, missing[:5]))}")
    w = decay_weights(cost.loc[p.index, s.index].to_numpy(float), threshold, decay, bandwidth,
                      steps)
    ratio, unreached = _fca(p.to_numpy(), s.to_numpy(), w)
    return FCAResult(pd.Series(w @ ratio, index=p.index, name="accessibility"),
                     pd.Series(ratio, index=s.index, name="ratio"),
                     tuple(s.index[unreached]))


def two_step_fca(demand: pd.Series, supply: pd.Series, cost: pd.DataFrame,
                 threshold: float) -> FCAResult:
    """Plain 2SFCA (Luo & Wang 2003): every facility within ``threshold`` counts fully.

    A village 5 km from a 4-staff clinic that 2,000 people can reach gets 4 / 2,000 = 0.002
    staff per resident (2 per 1,000) from it. See the module docstring for the formulas.
    """
    return enhanced_two_step_fca(demand, supply, cost, threshold, decay="step",
                                 steps=((threshold, 1.0),))


def accessibility_by_domain(villages: pd.DataFrame, facilities: pd.DataFrame,
                            threshold_km: float, terrain_factor=TERRAIN_FACTOR,
                            method: str = "2sfca", decay="gaussian",
                            bandwidth: float | None = None, domain_ids=None,
                            supply_col="staff") -> pd.DataFrame:
    """Supply per 1,000 residents within reach, village_id × domain_id, all domains at once.

    ``villages``: village_id, lon, lat, population (the store's villages table); ``facilities``:
    facility_id, domain_id, lon, lat and the supply column. ``supply_col`` is "staff" (staff
    per 1,000 residents) or a dict domain_id → column, e.g. ``{"digital": "capacity"}`` for
    domains whose facilities have no staff (unlisted domains use "staff"); a missing supply
    value counts as 0. ``method`` is ``"2sfca"`` or ``"e2sfca"`` (with ``decay`` /
    ``bandwidth``). ``domain_ids`` orders the columns and adds domains without facilities
    (all 0). Facilities with no village in reach are in ``result.attrs["unreached_facilities"]``.
    A village without a location (lon or lat missing) cannot be placed within reach of anything:
    its row is NaN, its residents compete for no facility, and it is listed in
    ``result.attrs["unlocated_villages"]``.
    """
    by_domain = {} if isinstance(supply_col, str) else dict(supply_col)
    default = supply_col if isinstance(supply_col, str) else "staff"
    supply_cols = sorted({default, *by_domain.values()})
    for name, frame, cols in (("villages", villages, ["village_id", "lon", "lat", "population"]),
                              ("facilities", facilities,
                               ["facility_id", "domain_id", "lon", "lat", *supply_cols])):
        missing = [c for c in cols if c not in frame.columns]
        if missing:
            raise ValueError(f"{name} is missing column(s): {', '.join(missing)}")
    if method not in ("2sfca", "e2sfca"):
        raise ValueError(f"method must be '2sfca' or 'e2sfca', got {method!r}")
    everyone = villages.set_index("village_id")
    located = everyone["lon"].notna() & everyone["lat"].notna()
    v = everyone[located]
    f = facilities.set_index("facility_id")
    cost = travel_cost_km(v, f, terrain_factor).to_numpy()
    if method == "2sfca":
        w = decay_weights(cost, threshold_km, "step", steps=((threshold_km, 1.0),))
    else:
        w = decay_weights(cost, threshold_km, decay, bandwidth)
    pop = _series(v["population"], "villages.population").to_numpy()
    column = f["domain_id"].map(lambda d: by_domain.get(d, default))
    supply = pd.Series(0.0, index=f.index)
    for c in supply_cols:
        supply = supply.where(column != c, f[c].astype(float))
    staff = _series(supply.fillna(0.0), "facilities supply").to_numpy()
    ratio, unreached = _fca(pop, staff, w)
    codes, domains = pd.factorize(f["domain_id"], sort=True)
    onehot = np.zeros((len(f), len(domains)))
    onehot[np.arange(len(f)), codes] = 1.0
    out = pd.DataFrame(1000.0 * (w @ (ratio[:, None] * onehot)), index=v.index,
                       columns=pd.Index(domains, name="domain_id"))
    if domain_ids is not None:
        out = out.reindex(columns=pd.Index(list(domain_ids), name="domain_id"), fill_value=0.0)
    out = out.reindex(everyone.index)
    out.attrs["unreached_facilities"] = list(f.index[unreached])
    out.attrs["unlocated_villages"] = list(everyone.index[~located])
    return out
