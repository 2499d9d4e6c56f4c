"""A store limited to some villages: what a village-scoped user (a village secretary) reads.

:class:`ScopedStore` wraps a :class:`~cockpit.store.Store` and answers the same named queries for
the villages of its scope only:

- village rows, facilities, coverage, allocations, party branches, their tasks and assessments,
  and the latest cases are those of the scope's villages;
- every case query (counts, lists, exclusions, weekly counts, repeats, data-quality checks) runs
  with its :class:`~cockpit.values.case_filter.CaseFilter` narrowed to the scope by
  :func:`narrow_filter`: a filter naming other villages finds nothing;
- township figures by month (``coverage_by_period``, ``allocations_by_period``,
  ``case_counts_by_period``) are summed over the scope's villages only, so everything computed
  from them (township series, KPI tiles, comparisons "against the township") covers those
  villages and no other.

Reference data that names no village (meta, periods, domains, departments, categories, norms)
is passed through. Any other query raises :class:`ScopeError` rather than answer for the whole
township: a new store query is unavailable to scoped users until it is scoped here (fail closed).
An empty scope sees no village and no case.
"""

from __future__ import annotations

import inspect
from collections.abc import Iterable
from datetime import datetime

import pandas as pd

from cockpit.values.case_filter import CaseFilter
from cockpit.store.store import Store

__all__ = ["ScopedStore", "ScopeError", "narrow_filter", "NO_VILLAGE", "CASE_QUERIES", "SHARED_QUERIES"]

NO_VILLAGE = "-"
"""A village id that matches no case: the filter of a scope that allows none of the asked villages."""

CASE_QUERIES: tuple[str, ...] = (
    "case_counts", "case_counts_by_department", "case_counts_matrix", "case_counts_by_period",
    "case_exclusions", "case_list", "weekly_case_counts", "repeat_groups", "closures_by_end",
    "quality_closed_before_received", "quality_quick_closures", "quality_month_end_stats",
    "quality_month_end_rows", "quality_rating_runs", "quality_copied_text",
    "quality_tasks_without_evidence",
)
"""Store queries taking a ``filt`` argument: run with the filter narrowed to the scope."""

SHARED_QUERIES: tuple[str, ...] = ("meta", "periods", "domains", "departments", "categories", "norms",
                                   "data_end", "first_received", "path", "schema_version", "month_closes",
                                   "contents")
"""Store queries and attributes that name no village: the same for every scope."""

_IN_SCOPE = "list_contains(CAST(? AS VARCHAR[]), {col})"


class ScopeError(AttributeError):
    """A store query that has not been limited to a village scope was asked of a scoped store."""


def narrow_filter(filt: CaseFilter | None, village_ids: Iterable[str]) -> CaseFilter:
    """``filt`` limited to ``village_ids``: the villages it names that are in scope, or the whole
    scope when it names none; :data:`NO_VILLAGE` (no case) when it names only other villages or
    the scope is empty.

    >>> narrow_filter(None, ["a", "b"]).village_ids
    ('a', 'b')
    >>> narrow_filter(CaseFilter(village_ids=["b", "c"], channels=["app"]), ["a", "b"])
    CaseFilter(village_ids=('b',), domain_ids=(), category_ids=(), department_ids=(), channels=('app',))
    >>> narrow_filter(CaseFilter(village_ids=["c"]), ["a"]).village_ids
    ('-',)
    """
    scope = tuple(village_ids)
    filt = filt or CaseFilter()
    asked = filt.village_ids
    allowed = [v for v in asked if v in scope] if asked else list(scope)
    return filt.with_(village_ids=allowed or [NO_VILLAGE])


