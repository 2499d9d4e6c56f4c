"""The store: one object that owns the database connection and answers named queries.

Every query binds user values as parameters. Each thread gets its own cursor, because a
DuckDB connection must not be shared between threads (Streamlit runs sessions in threads).
"""

from __future__ import annotations

import threading
from datetime import datetime
from pathlib import Path

import duckdb
import pandas as pd

from cockpit.store.county_sql import township_villages
from cockpit.store.migrate import current_version
from cockpit.store.case_queries import CaseQueries
from cockpit.store.month_close_sql import MonthCloseQueries
from cockpit.store.planner_sql import PlannerQueries
from cockpit.store.quality_sql import QualityQueries
from cockpit.store.repeat_sql import RepeatQueries

__all__ = ["Store", "StoreError"]


class StoreError(Exception):
    """The database cannot be used; the message names the path and says why.

    ``kind`` says what a user can do about it: ``missing`` (no file), ``locked`` (another program
    holds the file: wait or close it), ``unreadable`` (a DuckDB file that cannot be read now) or
    ``not_cockpit`` (the file is not a cockpit database at all: only then is rebuilding it the advice).
    """

    def __init__(self, message: str, kind: str = "unreadable"):
        super().__init__(message)
        self.kind = kind


def _is_duckdb_file(path: Path) -> bool:
    try:
        with open(path, "rb") as f:
            head = f.read(12)
    except OSError:
        return True  # cannot tell: never advise replacing it
    return len(head) < 12 or head[8:12] == b"DUCK"


