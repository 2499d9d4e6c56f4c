"""One village over time: its figures a year apart, and its party branch's task list in brief."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd

__all__ = ["PROFILE_METRICS", "history", "change_table", "TaskSummary", "task_summary"]

# The figures the profile follows over time (after the coverage of each domain).
PROFILE_METRICS = ("service_index", "response_rate", "on_time_rate", "satisfaction_rate",
                   "cases_per_10k", "overdue_at_end", "funding_per_resident", "staff_per_1000")


def history(tables: dict[str, pd.DataFrame], village_id: str, keys: list[str]) -> pd.DataFrame:
    """One row per period (index) with the village's ``keys`` from per-period village tables."""
    rows = {}
    for period, vt in sorted(tables.items()):
        mine = vt[vt["village_id"] == village_id]
        if not mine.empty:
            rows[period] = mine.iloc[0].reindex(keys)
    return pd.DataFrame.from_dict(rows, orient="index", columns=keys).astype(float)


def change_table(hist: pd.DataFrame, keys: list[str], months_back: int = 12) -> pd.DataFrame:
    """Per metric: value ``months_back`` months before the last period, the last value, change.

    Uses the earliest period available when the history is shorter. Columns: metric, before,
    now, change, before_period, now_period.
    """
    if hist.empty:
        return pd.DataFrame(columns=["metric", "before", "now", "change", "before_period", "now_period"])
    now_period = hist.index[-1]
    before_period = hist.index[max(0, len(hist) - 1 - months_back)]
    before, now = hist.loc[before_period], hist.loc[now_period]
    return pd.DataFrame({
        "metric": keys,
        "before": [before[k] for k in keys],
        "now": [now[k] for k in keys],
        "change": [now[k] - before[k] for k in keys],
        "before_period": before_period,
        "now_period": now_period,
    })


@dataclass(frozen=True)
class TaskSummary:
    total: int
    done: int
    open: int
    overdue: int          # not done and past due at ``as_of``
    done_late: int        # done after the due date
    done_without_evidence: int  # marked done with no evidence attached (trace formalism)


def task_summary(tasks: pd.DataFrame, as_of: date) -> TaskSummary:
    """Counts over a branch's tasks as of a date (tasks assigned after ``as_of`` are left out)."""
    t = tasks[pd.to_datetime(tasks["assigned_on"]).dt.date <= as_of]
    due = pd.to_datetime(t["due_on"]).dt.date
    completed = pd.to_datetime(t["completed_on"]).dt.date
    done = (t["status"] == "done") & completed.notna() & (completed <= as_of)
    return TaskSummary(
        total=len(t),
        done=int(done.sum()),
        open=int((~done).sum()),
        overdue=int((~done & (due < as_of)).sum()),
        done_late=int((done & (completed > due)).sum()),
        done_without_evidence=int((done & (t["evidence_count"] == 0)).sum()),
    )
