"""Reads of closed months (mixed into :class:`cockpit.store.Store`); closing and reopening a month
are writes, in :mod:`cockpit.month_close`.

A month is closed while its latest close has not been reopened. The frozen counts have the shape
of ``case_counts`` / ``case_counts_by_department``: one row per village or department and a
total row whose key is NULL.
"""

from __future__ import annotations

import pandas as pd

from cockpit.cases.filters import Period
from cockpit.store.case_sql import COUNT_COLUMNS

__all__ = ["MonthCloseQueries", "RELEVANT_CASES", "CASE_FIELDS", "CLOSES_SQL"]

CASE_FIELDS = ("village_id", "department_id", "status", "received_at", "due_at", "closed_at", "satisfaction")
"""The fields of a case the month's figures depend on, kept at the close to list what changed."""

RELEVANT_CASES = ("received_at < ? AND (received_at >= ? OR due_at >= ? OR closed_at >= ? OR closed_at IS NULL)")
"""Cases that can count in a month [start, end): received before its end and received, due or
closed in it or after its start, or never closed (parameters: end, start, start, start)."""

CLOSES_SQL = """SELECT period, version, closed_by, closed_at, reopened_by, reopened_at, reopen_reason
FROM month_closes ORDER BY period, version"""

_COUNTS = f"""SELECT key AS {{key}}, {', '.join(COUNT_COLUMNS)} FROM month_close_counts
WHERE period = ? AND version = ? AND grouping = ? ORDER BY key NULLS LAST"""

_FIELD_CHANGES = " UNION ALL ".join(
    f"SELECT case_id, '{f}' AS field, CAST(s_{f} AS VARCHAR) AS at_close, CAST(n_{f} AS VARCHAR) AS now "
    f"FROM both_ WHERE s_case IS NOT NULL AND n_case IS NOT NULL AND s_{f} IS DISTINCT FROM n_{f}"
    for f in CASE_FIELDS)

_CHANGES = f"""WITH s AS (SELECT * FROM month_close_cases WHERE period = ? AND version = ?),
n AS (SELECT case_id, {', '.join(CASE_FIELDS)} FROM cases WHERE {RELEVANT_CASES}),
both_ AS (SELECT coalesce(s.case_id, n.case_id) AS case_id, s.case_id AS s_case, n.case_id AS n_case,
  {', '.join(f's.{f} AS s_{f}, n.{f} AS n_{f}' for f in CASE_FIELDS)}
  FROM s FULL OUTER JOIN n ON s.case_id = n.case_id)
SELECT case_id, 'case' AS field, 'present' AS at_close, NULL AS now FROM both_ WHERE n_case IS NULL
UNION ALL SELECT case_id, 'case', NULL, 'present' FROM both_ WHERE s_case IS NULL
UNION ALL {_FIELD_CHANGES}
ORDER BY case_id, field"""


class MonthCloseQueries:
    """Needs ``self._df(sql, params)`` (the Store)."""

    def month_closes(self) -> pd.DataFrame:
        """Every close of every month, reopened ones included (oldest first)."""
        return self._df(CLOSES_SQL, [])

    def month_close_counts(self, period: str, version: int, grouping: str) -> pd.DataFrame:
        """The frozen counts of close ``version`` of ``period`` by ``grouping`` ('village' or
        'department'), in the shape of ``case_counts`` / ``case_counts_by_department``."""
        if grouping not in ("village", "department"):
            raise ValueError(f"grouping must be 'village' or 'department', got {grouping!r}")
        frame = self._df(_COUNTS.format(key=f"{grouping}_id"), [period, int(version), grouping])
        return frame.astype({c: "int64" for c in COUNT_COLUMNS if "days" not in c})

    def month_close_case_changes(self, period: str, version: int) -> pd.DataFrame:
        """What changed in the cases behind close ``version`` of ``period`` since: one row per
        case and field (case_id, field, at_close, now); field 'case' for a case that appeared
        (at_close empty: imported or re-dated since) or dropped out (now empty)."""
        start, end = Period.of(period).bounds()
        return self._df(_CHANGES, [period, int(version), end, start, start, start])
