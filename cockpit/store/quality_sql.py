"""Trace-formalism (痕迹形式主义) queries of the store (mixed into :class:`cockpit.store.Store`).

Each method returns the rows a check flags, with the columns that show why; the checks and
their thresholds are explained in :mod:`cockpit.cases.quality`. Nothing is changed or dropped.
Cancelled cases are included: a fabricated record is suspicious whatever its status.
``period=None`` means the whole data.
"""

from __future__ import annotations

from datetime import datetime

import pandas as pd

from cockpit.values.case_filter import CaseFilter, Period
from cockpit.store.case_sql import YM, filter_sql

__all__ = ["QualityQueries"]

_ALL = (datetime(1900, 1, 1), datetime(9999, 1, 1))

_BEFORE_SQL = """SELECT c.case_id, c.village_id, c.received_at, c.closed_at,
  round((epoch(c.received_at) - epoch(c.closed_at)) / 3600.0, 1) AS hours_before_receipt
FROM cases c
WHERE c.closed_at < c.received_at AND c.received_at >= ? AND c.received_at < ?{where}
ORDER BY c.village_id, c.received_at, c.case_id"""

_QUICK_SQL = """WITH q AS (
  SELECT c.case_id, c.village_id, c.received_at, c.closed_at,
         round((epoch(c.closed_at) - epoch(c.received_at)) / 60.0, 1) AS minutes_to_close,
         CAST(c.received_at AS DATE) AS day
  FROM cases c
  WHERE c.closed_at >= c.received_at AND epoch(c.closed_at) - epoch(c.received_at) <= ? * 60
    AND c.received_at >= ? AND c.received_at < ?{where})
SELECT q.*, count(*) OVER (PARTITION BY village_id, day) AS burst_size FROM q
QUALIFY burst_size >= ?
ORDER BY village_id, received_at, case_id"""

_MONTH_END_STATS_SQL = """WITH c AS (
  SELECT c.village_id, {ym} AS m, c.closed_at,
         date_trunc('month', c.closed_at) + INTERVAL 1 MONTH AS next_month
  FROM cases c
  WHERE c.closed_at >= ? AND c.closed_at < ?{where})
SELECT village_id, m AS month, count(*) AS closures,
  count(*) FILTER (WHERE closed_at >= next_month - to_days(?)) AS closures_last_days,
  any_value(datediff('day', next_month - INTERVAL 1 MONTH, next_month)) AS days_in_month
FROM c GROUP BY village_id, m ORDER BY village_id, m"""

_MONTH_END_ROWS_SQL = """SELECT c.case_id, c.village_id, {ym} AS month, c.received_at, c.closed_at
FROM cases c
WHERE (c.village_id, {ym}) IN (SELECT unnest(CAST(? AS VARCHAR[])), unnest(CAST(? AS INTEGER[])))
  AND c.closed_at >= date_trunc('month', c.closed_at) + INTERVAL 1 MONTH - to_days(?){where}
ORDER BY c.village_id, c.closed_at, c.case_id"""

_RATINGS_SQL = """WITH r AS (
  SELECT c.case_id, c.village_id, c.satisfaction, c.rated_at,
         CAST(floor(epoch(c.rated_at) / 60) AS BIGINT) AS minute_no
  FROM cases c
  WHERE c.rated_at IS NOT NULL AND c.satisfaction IS NOT NULL
    AND c.rated_at >= ? AND c.rated_at < ?{where}),
runs AS (SELECT village_id, minute_no, satisfaction, count(*) AS run_size FROM r
         GROUP BY ALL HAVING count(*) >= ?)
SELECT r.case_id, r.village_id, r.satisfaction, r.rated_at,
  date_trunc('minute', r.rated_at) AS rated_minute, runs.run_size
FROM r JOIN runs USING (village_id, minute_no, satisfaction)
ORDER BY r.village_id, r.rated_at, r.case_id"""

