"""Trace-formalism (痕迹形式主义) checks: patterns that suggest fabricated case data.

Every check flags rows and never changes or drops one; it returns a :class:`Finding`. The
checks and their defaults (calibrated on the sample township, where they find exactly the
planted rows, and on clean generated townships, where they find none):

- ``closed_before_received``: closed_at earlier than received_at;
- ``quick_closure_burst``: closed within ``minutes`` (10) of receipt, in a village-day with
  ``burst`` (5) or more such closures (one quick closure can be genuine; a batch is not);
- ``month_end_spike``: in a village-month with ``min_closures`` (10) or more closures, the share
  closed in the last ``days`` (2) days is at least ``min_ratio`` (3) times the expected share
  days / days-in-month, and a binomial test rejects that expectation: P(X ≥ k | n, p) ≤
  ``alpha`` / m (Bonferroni over the m village-months tested, ``alpha`` = 0.01, so a clean
  township raises a false spike in at most 1% of views). The flagged rows are that
  village-month's closures in its last days (they include the genuine ones: the row set is
  where to look, not a verdict on each row);
- ``identical_ratings``: ``run`` (5) or more identical ratings entered in the same minute in
  one village;
- ``copied_text``: the exact (trimmed) summary shared by ``copies`` (5) or more cases received
  in a chain with gaps of at most ``gap_days`` (30). Generated texts repeat (a household raises
  the same problem again), but with place and wording the full text repeats at most 2-3 times
  over two years of the sample, and not within weeks;
- ``task_without_evidence``: a party task marked done with no evidence attached.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy.special import betainc

from cockpit.values.case_filter import CaseFilter

__all__ = ["Finding", "CHECKS", "closed_before_received", "quick_closure_bursts",
           "month_end_spikes", "identical_ratings", "copied_text", "tasks_without_evidence",
           "run_checks", "findings_table"]


@dataclass(frozen=True)
class Finding:
    """The result of one check.

    Attributes
    ----------
    check : str
        Check name (a key of CHECKS).
    count : int
        Rows flagged (cases; tasks for task_without_evidence).
    villages : tuple of str
        Village ids involved, most rows first.
    examples : DataFrame
        Up to ``max_examples`` flagged rows with the columns that show the pattern.
    record_ids : tuple of str
        Ids of every flagged row (case_id, or task_id).
    parameters : dict
        The thresholds used.
    """

    check: str
    count: int
    villages: tuple[str, ...]
    examples: pd.DataFrame = field(repr=False)
    record_ids: tuple[str, ...] = field(repr=False)
    parameters: dict = field(default_factory=dict)


def _finding(check: str, rows: pd.DataFrame, max_examples: int, **parameters) -> Finding:
    per_village = rows["village_id"].value_counts()
    villages = tuple(sorted(per_village.index, key=lambda v: (-int(per_village[v]), v)))
    return Finding(check=check, count=len(rows), villages=villages,
                   examples=rows.head(max_examples).reset_index(drop=True),
                   record_ids=tuple(rows["case_id"].astype(str)), parameters=parameters)


def closed_before_received(store, period=None, filt: CaseFilter | None = None,
                           max_examples: int = 20) -> Finding:
    """Cases closed before they were received (received in ``period``; None = all data)."""
    rows = store.quality_closed_before_received(period, filt)
    return _finding("closed_before_received", rows, max_examples)


def quick_closure_bursts(store, period=None, filt: CaseFilter | None = None, minutes: float = 10,
                         burst: int = 5, max_examples: int = 20) -> Finding:
    """Closures within ``minutes`` of receipt, ``burst`` or more in one village on one day."""
    rows = store.quality_quick_closures(period, filt, minutes, burst)
    return _finding("quick_closure_burst", rows, max_examples, minutes=minutes, burst=burst)


def binomial_tail(k, n, p) -> np.ndarray:
    """P(X ≥ k) for X ~ Binomial(n, p): the regularized incomplete beta I_p(k, n − k + 1) for
    1 ≤ k ≤ n (1 below, 0 above). The same figure as scipy.stats.binom.sf(k - 1, n, p), without
    importing scipy.stats (about 1 s).

    >>> float(binomial_tail(3, 10, 0.1).round(6))
    0.070191
    """
    k, n = np.asarray(k, dtype=float), np.asarray(n, dtype=float)
    inside = betainc(np.clip(k, 1, None), np.clip(n - k + 1, 1, None), p)
    return np.where(k <= 0, 1.0, np.where(k > n, 0.0, inside))


def month_end_spikes(store, period=None, filt: CaseFilter | None = None, days: int = 2,
                     min_closures: int = 10, min_ratio: float = 3.0, alpha: float = 0.01,
                     max_examples: int = 20) -> Finding:
    """Village-months whose closures pile up in the month's last ``days`` days (see module)."""
    stats = store.quality_month_end_stats(period, filt, days)
    if len(stats):
        p0 = days / stats["days_in_month"].astype(float)
        n, k = stats["closures"].astype(int), stats["closures_last_days"].astype(int)
        stats["expected_share"] = p0
        stats["share"] = k / n
        stats["p_value"] = binomial_tail(k, n, p0)
        tested = n >= min_closures
        limit = alpha / max(int(tested.sum()), 1)
        hit = tested & (stats["share"] >= min_ratio * p0) & (stats["p_value"] <= limit)
        spikes = stats[hit]
    else:
        spikes = stats
    keys = list(zip(spikes["village_id"], spikes["month"]))
    rows = store.quality_month_end_rows(keys, filt, days) if keys else pd.DataFrame(
        columns=["case_id", "village_id", "month", "received_at", "closed_at"])
    if len(rows):
        cols = ["village_id", "month", "closures", "closures_last_days", "share", "expected_share",
                "p_value"]
        rows = rows.merge(spikes[cols], on=["village_id", "month"], how="left")
    return _finding("month_end_spike", rows, max_examples, days=days, min_closures=min_closures,
                    min_ratio=min_ratio, alpha=alpha)


