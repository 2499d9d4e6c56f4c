"""The queue calibration as it was before issue 19, kept only to time and pin the new one against.

The Erlang C recursion ran in Python up to the largest handler count for every village-month,
and the fit ran one ``minimize_scalar`` per share of staff over every row (a bootstrap draw
repeating the rows of a village drawn twice). Same data, same steps, same results as
:func:`cockpit.planner.calibrate.fit_queue`, only slower: 80–200 s at county scale.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.optimize import minimize_scalar

from cockpit.planner.calibrate import QueueFit
from cockpit.planner.queueing import handlers

__all__ = ["erlang_c", "fit_queue"]

_MEAN_CAP = 90.0
_SHARES = np.round(np.arange(0.10, 1.0001, 0.01), 2)


def erlang_c(c, a) -> np.ndarray:
    """Probability of waiting by the Erlang B recursion, one step per handler up to the largest
    ``c`` (1 when ``a >= c``)."""
    c = np.asarray(c, dtype=np.int64)
    a = np.asarray(a, dtype=float)
    shape = np.broadcast(c, a).shape
    c, a = np.broadcast_to(c, shape), np.broadcast_to(a, shape)
    b = np.ones(shape)
    for k in range(1, int(c.max(initial=1)) + 1):
        step = a * b / (k + a * b)
        b = np.where(k <= c, step, b)
    stable = a < c
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(stable, c * b / (c - a * (1.0 - b)), 1.0)


def _model_mean(mu: float, share: float, lam, staff) -> np.ndarray:
    c = handlers(staff, share)
    theta = np.maximum(c, 1) * mu - lam
    with np.errstate(divide="ignore", invalid="ignore"):
        mean = np.where(theta > 0, 1.0 / mu + erlang_c(np.maximum(c, 1), lam / mu) / theta, np.inf)
    return np.minimum(np.where(c >= 1, mean, np.inf), _MEAN_CAP)


def _solve(lam, staff, obs, weight, shares=_SHARES) -> tuple[float, float]:
    best = (np.inf, 1.0, 1.0)
    for share in shares:
        res = minimize_scalar(
            lambda log_mu: float((weight * (obs - _model_mean(np.exp(log_mu), share, lam, staff)) ** 2).sum()),
            bounds=(np.log(0.02), np.log(10.0)), method="bounded", options={"xatol": 1e-4})
        if res.fun < best[0]:
            best = (res.fun, float(np.exp(res.x)), float(share))
    return best[1], best[2]


def fit_queue(history: pd.DataFrame, holdout: int = 3, draws: int = 40, seed: int = 0) -> QueueFit:
    """The old ``fit_queue``, step for step."""
    q = history.dropna(subset=["mean_close_days"])
    q = q[(q["closed"] > 0) & (q["staff_fte"] > 0)].sort_values(["period", "village_id"]).reset_index(drop=True)
    lam = (q["received"] / q["days"]).groupby(q["village_id"]).transform("mean").to_numpy(float)
    staff, obs, weight = (q[k].to_numpy(float) for k in ("staff_fte", "mean_close_days", "closed"))
    mu, share = _solve(lam, staff, obs, weight)
    pred = _model_mean(mu, share, lam, staff)
    r2 = 1 - (weight * (obs - pred) ** 2).sum() / (weight * (obs - np.average(obs, weights=weight)) ** 2).sum()
    periods = sorted(q["period"].unique())
    mae = float("nan")
    if len(periods) > holdout + 2:
        train = q["period"].isin(periods[:-holdout]).to_numpy()
        mu_t, share_t = _solve(lam[train], staff[train], obs[train], weight[train])
        test = ~train
        mae = float(np.average(np.abs(obs[test] - _model_mean(mu_t, share_t, lam[test], staff[test])),
                               weights=weight[test]))
    rng = np.random.default_rng(seed)
    villages = q["village_id"].unique()
    rows = {v: np.flatnonzero(q["village_id"].to_numpy() == v) for v in villages}
    near = _SHARES[np.abs(_SHARES - share) <= 0.15]
    drawn = []
    for _ in range(draws):
        idx = np.concatenate([rows[v] for v in rng.choice(villages, len(villages))])
        drawn.append(_solve(lam[idx], staff[idx], obs[idx], weight[idx], near))
    drawn = np.array(drawn, dtype=float).reshape(-1, 2)
    return QueueFit(
        mu=mu, share=share, mu_draws=drawn[:, 0], share_draws=drawn[:, 1],
        r2=float(r2), backtest_mae=mae, holdout=holdout, observations=len(q),
        closed_per_staff_month=float(q["closed"].sum() / (q["staff_fte"] * q["days"] / 30.4375).sum()),
    )
