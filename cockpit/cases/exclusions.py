"""Rows left out of a rate, stated: "N rows excluded: reason" next to the figures.

Nothing is dropped from the data; these are the rules by which the counts of
:mod:`cockpit.store.case_sql` leave a row out of a metric, and how many rows of the period each
rule touched. The trace-formalism checks (:mod:`cockpit.cases.quality`) flag the same rows.

- cancelled (status 'cancelled'): left out of every count and rate;
- closed_before_received (closed_at earlier than received_at): left out of the median and p90
  time to close; still counted as closed, and as on time when closed by its due date (never
  silently fixed; flagged by the data-quality checks);
- acknowledged_before_received: not counted as responded on time; still counted as received;
- rating_out_of_range (satisfaction not 1-5): left out of the satisfaction rate, numerator and
  denominator;
- rated_but_not_closed / resolution_flag_but_not_closed: the satisfaction and resolution rates
  cover closed cases only, so a rating or flag on an open case is not used;
- closed_status_without_time (status 'closed' but no closed_at): counted as open, so not
  closed, not on time and without a time to close;
- unknown_status (not open, closed or cancelled): counted by its timestamps like any case, and
  stated for review.

Each rule counts the rows of the period that the metric would otherwise have used: closure-based
rules count cases closed in the period, receipt-based rules cases received in it.
"""

from __future__ import annotations

import pandas as pd

from cockpit.values.case_filter import CaseFilter

__all__ = ["EXCLUSION_RULES", "exclusions"]

# reason -> (metric keys the rows are left out of, rule in English)
EXCLUSION_RULES: dict[str, tuple[tuple[str, ...], str]] = {
    "cancelled": (
        ("received", "response_rate", "closure_rate", "on_time_rate", "satisfaction_rate",
         "resolution_rate", "median_days_to_close", "p90_days_to_close", "open_at_end",
         "overdue_at_end"),
        "cancelled cases are left out of every count and rate"),
    "closed_before_received": (
        ("median_days_to_close", "p90_days_to_close"),
        "closed before received: no time to close (still counted as closed, and as on time when closed "
        "by its due date; flagged as a data error)"),
    "acknowledged_before_received": (
        ("response_rate",),
        "acknowledged before received: not counted as responded on time (still counted as received)"),
    "rating_out_of_range": (
        ("satisfaction_rate",), "rating outside 1-5: not counted as rated"),
    "rated_but_not_closed": (
        ("satisfaction_rate",), "rated but not closed: only closed cases' ratings count"),
    "resolution_flag_but_not_closed": (
        ("resolution_rate",), "resolution flag on a case not closed: only closed cases count"),
    "closed_status_without_time": (
        ("closure_rate", "on_time_rate", "median_days_to_close", "p90_days_to_close"),
        "status 'closed' without a closure time: counted as open"),
    "unknown_status": (
        (), "status not open, closed or cancelled: counted by its timestamps; please review"),
}


def exclusions(store, period, filt: CaseFilter | None = None, nonzero: bool = True) -> pd.DataFrame:
    """Rows left out of some metric in ``period`` under ``filt``, by reason.

    Returns
    -------
    DataFrame
        reason (key of EXCLUSION_RULES), rows, used_in (comma-separated metric keys the rows are
        left out of; empty when they are only stated), rule (English). With ``nonzero`` (default)
        only reasons with rows.
    """
    counts = store.case_exclusions(period, filt)
    records = [
        dict(reason=reason, rows=int(counts.get(reason, 0)), used_in=", ".join(metrics), rule=rule)
        for reason, (metrics, rule) in EXCLUSION_RULES.items()
    ]
    out = pd.DataFrame(records, columns=["reason", "rows", "used_in", "rule"])
    if nonzero:
        out = out[out["rows"] > 0].reset_index(drop=True)
    return out