def identical_ratings(store, period=None, filt: CaseFilter | None = None, run: int = 5,
                      max_examples: int = 20) -> Finding:
    """``run`` or more identical ratings entered in the same minute in one village."""
    rows = store.quality_rating_runs(period, filt, run)
    return _finding("identical_ratings", rows, max_examples, run=run)


def copied_text(store, period=None, filt: CaseFilter | None = None, copies: int = 5,
                gap_days: int = 30, max_examples: int = 20) -> Finding:
    """The same summary on ``copies`` or more cases received close together (see module)."""
    rows = store.quality_copied_text(period, filt, copies, gap_days)
    return _finding("copied_text", rows, max_examples, copies=copies, gap_days=gap_days)


def tasks_without_evidence(store, period=None, filt: CaseFilter | None = None,
                           max_examples: int = 20) -> Finding:
    """Party tasks marked done with no evidence (ids in record_ids are task ids)."""
    rows = store.quality_tasks_without_evidence(period, filt)
    return _finding("task_without_evidence", rows, max_examples)


CHECKS = {
    "closed_before_received": closed_before_received,
    "quick_closure_burst": quick_closure_bursts,
    "month_end_spike": month_end_spikes,
    "identical_ratings": identical_ratings,
    "copied_text": copied_text,
    "task_without_evidence": tasks_without_evidence,
}
"""Check name -> function(store, period=None, filt=None, ...) -> Finding."""


def run_checks(store, period=None, filt: CaseFilter | None = None,
               checks=tuple(CHECKS)) -> list[Finding]:
    """Run the named checks (all by default) with their default thresholds."""
    return [CHECKS[name](store, period, filt) for name in checks]


def findings_table(findings: list[Finding]) -> pd.DataFrame:
    """The panel's summary: check, count, villages (comma-separated ids), parameters."""
    return pd.DataFrame([
        dict(check=f.check, count=f.count, villages=", ".join(f.villages),
             parameters=", ".join(f"{k}={v}" for k, v in f.parameters.items()))
        for f in findings
    ], columns=["check", "count", "villages", "parameters"])
