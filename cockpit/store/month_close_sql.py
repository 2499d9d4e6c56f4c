"""Closed months: reads (mixed into :class:`cockpit.store.Store`) and the statements that close and
reopen a month (run by :mod:`cockpit.metrics.month_close` on a writable cursor, in its transaction).

A month is closed while its latest close has not been reopened. The frozen counts have the shape
of ``case_counts`` / ``case_counts_by_department``: one row per village or department and a
total row whose key is NULL.

Every row belongs to a township (``township``): '' in a township's own database, where closing and
reopening happen; a township's code in a county's, which holds the closes its townships published
(cockpit.store.county_sql) and never closes a month itself.
"""

from __future__ import annotations

import pandas as pd

from cockpit.values.case_filter import Period
from cockpit.store.case_sql import COUNT_COLUMNS, bind, counts_sql

__all__ = ["MonthCloseQueries", "RELEVANT_CASES", "CASE_FIELDS", "CLOSES_SQL", "closes", "relevant_case_count",
           "next_version", "current_counts", "freeze_counts", "freeze_cases", "record_close", "record_reopen"]

CASE_FIELDS = ("village_id", "department_id", "status", "received_at", "due_at", "closed_at", "satisfaction")
"""The fields of a case the month's figures depend on, kept at the close to list what changed."""

RELEVANT_CASES = ("received_at < ? AND (received_at >= ? OR due_at >= ? OR closed_at >= ? OR closed_at IS NULL)")
"""Cases that can count in a month [start, end): received before its end and received, due or
closed in it or after its start, or never closed (parameters: end, start, start, start)."""

CLOSES_SQL = """SELECT township_code, period, version, closed_by, closed_at, reopened_by, reopened_at, reopen_reason
FROM month_closes WHERE township_code = ? ORDER BY period, version"""

_COUNTS = f"""SELECT key AS {{key}}, {', '.join(COUNT_COLUMNS)} FROM month_close_counts
WHERE township_code = ? AND period = ? AND version = ? AND grouping = ? ORDER BY key NULLS LAST"""

_TOTALS = f"""SELECT c.township_code, c.version, c.closed_by, c.closed_at, {', '.join(f'n.{c}' for c in COUNT_COLUMNS)}
FROM month_closes c JOIN month_close_counts n USING (township_code, period, version)
WHERE c.period = ? AND c.reopened_at IS NULL AND n.grouping = 'village' AND n.key IS NULL
ORDER BY c.township_code"""

_FIELD_CHANGES = " UNION ALL ".join(
    f"SELECT case_id, '{f}' AS field, CAST(s_{f} AS VARCHAR) AS at_close, CAST(n_{f} AS VARCHAR) AS now "
    f"FROM both_ WHERE s_case IS NOT NULL AND n_case IS NOT NULL AND s_{f} IS DISTINCT FROM n_{f}"
    for f in CASE_FIELDS)

# a county's township: its cases are those whose id it qualified (cockpit.store.county_sql)
_CHANGES = f"""WITH s AS (SELECT * FROM month_close_cases WHERE township_code = ? AND period = ? AND version = ?),
n AS (SELECT case_id, {', '.join(CASE_FIELDS)} FROM cases
  WHERE (? = '' OR starts_with(case_id, ? || ':')) AND {RELEVANT_CASES}),
both_ AS (SELECT coalesce(s.case_id, n.case_id) AS case_id, s.case_id AS s_case, n.case_id AS n_case,
  {', '.join(f's.{f} AS s_{f}, n.{f} AS n_{f}' for f in CASE_FIELDS)}
  FROM s FULL OUTER JOIN n ON s.case_id = n.case_id)
SELECT case_id, 'case' AS field, 'present' AS at_close, NULL AS now FROM both_ WHERE n_case IS NULL
UNION ALL SELECT case_id, 'case', NULL, 'present' FROM both_ WHERE s_case IS NULL
UNION ALL {_FIELD_CHANGES}
ORDER BY case_id, field"""


def current_counts(con, grouping: str, start, end) -> pd.DataFrame:
    """The month's unfiltered counts by ``grouping`` (village or department) as they are now."""
    query, args = counts_sql(grouping, None)
    return con.execute(*bind(query, args, start, end)).df()


