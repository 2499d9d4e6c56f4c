"""Party-building review (党建引领): the responsibility list and the branch scoreboard.

Definitions, for a period [start, end] (a month or a quarter):

- due: tasks whose due date falls in the period;
- completion rate: of the tasks due, those completed by the end of the period;
- on-time rate: of the tasks due, those completed on or before their due date;
- overdue: tasks (due at any time) not completed and past due at the end of the period;
- done without evidence: tasks marked done with no evidence attached — flagged as possible
  trace formalism (痕迹形式主义), never hidden or changed.

A task counts as done only when its status is ``done`` and it has a completion date on or
before the day the figures are taken.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

__all__ = ["quarter_of", "quarter_bounds", "period_bounds", "trend_periods", "task_state",
           "responsibility_list", "scoreboard", "monthly_completion", "branch_trend", "township_trend",
           "weakest_branches", "TREND_BY", "STATES"]

STATES = ("overdue", "open", "done_late", "done")
TREND_BY = ("quarter", "month")  # quarter first: branches have a few tasks due a month
_BOARD_COLUMNS = ["branch_id", "village_id", "name_zh", "name_en", "due", "completed", "on_time",
                  "overdue", "no_evidence", "completion_rate", "on_time_rate", "score"]


def quarter_of(period: str) -> str:
    """The quarter ``YYYY-Qn`` containing month ``YYYY-MM``."""
    year, month = period.split("-")
    return f"{year}-Q{(int(month) - 1) // 3 + 1}"


def quarter_bounds(quarter: str) -> tuple[date, date]:
    """First and last day of ``YYYY-Qn``."""
    year, q = quarter.split("-Q")
    first_month = 3 * (int(q) - 1) + 1
    start = date(int(year), first_month, 1)
    end = (pd.Timestamp(start) + pd.offsets.QuarterEnd(0)).date()
    return start, end


def period_bounds(period: str) -> tuple[date, date]:
    """First and last day of month ``YYYY-MM`` or quarter ``YYYY-Qn``."""
    if "-Q" in period:
        return quarter_bounds(period)
    start = pd.Timestamp(f"{period}-01")
    return start.date(), (start + pd.offsets.MonthEnd(0)).date()


def trend_periods(months: list[str], by: str) -> list[str]:
    """The periods of a trend over ``months`` (``YYYY-MM``, in order): the months themselves, or
    the quarters holding them (each once, in order)."""
    if by not in TREND_BY:
        raise ValueError(f"by must be one of {TREND_BY}, not {by!r}")
    return list(months) if by == "month" else list(dict.fromkeys(quarter_of(m) for m in months))


def _dates(col: pd.Series) -> pd.Series:
    return pd.to_datetime(col, errors="coerce").dt.date


def task_state(tasks: pd.DataFrame, as_of: date) -> pd.Series:
    """Each task's state on ``as_of``: overdue, open, done_late or done (on time)."""
    due, completed = _dates(tasks["due_on"]), _dates(tasks["completed_on"])
    done = (tasks["status"] == "done") & completed.notna() & (completed <= as_of)
    state = np.where(done, np.where(completed > due, "done_late", "done"),
                     np.where(due < as_of, "overdue", "open"))
    return pd.Series(state, index=tasks.index)


def responsibility_list(tasks: pd.DataFrame, as_of: date) -> pd.DataFrame:
    """Tasks assigned by ``as_of`` with their state and flags, overdue first (oldest due first),
    then open, then done; ``no_evidence`` marks tasks done with zero evidence items."""
    t = tasks[_dates(tasks["assigned_on"]) <= as_of].copy()
    t["state"] = task_state(t, as_of)
    t["days_overdue"] = np.where(t["state"] == "overdue",
                                 [(as_of - d).days for d in _dates(t["due_on"])], 0)
    t["no_evidence"] = t["state"].isin(["done", "done_late"]) & (t["evidence_count"] == 0)
    order = t["state"].map({s: i for i, s in enumerate(STATES)})
    t = t.assign(_order=order, _due=_dates(t["due_on"]))
    return t.sort_values(["_order", "_due", "task_id"]).drop(columns=["_order", "_due"]).reset_index(drop=True)


def scoreboard(tasks: pd.DataFrame, branches: pd.DataFrame, assessments: pd.DataFrame,
               start: date, end: date, quarter: str | None = None) -> pd.DataFrame:
    """One row per branch: due, completed, completion_rate, on_time_rate, overdue,
    no_evidence and the assessment score of ``quarter`` (NaN when none)."""
    due, completed = _dates(tasks["due_on"]), _dates(tasks["completed_on"])
    done_by_end = (tasks["status"] == "done") & completed.notna() & (completed <= end)
    in_period = (due >= start) & (due <= end)
    frame = pd.DataFrame({
        "branch_id": tasks["branch_id"],
        "due": in_period,
        "completed": in_period & done_by_end,
        "on_time": in_period & done_by_end & (completed <= due),
        "overdue": ~done_by_end & (due < end) & (_dates(tasks["assigned_on"]) <= end),
        "no_evidence": done_by_end & (completed >= start) & (tasks["evidence_count"] == 0),
    })
    sums = frame.groupby("branch_id").sum().reindex(branches["branch_id"], fill_value=0)
    out = branches[["branch_id", "village_id", "name_zh", "name_en"]].set_index("branch_id").join(sums)
    out[["due", "completed", "on_time", "overdue", "no_evidence"]] = (
        out[["due", "completed", "on_time", "overdue", "no_evidence"]].astype(int))
    den = out["due"].where(out["due"] > 0)
    out["completion_rate"] = out["completed"] / den
    out["on_time_rate"] = out["on_time"] / den
    scores = assessments[assessments["quarter"] == quarter].set_index("branch_id")["score"] \
        if quarter else pd.Series(dtype=float)
    out["score"] = scores.reindex(out.index)
    return out.reset_index()


