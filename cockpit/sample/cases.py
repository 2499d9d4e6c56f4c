"""Citizen appeals (cases) of one month, drawn vectorized for all villages at once.

Per case: village, category (and its department), channel, receipt time (working hours weighted),
acknowledgement delay, time to close from the village's M/M/c queue (see :mod:`cockpit.sample.truth`),
resolution flag, satisfaction rating, place, summary and contact. Every random number of a case is
drawn before any planted pattern touches it, so a clean and a planted run share every clean row.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from cockpit.sample import texts
from cockpit.sample.catalog import CATEGORIES
from cockpit.sample.csvio import NAT, fmt_bool, fmt_ts
from cockpit.sample.names import given_pool
from cockpit.sample.queueing import Load
from cockpit.sample.truth import Truth
from cockpit.sample.villages import PHONE_PREFIXES, Township

__all__ = ["CaseContext", "Batch", "draw_month", "finalize", "case_frames", "add_working_time", "CHANNELS", "DAY"]

CHANNELS = np.array(["hotline", "app", "visit", "grid"], dtype=object)
DAY = 86_400
# relative weight of each hour of the day for receipts
_HOURS = np.array([0.2, 0.1, 0.1, 0.1, 0.1, 0.2, 0.5, 1.5, 5, 6, 6, 5,
                   2.5, 3, 5.5, 6, 5.5, 4.5, 3, 2.5, 2, 1.5, 1, 0.5])


@dataclass(frozen=True)
class CaseContext:
    """What every month needs: the township, its load, the truth and category lookups."""

    tw: Township
    load: Load
    truth: Truth
    month_start: np.ndarray      # int64 seconds of each month's first instant
    days: np.ndarray             # days in each month
    periods: list[str]
    end_ts: int                  # last second of the data (end of the last month)
    id_width: int
    cat_cum: np.ndarray = field(init=False)
    chan_cum: np.ndarray = field(init=False)
    text_table: tuple = field(init=False)

    def __post_init__(self) -> None:
        rem = self.tw.remoteness
        w = np.array([[c.weight * (1 + c.remote_tilt * (r - 0.5)) for c in CATEGORIES] for r in rem])
        w = np.clip(w, 1e-3, None)
        object.__setattr__(self, "cat_cum", np.cumsum(w / w.sum(1, keepdims=True), axis=1))
        sh = np.tile(np.array(self.truth.channel_shares), (len(rem), 1))
        sh[:, 1] *= np.clip(1 + self.truth.app_remote_slope * (0.5 - rem), 0.2, None)
        object.__setattr__(self, "chan_cum", np.cumsum(sh / sh.sum(1, keepdims=True), axis=1))
        object.__setattr__(self, "text_table", texts.summary_table([c.category_id for c in CATEGORIES]))


@dataclass
class Batch:
    """The cases of one month as aligned arrays (timestamps in int64 seconds, :data:`NAT` = NULL).

    ``used`` marks rows changed by a planted pattern; ``no_rating`` suppresses a rating.
    ``resolved`` is 1/0/-1 (NULL); ``satisfaction`` 0 means not rated.
    """

    m: int
    vi: np.ndarray
    cat: np.ndarray
    channel: np.ndarray
    hh: np.ndarray
    received: np.ndarray
    ack: np.ndarray
    closed: np.ndarray
    u: dict[str, np.ndarray]
    used: np.ndarray
    no_rating: np.ndarray
    case_id: np.ndarray | None = None
    due: np.ndarray | None = None
    resolved: np.ndarray | None = None
    satisfaction: np.ndarray | None = None
    rated: np.ndarray | None = None
    summary: np.ndarray | None = None

    def __len__(self) -> int:
        return len(self.vi)


def _pick(cum: np.ndarray, u: np.ndarray) -> np.ndarray:
    """Row-wise inverse CDF: index of the first cumulative share above ``u``."""
    return np.minimum((u[:, None] >= cum).sum(1), cum.shape[1] - 1)


def add_working_time(ts: np.ndarray, days: np.ndarray, start_h: int = 8, end_h: int = 20) -> np.ndarray:
    """Add ``days`` working days to instants ``ts``; a working day is ``start_h``-``end_h`` (any weekday).

    Instants outside working hours first move to the next working instant, so results always fall
    inside working hours and are at least ``days`` working days later.
    """
    span = (end_h - start_h) * 3600
    day, sod = ts // DAY, ts % DAY
    work = day * span + np.clip(sod - start_h * 3600, 0, span)
    work = work + np.round(np.asarray(days) * span).astype(np.int64)
    return work // span * DAY + start_h * 3600 + work % span


def draw_month(ctx: CaseContext, m: int, rng: np.random.Generator) -> Batch:
    """Draw the cases received in month ``m``, sorted by receipt time, with ids assigned."""
    t, load, hh = ctx.truth, ctx.load, ctx.tw.households
    counts = load.counts[:, m]
    n = int(counts.sum())
    vi = np.repeat(np.arange(len(counts)), counts)
    n_days = int(ctx.days[m])
    dow = (ctx.month_start[m] // DAY + 3 + np.arange(n_days)) % 7  # 0 = Monday
    dw = np.where(dow >= 5, 0.55, 1.0)
    day = rng.choice(n_days, n, p=dw / dw.sum())
    hour = rng.choice(24, n, p=_HOURS / _HOURS.sum())
    received = ctx.month_start[m] + day * DAY + hour * 3600 + rng.integers(0, 3600, n)
    cat = _pick(ctx.cat_cum[vi], rng.random(n))
    channel = _pick(ctx.chan_cum[vi], rng.random(n))
    resp = np.array([c.response_hours for c in CATEGORIES])[cat]
    ack_h = resp * np.exp(rng.normal(t.ack_log_mu0 + t.ack_log_mu_remote * ctx.tw.remoteness[vi], t.ack_log_sd))
    mu = t.mu_per_staff_day
    c, lam = load.servers[vi, m], load.lam[vi, m]
    waits = rng.random(n) < load.p_wait[vi, m]
    wait = np.where(waits, rng.exponential(1.0, n) / (c * mu - lam), 0.0)
    close_days = t.min_close_hours / 24 + rng.exponential(1.0 / mu, n) + wait
    household = hh.start[vi] + (rng.random(n) * hh.count[vi]).astype(np.int64)
    keys = ("resolved", "rated", "sat", "level", "delay", "text", "contact", "given", "phone")
    u = {k: rng.random(n) for k in keys}
    order = np.argsort(received, kind="stable")
    received = received[order]
    b = Batch(m=m, vi=vi[order], cat=cat[order], channel=channel[order], hh=household[order],
              received=received, ack=received + np.round(ack_h[order] * 3600).astype(np.int64),
              closed=add_working_time(received, close_days[order]),
              u={k: a[order] for k, a in u.items()}, used=np.zeros(n, bool), no_rating=np.zeros(n, bool))
    prefix = "QX" + ctx.periods[m].replace("-", "")
    serial = np.strings.zfill(np.arange(1, n + 1).astype(str), ctx.id_width) if n else np.array([], str)
    b.case_id = np.strings.add(prefix, serial)
    return b


def finalize(ctx: CaseContext, b: Batch) -> None:
    """Derive due date, open state at the data end, resolution, rating and summary (in place)."""
    t = ctx.truth
    sla = np.array([c.days_to_close for c in CATEGORIES])[b.cat]
    b.due = b.received + sla * DAY
    fwd = b.closed >= b.received
    b.ack = np.where(fwd, np.minimum(b.ack, b.received + (b.closed - b.received) // 2), b.ack)
    b.closed = np.where(b.closed > ctx.end_ts, NAT, b.closed)
    b.ack = np.where(b.ack > ctx.end_ts, NAT, b.ack)
    closed = b.closed != NAT
    ur = b.u["resolved"]
    b.resolved = np.where(~closed, -1, np.where(ur < t.resolved_true, 1,
                                                np.where(ur < t.resolved_true + t.resolved_false, 0, -1)))
    days = np.where(closed, b.closed - b.received, 0) / DAY
    p_sat = 1.0 / (1.0 + np.exp(-(t.sat_a - t.sat_b * days)))
    satisfied = b.u["sat"] < p_sat
    lv = b.u["level"]
    level = np.where(satisfied, np.where(lv < 0.6, 5, 4), np.where(lv < 0.2, 1, np.where(lv < 0.5, 2, 3)))
    lo, hi = t.rating_delay_days  # follow-up call 1-3 days later, 09:00-18:00
    span = int(hi - lo + 1)
    k = (b.u["delay"] * span).astype(np.int64)
    tod = ((b.u["delay"] * span - k) * 9 * 3600).astype(np.int64)
    rated = b.closed - b.closed % DAY + (int(lo) + k) * DAY + 9 * 3600 + tod
    has = closed & (b.u["rated"] < t.rated_share) & ~b.no_rating & (rated <= ctx.end_ts)
    b.satisfaction = np.where(has, level, 0)
    b.rated = np.where(has, rated, NAT)
    hh = ctx.tw.households
    urban = (ctx.tw.villages["area_group"].to_numpy() == "urban")[b.vi]
    b.summary = texts.summaries(hh.place[b.hh], b.cat, urban, b.u["text"], ctx.text_table)


def case_frames(ctx: CaseContext, b: Batch) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The rows of the cases and case_contacts tables for a finalized batch."""
    vil, hh = ctx.tw.villages, ctx.tw.households
    closed = b.closed != NAT
    sat = pd.array(b.satisfaction, dtype="Int16")
    sat[b.satisfaction == 0] = pd.NA
    cases = pd.DataFrame({
        "case_id": b.case_id,
        "village_id": vil["village_id"].to_numpy()[b.vi],
        "category_id": np.array([c.category_id for c in CATEGORIES], dtype=object)[b.cat],
        "department_id": np.array([c.department_id for c in CATEGORIES], dtype=object)[b.cat],
        "channel": CHANNELS[b.channel],
        "received_at": fmt_ts(b.received),
        "acknowledged_at": fmt_ts(b.ack),
        "due_at": fmt_ts(b.due),
        "closed_at": fmt_ts(b.closed),
        "status": np.where(closed, "closed", "open").astype(object),
        "resolved": fmt_bool(b.resolved),
        "satisfaction": sat,
        "rated_at": fmt_ts(b.rated),
        "lon": hh.lon[b.hh],
        "lat": hh.lat[b.hh],
        "summary": b.summary,
    })
    head = b.u["contact"] < 0.75  # the household head calls; otherwise another family member
    giv = given_pool()
    other = np.strings.add(np.strings.slice(hh.head[b.hh], 0, 1), giv[(b.u["given"] * len(giv)).astype(np.int64)])
    pu = b.u["phone"] * len(PHONE_PREFIXES)
    pi = pu.astype(np.int64)
    other_phone = (PHONE_PREFIXES[pi] * 100_000_000 + ((pu - pi) * 1e8).astype(np.int64)).astype(str)
    contacts = pd.DataFrame({
        "case_id": b.case_id,
        "citizen_name": np.where(head, hh.head[b.hh], other),
        "phone": np.where(head, hh.phone[b.hh], other_phone),
        "address": hh.address[b.hh],
    })
    return cases, contacts
