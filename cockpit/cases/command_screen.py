"""What the command screen lists: alerts and the latest cases, as plain tables."""

from __future__ import annotations

from datetime import datetime

import pandas as pd

__all__ = ["overdue_villages", "below_target", "case_state", "WALL_METRICS"]

# The KPI wall, left to right.
WALL_METRICS = ("service_index", "response_rate", "on_time_rate", "satisfaction_rate",
                "received", "open_at_end", "overdue_at_end", "cases_per_10k")


def overdue_villages(vt: pd.DataFrame) -> pd.DataFrame:
    """Villages with overdue cases at the month's end, most first: village_id, overdue_at_end."""
    out = vt[vt["overdue_at_end"] > 0][["village_id", "overdue_at_end"]]
    return out.sort_values(["overdue_at_end", "village_id"], ascending=[False, True]).reset_index(drop=True)


def below_target(vt: pd.DataFrame, key: str, target: float) -> pd.DataFrame:
    """Villages whose ``key`` is below ``target`` (unknown values are not alerts), worst first."""
    out = vt[vt[key].notna() & (vt[key] < target)][["village_id", key]]
    return out.sort_values([key, "village_id"]).reset_index(drop=True)


def case_state(cases: pd.DataFrame, as_of: datetime) -> pd.Series:
    """closed, overdue or open for each case on ``as_of``."""
    closed = cases["closed_at"].notna() & (pd.to_datetime(cases["closed_at"]) <= as_of)
    overdue = ~closed & (pd.to_datetime(cases["due_at"]) < as_of)
    return pd.Series(["closed" if c else "overdue" if o else "open" for c, o in zip(closed, overdue)],
                     index=cases.index)