class Store(CaseQueries, RepeatQueries, QualityQueries, PlannerQueries, MonthCloseQueries):
    """Named, parameterized queries over one cockpit database file.

    Parameters
    ----------
    path
        The DuckDB file. It must exist and carry a schema_version table.
    read_only
        Open without write access (several processes may then read the same file).
    """

    def __init__(self, path: Path | str, read_only: bool = True):
        self.path = Path(path)
        if not self.path.is_file():
            raise StoreError(f"{self.path}: database file not found", "missing")
        try:
            self._con = duckdb.connect(str(self.path), read_only=read_only)
        except duckdb.Error as exc:
            kind = ("locked" if "lock" in str(exc).lower()
                    else "unreadable" if _is_duckdb_file(self.path) else "not_cockpit")
            raise StoreError(f"{self.path}: not a readable DuckDB database ({exc})", kind) from None
        try:
            version = current_version(self._con)
        except duckdb.Error as exc:
            self._con.close()
            raise StoreError(f"{self.path}: cannot be read ({exc})") from None
        if version is None:
            self._con.close()
            raise StoreError(f"{self.path}: not a cockpit database (no schema_version table)", "not_cockpit")
        self.schema_version = version
        self._local = threading.local()

    def close(self) -> None:
        self._con.close()

    def cursor(self) -> duckdb.DuckDBPyConnection:
        """A new cursor on the store's connection, for one caller's statements (a write through a
        store opened writable, a transaction, a function of cockpit/store/ that takes a cursor)."""
        return self._con.cursor()

    def _cursor(self) -> duckdb.DuckDBPyConnection:
        cur = getattr(self._local, "cursor", None)
        if cur is None:
            cur = self._local.cursor = self._con.cursor()
        return cur

    def _df(self, sql: str, params: list | tuple = ()) -> pd.DataFrame:
        return self._cursor().execute(sql, list(params)).df()

    # -- reference data -------------------------------------------------------------------

    def meta(self) -> dict[str, str]:
        rows = self._cursor().execute("SELECT key, value FROM meta").fetchall()
        return dict(rows)

    def periods(self) -> list[str]:
        """Months with coverage, allocation or case data, oldest first (``YYYY-MM``)."""
        rows = self._cursor().execute(
            "SELECT period FROM coverage UNION SELECT period FROM allocations "
            "UNION SELECT strftime(received_at, '%Y-%m') FROM cases ORDER BY 1"
        ).fetchall()
        return [r[0] for r in rows]

    def contents(self) -> dict[str, int]:
        """What the township's data holds: rows of villages, facilities and party branches, and
        the months of coverage, allocations and cases (the checklist of an empty township)."""
        row = self._cursor().execute(
            "SELECT (SELECT count(*) FROM villages), (SELECT count(*) FROM facilities), "
            "(SELECT count(*) FROM party_branches), (SELECT count(DISTINCT period) FROM coverage), "
            "(SELECT count(DISTINCT period) FROM allocations), "
            "(SELECT count(DISTINCT strftime(received_at, '%Y-%m')) FROM cases)").fetchone()
        return dict(zip(("villages", "facilities", "party", "coverage", "allocations", "cases"), row))

    def villages(self) -> pd.DataFrame:
        return self._df("SELECT * FROM villages ORDER BY kind = 'village', village_id")

    def domains(self) -> pd.DataFrame:
        return self._df("SELECT * FROM domains ORDER BY sort_order, domain_id")

    def facilities(self) -> pd.DataFrame:
        return self._df("SELECT * FROM facilities ORDER BY domain_id, facility_id")

    def departments(self) -> pd.DataFrame:
        return self._df("SELECT * FROM departments ORDER BY department_id")

    def categories(self) -> pd.DataFrame:
        return self._df("SELECT * FROM categories ORDER BY category_id")

    def norms(self) -> pd.DataFrame:
        return self._df("SELECT * FROM norms ORDER BY norm_id")

    def townships(self) -> pd.DataFrame:
        """A county database's townships and their villages: township_code, name_zh, name_en,
        village_id, one row per village (empty for a township's database)."""
        return pd.DataFrame(township_villages(self._cursor()),
                            columns=["township_code", "name_zh", "name_en", "village_id"])

    # -- one village ------------------------------------------------------------------------

    def coverage_history(self, village_id: str) -> pd.DataFrame:
        """The village's coverage by month and domain: period, domain_id, coverage."""
        return self._df(
            "SELECT period, domain_id, coverage FROM coverage WHERE village_id = ? "
            "ORDER BY period, domain_id",
            [village_id],
        )

    def party_branches(self, village_id: str | None = None) -> pd.DataFrame:
        """Party branches of one village, or of all villages when ``village_id`` is None."""
        return self._df(
            "SELECT * FROM party_branches WHERE ? IS NULL OR village_id = ? ORDER BY branch_id",
            [village_id, village_id],
        )

    def party_tasks(self, village_id: str | None = None) -> pd.DataFrame:
        """Tasks (with their branch's village_id) of one village or all, latest due first."""
        return self._df(
            "SELECT t.*, b.village_id FROM party_tasks t JOIN party_branches b USING (branch_id) "
            "WHERE ? IS NULL OR b.village_id = ? ORDER BY t.due_on DESC, t.task_id",
            [village_id, village_id],
        )

    def party_assessments(self) -> pd.DataFrame:
        return self._df("SELECT * FROM party_assessments ORDER BY quarter, branch_id")

    # -- services and resources ---------------------------------------------------------

    def coverage(self, period: str) -> pd.DataFrame:
        """Coverage by village and domain in one month: village_id, domain_id, coverage."""
        return self._df(
            "SELECT village_id, domain_id, coverage FROM coverage WHERE period = ? "
            "ORDER BY village_id, domain_id",
            [period],
        )

    def coverage_all(self) -> pd.DataFrame:
        """Coverage of every month, village and domain."""
        return self._df("SELECT period, village_id, domain_id, coverage FROM coverage "
                        "ORDER BY period, village_id, domain_id")

    def coverage_by_period(self) -> pd.DataFrame:
        """Population-weighted township coverage per domain and month."""
        return self._df(
            "SELECT c.period, c.domain_id, sum(c.coverage * v.population) AS people_covered, "
            "sum(v.population) AS population FROM coverage c JOIN villages v USING (village_id) "
            "GROUP BY ALL ORDER BY c.period, c.domain_id"
        )

    def allocations(self, period: str) -> pd.DataFrame:
        """Funding (yuan) and staff (FTE) by village and domain in one month."""
        return self._df(
            "SELECT village_id, domain_id, funding_yuan, staff_fte FROM allocations WHERE period = ? "
            "ORDER BY village_id, domain_id",
            [period],
        )

    def allocations_by_period(self) -> pd.DataFrame:
        """Township funding and staff per month."""
        return self._df(
            "SELECT period, sum(funding_yuan) AS funding_yuan, sum(staff_fte) AS staff_fte "
            "FROM allocations GROUP BY period ORDER BY period"
        )

    # -- citizen appeals -------------------------------------------------------------------

    # case_counts, case_counts_by_period and the other case queries (filters, departments,
    # 条块 matrix, exclusions, case lists, repeats, trace-formalism checks) live in the mixins
    # cockpit/store/case_queries.py, repeat_sql.py and quality_sql.py.

    def latest_cases(self, before: datetime, limit: int = 10) -> pd.DataFrame:
        """The newest cases received before ``before``: no personal fields."""
        return self._df(
            "SELECT case_id, received_at, village_id, category_id, department_id, channel, "
            "closed_at, due_at, summary FROM cases WHERE received_at < ? "
            "ORDER BY received_at DESC, case_id LIMIT ?",
            [before, limit],
        )