def monthly_completion(tasks: pd.DataFrame, periods: list[str]) -> pd.DataFrame:
    """Township completion and on-time rates of tasks due in each month (index: period)."""
    rows = {}
    for period in periods:
        start = pd.Timestamp(f"{period}-01").date()
        end = (pd.Timestamp(start) + pd.offsets.MonthEnd(0)).date()
        due, completed = _dates(tasks["due_on"]), _dates(tasks["completed_on"])
        in_period = (due >= start) & (due <= end)
        done = (tasks["status"] == "done") & completed.notna() & (completed <= end)
        n = int(in_period.sum())
        rows[period] = {
            "due": n,
            "completion_rate": (in_period & done).sum() / n if n else np.nan,
            "on_time_rate": (in_period & done & (completed <= due)).sum() / n if n else np.nan,
        }
    return pd.DataFrame.from_dict(rows, orient="index")


def branch_trend(tasks: pd.DataFrame, branches: pd.DataFrame, assessments: pd.DataFrame,
                 months: list[str], by: str = "month", as_of: date | None = None) -> pd.DataFrame:
    """The branch scoreboard (:func:`scoreboard`, same definitions) for each period of a trend:
    one row per period and branch, columns ``period`` (``YYYY-MM`` or ``YYYY-Qn``), the branch
    columns, due, completed, on_time, overdue, no_evidence, completion_rate, on_time_rate, score.

    ``by``: ``month`` or ``quarter`` (the quarters holding ``months``, whole quarters). A period is
    cut at ``as_of`` when it ends later (the current quarter is then quarter-to-date, as on the
    scoreboard). Counts of a quarter are the sums of its months' (due, completed, on_time); overdue
    is the stock at the period's end, so a quarter's equals its last month's. Rates are NaN for a
    branch with no task due in the period. Assessments are quarterly: a quarter carries its
    score, a month the score of the quarter it closes (March, June, September, December), other
    months none (NaN)."""
    frames = []
    for period in trend_periods(months, by):
        start, end = period_bounds(period)
        if as_of is not None:
            if as_of < start:
                continue
            end = min(end, as_of)
        if by == "quarter":
            quarter = period
        else:
            quarter = quarter_of(period) if int(period[5:7]) % 3 == 0 else None
        board = scoreboard(tasks, branches, assessments, start, end, quarter)
        frames.append(board.assign(period=period))
    if not frames:
        return pd.DataFrame(columns=["period", *_BOARD_COLUMNS])
    return pd.concat(frames, ignore_index=True)[["period", *_BOARD_COLUMNS]]


def township_trend(trend: pd.DataFrame) -> pd.DataFrame:
    """The township line of a :func:`branch_trend` (index: period): counts summed over the
    branches, rates from the sums (NaN with nothing due), ``overdue_per_branch`` the overdue
    count ÷ branches (a reference on a branch's scale), score the mean of the branches
    assessed."""
    by_period = trend.groupby("period", sort=False)
    sums = by_period[["due", "completed", "on_time", "overdue", "no_evidence"]].sum()
    den = sums["due"].where(sums["due"] > 0)
    sums["completion_rate"] = sums["completed"] / den
    sums["on_time_rate"] = sums["on_time"] / den
    sums["branches"] = by_period["branch_id"].nunique()
    sums["overdue_per_branch"] = sums["overdue"] / sums["branches"]
    sums["score"] = by_period["score"].mean()
    return sums


def weakest_branches(trend: pd.DataFrame, measure: str) -> list:
    """Branch ids of a :func:`branch_trend`, weakest first by ``measure`` in its last period: the
    lowest rate (``completion_rate``, ``on_time_rate``) or the most ``overdue``; a branch with
    nothing due in the last period (NaN) after the others; ties by branch id.

    >>> t = pd.DataFrame({"period": ["2026-Q3"] * 3, "branch_id": ["b1", "b2", "b3"],
    ...                   "completion_rate": [0.9, float("nan"), 0.4], "overdue": [0, 5, 2]})
    >>> weakest_branches(t, "completion_rate"), weakest_branches(t, "overdue")
    (['b3', 'b1', 'b2'], ['b2', 'b3', 'b1'])
    """
    last = trend[trend["period"] == trend["period"].max()]
    key = last[measure] if measure == "overdue" else -last[measure]
    order = last.assign(_key=key).sort_values(["_key", "branch_id"], ascending=[False, True], na_position="last")
    return list(order["branch_id"])