def closes(con, township: str = "") -> pd.DataFrame:
    """Every close of every month of ``township``, through ``con`` (inside a transaction: what it sees)."""
    return con.execute(CLOSES_SQL, [township]).df()


def relevant_case_count(con, start, end) -> int:
    """How many cases can count in the month [start, end)."""
    return int(con.execute(f"SELECT count(*) FROM cases WHERE {RELEVANT_CASES}", [end, start, start, start]).fetchone()[0])


def next_version(con, period: str) -> int:
    return 1 + int(con.execute("SELECT coalesce(max(version), 0) FROM month_closes "
                               "WHERE township_code = '' AND period = ?", [period]).fetchone()[0])


def freeze_counts(con, period: str, version: int, grouping: str, counts: pd.DataFrame) -> None:
    """Keep ``counts`` (key and COUNT_COLUMNS, one row per village or department and a NULL total)."""
    columns = ", ".join(COUNT_COLUMNS)
    con.register("frozen_counts", counts[["key", *COUNT_COLUMNS]])
    try:
        con.execute(f"INSERT INTO month_close_counts (township_code, period, version, grouping, key, {columns}) "
                    f"SELECT '', ?, ?, ?, key, {columns} FROM frozen_counts", [period, version, grouping])
    finally:
        con.unregister("frozen_counts")


def freeze_cases(con, period: str, version: int, start, end) -> None:
    """Keep the fields of every case that can count in the month, as they are now."""
    fields = ", ".join(CASE_FIELDS)
    con.execute(f"INSERT INTO month_close_cases (township_code, period, version, case_id, {fields}) "
                f"SELECT '', ?, ?, case_id, {fields} FROM cases WHERE {RELEVANT_CASES}",
                [period, version, end, start, start, start])


def record_close(con, period: str, version: int, closed_by: str, at) -> None:
    con.execute("INSERT INTO month_closes (township_code, period, version, closed_by, closed_at) "
                "VALUES ('', ?, ?, ?, ?)",
                [period, version, closed_by, at])


def record_reopen(con, period: str, version: int, reopened_by: str, at, reason: str) -> None:
    con.execute("UPDATE month_closes SET reopened_by = ?, reopened_at = ?, reopen_reason = ? "
                "WHERE township_code = '' AND period = ? AND version = ?", [reopened_by, at, reason, period, version])


class MonthCloseQueries:
    """Needs ``self._df(sql, params)`` (the Store)."""

    def month_closes(self, township: str = "") -> pd.DataFrame:
        """Every close of every month of ``township`` ('': the database's own), reopened ones
        included (oldest first)."""
        return self._df(CLOSES_SQL, [township])

    def month_close_counts(self, period: str, version: int, grouping: str, township: str = "") -> pd.DataFrame:
        """The frozen counts of ``township``'s close ``version`` of ``period`` by ``grouping``
        ('village' or 'department'), in the shape of ``case_counts`` / ``case_counts_by_department``."""
        if grouping not in ("village", "department"):
            raise ValueError(f"grouping must be 'village' or 'department', got {grouping!r}")
        frame = self._df(_COUNTS.format(key=f"{grouping}_id"), [township, period, int(version), grouping])
        return frame.astype({c: "int64" for c in COUNT_COLUMNS if "days" not in c})

    def month_close_totals(self, period: str) -> pd.DataFrame:
        """The township totals every standing close of ``period`` signed, one row per township
        (township_code, version, closed_by, closed_at and the count columns): in a county, the
        townships that closed the month; in a township's database, its own close (key '')."""
        frame = self._df(_TOTALS, [period])
        return frame.astype({c: "int64" for c in COUNT_COLUMNS if "days" not in c})

    def month_close_case_changes(self, period: str, version: int, township: str = "") -> pd.DataFrame:
        """What changed in the cases behind ``township``'s close ``version`` of ``period`` since:
        one row per case and field (case_id, field, at_close, now); field 'case' for a case that
        appeared (at_close empty: imported or re-dated since) or dropped out (now empty)."""
        start, end = Period.of(period).bounds()
        return self._df(_CHANGES, [township, period, int(version), township, township, end, start, start, start])
