"""Cached access to the store for pages.

The DuckDB connection is one shared resource per database file (cockpit/ui/connection.py: read-only,
reopened read-write only while a write holds the write lock). Query results are cached by small
arguments plus ``version``, which changes when the file is replaced or rewritten and after every
write through :meth:`Data.writer` (an import, an undo …), so pages read the new data on their
next run.

Village scope: a :class:`Data` carries the villages its user may see (``scope``; None: all). The
page shell hands every page ``data.scoped(scope)`` of the signed-in user, and every query below
then reads a :class:`cockpit.store.scope.ScopedStore`: village rows, facilities, coverage,
allocations, cases, party data and the latest cases are those villages' only, and township
figures (the township series, the equity trend) are computed over them alone. Per-village rows
(``village_table``, ``accessibility``) are the villages' own figures, the same as the township
view shows for them (accessibility counts every facility within reach and everyone competing
for it, as it would without a scope), limited to the scope's villages. A page cannot forget the
scope: it never sees an unscoped Data.

Month close: a closed month's figures are the signed ones (cockpit.metrics.month_close.ClosedFigures)
wherever the data is one whole township: a township's database seen unscoped (its own closes,
key ''), or a county's narrowed to exactly one township's villages (the sidebar's township choice
or a township leader's scope: the closes that township published, key its code). A scope that is
part of a township, or the whole county, reads current figures.
"""

from __future__ import annotations

import copy
import logging
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path

import pandas as pd
import streamlit as st

from cockpit import settings

from cockpit.metrics import snapshot
from cockpit.services import figures as services
from cockpit.cases.alerts import alerts
from cockpit.values.case_filter import CaseFilter
from cockpit.cases.kpis import trend
from cockpit.cases.scorecard import DEFAULT_TARGETS, parse_targets
from cockpit.cases.overdue import overdue_list
from cockpit.cases.page import load_case_page
from cockpit.cases.today import as_of, due_soon
from cockpit.cases.quality import run_checks
from cockpit.metrics.cases import parse_weights
from cockpit.metrics.month_close import ClosedFigures, differences, standing_closes
from cockpit.party.review import branch_trend
from cockpit.services.index import IndexDefinition, index_definition
from cockpit.auth.audit_log import now as audit_now
from cockpit.planner.baseline import Baseline, Model, baseline_from_store
from cockpit.planner.model_cache import stored_or_calibrated, to_json
from cockpit.meeting.build import case_frames
from cockpit.store import StoreError, build_database, decisions
from cockpit.store.planner_sql import save_planner_model
from cockpit.store.scenarios import list_scenarios, load_scenario
from cockpit.store.scope import ScopedStore
from cockpit.ui import connection

__all__ = ["Data", "open_data"]

_LOG = logging.getLogger(__name__)


Scope = tuple[str, ...] | None


def _store(path: str, version: int, scope: Scope = None):
    """The Store of ``path``, limited to the villages of ``scope`` unless it is None (``version``
    only keys the callers' caches)."""
    store = connection.guarded_store(path)
    return store if scope is None else ScopedStore(store, scope)


def _in_scope(frame: pd.DataFrame, scope: Scope, column: str = "village_id") -> pd.DataFrame:
    if scope is None:
        return frame
    return frame[frame[column].isin(scope)].reset_index(drop=True)


@st.cache_data(ttl=3600, max_entries=8, show_spinner=False)
def _index_definition(path: str, version: int) -> IndexDefinition:
    return index_definition(_store(path, version))


def _signed(path: str, version: int, township: str | None = "", scope: Scope = None):
    """The store of ``scope`` with the closed months' counts of ``township`` as they were signed
    (month close): what every page shows for a closed month; the appeals page offers "as of now"
    beside it. ``township`` None: no close applies (current figures)."""
    store = _store(path, version, scope)
    closes = _closes(path, version, township) if township is not None else {}
    return ClosedFigures(store, closes, frozen=_store(path, version)) if closes else store


@st.cache_data(ttl=3600, max_entries=64, show_spinner=False)
def _village_table(path: str, version: int, period: str, weights: tuple, township: str | None = "") -> pd.DataFrame:
    # every village's row (a scope keeps its own): a township's closed month as it signed it
    return snapshot.village_table(_signed(path, version, township), period, weights, _index_definition(path, version))


