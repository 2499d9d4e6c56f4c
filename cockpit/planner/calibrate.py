"""Calibrating the planner's two responses on the township's own history.

Coverage (per domain d): ``coverage = 1 - (1 - base_v) * exp(-k_d * funding / population)`` with
funding in yuan a month, so ``log(1 - coverage) = alpha_v - k_d * x`` with ``x`` = funding per
resident. ``k_d`` is the within-village slope (village fixed effects absorb each village's base),
fitted by weighted least squares with weights ``(1 - coverage)^2`` (the variance of
``log(1 - coverage)`` grows as ``1 / (1 - coverage)^2``).

Case handling (per village and month, an M/M/c queue, :mod:`cockpit.planner.queueing`): arrivals
``lam`` = cases received a day, handlers = ``share * staff FTE``, each closing ``mu`` cases a day.
``mu`` and ``share`` minimise the squared error, weighted by cases, between the observed and the
queue's mean days to close: share on a grid, ``log mu`` by a bounded search at every share, all
shares at once (:mod:`cockpit.planner.bounded`), the model evaluated once per cell of rows it
cannot tell apart (same arrival rate, same whole handlers). Closed cases per staff-month would
understate ``mu``: staff are busy only part of the time, so throughput measures the load, not the
capacity.

Uncertainty comes from a bootstrap over villages (villages drawn with replacement, parameters
refitted over the whole grid of shares, 100 draws by default). Fit quality: R² in coverage (or
days) and a back-test, the error on the last ``holdout`` months when the parameters are fitted
on the months before.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from cockpit.planner.bounded import minimize_bounded
from cockpit.planner.queueing import handlers, mean_time

__all__ = ["CoverageFit", "QueueFit", "fit_coverage", "fit_queue", "coverage_slopes"]

_C_MAX = 0.995  # coverage is clipped below 1 before taking log(1 - coverage)
_MEAN_CAP = 90.0  # model days to close used in the fit when a month's queue is overloaded
_SHARES = np.round(np.arange(0.10, 1.0001, 0.01), 2)


@dataclass(frozen=True)
class CoverageFit:
    """Per domain: response rate ``k`` (per yuan per resident per month), its bootstrap draws
    ``k_draws`` (draws x domains), R² in coverage and the back-test mean absolute error (share)."""

    domains: tuple[str, ...]
    k: np.ndarray
    k_draws: np.ndarray
    r2: np.ndarray
    backtest_mae: np.ndarray
    holdout: int
    observations: int


@dataclass(frozen=True)
class QueueFit:
    """Handler rate ``mu`` (cases a day), case-handling ``share`` of staff, their bootstrap draws,
    R² of the mean days to close, back-test mean absolute error (days) and, for reference, the
    closed cases per staff FTE and month.

    The mean days to close pin the capacity per staff FTE, ``mu * share``, much better than its two
    factors: a faster handler and fewer handlers give nearly the same waits. The capacity's interval
    holds the truth in simulations (tests/planner/test_queue_calibration.py); ``mu``'s alone may not."""

    mu: float
    share: float
    mu_draws: np.ndarray
    share_draws: np.ndarray
    r2: float
    backtest_mae: float
    holdout: int
    observations: int
    closed_per_staff_month: float

    @property
    def capacity(self) -> float:
        """Cases a staff FTE can close a day when busy all the time: ``mu * share``."""
        return self.mu * self.share

    @property
    def capacity_draws(self) -> np.ndarray:
        return np.asarray(self.mu_draws) * np.asarray(self.share_draws)


def _village_stats(frame: pd.DataFrame) -> pd.DataFrame:
    """Per village: weighted sums for the within-village slope of y on x."""
    c = frame["coverage"].clip(upper=_C_MAX).to_numpy()
    d = pd.DataFrame({
        "v": frame["village_id"].to_numpy(),
        "x": (frame["funding_yuan"] / frame["population"]).to_numpy(),
        "y": np.log1p(-c),
        "w": (1.0 - c) ** 2,
    })
    d["wx"], d["wy"] = d["w"] * d["x"], d["w"] * d["y"]
    d["wxx"], d["wxy"] = d["wx"] * d["x"], d["wx"] * d["y"]
    g = d.groupby("v", sort=True)[["w", "wx", "wy", "wxx", "wxy"]].sum()
    g["sxx"] = g["wxx"] - g["wx"] ** 2 / g["w"]
    g["sxy"] = g["wxy"] - g["wx"] * g["wy"] / g["w"]
    return g


