"""What a projection means: per-village before and after, who gains and who loses, the equality
indices before and after, and what a percentage point of coverage costs."""

from __future__ import annotations

import numpy as np
import pandas as pd

from cockpit.planner.baseline import Baseline
from cockpit.planner.project import Moves, Projection

__all__ = ["village_frame", "equity_frame", "gainers_losers", "cost_per_point", "moved_wan", "EQUITY_ROWS",
           "CHANGE_TOLERANCE"]

EQUITY_ROWS = ("gini", "theil_t", "theil_between", "theil_within", "gap", "gap_ratio", "min")
CHANGE_TOLERANCE = 1e-4  # a change of coverage or on-time share below 0.01 point is no change


def village_frame(baseline: Baseline, before: Projection, after: Projection, moves: Moves) -> pd.DataFrame:
    """One row per village: coverage by domain after, village coverage and on-time share before and
    after with their change and the after's 80% band (``*_after_low``, ``*_after_high``), handlers,
    backlog growth and the moves."""
    frame = pd.DataFrame({"village_id": baseline.village_ids, "population": baseline.population,
                          "area_group": baseline.area_group})
    for j, domain in enumerate(baseline.domains):
        frame[f"coverage:{domain}"] = after.coverage[:, j]
    frame["coverage_before"] = before.village_coverage
    frame["coverage_after"] = after.village_coverage
    frame["coverage_change"] = after.village_coverage - before.village_coverage
    frame["coverage_after_low"], frame["coverage_after_high"] = after.village_coverage_band
    frame["on_time_before"] = before.on_time
    frame["on_time_after"] = after.on_time
    frame["on_time_change"] = after.on_time - before.on_time
    frame["on_time_after_low"], frame["on_time_after_high"] = after.on_time_band
    frame["handlers_before"] = before.handlers
    frame["handlers_after"] = after.handlers
    frame["backlog_after"] = after.backlog_per_month
    frame["funding_change_wan"] = moves.funding_wan.sum(axis=1)
    frame["staff_change_fte"] = moves.staff_fte
    return frame


def equity_frame(before: Projection, after: Projection) -> pd.DataFrame:
    """Index, before, after and change of the equality indices of village coverage."""
    rows = [(key, before.equity[key], after.equity[key]) for key in EQUITY_ROWS]
    frame = pd.DataFrame(rows, columns=["index", "before", "after"])
    frame["change"] = frame["after"] - frame["before"]
    return frame


def gainers_losers(frame: pd.DataFrame, column: str = "coverage_change") -> tuple[pd.DataFrame, pd.DataFrame]:
    """Villages whose ``column`` rose, largest first, and those whose it fell, largest fall first."""
    gain = frame[frame[column] > CHANGE_TOLERANCE].sort_values(column, ascending=False)
    loss = frame[frame[column] < -CHANGE_TOLERANCE].sort_values(column)
    return gain, loss


def moved_wan(moves: Moves) -> float:
    """Funding moved or added, 万元 a year: the sum of the increases."""
    return float(np.clip(moves.funding_wan, 0, None).sum())


def cost_per_point(moves: Moves, before: Projection, after: Projection) -> float:
    """万元 a year moved or added per percentage point of township coverage gained; NaN without a gain."""
    gained = (after.township_coverage - before.township_coverage) * 100
    if gained <= CHANGE_TOLERANCE * 100:
        return float("nan")
    return moved_wan(moves) / gained
