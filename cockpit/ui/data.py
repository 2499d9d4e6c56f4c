"""Cached access to the store for pages.

The DuckDB connection is one cached resource per database file and version; query results are
cached by small arguments plus ``version`` (the file's modification time), so a rebuilt or
re-imported database is read afresh.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pandas as pd
import streamlit as st

from cockpit import services, settings, snapshot
from cockpit.metrics.cases import parse_weights
from cockpit.store import Store, build_database
from cockpit.store.build import upgrade_database

__all__ = ["Data", "open_data"]


@st.cache_resource(show_spinner=False)
def _store(path: str, version: int) -> Store:
    return Store(path)


@st.cache_data(ttl=3600, max_entries=64, show_spinner=False)
def _village_table(path: str, version: int, period: str, weights: tuple) -> pd.DataFrame:
    return snapshot.village_table(_store(path, version), period, weights)


@st.cache_data(ttl=3600, max_entries=8, show_spinner=False)
def _township_series(path: str, version: int, weights: tuple) -> pd.DataFrame:
    return snapshot.township_series(_store(path, version), weights)


@st.cache_data(ttl=3600, max_entries=32, show_spinner=False)
def _reference(path: str, version: int, name: str):
    store = _store(path, version)
    return {"villages": store.villages, "domains": store.domains, "facilities": store.facilities,
            "periods": store.periods, "meta": store.meta, "norms": store.norms,
            "party_branches": store.party_branches, "party_tasks": store.party_tasks,
            "party_assessments": store.party_assessments}[name]()


@st.cache_data(ttl=3600, max_entries=64, show_spinner=False)
def _by_key(path: str, version: int, query: str, key: str) -> pd.DataFrame:
    """Queries of one argument (a period or a village id), by store method name."""
    allowed = ("allocations", "coverage", "party_branches", "party_tasks", "coverage_history")
    if query not in allowed:
        raise ValueError(f"not a cached query: {query!r}")
    return getattr(_store(path, version), query)(key)


@st.cache_data(ttl=3600, max_entries=16, show_spinner=False)
def _latest_cases(path: str, version: int, before: datetime, limit: int) -> pd.DataFrame:
    return _store(path, version).latest_cases(before, limit)


@st.cache_data(ttl=3600, max_entries=16, show_spinner=False)
def _equity_trend(path: str, version: int, user_weights: tuple | None) -> pd.DataFrame:
    store = _store(path, version)
    long = services.coverage_long(store.coverage_all(), store.villages())
    return services.equity_trend(services.with_index(long, dict(user_weights) if user_weights else None))


@dataclass(frozen=True)
class Data:
    """What pages read, bound to one database file and version."""

    path: str
    version: int
    weights: tuple[float, float, float]

    def villages(self) -> pd.DataFrame:
        return _reference(self.path, self.version, "villages")

    def domains(self) -> pd.DataFrame:
        return _reference(self.path, self.version, "domains")

    def facilities(self) -> pd.DataFrame:
        return _reference(self.path, self.version, "facilities")

    def periods(self) -> list[str]:
        return _reference(self.path, self.version, "periods")

    def meta(self) -> dict[str, str]:
        return _reference(self.path, self.version, "meta")

    def village_table(self, period: str) -> pd.DataFrame:
        return _village_table(self.path, self.version, period, self.weights)

    def township_series(self) -> pd.DataFrame:
        return _township_series(self.path, self.version, self.weights)

    def norms(self) -> pd.DataFrame:
        return _reference(self.path, self.version, "norms")

    def equity_trend(self, user_weights: dict[str, float] | None = None) -> pd.DataFrame:
        """Equity indices of every month and domain, and of the composite index."""
        key = tuple(sorted(user_weights.items())) if user_weights else None
        return _equity_trend(self.path, self.version, key)

    def latest_cases(self, before: datetime, limit: int = 10) -> pd.DataFrame:
        return _latest_cases(self.path, self.version, before, limit)

    def allocations(self, period: str) -> pd.DataFrame:
        return _by_key(self.path, self.version, "allocations", period)

    def coverage(self, period: str) -> pd.DataFrame:
        return _by_key(self.path, self.version, "coverage", period)

    def party_branches(self, village_id: str | None = None) -> pd.DataFrame:
        if village_id is None:
            return _reference(self.path, self.version, "party_branches")
        return _by_key(self.path, self.version, "party_branches", village_id)

    def party_tasks(self, village_id: str | None = None) -> pd.DataFrame:
        if village_id is None:
            return _reference(self.path, self.version, "party_tasks")
        return _by_key(self.path, self.version, "party_tasks", village_id)

    def party_assessments(self) -> pd.DataFrame:
        return _reference(self.path, self.version, "party_assessments")


def open_data(building_message: str) -> Data:
    """Open the configured database, building the sample first when the file is missing.

    Raises StoreError or BuildError (with the path in the message) when it cannot be used.
    """
    path: Path = settings.path("db_path")
    if not path.exists():
        with st.spinner(building_message):
            build_database(settings.path("sample_dir"), path)
    else:
        upgrade_database(path)
    version = path.stat().st_mtime_ns
    _store(str(path), version)  # fail here, with the path named, if the file is unusable
    return Data(str(path), version, parse_weights(settings.get("three_rates_weights")))