def coverage_slopes(history: pd.DataFrame) -> tuple[pd.Series, pd.DataFrame]:
    """``k`` per domain and each village's ``alpha`` (index village_id, columns domains)."""
    slopes, alphas = {}, {}
    for domain, part in history.groupby("domain_id", sort=True):
        g = _village_stats(part)
        k = -g["sxy"].sum() / g["sxx"].sum()
        slopes[domain] = k
        alphas[domain] = (g["wy"] + k * g["wx"]) / g["w"]
    return pd.Series(slopes), pd.DataFrame(alphas)


def _predict(history: pd.DataFrame, k: pd.Series, alpha: pd.DataFrame) -> np.ndarray:
    a = alpha.stack().rename("alpha").rename_axis(["village_id", "domain_id"]).reset_index()
    merged = history.merge(a, on=["village_id", "domain_id"], how="left")
    x = merged["funding_yuan"] / merged["population"]
    return (1.0 - np.exp(merged["alpha"] - merged["domain_id"].map(k) * x)).to_numpy()


def fit_coverage(history: pd.DataFrame, holdout: int = 3, draws: int = 200, seed: int = 0) -> CoverageFit:
    """Fit ``k`` per domain on ``history`` (period, village_id, domain_id, coverage, funding_yuan,
    population)."""
    history = history.sort_values(["period", "village_id", "domain_id"]).reset_index(drop=True)
    k, alpha = coverage_slopes(history)
    domains = tuple(k.index)
    fitted = _predict(history, k, alpha)
    r2 = []
    for domain in domains:
        mask = (history["domain_id"] == domain).to_numpy()
        obs = history.loc[mask, "coverage"].to_numpy()
        r2.append(1 - ((obs - fitted[mask]) ** 2).sum() / ((obs - obs.mean()) ** 2).sum())
    periods = sorted(history["period"].unique())
    mae = np.full(len(domains), np.nan)
    if len(periods) > holdout + 2:
        train = history[history["period"].isin(periods[:-holdout])]
        test = history[history["period"].isin(periods[-holdout:])].reset_index(drop=True)
        k_t, alpha_t = coverage_slopes(train)
        err = np.abs(_predict(test, k_t, alpha_t) - test["coverage"].to_numpy())
        mae = pd.Series(err).groupby(test["domain_id"]).mean().reindex(domains).to_numpy()
    # bootstrap over villages: the slope is a ratio of sums of per-village statistics
    rng = np.random.default_rng(seed)
    stats = {d: _village_stats(part) for d, part in history.groupby("domain_id", sort=True)}
    villages = stats[domains[0]].index
    picks = rng.multinomial(len(villages), np.full(len(villages), 1 / len(villages)), size=draws)
    k_draws = np.column_stack([
        -(picks @ stats[d].reindex(villages)["sxy"].to_numpy()) / (picks @ stats[d].reindex(villages)["sxx"].to_numpy())
        for d in domains
    ])
    return CoverageFit(domains=domains, k=k.to_numpy(), k_draws=k_draws, r2=np.array(r2),
                       backtest_mae=mae, holdout=holdout, observations=len(history))


def _queue_arrays(q: pd.DataFrame) -> tuple[np.ndarray, ...]:
    # each village's mean arrival rate: a month's count is too noisy a rate for a queue near capacity
    rate = (q["received"] / q["days"]).groupby(q["village_id"]).transform("mean")
    return rate.to_numpy(float), q["staff_fte"].to_numpy(float), q["mean_close_days"].to_numpy(float), \
        q["closed"].to_numpy(float)


def _model_mean(mu: float, share: float, lam, staff) -> np.ndarray:
    return np.minimum(mean_time(handlers(staff, share), lam, mu), _MEAN_CAP)


