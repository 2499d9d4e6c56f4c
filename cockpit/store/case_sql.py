"""SQL for the case-handling counts, written once and used per village and per month.

Each count is a FILTER over the cases relevant to a window [s, e) (see DOMAIN.md):

- received: received in the window; responded_on_time: of those, acknowledged within the
  category's response_hours;
- due: due in the window; closed_of_due: of those, closed (at any time in the data);
  on_time_of_due: of those, closed on or before the due time;
- closed: closed in the window; rated / satisfied (rating 4 or 5) / resolution_flagged /
  resolved: of those;
- median and p90 days to close: over cases closed in the window, leaving out rows closed
  before they were received (a data error counted by the data-quality checks);
- open_at_end / overdue_at_end: received before e and not closed by e / of those, due before e.
"""

from __future__ import annotations

from datetime import datetime

__all__ = ["COUNT_COLUMNS", "COUNTS_BY_VILLAGE", "COUNTS_BY_MONTH", "params"]

_IN = "{col} >= w.s AND {col} < w.e"
_RECEIVED = _IN.format(col="c.received_at")
_DUE = _IN.format(col="c.due_at")
_CLOSED = _IN.format(col="c.closed_at")
_OPEN_AT_END = "c.received_at < w.e AND (c.closed_at IS NULL OR c.closed_at >= w.e)"
_DAYS = "(epoch(c.closed_at) - epoch(c.received_at)) / 86400.0"

_COUNTS: tuple[tuple[str, str], ...] = (
    ("received", f"count(*) FILTER (WHERE {_RECEIVED})"),
    ("responded_on_time",
     f"count(*) FILTER (WHERE {_RECEIVED} AND c.acknowledged_at IS NOT NULL AND "
     "epoch(c.acknowledged_at) - epoch(c.received_at) <= c.response_hours * 3600)"),
    ("due", f"count(*) FILTER (WHERE {_DUE})"),
    ("closed_of_due", f"count(*) FILTER (WHERE {_DUE} AND c.closed_at IS NOT NULL)"),
    ("on_time_of_due", f"count(*) FILTER (WHERE {_DUE} AND c.closed_at <= c.due_at)"),
    ("closed", f"count(*) FILTER (WHERE {_CLOSED})"),
    ("rated", f"count(*) FILTER (WHERE {_CLOSED} AND c.satisfaction IS NOT NULL)"),
    ("satisfied", f"count(*) FILTER (WHERE {_CLOSED} AND c.satisfaction >= 4)"),
    ("resolution_flagged", f"count(*) FILTER (WHERE {_CLOSED} AND c.resolved IS NOT NULL)"),
    ("resolved", f"count(*) FILTER (WHERE {_CLOSED} AND c.resolved)"),
    ("open_at_end", f"count(*) FILTER (WHERE {_OPEN_AT_END})"),
    ("overdue_at_end", f"count(*) FILTER (WHERE {_OPEN_AT_END} AND c.due_at < w.e)"),
    ("median_days_to_close",
     f"quantile_cont({_DAYS}, 0.5) FILTER (WHERE {_CLOSED} AND c.closed_at >= c.received_at)"),
    ("p90_days_to_close",
     f"quantile_cont({_DAYS}, 0.9) FILTER (WHERE {_CLOSED} AND c.closed_at >= c.received_at)"),
)

COUNT_COLUMNS: tuple[str, ...] = tuple(name for name, _ in _COUNTS)

_SELECT = ",\n  ".join(f"{expr} AS {name}" for name, expr in _COUNTS)
_CASES = (
    "(SELECT cs.*, cat.response_hours FROM cases cs JOIN categories cat USING (category_id))"
)

COUNTS_BY_VILLAGE = f"""
WITH w AS (SELECT CAST(? AS TIMESTAMP) AS s, CAST(? AS TIMESTAMP) AS e)
SELECT v.village_id,
  {_SELECT}
FROM w CROSS JOIN villages v LEFT JOIN {_CASES} c ON c.village_id = v.village_id
GROUP BY GROUPING SETS ((v.village_id), ())
ORDER BY v.village_id NULLS LAST
"""

COUNTS_BY_MONTH = f"""
WITH w AS (
  SELECT DISTINCT date_trunc('month', received_at) AS s, s + INTERVAL 1 MONTH AS e FROM cases
)
SELECT strftime(w.s, '%Y-%m') AS period,
  {_SELECT}
FROM w CROSS JOIN {_CASES} c
GROUP BY w.s
ORDER BY w.s
"""


def params(start: datetime, end: datetime) -> list[datetime]:
    """Parameters of COUNTS_BY_VILLAGE for the window [start, end)."""
    return [start, end]
