"""Planted trace-formalism patterns (痕迹形式主义) for the data-quality checks to find.

Village A (the most populous ordinary rural village) carries patterns 1, 3 and 4; village B (the
next) carries 2, 5 and 6. Every changed row is listed in ``planted.csv`` (pattern, record_id,
village_id). Patterns:

1. ``bulk_quick_closure``: bursts of 8-10 cases on one day, each closed 1-5 minutes after receipt
   (3 months);
2. ``month_end_spike``: 60% of the cases received before the last two days of a month closed in
   those last two days (4 months);
3. ``closed_before_received``: 5 cases closed 2-72 hours before they were received;
4. ``identical_ratings``: runs of 8 ratings of 5 entered in the same minute (2 months);
5. ``copied_text``: one summary copied onto 5 cases a month (3 months);
6. ``task_done_no_evidence``: 10 tasks of branch B marked done with no evidence.

With the planter disabled nothing is changed and no row is listed.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from cockpit.sample.cases import DAY, Batch, CaseContext
from cockpit.sample.catalog import CATEGORIES
from cockpit.sample.csvio import NAT

__all__ = ["Planter", "PATTERNS"]

PATTERNS = ("bulk_quick_closure", "month_end_spike", "closed_before_received", "identical_ratings",
            "copied_text", "task_done_no_evidence")
_ROADS = [c.category_id for c in CATEGORIES].index("roads")


def _months(pool: list[int], k: int, avoid: set[int], rng: np.random.Generator) -> set[int]:
    """Pick up to ``k`` months from ``pool``, preferring those not in ``avoid``."""
    pref = [m for m in pool if m not in avoid]
    rest = [m for m in pool if m in avoid]
    pick = list(rng.permutation(pref))[:k]
    pick += list(rng.permutation(rest))[:k - len(pick)]
    return {int(m) for m in pick}


class Planter:
    """Schedules and applies the planted patterns; collects the planted rows.

    Parameters
    ----------
    ctx : CaseContext
        The run's case context (township, months, data end).
    rng : numpy.random.Generator
        The planter's own random stream (clean rows never depend on it).
    enabled : bool
        When false, every method is a no-op.
    """

    def __init__(self, ctx: CaseContext, rng: np.random.Generator, enabled: bool = True) -> None:
        self.ctx, self.rng, self.enabled = ctx, rng, enabled
        self.rows: list[tuple[str, str, str]] = []
        self.a, self.b = ctx.tw.planted
        vids = ctx.tw.villages["village_id"].to_numpy()
        self.vid_a, self.vid_b = str(vids[self.a]), str(vids[self.b])
        n_m = len(ctx.periods)
        pool = list(range(n_m - 1)) if n_m > 1 else [0]
        self.bulk = _months(pool, 3, set(), rng)
        self.ratings = _months(pool, 2, self.bulk, rng)
        self.spike = _months(pool, 4, set(), rng)
        self.copied = _months(pool, 3, self.spike, rng)
        self.before = np.bincount(rng.choice(pool, 5), minlength=n_m)
        place = ctx.tw.households.place[ctx.tw.households.start[self.b]]
        self.copy_text = f"{place}村民反映进村道路路面破损，出行不便，希望尽快处理。"

    def _record(self, pattern: str, ids, vid: str) -> None:
        self.rows += [(pattern, str(i), vid) for i in ids]

    def _free(self, b: Batch, v: int, mask=None) -> np.ndarray:
        ok = (b.vi == v) & ~b.used
        return np.flatnonzero(ok if mask is None else ok & mask)

    def closures(self, b: Batch) -> None:
        """Patterns 1-3: change receipt, acknowledgement and closure times (before :func:`finalize`)."""
        if not self.enabled:
            return
        rng, m, ctx = self.rng, b.m, self.ctx
        start, n_days = int(ctx.month_start[m]), int(ctx.days[m])
        if m in self.bulk:
            idx = self._free(b, self.a)[: int(rng.integers(8, 11))]
            day = start + int(rng.integers(1, n_days - 3)) * DAY
            t0 = day + int(rng.integers(9, 15)) * 3600
            rec = t0 + np.cumsum(rng.integers(60, 600, len(idx)))
            b.received[idx] = rec
            b.ack[idx] = rec + rng.integers(10, 50, len(idx))
            b.closed[idx] = rec + rng.integers(60, 300, len(idx))
            b.used[idx] = True
            self._record(PATTERNS[0], b.case_id[idx], self.vid_a)
        if m in self.spike:
            last2 = start + (n_days - 2) * DAY
            cand = self._free(b, self.b, b.received < last2)
            idx = np.sort(rng.permutation(cand)[: int(round(0.6 * len(cand)))])
            when = rng.integers(0, 2, len(idx)) * DAY + rng.integers(8 * 3600, 23 * 3600, len(idx))
            b.closed[idx] = last2 + when
            b.used[idx] = True
            self._record(PATTERNS[1], b.case_id[idx], self.vid_b)
        k = int(self.before[m])
        if k:
            cand = self._free(b, self.a)
            idx = np.sort(rng.permutation(cand)[:k])
            b.closed[idx] = b.received[idx] - rng.integers(2 * 3600, 72 * 3600, len(idx))
            b.ack[idx] = b.received[idx] + rng.integers(300, 3600, len(idx))
            b.no_rating[idx] = True
            b.used[idx] = True
            self._record(PATTERNS[2], b.case_id[idx], self.vid_a)

    def ratings_and_text(self, b: Batch) -> None:
        """Patterns 4-5: identical same-minute ratings and copied summaries (after :func:`finalize`)."""
        if not self.enabled:
            return
        rng, m, end = self.rng, b.m, self.ctx.end_ts
        if m in self.ratings:
            ok = (b.closed != NAT) & (b.closed >= b.received) & (b.closed <= end - 2 * DAY)
            cand = self._free(b, self.a, ok)
            idx = np.sort(cand[np.argsort(b.closed[cand], kind="stable")][:8])
            if len(idx):
                minute = (int(b.closed[idx].max()) + int(rng.integers(2 * 3600, 20 * 3600))) // 60 * 60
                minute = min(minute, (end - 60) // 60 * 60)
                b.satisfaction[idx] = 5
                b.rated[idx] = minute + np.sort(rng.integers(0, 60, len(idx)))
                b.used[idx] = True
                self._record(PATTERNS[3], b.case_id[idx], self.vid_a)
        if m in self.copied:
            cand = self._free(b, self.b)
            cand = cand[np.argsort(b.cat[cand] != _ROADS, kind="stable")]
            idx = np.sort(cand[:5])
            b.summary = b.summary.astype(object)
            b.summary[idx] = self.copy_text
            b.used[idx] = True
            self._record(PATTERNS[4], b.case_id[idx], self.vid_b)

    def tasks(self, tasks: pd.DataFrame, branch_b: str) -> pd.DataFrame:
        """Pattern 6: set evidence_count 0 on up to 10 done tasks of branch ``branch_b``."""
        if not self.enabled:
            return tasks
        done = np.flatnonzero((tasks["branch_id"] == branch_b).to_numpy() & (tasks["status"] == "done").to_numpy())
        idx = np.sort(self.rng.permutation(done)[:10])
        tasks = tasks.copy()
        tasks.loc[tasks.index[idx], "evidence_count"] = 0
        self._record(PATTERNS[5], tasks["task_id"].to_numpy()[idx], self.vid_b)
        return tasks

    def frame(self) -> pd.DataFrame:
        """The planted rows as a frame (pattern, record_id, village_id)."""
        return pd.DataFrame(self.rows, columns=["pattern", "record_id", "village_id"])