@st.cache_data(ttl=3600, max_entries=16, show_spinner=False)
def _township_series(path: str, version: int, weights: tuple, scope: Scope, township: str | None = "") -> pd.DataFrame:
    # a part of a township's own totals are current figures (a close freezes the whole township's);
    # the index definition is the database's, also for a scope: a village's index is the same for everyone
    return snapshot.township_series(_signed(path, version, township, scope), weights, _index_definition(path, version))


@st.cache_data(ttl=3600, max_entries=16, show_spinner=False)
def _accessibility(path: str, version: int, threshold_km: float, method: str) -> pd.DataFrame:
    store = _store(path, version)
    return services.village_accessibility(store.villages(), store.facilities(),
                                          list(store.domains()["domain_id"]),
                                          threshold_km=threshold_km, method=method)


@st.cache_data(ttl=3600, max_entries=64, show_spinner=False)
def _reference(path: str, version: int, name: str, scope: Scope = None):
    store = _store(path, version, scope)
    return {"villages": store.villages, "domains": store.domains, "facilities": store.facilities,
            "periods": store.periods, "meta": store.meta, "norms": store.norms, "contents": store.contents,
            "party_branches": store.party_branches, "party_tasks": store.party_tasks,
            "party_assessments": store.party_assessments, "departments": store.departments,
            "categories": store.categories, "townships": store.townships}[name]()


@st.cache_data(ttl=3600, max_entries=64, show_spinner=False)
def _by_key(path: str, version: int, query: str, key: str, scope: Scope = None) -> pd.DataFrame:
    """Queries of one argument (a period or a village id), by store method name."""
    allowed = ("allocations", "coverage", "party_branches", "party_tasks", "coverage_history", "case_counts_matrix")
    if query not in allowed:
        raise ValueError(f"not a cached query: {query!r}")
    return getattr(_store(path, version, scope), query)(key)


@st.cache_data(ttl=3600, max_entries=16, show_spinner=False)
def _latest_cases(path: str, version: int, before: datetime, limit: int, scope: Scope = None) -> pd.DataFrame:
    return _store(path, version, scope).latest_cases(before, limit)


@st.cache_data(ttl=3600, max_entries=16, show_spinner=False)
def _equity_trend(path: str, version: int, scope: Scope = None) -> pd.DataFrame:
    store = _store(path, version, scope)
    villages = store.villages()
    if len(villages) < 2:  # inequality between villages needs two of them
        return pd.DataFrame(columns=["period", "domain_id"])
    long = services.coverage_long(store.coverage_all(), villages)
    return services.equity_trend(services.with_index(long, _index_definition(path, version).series()))


@st.cache_data(ttl=600, max_entries=32, show_spinner=False)
def _case_page(path: str, version: int, period: str, filt: CaseFilter, weights: tuple, scope: Scope = None,
               targets: tuple | None = None, township: str | None = None):
    # ``township``: whose closed month's counts are read as they were signed (None: as of now)
    store = _signed(path, version, township, scope)
    return load_case_page(store, period, filt, weights=weights,
                          targets=dict(targets) if targets else None, with_trend=False)


@st.cache_data(ttl=600, max_entries=32, show_spinner=False)
def _case_trend(path: str, version: int, filt: CaseFilter, weights: tuple, scope: Scope = None) -> pd.DataFrame:
    return trend(_store(path, version, scope), filt, weights, days=False)


@st.cache_data(ttl=3600, max_entries=16, show_spinner=False)
def _closes(path: str, version: int, township: str = "") -> dict:
    return standing_closes(_store(path, version), township)


@st.cache_data(ttl=3600, max_entries=16, show_spinner=False)
def _close_totals(path: str, version: int, period: str) -> pd.DataFrame:
    return _store(path, version).month_close_totals(period)