class ScopedStore:
    """Read-only view of ``store`` limited to the villages ``village_ids`` (see the module doc).

    Examples
    --------
    >>> scoped = ScopedStore(store, ["350781105201"])        # doctest: +SKIP
    >>> list(scoped.villages()["village_id"])                 # doctest: +SKIP
    ['350781105201']
    """

    def __init__(self, store, village_ids: Iterable[str]):
        self._store = store
        self.village_ids: tuple[str, ...] = tuple(dict.fromkeys(str(v) for v in village_ids))

    def __repr__(self) -> str:
        return f"ScopedStore({self._store.path}, {list(self.village_ids)})"

    @property
    def township(self):
        """The whole township's store, for definitions that are the township's and name no village
        (the composite index's weights: a village's index is the same whoever reads it)."""
        return self._store

    # -- helpers ------------------------------------------------------------------------------

    def _ids(self) -> list[str]:
        return list(self.village_ids)

    def _rows(self, frame: pd.DataFrame, column: str = "village_id") -> pd.DataFrame:
        return frame[frame[column].isin(self.village_ids)].reset_index(drop=True)

    def _df(self, sql: str, params: list) -> pd.DataFrame:
        return self._store._df(sql, params)

    def __getattr__(self, name: str):
        # only called for names not defined on this class
        if name.startswith("__"):
            raise AttributeError(name)
        if name in SHARED_QUERIES:
            return getattr(self._store, name)
        if name in CASE_QUERIES:
            return self._case_query(name)
        raise ScopeError(f"store query {name!r} is not available to a village-scoped user "
                         "(not limited to villages in cockpit/store/scope.py)")

    def _case_query(self, name: str):
        method = getattr(self._store, name)
        # the signature of the Store's own method (the wrapped store may be a proxy taking *args)
        signature = inspect.signature(getattr(Store, name))

        def scoped(*args, **kwargs):
            bound = signature.bind(None, *args, **kwargs)  # None: the Store's self
            bound.arguments["filt"] = narrow_filter(bound.arguments.get("filt"), self.village_ids)
            if name == "quality_month_end_rows":  # (village_id, month) keys: only those in scope
                bound.arguments["keys"] = [k for k in bound.arguments["keys"] if k[0] in self.village_ids]
            return method(*bound.args[1:], **bound.kwargs)

        scoped.__name__ = scoped.__qualname__ = name
        scoped.__doc__ = method.__doc__
        return scoped

    # -- villages and what lies in them -------------------------------------------------------

    def villages(self) -> pd.DataFrame:
        return self._rows(self._store.villages())

    def facilities(self) -> pd.DataFrame:
        return self._rows(self._store.facilities())

    def townships(self) -> pd.DataFrame:
        return self._rows(self._store.townships())

    def coverage_history(self, village_id: str) -> pd.DataFrame:
        history = self._store.coverage_history(village_id)
        return history if village_id in self.village_ids else history.iloc[0:0]

    def party_branches(self, village_id: str | None = None) -> pd.DataFrame:
        return self._rows(self._store.party_branches(village_id))

    def party_tasks(self, village_id: str | None = None) -> pd.DataFrame:
        return self._rows(self._store.party_tasks(village_id))

    def party_assessments(self) -> pd.DataFrame:
        branches = set(self.party_branches()["branch_id"])
        assessments = self._store.party_assessments()
        return assessments[assessments["branch_id"].isin(branches)].reset_index(drop=True)

    # -- services and resources ---------------------------------------------------------------

    def coverage(self, period: str) -> pd.DataFrame:
        return self._rows(self._store.coverage(period))

    def coverage_all(self) -> pd.DataFrame:
        return self._rows(self._store.coverage_all())

    def allocations(self, period: str) -> pd.DataFrame:
        return self._rows(self._store.allocations(period))

    def coverage_by_period(self) -> pd.DataFrame:
        """Population-weighted coverage per domain and month over the scope's villages."""
        return self._df(
            "SELECT c.period, c.domain_id, sum(c.coverage * v.population) AS people_covered, "
            "sum(v.population) AS population FROM coverage c JOIN villages v USING (village_id) "
            f"WHERE {_IN_SCOPE.format(col='c.village_id')} GROUP BY ALL ORDER BY c.period, c.domain_id",
            [self._ids()],
        )

    def allocations_by_period(self) -> pd.DataFrame:
        """Funding and staff of the scope's villages per month."""
        return self._df(
            "SELECT period, sum(funding_yuan) AS funding_yuan, sum(staff_fte) AS staff_fte "
            f"FROM allocations WHERE {_IN_SCOPE.format(col='village_id')} GROUP BY period ORDER BY period",
            [self._ids()],
        )

    # -- citizen appeals (the filtered case queries come through __getattr__) ------------------

    def latest_cases(self, before: datetime, limit: int = 10) -> pd.DataFrame:
        """The newest cases of the scope's villages received before ``before`` (no personal fields)."""
        return self._df(
            "SELECT case_id, received_at, village_id, category_id, department_id, channel, "
            "closed_at, due_at, summary FROM cases "
            f"WHERE received_at < ? AND {_IN_SCOPE.format(col='village_id')} "
            "ORDER BY received_at DESC, case_id LIMIT ?",
            [before, self._ids(), limit],
        )
