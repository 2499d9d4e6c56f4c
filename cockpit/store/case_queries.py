"""Case queries of the store: counts (by village, department, department × village, month),
exclusions, case lists and weekly counts. Mixed into :class:`cockpit.store.Store`.

Every method takes a period (``"YYYY-MM"``, ``"YYYY-MM..YYYY-MM"``, ``(start, end)`` or a
:class:`~cockpit.values.case_filter.Period`) and an optional :class:`~cockpit.values.case_filter.CaseFilter`.
Personal fields come back raw from :meth:`CaseQueries.case_list`: mask them with
:func:`cockpit.text.privacy.mask_frame` before showing them (``cockpit.cases.overdue`` does).
"""

from __future__ import annotations

from datetime import datetime

import pandas as pd

from cockpit.values.case_filter import CaseFilter, Period
from cockpit.values.periods import month_bounds
from cockpit.store import case_sql
from cockpit.store.case_sql import AS_OF, END, NOT_CANCELLED, START, bind, filter_sql

__all__ = ["CaseQueries", "EXCLUSION_COLUMNS", "LIST_KINDS"]

_W = "{col} >= " + START + " AND {col} < " + END
_REC, _DUE, _CLO = (_W.format(col=f"c.{x}_at") for x in ("received", "due", "closed"))
_LIVE = "c.status <> 'cancelled'"

# reason -> SQL condition counted over the (filtered) cases in the window
_EXCLUSIONS: tuple[tuple[str, str], ...] = (
    ("cancelled", f"c.status = 'cancelled' AND (({_REC}) OR ({_DUE}) OR ({_CLO}))"),
    ("closed_before_received", f"{_LIVE} AND {_CLO} AND c.closed_at < c.received_at"),
    ("acknowledged_before_received",
     f"{_LIVE} AND {_REC} AND c.acknowledged_at < c.received_at"),
    ("rating_out_of_range",
     f"{_LIVE} AND {_CLO} AND c.satisfaction IS NOT NULL AND c.satisfaction NOT BETWEEN 1 AND 5"),
    ("rated_but_not_closed",
     f"{_LIVE} AND {_REC} AND c.closed_at IS NULL AND c.satisfaction IS NOT NULL"),
    ("resolution_flag_but_not_closed",
     f"{_LIVE} AND {_REC} AND c.closed_at IS NULL AND c.resolved IS NOT NULL"),
    ("closed_status_without_time",
     f"c.status = 'closed' AND c.closed_at IS NULL AND (({_REC}) OR ({_DUE}))"),
    ("unknown_status",
     f"c.status NOT IN ('open', 'closed', 'cancelled') AND (({_REC}) OR ({_DUE}) OR ({_CLO}))"),
)
EXCLUSION_COLUMNS: tuple[str, ...] = tuple(name for name, _ in _EXCLUSIONS)

_EXCLUSIONS_SQL = (
    "SELECT "
    + ",\n  ".join(f"count(*) FILTER (WHERE {cond}) AS {name}" for name, cond in _EXCLUSIONS)
    + f"\nFROM cases c\nWHERE (({_REC}) OR ({_DUE}) OR ({_CLO}))"
)

_OPEN_AT = f"c.received_at < {AS_OF} AND (c.closed_at IS NULL OR c.closed_at >= {AS_OF})"

# kind -> (condition on c, ORDER BY)
LIST_KINDS: dict[str, tuple[str, str]] = {
    "overdue": (f"{_OPEN_AT} AND c.due_at < {AS_OF}", "c.due_at, c.received_at, c.case_id"),
    "open": (_OPEN_AT, "c.received_at, c.case_id"),
    "received": (_REC, "c.received_at, c.case_id"),
    "due": (_DUE, "c.due_at, c.received_at, c.case_id"),
}

_LIST_SQL = """SELECT c.case_id, c.received_at, c.due_at, c.closed_at,
  CASE WHEN c.due_at < @AS_OF@ AND (c.closed_at IS NULL OR c.closed_at >= @AS_OF@)
       THEN (epoch(@AS_OF@) - epoch(c.due_at)) / 86400.0 END AS days_overdue,
  c.status, c.village_id, c.category_id, c.department_id, c.channel, c.summary
FROM cases c
WHERE {live} AND {cond}{where}
ORDER BY {order}
LIMIT ?"""

# contacts of listed cases: a second, narrow query (joining 2 million contacts costs 100+ ms)
_CONTACTS_SQL = ("SELECT case_id, citizen_name, phone, address FROM case_contacts "
                 "WHERE list_contains(CAST(? AS VARCHAR[]), case_id)")

_WEEKLY_SQL = """WITH b AS (
  SELECT date_trunc('week', c.received_at) AS week, c.village_id, c.category_id
  FROM cases c
  WHERE {live} AND c.received_at >= ? AND c.received_at < ?{where})
SELECT 'category' AS kind, category_id AS key, CAST(week AS DATE) AS week, count(*) AS count
FROM b GROUP BY ALL
UNION ALL
SELECT 'village', village_id, CAST(week AS DATE), count(*) FROM b GROUP BY ALL
ORDER BY kind, key, week"""