_COPIED_SQL = """WITH t AS (
  SELECT c.case_id, c.village_id, c.received_at, trim(c.summary) AS summary
  FROM cases c
  WHERE c.summary IS NOT NULL AND trim(c.summary) <> ''
    AND c.received_at >= ? AND c.received_at < ?{where}),
dup AS (SELECT summary FROM t GROUP BY summary HAVING count(*) >= ?),
x AS (SELECT t.*, CASE WHEN epoch(received_at) - epoch(lag(received_at) OVER
        (PARTITION BY summary ORDER BY received_at, case_id)) <= ? THEN 0 ELSE 1 END AS new
      FROM t SEMI JOIN dup USING (summary)),
y AS (SELECT x.*, sum(new) OVER (PARTITION BY summary ORDER BY received_at, case_id) AS cluster
      FROM x)
SELECT case_id, village_id, received_at, summary,
  count(*) OVER (PARTITION BY summary, cluster) AS copies
FROM y QUALIFY copies >= ?
ORDER BY summary, received_at, case_id"""

_TASKS_SQL = """SELECT t.task_id AS case_id, b.village_id, t.branch_id, t.title_zh, t.title_en,
  t.completed_on, t.evidence_count
FROM party_tasks t JOIN party_branches b USING (branch_id)
WHERE t.status = 'done' AND coalesce(t.evidence_count, 0) = 0
  AND (t.completed_on IS NULL OR (t.completed_on >= CAST(? AS DATE) AND t.completed_on < CAST(? AS DATE)))
  {where}
ORDER BY b.village_id, t.completed_on, t.task_id"""


def _window(period) -> tuple[datetime, datetime]:
    return _ALL if period is None else Period.of(period).bounds()


class QualityQueries:
    """Needs ``self._df(sql, params)`` (the Store)."""

    def _flagged(self, sql: str, period, filt: CaseFilter | None, before: list, after: list):
        where, args = filter_sql(filt)
        start, end = _window(period)
        return self._df(sql.format(where=where, ym=YM.format(col="c.closed_at")),
                        before + [start, end] + args + after)

    def quality_closed_before_received(self, period=None,
                                       filt: CaseFilter | None = None) -> pd.DataFrame:
        """Cases whose closed_at is before received_at (received in the period)."""
        return self._flagged(_BEFORE_SQL, period, filt, [], [])

    def quality_quick_closures(self, period=None, filt: CaseFilter | None = None,
                               minutes: float = 10, burst: int = 5) -> pd.DataFrame:
        """Cases closed within ``minutes`` of receipt, in village-days with ``burst`` or more such."""
        return self._flagged(_QUICK_SQL, period, filt, [float(minutes)], [int(burst)])

    def quality_month_end_stats(self, period=None, filt: CaseFilter | None = None,
                                days: int = 2) -> pd.DataFrame:
        """Closures per village and month (closure month, integer YYYYMM), and how many fell in
        the month's last ``days`` days."""
        return self._flagged(_MONTH_END_STATS_SQL, period, filt, [], [int(days)])

    def quality_month_end_rows(self, keys: list[tuple[str, int]], filt: CaseFilter | None = None,
                               days: int = 2) -> pd.DataFrame:
        """Closures in the last ``days`` days of the given (village_id, YYYYMM) months."""
        where, args = filter_sql(filt)
        sql = _MONTH_END_ROWS_SQL.format(where=where, ym=YM.format(col="c.closed_at"))
        villages, months = [k[0] for k in keys], [int(k[1]) for k in keys]
        return self._df(sql, [villages, months, int(days)] + args)

    def quality_rating_runs(self, period=None, filt: CaseFilter | None = None,
                            run: int = 5) -> pd.DataFrame:
        """Ratings sharing village, minute of rated_at and value with ``run`` or more others
        (rated in the period)."""
        return self._flagged(_RATINGS_SQL, period, filt, [], [int(run)])

    def quality_copied_text(self, period=None, filt: CaseFilter | None = None, copies: int = 5,
                            gap_days: int = 30) -> pd.DataFrame:
        """Cases whose exact (trimmed) summary is shared by ``copies`` or more cases received
        in a chain with gaps of at most ``gap_days`` days."""
        return self._flagged(_COPIED_SQL, period, filt, [],
                             [int(copies), int(gap_days) * 86400, int(copies)])

    def quality_tasks_without_evidence(self, period=None,
                                       filt: CaseFilter | None = None) -> pd.DataFrame:
        """Party tasks marked done with no evidence (completed in the period; village filter only)."""
        start, end = _window(period)
        villages = list(filt.village_ids) if filt else []
        where = (f"AND b.village_id IN ({', '.join(['?'] * len(villages))})" if villages else "")
        return self._df(_TASKS_SQL.format(where=where), [start.date(), end.date()] + villages)
