"""The relations embedded in the default sample township are recoverable from its data."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from cockpit.sample.generate import generate
from cockpit.sample.truth import TRUE

DEFAULT = dict(villages=18, months=24, cases_per_year=4000, seed=20261, end="2026-10")


@pytest.fixture(scope="module")
def default(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("default") / "sample_data"
    generate(out_dir=out, geo_dir=None, **DEFAULT)
    return out


@pytest.fixture(scope="module")
def cases(default) -> pd.DataFrame:
    c = pd.read_csv(default / "cases.csv", dtype={"village_id": str, "satisfaction": "Int16"},
                    parse_dates=["received_at", "acknowledged_at", "due_at", "closed_at", "rated_at"])
    c["days"] = (c["closed_at"] - c["received_at"]).dt.total_seconds() / 86400
    c["on_time"] = c["closed_at"].notna() & (c["closed_at"] <= c["due_at"])
    return c


def _villages(default: Path) -> pd.DataFrame:
    return pd.read_csv(default / "villages.csv", dtype={"village_id": str}).set_index("village_id")


def test_default_township_shape(default, cases):
    vil = _villages(default)
    assert len(vil) == 19 and (vil["kind"] == "seat").sum() == 1
    rural = vil[vil["kind"] == "village"]
    assert rural["population"].between(300, 3000).all()
    assert 4000 <= vil["population"].iloc[0] <= 8000
    assert vil["elderly_share"].between(0.15, 0.40).all()
    assert np.allclose(vil["households"], vil["population"] / 2.8, rtol=0.06)
    assert abs(len(cases) / 2 - 4000) <= 0.15 * 4000
    assert cases["channel"].value_counts(normalize=True)["hotline"] == pytest.approx(0.45, abs=0.04)


def test_remote_villages_older_less_connected_and_less_covered(default):
    vil = _villages(default)
    cov = pd.read_csv(default / "coverage.csv", dtype={"village_id": str})
    vil["coverage"] = cov.groupby("village_id")["coverage"].mean()
    assert vil["distance_km"].corr(vil["broadband_share"]) < -0.8
    assert vil["distance_km"].corr(vil["elderly_share"]) > 0.6
    assert vil["distance_km"].corr(vil["coverage"]) < -0.5
    seat = vil.index[0]
    assert vil.loc[seat, "broadband_share"] == vil["broadband_share"].max()
    assert vil["broadband_share"].min() < 0.75
    digital = cov[cov["domain_id"] == "digital"].groupby("village_id")["coverage"].mean()
    assert digital.corr(vil["broadband_share"]) > 0.8


def test_coverage_response_recovers_k(default):
    cov = pd.read_csv(default / "coverage.csv", dtype={"village_id": str})
    al = pd.read_csv(default / "allocations.csv", dtype={"village_id": str})
    pop = _villages(default)["population"]
    x = cov.merge(al, on=["period", "village_id", "domain_id"])
    x["f"] = x["funding_yuan"] / pop.loc[x["village_id"]].to_numpy()
    x["y"] = np.log(1 - x["coverage"])
    for dom, g in x.groupby("domain_id"):
        key = g["village_id"]
        fy = g["y"] - g.groupby(key)["y"].transform("mean")
        ff = g["f"] - g.groupby(key)["f"].transform("mean")
        k = -(fy * ff).sum() / (ff * ff).sum()
        assert k == pytest.approx(TRUE.domains[dom].k, rel=0.2), dom
        # funding per resident varies within villages over time (identifiable response)
        assert (g.groupby(key)["f"].std() / g.groupby(key)["f"].mean()).min() > 0.1


def test_on_time_falls_with_cases_per_staff(default, cases):
    al = pd.read_csv(default / "allocations.csv", dtype={"village_id": str})
    staff = al.groupby(["village_id", "period"])["staff_fte"].sum().groupby("village_id").mean()
    per_month = cases.groupby("village_id").size() / 24
    load = (per_month / staff).sort_values()
    on_time = cases.groupby("village_id")["on_time"].mean()
    seat = _villages(default).index[0]
    busiest = load.index[-2:]
    assert (on_time[busiest] < on_time[seat] - 0.2).all()
    assert on_time.corr(load, method="spearman") < -0.3
    assert 0.85 < cases["on_time"].mean() < 0.97


def test_acknowledgement_mostly_within_response_deadline(default, cases):
    cat = pd.read_csv(default / "categories.csv").set_index("category_id")
    hours = (cases["acknowledged_at"] - cases["received_at"]).dt.total_seconds() / 3600
    within = hours <= cat.loc[cases["category_id"], "response_hours"].to_numpy()
    assert 0.85 < within.mean() < 0.96
    dist = _villages(default)["distance_km"]
    by_village = within.groupby(cases["village_id"]).mean()
    assert by_village.corr(dist) < 0


def test_satisfaction_falls_with_days_to_close(cases):
    rated = cases[cases["satisfaction"].notna() & (cases["days"] >= 0)]
    sat = rated["satisfaction"] >= 4
    fast, slow = sat[rated["days"] <= 3].mean(), sat[rated["days"] > 14].mean()
    assert fast > slow + 0.3
    closed = cases["closed_at"].notna()
    assert cases["satisfaction"].notna().sum() / closed.sum() == pytest.approx(0.70, abs=0.04)
    resolved = cases.loc[closed, "resolved"].value_counts(normalize=True, dropna=False)
    assert resolved[True] == pytest.approx(0.85, abs=0.03)