class CaseQueries:
    """Case-handling queries; needs ``self._df(sql, params)`` and ``self.meta()`` (the Store)."""

    # -- counts ---------------------------------------------------------------------------

    def case_counts(self, period, filt: CaseFilter | None = None) -> pd.DataFrame:
        """Numerators and denominators of the case metrics for a period, per village.

        One row per village (zeros included; with a village filter, those villages only) plus
        one total row whose village_id is NULL. Columns: ``case_sql.COUNT_COLUMNS``.
        """
        return self._counts("village", period, filt)

    def case_counts_by_department(self, period, filt: CaseFilter | None = None) -> pd.DataFrame:
        """Like :meth:`case_counts`, one row per department (条) plus a NULL total row."""
        return self._counts("department", period, filt)

    def case_counts_matrix(self, period, filt: CaseFilter | None = None) -> pd.DataFrame:
        """Counts per department × village (条块), one row per pair with any case in the period.

        Columns department_id, village_id and ``case_sql.COUNT_COLUMNS`` (due, on_time_of_due,
        overdue_at_end, open_at_end ... per cell); no total row.
        """
        return self._counts("department_village", period, filt)

    def case_counts_by_period(self, filt: CaseFilter | None = None,
                              days: bool = True) -> pd.DataFrame:
        """Township counts for every month with cases received (any filter), oldest first.

        ``days=False`` skips the median and p90 days to close (NaN), a third of the cost.
        """
        sql, args = case_sql.monthly_counts_sql(filt, days)
        return self._df(sql, args)

    def closures_by_end(self, period, filt: CaseFilter | None = None) -> tuple[int, int]:
        """(cases due in ``period``, of those closed before it ended): the closure rate by the
        period's end, beside ``closed_of_due`` which counts closures to date."""
        start, end = Period.of(period).bounds()
        sql, args = case_sql.closures_by_end_sql(filt)
        row = self._df(*bind(sql, args, start, end)).iloc[0]
        return int(row["due"]), int(row["closed_by_end"])

    def _counts(self, by: str, period, filt: CaseFilter | None) -> pd.DataFrame:
        start, end = Period.of(period).bounds()
        sql, args = case_sql.counts_sql(by, filt)
        return self._df(*bind(sql, args, start, end))

    # -- exclusions -----------------------------------------------------------------------

    def case_exclusions(self, period, filt: CaseFilter | None = None) -> dict[str, int]:
        """Rows of the period left out of some count, by reason (see cockpit.cases.exclusions)."""
        start, end = Period.of(period).bounds()
        where, args = filter_sql(filt)
        row = self._df(*bind(_EXCLUSIONS_SQL + where, args, start, end)).iloc[0]
        return {name: int(row[name]) for name in EXCLUSION_COLUMNS}

    # -- case lists -----------------------------------------------------------------------

    def data_end(self) -> datetime | None:
        """The end (exclusive) of the data: the month after meta ``data_end``, if recorded."""
        end = self.meta().get("data_end")
        return month_bounds(end)[1] if end else None

    def case_list(self, period, filt: CaseFilter | None = None, kind: str = "overdue",
                  as_of: datetime | None = None, limit: int | None = None) -> pd.DataFrame:
        """Cases of a period with their personal fields, raw (mask before showing).

        ``kind``: ``overdue`` (open at ``as_of`` and due before it, longest overdue first),
        ``open`` (open at ``as_of``), ``received`` or ``due`` (in the period). ``as_of`` defaults
        to the period's end, or the data end when that comes first. days_overdue is set for
        cases open and past due at ``as_of``. Cancelled cases are never listed.
        """
        try:
            cond, order = LIST_KINDS[kind]
        except KeyError:
            raise ValueError(f"kind must be one of {sorted(LIST_KINDS)}, got {kind!r}") from None
        if limit is not None and (not isinstance(limit, int) or limit < 0):
            raise ValueError(f"limit must be a non-negative integer or None, got {limit!r}")
        start, end = Period.of(period).bounds()
        if as_of is None:
            data_end = self.data_end()
            as_of = min(end, data_end) if data_end else end
        where, args = filter_sql(filt)
        sql = _LIST_SQL.format(live=NOT_CANCELLED, cond=cond, where=where, order=order)
        lim = limit if limit is not None else 2**62
        rows = self._df(*bind(sql, args + [lim], start, end, as_of))
        contacts = self._df(_CONTACTS_SQL, [list(rows["case_id"])]) if len(rows) else None
        if contacts is None or contacts.empty:
            contacts = pd.DataFrame(columns=["case_id", "citizen_name", "phone", "address"])
        return rows.merge(contacts, on="case_id", how="left", sort=False)

    # -- weekly counts (alerts) ---------------------------------------------------------------

    def weekly_case_counts(self, start: datetime, end: datetime,
                           filt: CaseFilter | None = None) -> pd.DataFrame:
        """Cases received per ISO week (Monday) and category, and per week and village.

        Columns kind ('category' | 'village'), key, week (the Monday, midnight), count; only
        weeks with cases (zeros are absent). Receipts in [start, end).
        """
        where, args = filter_sql(filt)
        return self._df(_WEEKLY_SQL.format(live=NOT_CANCELLED, where=where), [start, end] + args)

    def first_received(self) -> datetime | None:
        """The earliest receipt time in the data (None without cases)."""
        value = self._df("SELECT min(received_at) AS t FROM cases").iloc[0]["t"]
        return None if pd.isna(value) else pd.Timestamp(value).to_pydatetime()
