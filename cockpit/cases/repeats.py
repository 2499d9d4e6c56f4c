"""Repeat appeals: the same caller, or the same place and category, within 30 days.

A repeat means the first appeal did not solve the problem; a repeat received after an earlier
case of the same caller or place (received in the ``days`` before it) was closed signals a case
"closed without being solved" (repeats_after_closure counts such cases of a group).

- caller: the same phone number (digits only, so 138-1234-1234 is 13812341234). Numbers are
  compared inside the store; the only trace of the number in the result is ``key``, the first
  12 hex characters of its salted SHA-256 hash (SALT below);
- place: the same village and category, and the same ~200 m grid cell of the case's
  coordinates (cases without coordinates: the same village and category). A grid cell rather
  than a pairwise "within 200 m": one linear pass over millions of cases, and no chaining of
  neighbours into village-wide groups; two cases a few metres apart across a cell edge are
  not matched.

Consecutive cases of a group are at most ``days`` (30) apart. A group is reported when it has
2 or more cases and its last case was received in the period (the ``days`` before the period
are searched for predecessors). Cancelled cases are left out. All grouping runs in DuckDB.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from cockpit.values.case_filter import CaseFilter

__all__ = ["SALT", "GROUP_COLUMNS", "repeats", "caller_groups", "place_groups", "most_telling",
           "RepeatSummary", "repeat_summary"]

SALT = "township-cockpit/repeat-callers/v1"
"""Salt prepended to the phone digits before hashing (a constant: keys are stable)."""

GROUP_COLUMNS = ("group_id", "kind", "key", "case_ids", "count", "first_received",
                 "last_received", "villages", "categories", "repeats_after_closure",
                 "closed_then_repeated")


def _groups(rows: pd.DataFrame, kind: str) -> pd.DataFrame:
    """Rows of Store.repeat_groups in GROUP_COLUMNS, numbered by ``number`` if they carry it."""
    if "number" in rows:
        rows = rows[rows["number"].notna()]
    if rows.empty:
        return pd.DataFrame(columns=list(GROUP_COLUMNS))
    out = rows.copy()
    for column in ("case_ids", "villages", "categories"):
        out[column] = [tuple(v.tolist()) if hasattr(v, "tolist") else tuple(v) for v in out[column]]
    out["repeats_after_closure"] = out["repeats_after_closure"].astype(int)
    out["closed_then_repeated"] = out["repeats_after_closure"] > 0
    out["kind"] = kind
    numbers = out["number"].astype(int) if "number" in out else range(1, len(out) + 1)
    out["group_id"] = [f"{kind}-{n}" for n in numbers]
    return out[list(GROUP_COLUMNS)].reset_index(drop=True)


def caller_groups(store, period, filt: CaseFilter | None = None, days: int = 30) -> pd.DataFrame:
    """Groups of appeals by the same caller (GROUP_COLUMNS), numbered by first receipt."""
    return _groups(store.repeat_groups("caller", period, filt, days, salt=SALT), "caller")


def place_groups(store, period, filt: CaseFilter | None = None, days: int = 30,
                 metres: float = 200.0) -> pd.DataFrame:
    """Groups of appeals about the same place (village, category, ``metres`` grid cell)."""
    return _groups(store.repeat_groups("place", period, filt, days, metres=metres), "place")


def repeats(store, period, filt: CaseFilter | None = None, days: int = 30,
            metres: float = 200.0) -> pd.DataFrame:
    """Caller groups then place groups of ``period`` (GROUP_COLUMNS). A case can be in one
    group of each kind. closed_then_repeated says whether repeats_after_closure > 0."""
    frames = [caller_groups(store, period, filt, days), place_groups(store, period, filt, days, metres)]
    frames = [f for f in frames if not f.empty]
    if not frames:
        return pd.DataFrame(columns=list(GROUP_COLUMNS))
    return pd.concat(frames, ignore_index=True)


@dataclass(frozen=True)
class RepeatSummary:
    """What a page shows of a period's repeats: the most telling groups and counts of them all."""

    groups: pd.DataFrame = field(repr=False)  # GROUP_COLUMNS, in the order of most_telling
    total: int  # groups of both kinds
    came_back: int  # groups with closed_then_repeated


def repeat_summary(store, period, filt: CaseFilter | None = None, days: int = 30,
                   metres: float = 200.0, limit: int = 200) -> RepeatSummary:
    """``most_telling(repeats(...), limit)`` and the counts of all groups, without fetching the
    tens of thousands of groups a county has: each kind's ``limit`` most telling are chosen in
    the store (the best ``limit`` of both kinds are among them)."""
    frames, total, came_back = [], 0, 0
    for kind, options in (("caller", {"salt": SALT}), ("place", {"metres": metres})):
        rows = store.repeat_groups(kind, period, filt, days, top=limit, **options)
        total += int(rows["n_groups"].iloc[0])
        came_back += int(rows["n_came_back"].iloc[0])
        frames.append(_groups(rows, kind))
    frames = [f for f in frames if not f.empty]
    groups = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=list(GROUP_COLUMNS))
    return RepeatSummary(most_telling(groups, limit), total, came_back)


def most_telling(groups: pd.DataFrame, limit: int = 200) -> pd.DataFrame:
    """The ``limit`` groups a person should read first: those that came back after a case was
    closed (closed without being solved?), then the largest, then the most recent. A county has
    tens of thousands of groups; a table of all of them helps nobody and slows the page.

    >>> g = pd.DataFrame({"group_id": ["a", "b", "c"], "count": [2, 5, 3],
    ...                   "closed_then_repeated": [False, False, True],
    ...                   "last_received": pd.to_datetime(["2026-10-02", "2026-10-01", "2026-10-03"])})
    >>> list(most_telling(g, 2)["group_id"])
    ['c', 'b']
    """
    order = groups.sort_values(["closed_then_repeated", "count", "last_received"], ascending=False, kind="stable")
    return order.head(limit).reset_index(drop=True)
