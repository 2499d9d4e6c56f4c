"""Month close (月结): a leader signs a month's figures, and they stay as signed.

Closing a finished month freezes, in one transaction with its audit entry, the month's case counts
per village and per department (every KPI, rate and ranking of the appeals page derives from
them) and the fields of every case those counts depend on. From then on the month's figures are
read from the close (:class:`ClosedFigures`), whatever arrives later: a late closure, an import
that moves a case to another village. "As of now" stays one click away, with every difference
listed (:func:`differences`, ``Store.month_close_case_changes``).

Reopening is a leader's audited act with a reason; closing the month again makes a new version,
and the month then shows it was restated (version > 1). Closing and reopening are a township's
acts: a county's database holds the closes its townships published, each under the township's
code (``MonthClose.township``), reads a township's closed months from them and closes nothing. The closure rate of a closed month is thus
"closures by the close", the convention of the meeting that used it; as of now it counts closures
to date.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import duckdb
import pandas as pd

from cockpit.auth.audit_log import audit, now
from cockpit.values.case_filter import CaseFilter, Period
from cockpit.metrics.cases import case_rates
from cockpit.store.atomic import atomic
from cockpit.store.case_sql import COUNT_COLUMNS
from cockpit.store.county_sql import level
from cockpit.store import month_close_sql as sql

__all__ = ["MonthClose", "MonthCloseError", "standing_closes", "close_month", "reopen_month",
           "ClosedFigures", "differences", "FIGURES"]

FIGURES = ("received", "response_rate", "closure_rate", "on_time_rate", "satisfaction_rate", "resolution_rate",
           "median_days_to_close", "open_at_end", "overdue_at_end")
"""The township figures compared between a close and now."""


class MonthCloseError(ValueError):
    """A close or reopening that cannot be done; the message says why (in English; pages use ``key``)."""

    def __init__(self, message: str, key: str):
        super().__init__(message)
        self.key = key


@dataclass(frozen=True)
class MonthClose:
    """A standing close: ``version`` > 1 means the month was reopened and restated. ``township``:
    '' in a township's own database, the township's code in a county's."""

    period: str
    version: int
    closed_by: str
    closed_at: dt.datetime
    township: str = ""


def _standing(closes: pd.DataFrame) -> dict[str, MonthClose]:
    out = {}
    for row in closes.itertuples():
        if pd.isna(row.reopened_at):
            out[row.period] = MonthClose(row.period, int(row.version), row.closed_by,
                                         pd.Timestamp(row.closed_at).to_pydatetime(), row.township_code)
        else:
            out.pop(row.period, None)
    return out


def standing_closes(store, township: str = "") -> dict[str, MonthClose]:
    """The months ``township`` has closed now (their latest close not reopened), by period; ''
    (default): the database's own township."""
    return _standing(store.month_closes(township))


def _month(period) -> Period:
    p = Period.of(period)
    if p.start != p.end:
        raise MonthCloseError(f"only a single month can be closed, not {period}", "close.error.not_month")
    return p


def close_month(con: duckdb.DuckDBPyConnection, period, user, at: dt.datetime | None = None) -> MonthClose:
    """Close ``period`` (YYYY-MM) as ``user``: freeze its counts and cases, in one transaction with
    the audit entry. ``con`` is a writable cursor (reads and writes go through it).

    Raises :class:`MonthCloseError` for a month not yet over, one already closed, or one without cases.
    """
    p, at = _month(period), at or now()
    period, (start, end) = p.start, p.bounds()
    _not_a_county(con)
    if end > at:
        raise MonthCloseError(f"{period} is not over yet", "close.error.not_over")
    if period in _standing(sql.closes(con)):
        raise MonthCloseError(f"{period} is already closed", "close.error.closed")
    if not sql.relevant_case_count(con, start, end):
        raise MonthCloseError(f"{period} has no cases to close", "close.error.empty")
    name = user if isinstance(user, str) else user.name
    with atomic(con):
        version = sql.next_version(con, period)
        for grouping in ("village", "department"):
            counts = sql.current_counts(con, grouping, start, end).rename(columns={f"{grouping}_id": "key"})
            sql.freeze_counts(con, period, version, grouping, counts)
        sql.freeze_cases(con, period, version, start, end)
        sql.record_close(con, period, version, name, at)
        audit(con, user, "month_close", {"period": period, "version": version}, at=at)
    return MonthClose(period, version, name, at)


