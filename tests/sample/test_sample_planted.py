"""Planted trace-formalism patterns: present as listed in planted.csv, absent in a clean run."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from cockpit.sample.generate import generate
from cockpit.sample.planted import PATTERNS

DEFAULT = dict(villages=18, months=24, cases_per_year=4000, seed=20261, end="2026-10")


def _run(root: Path, plant: bool) -> Path:
    out = root / "sample_data"
    generate(out_dir=out, geo_dir=root / "geodata", plant=plant, **DEFAULT)
    return out


@pytest.fixture(scope="module")
def runs(tmp_path_factory) -> dict[bool, Path]:
    return {p: _run(tmp_path_factory.mktemp(f"plant{p}"), p) for p in (True, False)}


def _cases(folder: Path) -> pd.DataFrame:
    c = pd.read_csv(folder / "cases.csv", dtype={"village_id": str, "satisfaction": "Int16"},
                    parse_dates=["received_at", "closed_at", "rated_at"])
    c["minutes"] = (c["closed_at"] - c["received_at"]).dt.total_seconds() / 60
    return c


def _found(folder: Path) -> dict[str, set[str]]:
    """Detect each pattern from the data alone, returning the ids of the rows that show it."""
    c = _cases(folder)
    found = {
        "bulk_quick_closure": set(c.loc[c["minutes"].between(0, 10), "case_id"]),
        "closed_before_received": set(c.loc[c["minutes"] < 0, "case_id"]),
    }
    rated = c[c["satisfaction"].notna()].assign(minute=lambda d: d["rated_at"].dt.floor("min"))
    size = rated.groupby(["village_id", "minute", "satisfaction"])["case_id"].transform("size")
    found["identical_ratings"] = set(rated.loc[size >= 5, "case_id"])
    copies = c.groupby("summary")["case_id"].transform("size")
    found["copied_text"] = set(c.loc[copies >= 10, "case_id"])
    closed = c[c["closed_at"].notna()].copy()
    month = closed["closed_at"].dt.to_period("M")
    closed["late_in_month"] = closed["closed_at"] >= (month.dt.end_time.dt.normalize() - pd.Timedelta(days=1))
    share = closed.groupby([closed["village_id"], month])["late_in_month"].agg(["mean", "size"])
    spikes = share[(share["mean"] >= 0.4) & (share["size"] >= 8)].index
    key = pd.MultiIndex.from_arrays([closed["village_id"], month])
    found["month_end_spike"] = set(closed.loc[key.isin(spikes) & closed["late_in_month"].to_numpy(), "case_id"])
    tasks = pd.read_csv(folder / "party_tasks.csv")
    found["task_done_no_evidence"] = set(tasks.loc[(tasks["status"] == "done") & (tasks["evidence_count"] == 0),
                                                   "task_id"])
    return found


def test_planted_csv_lists_every_pattern_in_one_or_two_villages(runs):
    planted = pd.read_csv(runs[True] / "planted.csv", dtype=str)
    assert list(planted.columns) == ["pattern", "record_id", "village_id"]
    counts = planted["pattern"].value_counts()
    assert set(counts.index) == set(PATTERNS)
    assert 20 <= counts["bulk_quick_closure"] <= 30
    assert counts["closed_before_received"] == 5
    assert counts["identical_ratings"] == 16
    assert counts["copied_text"] == 15
    assert counts["task_done_no_evidence"] == 10
    assert counts["month_end_spike"] >= 20
    assert planted["village_id"].nunique() <= 2
    assert not planted["record_id"].duplicated().any()


def test_planted_patterns_found_exactly_where_listed(runs):
    planted = pd.read_csv(runs[True] / "planted.csv", dtype=str)
    found = _found(runs[True])
    c = _cases(runs[True]).set_index("case_id")
    for pattern in PATTERNS:
        listed = set(planted.loc[planted["pattern"] == pattern, "record_id"])
        if pattern == "month_end_spike":  # the spike also holds the village's genuine month-end closures
            assert listed <= found[pattern] and len(found[pattern]) < 1.3 * len(listed)
        else:
            assert found[pattern] == listed, pattern
        if pattern != "task_done_no_evidence":
            villages = set(c.loc[sorted(listed), "village_id"])
            assert villages == set(planted.loc[planted["pattern"] == pattern, "village_id"])


def test_clean_run_has_none_of_the_patterns(runs):
    planted = pd.read_csv(runs[False] / "planted.csv", dtype=str)
    assert len(planted) == 0
    for pattern, ids in _found(runs[False]).items():
        assert ids == set(), pattern
    c = _cases(runs[False])
    assert c["minutes"].min() >= 30
    assert c.groupby("summary").size().max() <= 5


def test_clean_rows_identical_in_both_runs(runs):
    planted = set(pd.read_csv(runs[True] / "planted.csv", dtype=str)["record_id"])
    a = pd.read_csv(runs[True] / "cases.csv", dtype=str, keep_default_na=False)
    b = pd.read_csv(runs[False] / "cases.csv", dtype=str, keep_default_na=False)
    assert list(a["case_id"]) == list(b["case_id"])
    keep = ~a["case_id"].isin(planted)
    assert a[keep].equals(b[keep])
    assert not a[~keep].equals(b[~keep])
    for name in ("villages", "allocations", "coverage", "facilities", "case_contacts", "party_branches"):
        assert (runs[True] / f"{name}.csv").read_bytes() == (runs[False] / f"{name}.csv").read_bytes(), name
