"""Population-weighted inequality of village service levels, split into urban and rural parts.

``y`` is a village's service level (coverage, staff per 1,000, a composite index ...), ``p`` its
population, ``w = p / Σp`` and ``μ = Σ w·y`` the township level every resident would have if
services were shared out equally. Weighting by population asks "how unequal is it for the
*residents*", not "for the villages": a hamlet of 200 people counts a tenth of a village of 2,000.
With integer populations every index equals its unweighted value on data where each village
appears ``p`` times (tests/services/test_equity.py checks that).

Zero and edge policies (the same in every function here):

- values must be finite and ≥ 0; populations finite, ≥ 0, not all zero: otherwise ``ValueError``.
- ``μ = 0`` (no service anywhere): every index is NaN, "undefined", never 0.
- Theil T uses 0·ln 0 = 0, so zero levels are fine.
- Theil L needs ln(μ / y) and is infinite at y = 0: ``zeros="floor"`` (default) replaces each 0 by
  :data:`EPSILON` = 1e-6 (a 0 then adds w·ln(μ/1e-6), about 13·w at μ ≈ 0.5: it dominates, which is
  honest about a village with nothing); ``zeros="drop"`` leaves those villages out of L only.
  :func:`equity_indices` and :func:`equity_table` report how many zeros there were (``n_zero``).
- max / min counts only villages with residents (population > 0), like the weighted indices; it
  is ``inf`` when the worst of them has 0 and the best more; NaN when all are 0.
- :func:`equity_indices` and :func:`equity_table` skip rows whose value is missing (``n`` counts
  the rows used); the other functions raise on NaN.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

__all__ = ["EPSILON", "ZERO_POLICIES", "INDEX_COLUMNS", "GroupPart", "Decomposition", "gini",
           "theil_t", "theil_l", "theil_decomposition", "coefficient_of_variation",
           "max_min_ratio", "group_gap", "equity_indices", "equity_table"]

EPSILON = 1e-6
ZERO_POLICIES = ("floor", "drop")
INDEX_COLUMNS = ("gini", "theil_t", "theil_t_between", "theil_t_within", "theil_l",
                 "theil_l_between", "theil_l_within", "cv", "max_min", "gap_diff", "gap_ratio",
                 "mean", "n", "n_zero")


@dataclass(frozen=True)
class GroupPart:
    """One group (e.g. rural) in a Theil decomposition.

    ``share`` is its population share W_g, ``value_share`` its share of the total service
    S_g = W_g·μ_g/μ, ``mean`` its population-weighted level μ_g and ``index`` its own Theil
    index (T_g or L_g) computed among its villages only.
    """

    share: float
    value_share: float
    mean: float
    index: float


@dataclass(frozen=True)
class Decomposition:
    """Theil index = between + within; ``groups`` maps each group label to its :class:`GroupPart`.

    ``between / total`` is the part of inequality that would vanish if every group had the same
    mean level (the urban–rural gap); ``within`` is what remains inside the groups. ``zeros`` is
    the number of zero levels floored or dropped (Theil L only; 0 for T).
    """

    kind: str
    total: float
    between: float
    within: float
    groups: dict
    zeros: int = 0


# --- validation ---------------------------------------------------------------------------------
def _values(y, name: str = "y") -> np.ndarray:
    a = np.asarray(y, dtype=float)
    if a.ndim != 1 or a.size == 0:
        raise ValueError(f"{name} must be a non-empty 1-d sequence of numbers")
    if not np.all(np.isfinite(a)):
        raise ValueError(f"{name} must be finite (no NaN or inf)")
    if np.any(a < 0):
        raise ValueError(f"{name} must be non-negative")
    return a


def _weights(weights, n: int) -> np.ndarray:
    if weights is None:
        return np.ones(n)
    p = _values(weights, "weights")
    if p.size != n:
        raise ValueError(f"weights has {p.size} entries but y has {n}")
    if p.sum() <= 0:
        raise ValueError("weights (population) must not be all zero")
    return p


def _labels(groups, n: int) -> np.ndarray:
    labels = np.asarray(groups, dtype=object)
    if labels.shape != (n,):
        raise ValueError(f"groups has {labels.size} entries but y has {n}")
    return labels


def _zero_policy(zeros: str) -> None:
    if zeros not in ZERO_POLICIES:
        raise ValueError(f"zeros must be one of {ZERO_POLICIES}, got {zeros!r}")


# --- grouped kernels: y, p, gid (codes 0..k-1) -> one number per group, no Python loop -------
def _sum(gid, v, k):
    return np.bincount(gid, weights=v, minlength=k)


def _mean(y, p, gid, k):
    tot = _sum(gid, p, k)
    with np.errstate(invalid="ignore", divide="ignore"):
        return tot, _sum(gid, p * y, k) / tot


def _gini(y, p, gid, k):
    # Sorted ascending within a group, Σᵢ Σⱼ wᵢwⱼ|yᵢ − yⱼ| = 2 Σᵢ wᵢyᵢ (Cᵢ₋₁ + Cᵢ − 1), with
    # Cᵢ the cumulative weight up to and including i: each pair counted once, ties add 0.
    order = np.lexsort((y, gid))
    ys, ps, gs = y[order], p[order], gid[order]
    tot, mu = _mean(ys, ps, gs, k)
    before = np.concatenate(([0.0], np.cumsum(tot)))[gs]
    c_incl = np.cumsum(ps) - before
    num = _sum(gs, ps * ys * (2 * c_incl - ps - tot[gs]), k)
    with np.errstate(invalid="ignore", divide="ignore"):
        return num / (tot * tot * mu)


def _theil(kind, y, p, gid, k):
    """T: Σ p (y/μ) ln(y/μ) / Σp with 0·ln 0 = 0; L: Σ p ln(μ/y) / Σp (y > 0 here)."""
    tot, mu = _mean(y, p, gid, k)
    with np.errstate(invalid="ignore", divide="ignore"):
        r = y / mu[gid]
        term = np.where(y > 0, r * np.log(np.where(y > 0, r, 1.0)), 0.0) if kind == "T" \
            else -np.log(r)
        out = _sum(gid, p * term, k) / tot
    return np.where(mu > 0, out, np.nan), tot, mu


def _decompose(kind, y, p, gid, k, sub, m):
    """Total, between, within per group ``gid`` over sub-groups ``sub`` (codes 0..m-1).

    T: between = Σ S_g ln(μ_g/μ), within = Σ S_g T_g; L: between = Σ W_g ln(μ/μ_g),
    within = Σ W_g L_g. Empty or zero-mean sub-groups add nothing (0·ln 0 = 0).
    """
    total, tot, mu = _theil(kind, y, p, gid, k)
    part, ptot, pmu = _theil(kind, y, p, gid * m + sub, k * m)
    with np.errstate(invalid="ignore", divide="ignore"):
        w = (ptot / np.repeat(tot, m)).reshape(k, m)
        ratio = pmu.reshape(k, m) / mu[:, None]
        s = w * ratio
        has = (w > 0) & (ratio > 0)
        c, sign = (s, 1.0) if kind == "T" else (w, -1.0)
        between = np.where(has, sign * c * np.log(np.where(has, ratio, 1.0)), 0.0).sum(axis=1)
        within = np.where(has, c * part.reshape(k, m), 0.0).sum(axis=1)
    between[~(mu > 0)] = within[~(mu > 0)] = np.nan
    return total, between, within, (w, s, pmu, part)


def _for_l(y, p, zeros):
    """Apply the Theil L zero policy: (y, p, kept mask, number of zeros)."""
    nz = int(np.count_nonzero(y == 0))
    if zeros == "floor":
        return np.where(y > 0, y, EPSILON), p, np.ones(y.size, bool), nz
    keep = y > 0
    return y[keep], p[keep], keep, nz


# --- public, one set of villages ----------------------------------------------------------------
def gini(y, weights=None) -> float:
    """Population-weighted Gini: G = Σᵢ Σⱼ wᵢwⱼ|yᵢ − yⱼ| / (2μ), in [0, 1).

    G is half the mean absolute difference between two residents picked at random, relative to
    the mean. Gini 0.12: two residents' villages differ on average by 24% of the township level.
    0 means every resident's village has the same level. Computed in O(n log n) by sorting.

    >>> round(gini([1, 1, 4], [1, 1, 1]), 4)
    0.3333
    """
    y = _values(y)
    return float(_gini(y, _weights(weights, y.size), np.zeros(y.size, int), 1)[0])


def theil_t(y, weights=None) -> float:
    """Theil T = Σ wᵢ (yᵢ/μ) ln(yᵢ/μ), with 0·ln 0 = 0; 0 is equality, ln(n) the maximum.

    Most sensitive to the best-served villages. Below 0.05 is small, 0.1–0.2 marked. See
    :func:`theil_decomposition` for the urban–rural split.
    """
    y = _values(y)
    return float(_theil("T", y, _weights(weights, y.size), np.zeros(y.size, int), 1)[0][0])


def theil_l(y, weights=None, zeros: str = "floor") -> float:
    """Theil L (mean log deviation) = Σ wᵢ ln(μ / yᵢ); 0 is equality.

    The average over residents of how far (in logs) their village lies below the township
    level; most sensitive to the worst-served villages. L 0.05: the typical resident's village is
    about 5% below the mean. Zeros follow ``zeros`` ("floor" to 1e-6, or "drop"), see the module.
    """
    _zero_policy(zeros)
    y = _values(y)
    p = _weights(weights, y.size)
    yl, pl, _, _ = _for_l(y, p, zeros)
    if yl.size == 0 or np.dot(p, y) == 0:
        return float("nan")
    return float(_theil("L", yl, pl, np.zeros(yl.size, int), 1)[0][0])


def theil_decomposition(y, groups, weights=None, kind: str = "T",
                        zeros: str = "floor") -> Decomposition:
    """Split Theil T or L into between-group and within-group parts (total = between + within).

    T: between = Σ S_g ln(μ_g/μ), within = Σ S_g T_g, S_g = W_g μ_g/μ (value share).
    L: between = Σ W_g ln(μ/μ_g), within = Σ W_g L_g, W_g the population share.
    With groups urban / rural, ``between / total`` is the share of inequality due to the
    urban–rural gap: between 0.03 of total 0.05 means 60% would vanish with equal group means.
    """
    if kind not in ("T", "L"):
        raise ValueError(f"kind must be 'T' or 'L', got {kind!r}")
    _zero_policy(zeros)
    y = _values(y)
    p = _weights(weights, y.size)
    labels = _labels(groups, y.size)
    nz = 0
    if kind == "L":
        undefined = np.dot(p, y) == 0
        y, p, keep, nz = _for_l(y, p, zeros)
        labels = labels[keep]
        if y.size == 0 or undefined:
            nan = float("nan")
            return Decomposition(kind, nan, nan, nan, {}, nz)
    codes, uniques = pd.factorize(labels)
    if codes.size == 0 or np.any(codes < 0):
        raise ValueError("groups must have a label for every village (no missing values)")
    total, between, within, (w, s, pmu, part) = _decompose(
        kind, y, p, np.zeros(y.size, int), 1, codes, len(uniques))
    parts = {g: GroupPart(float(w[0, i]), float(s[0, i]), float(pmu[i]), float(part[i]))
             for i, g in enumerate(uniques)}
    return Decomposition(kind, float(total[0]), float(between[0]), float(within[0]), parts, nz)


def coefficient_of_variation(y, weights=None, ddof: int = 0) -> float:
    """Population-weighted sd / μ; with ``ddof=0`` (default) the *population* sd.

    sd² = Σ pᵢ (yᵢ − μ)² / (Σp − ddof): populations are frequency weights, so ``ddof=1`` gives
    the sample sd of the data with each village repeated pᵢ times. CV 0.20: the sd is 20% of μ.
    """
    y = _values(y)
    p = _weights(weights, y.size)
    mu = float(np.dot(p, y) / p.sum())
    if mu == 0 or p.sum() - ddof <= 0:
        return float("nan")
    return float(np.sqrt(np.dot(p, (y - mu) ** 2) / (p.sum() - ddof)) / mu)


def max_min_ratio(y, weights=None) -> float:
    """Best village level / worst. 3.0: the best-served has three times the worst.

    Only villages with residents count (weight > 0): a village of nobody weighs nothing in every
    other index here, and it changes no one's service. ``inf`` when the worst village has 0 and
    the best more; NaN when every village has 0.

    >>> round(max_min_ratio([0.0, 0.2, 0.6], [0, 100, 300]), 12)
    3.0
    """
    y = _values(y)
    y = y[_weights(weights, y.size) > 0]
    lo, hi = y.min(), y.max()
    if hi == 0:
        return float("nan")
    return float("inf") if lo == 0 else float(hi / lo)


def group_gap(y, groups, weights=None, urban="urban", rural="rural") -> tuple[float, float]:
    """(urban mean − rural mean, urban mean / rural mean), population-weighted group means.

    Coverage 0.82 vs 0.74 gives (0.08, 1.108): urban residents are 8 points, 10.8% better
    served. NaN for both when a group is absent; ratio inf when the rural mean is 0.
    """
    y = _values(y)
    p = _weights(weights, y.size)
    labels = _labels(groups, y.size)
    means = []
    for g in (urban, rural):
        m = labels == g
        means.append(np.dot(p[m], y[m]) / p[m].sum() if p[m].sum() > 0 else np.nan)
    u, r = means
    ratio = np.nan if np.isnan(u) or np.isnan(r) or u == r == 0 else (np.inf if r == 0 else u / r)
    return float(u - r), float(ratio)


def equity_indices(df: pd.DataFrame, value_col: str = "value", population_col: str = "population",
                   group_col: str = "area_group", zeros: str = "floor", urban="urban",
                   rural="rural") -> dict:
    """Every index of this module for one set of villages, keyed as :data:`INDEX_COLUMNS`.

    Rows with a missing value are skipped (``n`` counts the rows used, ``n_zero`` the zeros).
    """
    _require(df, [value_col, population_col, group_col])
    d = df[df[value_col].notna()]
    if d.empty:
        raise ValueError(f"{value_col}: no village has a value")
    y, p, g = d[value_col].to_numpy(float), d[population_col].to_numpy(float), d[group_col]
    dt = theil_decomposition(y, g, p, "T")
    dl = theil_decomposition(y, g, p, "L", zeros)
    diff, ratio = group_gap(y, g, p, urban, rural)
    return {"gini": gini(y, p), "theil_t": dt.total, "theil_t_between": dt.between,
            "theil_t_within": dt.within, "theil_l": dl.total, "theil_l_between": dl.between,
            "theil_l_within": dl.within, "cv": coefficient_of_variation(y, p),
            "max_min": max_min_ratio(y, p), "gap_diff": diff, "gap_ratio": ratio,
            "mean": float(np.dot(p, y) / p.sum()), "n": int(y.size), "n_zero": dl.zeros}


def _require(df: pd.DataFrame, cols) -> None:
    missing = [c for c in cols if c not in df.columns]
    if missing:
        raise ValueError(f"missing column(s): {', '.join(missing)}")


def equity_table(long_df: pd.DataFrame, zeros: str = "floor", urban="urban",
                 rural="rural") -> pd.DataFrame:
    """:func:`equity_indices` for many (period, domain_id) at once, vectorised over all rows.

    ``long_df`` columns: period, domain_id, village_id, value, population, area_group (a composite
    index is just another domain_id, e.g. "_index"). Returns one row per (period, domain_id),
    sorted, with the columns of :data:`INDEX_COLUMNS`.
    """
    _zero_policy(zeros)
    keys = ["period", "domain_id"]
    _require(long_df, keys + ["village_id", "value", "population", "area_group"])
    d = long_df[long_df["value"].notna()]
    y = _values(d["value"].to_numpy(float), "value")
    p = _values(d["population"].to_numpy(float), "population")
    if d["area_group"].isna().any():
        raise ValueError("area_group must have a label for every village (no missing values)")
    gid = d.groupby(keys, sort=True).ngroup().to_numpy()
    k = int(gid.max()) + 1 if gid.size else 0
    out = d[keys].iloc[np.unique(gid, return_index=True)[1]].reset_index(drop=True)
    sub, uniques = pd.factorize(d["area_group"])
    m = len(uniques)

    tot, mu = _mean(y, p, gid, k)
    if np.any(tot <= 0):
        raise ValueError("population must not be all zero in a (period, domain_id)")
    out["gini"] = _gini(y, p, gid, k)
    t, tb, tw, (_, _, pmu, _) = _decompose("T", y, p, gid, k, sub, m)
    yl, pl, keep, _ = _for_l(y, p, zeros)
    lt, lb, lw, _ = _decompose("L", yl, pl, gid[keep], k, sub[keep], m)
    lt[~(mu > 0)] = lb[~(mu > 0)] = lw[~(mu > 0)] = np.nan  # μ = 0 before flooring: undefined
    out["theil_t"], out["theil_t_between"], out["theil_t_within"] = t, tb, tw
    out["theil_l"], out["theil_l_between"], out["theil_l_within"] = lt, lb, lw
    with np.errstate(invalid="ignore", divide="ignore"):
        sd = np.sqrt(_sum(gid, p * (y - mu[gid]) ** 2, k) / tot)
        out["cv"] = sd / np.where(mu > 0, mu, np.nan)
        lo = np.full(k, np.inf)
        hi = np.zeros(k)
        np.minimum.at(lo, gid, y)
        np.maximum.at(hi, gid, y)
        out["max_min"] = np.where(hi == 0, np.nan, np.where(lo == 0, np.inf, hi / lo))
        pm, labels = pmu.reshape(k, m), list(uniques)
        u, r = (pm[:, labels.index(g)] if g in labels else np.full(k, np.nan)
                for g in (urban, rural))
        out["gap_diff"] = u - r
        out["gap_ratio"] = np.where((u == 0) & (r == 0), np.nan, u / r)
    out["mean"] = mu
    out["n"] = np.bincount(gid, minlength=k)
    out["n_zero"] = np.bincount(gid, weights=(y == 0).astype(float), minlength=k).astype(int)
    return out
