"""History the allocation planner calibrates on (mixed into :class:`cockpit.store.Store`).

- ``coverage_funding_history``: coverage with the month's funding and staff, per month, village
  and domain;
- ``queue_history``: per month and village, cases received, the village's staff (FTE, all domains)
  and the days from receipt to closure of the cases received that month and closed;
- ``due_mix``: per village, the share of its cases by closure deadline (days).

Times to close leave out cancelled cases, rows closed before they were received and closures
within an hour of receipt (the bulk-closure pattern the data-quality checks flag); a month is used
only when its cases have had ``settle_days`` to close, so long cases are not cut off.
"""

from __future__ import annotations

from datetime import timedelta

import pandas as pd

from cockpit.store.case_sql import NOT_CANCELLED

__all__ = ["PlannerQueries", "save_planner_model"]


def save_planner_model(cur, fingerprint: str, model_json: str, made_at) -> None:
    """Keep a calibrated model under ``fingerprint`` (``cur``: a writable cursor); one already kept
    under it stays."""
    cur.execute("INSERT INTO planner_models (fingerprint, made_at, model) VALUES (?, ?, ?) "
                "ON CONFLICT (fingerprint) DO NOTHING", [fingerprint, made_at, model_json])


class PlannerQueries:
    """Planner history queries; needs ``self._df`` and ``self.data_end`` of the Store."""

    def planner_model(self, fingerprint: str) -> str | None:
        """The calibrated model kept under ``fingerprint`` (JSON), or None."""
        rows = self._df("SELECT model FROM planner_models WHERE fingerprint = ?", [fingerprint])
        return None if rows.empty else str(rows.iloc[0]["model"])

    def coverage_funding_history(self) -> pd.DataFrame:
        """period, village_id, domain_id, coverage, funding_yuan, staff_fte, population."""
        return self._df(
            "SELECT c.period, c.village_id, c.domain_id, c.coverage, a.funding_yuan, a.staff_fte, "
            "v.population FROM coverage c JOIN allocations a USING (period, village_id, domain_id) "
            "JOIN villages v USING (village_id) ORDER BY c.period, c.village_id, c.domain_id"
        )

    def queue_history(self, settle_days: int = 45) -> pd.DataFrame:
        """period, village_id, days (in the month), received, staff_fte, closed, mean_close_days."""
        end = self.data_end()
        if end is None:
            return pd.DataFrame(columns=["period", "village_id", "days", "received", "staff_fte",
                                         "closed", "mean_close_days"])
        settled = end - timedelta(days=settle_days)
        return self._df(
            "WITH c AS (SELECT village_id, strftime(received_at, '%Y-%m') AS period, received_at, "
            "  closed_at, epoch(closed_at - received_at) / 86400.0 AS close_days FROM cases c "
            f"  WHERE {NOT_CANCELLED} AND received_at < CAST(? AS TIMESTAMP)), "
            "m AS (SELECT period, village_id, count(*) AS received, "
            "  count(*) FILTER (WHERE close_days >= 1 / 24.0) AS closed, "
            "  avg(close_days) FILTER (WHERE close_days >= 1 / 24.0) AS mean_close_days "
            "  FROM c GROUP BY ALL), "
            "s AS (SELECT period, village_id, sum(staff_fte) AS staff_fte FROM allocations GROUP BY ALL) "
            "SELECT m.period, m.village_id, "
            "  datediff('day', strptime(m.period, '%Y-%m'), strptime(m.period, '%Y-%m') + INTERVAL 1 MONTH) "
            "  AS days, m.received, s.staff_fte, m.closed, m.mean_close_days "
            "FROM m JOIN s USING (period, village_id) "
            "WHERE strptime(m.period, '%Y-%m') + INTERVAL 1 MONTH <= CAST(? AS TIMESTAMP) "
            "ORDER BY m.period, m.village_id",
            [end, settled],
        )

    def due_mix(self) -> pd.DataFrame:
        """village_id, due_days (the category deadline), share of the village's cases."""
        return self._df(
            "SELECT village_id, due_days, n / sum(n) OVER (PARTITION BY village_id) AS share FROM ("
            "SELECT c.village_id, k.days_to_close AS due_days, count(*) AS n "
            f"FROM cases c JOIN categories k USING (category_id) WHERE {NOT_CANCELLED} GROUP BY ALL) "
            "ORDER BY village_id, due_days"
        )
