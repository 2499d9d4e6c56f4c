"""A village secretary's day: the cases to act on and the party tasks due, as of the newest data.

"Today" is the end of the chosen month, or the end of the data when that comes first (the same
moment the overdue list is taken at): on the sample, whose data ends with a month, the view reads
as that day would have.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import pandas as pd

from cockpit.values.case_filter import CaseFilter, Period
from cockpit.cases.overdue import case_list

__all__ = ["as_of", "due_soon", "tasks_due", "SOON_DAYS", "WEEK_DAYS"]

SOON_DAYS = 3   # an open case due within this many days is "due soon"
WEEK_DAYS = 7   # party tasks due within a week


def as_of(store, period: str) -> datetime:
    """The moment "today" stands for: the month's end, or the data's end when that comes first."""
    end = Period.of(period).bounds()[1]
    data_end = store.data_end()
    return min(end, data_end) if data_end else end


def due_soon(store, period: str, filt: CaseFilter | None = None, allowed: bool = False,
             days: int = SOON_DAYS) -> pd.DataFrame:
    """Open cases not yet overdue whose deadline falls within ``days`` of :func:`as_of`, soonest
    first, personal fields masked unless ``allowed``; column hours_left."""
    moment = as_of(store, period)
    rows = case_list(store, period, filt, "open", allowed, moment)
    due = pd.to_datetime(rows["due_at"])
    soon = rows[(due >= moment) & (due < moment + timedelta(days=days))].copy()
    soon["hours_left"] = (pd.to_datetime(soon["due_at"]) - moment).dt.total_seconds() / 3600
    return soon.sort_values(["due_at", "case_id"]).reset_index(drop=True)


def tasks_due(tasks: pd.DataFrame, moment: datetime, days: int = WEEK_DAYS) -> pd.DataFrame:
    """Party tasks not done whose due date is before ``moment`` + ``days`` (overdue ones included),
    earliest first; column days_left (negative: overdue)."""
    due = pd.to_datetime(tasks["due_on"])
    open_ = tasks["status"] != "done"
    out = tasks[open_ & (due < pd.Timestamp(moment) + pd.Timedelta(days=days))].copy()
    out["days_left"] = (pd.to_datetime(out["due_on"]) - pd.Timestamp(moment).normalize()).dt.days
    return out.sort_values(["due_on", "task_id"]).reset_index(drop=True)