def reopen_month(con: duckdb.DuckDBPyConnection, period, user, reason: str,
                 at: dt.datetime | None = None) -> None:
    """Reopen the standing close of ``period`` as ``user`` for ``reason`` (required), audited."""
    period = Period.of(period).start
    _not_a_county(con)
    close = _standing(sql.closes(con)).get(period)
    if close is None:
        raise MonthCloseError(f"{period} is not closed", "close.error.not_closed")
    reason = (reason or "").strip()
    if not reason:
        raise MonthCloseError("say why the month is reopened", "close.error.reason")
    at = at or now()
    with atomic(con):
        sql.record_reopen(con, period, close.version, user if isinstance(user, str) else user.name, at, reason)
        audit(con, user, "month_reopen", {"period": period, "version": close.version, "reason": reason}, at=at)


def _not_a_county(con) -> None:
    if level(con) == "county":
        raise MonthCloseError("a county does not close months: each township closes its own",
                              "close.error.county")


class ClosedFigures:
    """A store whose counts of a closed month, asked without a filter, are the frozen ones (by
    village, by department and in the monthly series); every other query goes to ``store``.
    ``closes``: :func:`standing_closes` (of one township). ``frozen``: the store the frozen counts
    are read from when ``store`` is a county narrowed to that township (a ScopedStore of its
    villages answers no month-close query); default ``store``."""

    def __init__(self, store, closes: dict[str, MonthClose], frozen=None):
        self._store, self._closes = store, closes
        self._frozen_from = store if frozen is None else frozen

    def _counts(self, close: MonthClose, grouping: str) -> pd.DataFrame:
        return self._frozen_from.month_close_counts(close.period, close.version, grouping, close.township)

    def _frozen(self, period, filt: CaseFilter | None, grouping: str):
        p = Period.of(period)
        close = self._closes.get(p.start) if p.start == p.end else None
        if close is None or (filt is not None and filt != CaseFilter()):
            return None
        return self._counts(close, grouping)

    def case_counts(self, period, filt: CaseFilter | None = None) -> pd.DataFrame:
        frozen = self._frozen(period, filt, "village")
        return self._store.case_counts(period, filt) if frozen is None else frozen

    def case_counts_by_department(self, period, filt: CaseFilter | None = None) -> pd.DataFrame:
        frozen = self._frozen(period, filt, "department")
        return self._store.case_counts_by_department(period, filt) if frozen is None else frozen

    def case_counts_by_period(self, filt: CaseFilter | None = None, days: bool = True) -> pd.DataFrame:
        """The township's monthly counts with every closed month's row as the close froze it."""
        out = self._store.case_counts_by_period(filt, days)
        if (filt is not None and filt != CaseFilter()) or not self._closes:
            return out
        out = out.set_index("period")
        for period, close in self._closes.items():
            if period in out.index:
                frozen = self._counts(close, "village")
                total = frozen[frozen["village_id"].isna()]
                if len(total):
                    out.loc[period, list(COUNT_COLUMNS)] = total.iloc[0][list(COUNT_COLUMNS)].to_numpy()
        return out.reset_index()

    def __getattr__(self, name: str):
        return getattr(self._store, name)


def differences(store, period: str, version: int, township: str = "", current_store=None) -> pd.DataFrame:
    """The township figures of ``township``'s close ``version`` of ``period`` against now: metric,
    at_close, now, change (only those that differ). ``current_store``: where "now" is read (a
    county narrowed to the township); default ``store``."""
    frozen = store.month_close_counts(period, version, "village", township)
    current = (store if current_store is None else current_store).case_counts(period)
    rows = []
    for label, counts in (("at_close", frozen), ("now", current)):
        total = counts[counts["village_id"].isna()].drop(columns="village_id").reset_index(drop=True)
        rows.append(case_rates(total).iloc[0].rename(label))
    both = pd.concat(rows, axis=1).loc[list(FIGURES)]
    both["change"] = both["now"] - both["at_close"]
    differ = ~((both["at_close"] == both["now"]) | (both["at_close"].isna() & both["now"].isna()))
    return both[differ].rename_axis("metric").reset_index()