class _Cells:
    """Village-months grouped, for every share of staff, into cells the model cannot tell apart:
    rows with the same arrival rate and the same whole handlers.

    A cell's weighted squared error is its own spread around the cell mean plus its weight times
    the squared error of that mean, so the loss needs the queue model once per cell, not per row.
    Rows sorted by rate, then staff, keep each cell's rows adjacent at every share (handlers never
    fall as staff grows)."""

    def __init__(self, lam, staff, obs, weight, shares: np.ndarray):
        used = weight > 0          # a bootstrap weights rows by how often their village was drawn
        order = np.lexsort((staff[used], lam[used]))
        lam, staff, obs, weight = (x[used][order] for x in (lam, staff, obs, weight))
        c = handlers(staff[None, :], shares[:, None])                       # shares x rows
        first = np.ones(c.shape, dtype=bool)                                # the rows that open a cell
        first[:, 1:] = (lam[1:] != lam[:-1]) | (c[:, 1:] != c[:, :-1])
        start = np.flatnonzero(first)                                       # flat in shares x rows
        self.share, row = np.divmod(start, len(lam))
        self.lam, self.c = lam[row], c.ravel()[start]
        w = np.tile(weight, len(shares))
        self.weight = np.add.reduceat(w, start)
        self.mean = np.add.reduceat(w * np.tile(obs, len(shares)), start) / self.weight
        row_mean = self.mean[np.cumsum(first) - 1].reshape(c.shape)         # each row's cell mean
        self.spread = (weight * (obs - row_mean) ** 2).sum(axis=1)          # per share

    def loss(self, log_mu: np.ndarray, which: np.ndarray) -> np.ndarray:
        """Weighted squared error at ``mu = exp(log_mu)`` of the shares listed in ``which``."""
        searching = np.zeros(len(self.spread), dtype=bool)
        searching[which] = True
        mu = np.ones(len(self.spread))
        mu[which] = np.exp(log_mu)
        on = searching[self.share]
        model = np.minimum(mean_time(self.c[on], self.lam[on], mu[self.share[on]]), _MEAN_CAP)
        sq = np.bincount(self.share[on], self.weight[on] * (self.mean[on] - model) ** 2, len(mu))
        return self.spread[which] + sq[which]


def _solve(lam, staff, obs, weight, shares: np.ndarray = _SHARES) -> tuple[float, float]:
    """Best (mu, share): the loss is a step function of share (handlers are whole), so share is
    searched on a grid and ``log mu`` by a bounded scalar search for each share, all shares in
    lockstep; the first share with the least loss wins."""
    cells = _Cells(lam, staff, obs, weight, shares)
    log_mu, loss = minimize_bounded(cells.loss, len(shares), (np.log(0.02), np.log(10.0)), xatol=1e-4)
    loss = np.where(np.isnan(loss), np.inf, loss)
    best = int(np.argmin(loss))
    if not loss[best] < np.inf:
        return 1.0, 1.0
    return float(np.exp(log_mu[best])), float(shares[best])


def fit_queue(history: pd.DataFrame, holdout: int = 3, draws: int = 100, seed: int = 0) -> QueueFit:
    """Fit ``mu`` and ``share`` on ``history`` (period, village_id, days, received, staff_fte,
    closed, mean_close_days; see ``Store.queue_history``)."""
    q = history.dropna(subset=["mean_close_days"])
    q = q[(q["closed"] > 0) & (q["staff_fte"] > 0)].sort_values(["period", "village_id"]).reset_index(drop=True)
    if q.empty:   # no village-month with closed cases and staff: nothing to fit, said on the page
        one = np.ones(1)
        return QueueFit(mu=1.0, share=1.0, mu_draws=one, share_draws=one, r2=float("nan"),
                        backtest_mae=float("nan"), holdout=holdout, observations=0,
                        closed_per_staff_month=float("nan"))
    lam, staff, obs, weight = _queue_arrays(q)
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
    village_of, villages = pd.factorize(q["village_id"])
    drawn = []
    for _ in range(draws):
        times = np.bincount(rng.choice(len(villages), len(villages)), minlength=len(villages))
        drawn.append(_solve(lam, staff, obs, weight * times[village_of]))
    drawn = np.array(drawn, dtype=float).reshape(-1, 2)
    return QueueFit(
        mu=mu, share=share, mu_draws=drawn[:, 0], share_draws=drawn[:, 1],
        r2=float(r2), backtest_mae=mae, holdout=holdout, observations=len(q),
        closed_per_staff_month=float(q["closed"].sum() / (q["staff_fte"] * q["days"] / 30.4375).sum()),
    )
