"""The 条块 matrix: departments (条, rows) × villages (块, columns) for a joint meeting.

Values are counts (overdue or open at the period's end, due, received) or rates (on-time or
closure rate of the cases due in the period, NaN where nothing was due). A click on a cell
becomes a filter with :func:`cell_filter`, which narrows the case list to that pair.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from cockpit.values.case_filter import CaseFilter

__all__ = ["MATRIX_VALUES", "matrix", "worst_villages", "department_village_matrix", "cell_filter"]

# value -> (numerator column, denominator column or None for a count)
MATRIX_VALUES: dict[str, tuple[str, str | None]] = {
    "overdue_at_end": ("overdue_at_end", None),
    "open_at_end": ("open_at_end", None),
    "due": ("due", None),
    "received": ("received", None),
    "on_time_rate": ("on_time_of_due", "due"),
    "closure_rate": ("closed_of_due", "due"),
}


def matrix(cells: pd.DataFrame, value: str = "overdue_at_end", departments=None,
           villages=None) -> pd.DataFrame:
    """Wide frame, index department_id, columns village_id, from ``Store.case_counts_matrix``.

    ``departments`` / ``villages`` (lists of ids) fix the rows and columns and their order
    (e.g. every department and village, for a stable heatmap); by default those with cases.
    Counts are 0 and rates NaN in cells without cases.
    """
    try:
        num, den = MATRIX_VALUES[value]
    except KeyError:
        raise ValueError(f"value must be one of {sorted(MATRIX_VALUES)}, got {value!r}") from None
    frame = cells.copy()
    if den is None:
        frame["_v"] = frame[num].astype(float)
    else:
        d = frame[den].astype(float)
        frame["_v"] = frame[num].astype(float) / d.where(d != 0, np.nan)
    wide = frame.pivot_table(index="department_id", columns="village_id", values="_v",
                             aggfunc="first", dropna=False)
    rows = sorted(frame["department_id"].unique()) if departments is None else list(departments)
    cols = sorted(frame["village_id"].unique()) if villages is None else list(villages)
    wide = wide.reindex(index=rows, columns=cols)
    if den is None:
        wide = wide.fillna(0).astype(int)
    wide.index.name, wide.columns.name = "department_id", "village_id"
    return wide


def worst_villages(wide: pd.DataFrame, value: str, n: int, keep=()) -> pd.DataFrame:
    """The ``n`` columns (villages) of :func:`matrix` ``wide`` that need attention first, in their
    original order: the most ``value`` summed over departments for a count, the lowest mean of the
    departments' rates for a rate (villages with nothing due last). Villages in ``keep`` (e.g. a picked cell's)
    are always kept. A heatmap of 300 villages is unreadable and slow to draw; this is its top.

    >>> w = pd.DataFrame({"a": [1, 0], "b": [5, 2], "c": [0, 0], "d": [3, 3]}, index=["x", "y"])
    >>> list(worst_villages(w, "overdue_at_end", 2).columns)
    ['b', 'd']
    >>> list(worst_villages(w, "overdue_at_end", 2, keep=["a"]).columns)
    ['a', 'b', 'd']
    >>> r = pd.DataFrame({"a": [0.9, None], "b": [0.5, 1.0], "c": [None, None]}, index=["x", "y"])
    >>> list(worst_villages(r, "on_time_rate", 1).columns)
    ['b']
    """
    if value not in MATRIX_VALUES:
        raise ValueError(f"value must be one of {sorted(MATRIX_VALUES)}, got {value!r}")
    if len(wide.columns) <= n:
        return wide
    if MATRIX_VALUES[value][1] is None:
        order = wide.sum(axis=0).sort_values(ascending=False, kind="stable")
    else:  # the mean over departments with cases due; a village with none goes last
        order = wide.mean(axis=0, skipna=True).sort_values(ascending=True, kind="stable", na_position="last")
    chosen = set(order.index[:n]) | (set(keep) & set(wide.columns))
    return wide[[c for c in wide.columns if c in chosen]]


def department_village_matrix(store, period, filt: CaseFilter | None = None,
                              value: str = "overdue_at_end", departments=None,
                              villages=None) -> pd.DataFrame:
    """:func:`matrix` of ``Store.case_counts_matrix(period, filt)``."""
    return matrix(store.case_counts_matrix(period, filt), value, departments, villages)


def cell_filter(base: CaseFilter | None, department_id: str, village_id: str) -> CaseFilter:
    """``base`` narrowed to one department and one village (a clicked cell)."""
    base = base or CaseFilter()
    return base.with_(department_ids=(department_id,), village_ids=(village_id,))