@st.cache_data(ttl=600, max_entries=8, show_spinner=False)
def _close_changes(path: str, version: int, period: str, close_version: int, township: str = "",
                   scope: Scope = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    store = _store(path, version)
    return (differences(store, period, close_version, township, _store(path, version, scope)),
            store.month_close_case_changes(period, close_version, township))


@st.cache_data(ttl=600, max_entries=8, show_spinner=False)
def _quality(path: str, version: int, period: str | None, filt: CaseFilter, scope: Scope = None) -> tuple:
    return tuple(run_checks(_store(path, version, scope), period, filt))


@st.cache_data(ttl=600, max_entries=32, show_spinner=False)
def _closures_by_end(path: str, version: int, period, filt: CaseFilter, scope: Scope = None) -> tuple[int, int]:
    return _store(path, version, scope).closures_by_end(period, filt)


@st.cache_data(ttl=600, max_entries=32, show_spinner=False)
def _alerts(path: str, version: int, period: str, scope: Scope = None) -> pd.DataFrame:
    return alerts(_store(path, version, scope), period)


@st.cache_data(ttl=600, max_entries=32, show_spinner=False)
def _overdue(path: str, version: int, period: str, filt: CaseFilter, allowed: bool,
             scope: Scope = None) -> pd.DataFrame:
    return overdue_list(_store(path, version, scope), period, filt, allowed=allowed)


@st.cache_data(ttl=600, max_entries=32, show_spinner=False)
def _due_soon(path: str, version: int, period: str, filt: CaseFilter, allowed: bool,
              scope: Scope = None) -> pd.DataFrame:
    return due_soon(_store(path, version, scope), period, filt, allowed=allowed)


@st.cache_data(ttl=3600, max_entries=16, show_spinner=False)
def _party_trend(path: str, version: int, months: tuple, by: str, as_of, scope: Scope = None) -> pd.DataFrame:
    store = _store(path, version, scope)
    return branch_trend(store.party_tasks(), store.party_branches(), store.party_assessments(), list(months), by,
                        as_of=as_of)


@st.cache_data(ttl=3600, max_entries=4, show_spinner=False)
def _planner_model(path: str, version: int) -> Model:
    """The planner's model, calibrated on the whole township's history (parameters only), kept in the
    database for the next start, process or session (the pages' caches stay valid)."""
    model, key, fresh = stored_or_calibrated(connection.guarded_store(path))
    if fresh:
        try:
            with connection.writing(path, data_changed=False) as cur:
                save_planner_model(cur, key, to_json(model), audit_now())
        except connection.WriteUnavailable:
            _LOG.warning("the planner's calibration could not be kept in %s; it will be redone", path)
    return model


@st.cache_data(ttl=3600, max_entries=16, show_spinner=False)
def _planner_baseline(path: str, version: int, period: str, scope: Scope, definition: IndexDefinition) -> Baseline:
    return baseline_from_store(connection.guarded_store(path), period, scope, definition)


@st.cache_data(ttl=3600, max_entries=32, show_spinner=False)
def _meeting_case_frames(path: str, version: int, period: str, filters, case_lists: bool, scope: Scope) -> dict:
    return case_frames(_store(path, version, scope), period, filters, case_lists)


@st.cache_data(ttl=3600, max_entries=32, show_spinner=False)
def _decision_log(path: str, version: int, meeting: int | None) -> dict:
    with connection.reading(path) as cur:
        return {"departments": decisions.departments(cur),
                "open_items": decisions.open_items(cur, exclude_meeting=meeting),
                "meeting_items": decisions.items(cur, meeting_id=meeting if meeting is not None else -1)}


@dataclass(frozen=True)
class Data:
    """What pages read, bound to one database file and version, and limited to the villages of
    ``scope`` (None: the whole township; see the module doc)."""

    path: str
    version: int
    weights: tuple[float, float, float]
    scope: Scope = None
    targets: tuple[tuple[str, float], ...] | None = None  # case_targets setting; None: the defaults
    # reference tables already read in this page run: a page asks for the domains a few dozen
    # times, and every read of Streamlit's cache unpickles the frame again
    _memo: dict = field(default_factory=dict, init=False, compare=False, repr=False)

    def _ref(self, name: str, scoped: bool = False):
        key = (name, scoped)
        if key not in self._memo:
            self._memo[key] = _reference(self.path, self.version, name, self.scope if scoped else None)
        value = self._memo[key]  # a copy, so a caller that changes its frame changes nobody else's
        return value.copy(deep=False) if isinstance(value, pd.DataFrame) else copy.copy(value)

    def domain_names(self, lang: str) -> pd.Series:
        """The domains' names in ``lang`` by domain_id."""
        key = ("domain_names", lang)
        if key not in self._memo:
            self._memo[key] = self._ref("domains").set_index("domain_id")[f"name_{lang}"]
        return self._memo[key].copy(deep=False)

    def case_targets(self) -> dict[str, float]:
        """The targets of the appeals figures (cockpit.cases.scorecard)."""
        return dict(self.targets) if self.targets else dict(DEFAULT_TARGETS)

    def scoped(self, village_ids) -> "Data":
        """This data limited to ``village_ids`` (None: unlimited). A scope never widens: an
        already scoped Data keeps only the villages in both."""
        if village_ids is None:
            return self
        ids = tuple(sorted(set(village_ids)))
        if self.scope is not None:
            ids = tuple(v for v in ids if v in self.scope)
        return replace(self, scope=ids)

    def allows(self, village_id: str) -> bool:
        """True when ``village_id`` lies in the scope (always, without one)."""
        return self.scope is None or village_id in self.scope

    def villages(self) -> pd.DataFrame:
        return self._ref("villages", scoped=True)

    def domains(self) -> pd.DataFrame:
        return self._ref("domains")

    def townships(self) -> pd.DataFrame:
        """A county's townships, one row per village (cockpit.store.Store.townships); empty for a
        township's database."""
        return self._ref("townships", scoped=True)

    def is_county(self) -> bool:
        """True for a county's database (many townships' packages), whatever the scope."""
        return not self._ref("townships").empty

    @property
    def township(self) -> str | None:
        """The code of the county's township whose villages are exactly the scope (the sidebar's
        township choice, a township leader); None in a township's database or for any other scope."""
        if "township" not in self._memo:
            code = None
            if self.scope:
                all_ = self._ref("townships")
                mine = all_[all_["village_id"].isin(self.scope)]["township_code"].unique()
                if len(mine) == 1 and set(all_.loc[all_["township_code"] == mine[0], "village_id"]) == set(self.scope):
                    code = str(mine[0])
            self._memo["township"] = code
        return self._memo["township"]

    def _close_key(self) -> str | None:
        """Whose closes sign this data's figures: '' (the database's own) for a township's database
        seen whole, a county township's code when narrowed to it, None otherwise (current figures)."""
        if self.township is not None:
            return self.township
        return "" if self.scope is None and not self.is_county() else None

    def signed(self) -> bool:
        """True when a closed month's figures are shown as signed here: one whole township, in its
        own database or in a county's narrowed to it (see the module doc)."""
        return self._close_key() is not None

    def facilities(self) -> pd.DataFrame:
        return self._ref("facilities", scoped=True)

    def periods(self) -> list[str]:
        return self._ref("periods")

    def contents(self) -> dict[str, int]:
        """What the whole township's data holds (:meth:`cockpit.store.Store.contents`)."""
        return self._ref("contents")

    def meta(self) -> dict[str, str]:
        return self._ref("meta")

    def village_table(self, period: str) -> pd.DataFrame:
        """One row per village in scope with all its figures (cockpit.metrics.snapshot.village_table)."""
        # a part of a township reads current figures, as its own totals are (a close signs the whole's)
        table = _village_table(self.path, self.version, period, self.weights, self._close_key())
        return _in_scope(table, self.scope)

    def township_series(self) -> pd.DataFrame:
        """Township figures by month, over the villages in scope only."""
        return _township_series(self.path, self.version, self.weights, self.scope, self._close_key())

    def accessibility(self, threshold_km: float, method: str) -> pd.DataFrame:
        """Accessibility per village in scope (index) and domain (cockpit.services.village_accessibility)."""
        access = _accessibility(self.path, self.version, float(threshold_km), method)
        return access if self.scope is None else access[access.index.isin(self.scope)]

    def norms(self) -> pd.DataFrame:
        return self._ref("norms")

    def departments(self) -> pd.DataFrame:
        return self._ref("departments")

    def categories(self) -> pd.DataFrame:
        return self._ref("categories")

    def case_matrix(self, period: str) -> pd.DataFrame:
        """The month's case counts by department and village in scope (Store.case_counts_matrix)."""
        return _by_key(self.path, self.version, "case_counts_matrix", period, self.scope)

    def case_page(self, period: str, filt: CaseFilter, closed: bool = False):
        """Everything the cases page shows (cockpit.cases.page.CasePage); overdue list masked.
        ``closed``: a closed month's unfiltered counts as the close froze them (cockpit.metrics.month_close),
        where they apply (:meth:`signed`)."""
        page = _case_page(self.path, self.version, period, filt, self.weights, self.scope, self.targets,
                          self._close_key() if closed else None)
        # the trend covers every month: a change of month reuses it
        return replace(page, trend=_case_trend(self.path, self.version, filt, self.weights, self.scope))

    def closures_by_end(self, period, filt: CaseFilter) -> tuple[int, int]:
        """(cases due in ``period``, of those closed before it ended): the closure rate by the
        period's end, beside the page's closures to date."""
        return _closures_by_end(self.path, self.version, period, filt, self.scope)

    def month_closes(self) -> dict:
        """The months closed now, by period (cockpit.metrics.month_close.MonthClose): the township's own, or
        in a county narrowed to one township, those it published (none for the whole county)."""
        key = self._close_key()
        return _closes(self.path, self.version, "" if key is None else key)

    def month_close_totals(self, period: str) -> pd.DataFrame:
        """The township totals each township's standing close of ``period`` signed
        (Store.month_close_totals): the county page's signed townships; with a scope, only the
        township it is (if it is one)."""
        totals = _close_totals(self.path, self.version, period)
        if self.scope is None:
            return totals
        return totals[totals["township_code"] == self.township].reset_index(drop=True)

    def close_changes(self, close) -> tuple[pd.DataFrame, pd.DataFrame]:
        """(township figures that differ, changed case fields) since ``close``; whole township only."""
        if not self.signed():
            raise ValueError("the changes since a close are township figures")
        return _close_changes(self.path, self.version, close.period, close.version, close.township, self.scope)

    def quality_findings(self, period: str | None, filt: CaseFilter) -> tuple:
        """Trace-formalism findings for a month, or for all the data when ``period`` is None."""
        return _quality(self.path, self.version, period, filt, self.scope)

    def overdue_cases(self, period: str, filt: CaseFilter, allowed: bool = False) -> pd.DataFrame:
        """Open cases past due at the period's end, oldest first; personal fields masked unless
        ``allowed``."""
        return _overdue(self.path, self.version, period, filt, allowed, self.scope)

    def due_soon_cases(self, period: str, filt: CaseFilter, allowed: bool = False) -> pd.DataFrame:
        """Open cases due within three days of the period's end (or the data's end), soonest
        first; personal fields masked unless ``allowed`` (cockpit.cases.today)."""
        return _due_soon(self.path, self.version, period, filt, allowed, self.scope)

    def today(self, period: str):
        """The moment "today" stands for in ``period`` (cockpit.cases.today.as_of)."""
        return as_of(_store(self.path, self.version), period)

    def case_alerts(self, period: str) -> pd.DataFrame:
        """Weekly case spikes of the month by category and village (cockpit.cases.alerts)."""
        return _alerts(self.path, self.version, period, self.scope)

    def equity_trend(self) -> pd.DataFrame:
        """Equity indices of every month and domain, and of the composite index."""
        return _equity_trend(self.path, self.version, self.scope)

    def index_definition(self) -> IndexDefinition:
        """The township's composite index: its weights and reference period (cockpit.services.index)."""
        return _index_definition(self.path, self.version)

    def latest_cases(self, before: datetime, limit: int = 10) -> pd.DataFrame:
        return _latest_cases(self.path, self.version, before, limit, self.scope)

    def allocations(self, period: str) -> pd.DataFrame:
        return _by_key(self.path, self.version, "allocations", period, self.scope)

    def coverage(self, period: str) -> pd.DataFrame:
        return _by_key(self.path, self.version, "coverage", period, self.scope)

    def party_branches(self, village_id: str | None = None) -> pd.DataFrame:
        if village_id is None:
            return self._ref("party_branches", scoped=True)
        return _by_key(self.path, self.version, "party_branches", village_id, self.scope)

    def party_tasks(self, village_id: str | None = None) -> pd.DataFrame:
        if village_id is None:
            return self._ref("party_tasks", scoped=True)
        return _by_key(self.path, self.version, "party_tasks", village_id, self.scope)

    def party_assessments(self) -> pd.DataFrame:
        return self._ref("party_assessments", scoped=True)

    def party_trend(self, months: tuple[str, ...], by: str, as_of) -> pd.DataFrame:
        """Each branch's scoreboard by month or quarter (cockpit.party.review.branch_trend), cut at ``as_of``."""
        return _party_trend(self.path, self.version, tuple(months), by, as_of, self.scope)

    def planner_model(self) -> Model:
        """The what-if planner's model, calibrated once per data version on the whole township."""
        return _planner_model(self.path, self.version)

    def planner_baseline(self, period: str) -> Baseline:
        """The planner's baseline of ``period`` over the villages in scope, with the township's
        composite index weights (a village's coverage in the planner is the index every page shows)."""
        return _planner_baseline(self.path, self.version, period, self.scope, self.index_definition())

    def meeting_case_frames(self, period: str, filters, case_lists: bool) -> dict:
        """The joint meeting's case figures (cockpit.meeting.build.case_frames) over the villages in scope."""
        return _meeting_case_frames(self.path, self.version, period, filters, case_lists, self.scope)

    def decision_log(self, meeting: int | None) -> dict:
        """The decision log: departments, the open items of other meetings and those of ``meeting``
        (cached by version: every write to the log changes it)."""
        return _decision_log(self.path, self.version, meeting)

    def saved_scenarios(self) -> pd.DataFrame:
        """The saved what-if scenarios (cockpit.store.scenarios.list_scenarios); with a scope, only
        those that change nothing outside it (a village secretary's; a county's chosen township)."""
        with self.reader() as con:
            saved = list_scenarios(con)
            if self.scope is None or saved.empty:
                return saved
            allowed = set(self.scope)
            inside = [sid for sid in saved["scenario_id"] if load_scenario(con, int(sid)).villages <= allowed]
        return saved[saved["scenario_id"].isin(inside)].reset_index(drop=True)

    def reader(self):
        """Context manager: a cursor for reads outside the cached queries (import records)."""
        return connection.reading(self.path)

    def writer(self, data_changed: bool = True):
        """Context manager: a writable cursor under the database's one write lock; raises
        connection.WriteUnavailable when the file cannot be written. Pages re-read afterwards
        unless ``data_changed`` is False (sign-ins and audit entries)."""
        return connection.writing(self.path, data_changed)

    def connect(self):
        """Writable cursor for accounts and the audit log (pages' caches stay valid)."""
        return connection.writing(self.path, data_changed=False)


def open_data(building_message: str) -> Data:
    """Open the configured database, building the sample first when the file is missing.

    Raises StoreError or BuildError (with the path in the message) when it cannot be used.
    """
    path: Path = settings.path("db_path")
    if not path.exists():
        with st.spinner(building_message):
            build_database(settings.path("sample_dir"), path)
    # Opened (and upgraded to the current schema) once per file; fails here, naming the path,
    # when the file is unusable.
    h = connection.handle(str(path))
    stat = path.stat()
    # Not the file's mtime: a sign-in or an audit entry reopens the file read-write, which changes
    # it without changing any data. Data changes go through connection.writing, which bumps the
    # generation; a replaced file is a new inode (and a new handle).
    version = hash((stat.st_dev, stat.st_ino, h.generation)) & 0x7FFF_FFFF_FFFF_FFFF
    try:
        targets = tuple(sorted(parse_targets(settings.get("case_targets")).items()))
    except ValueError as exc:
        raise StoreError(f"setting case_targets (COCKPIT_CASE_TARGETS): {exc}") from None
    return Data(str(path), version, parse_weights(settings.get("three_rates_weights")), targets=targets)
