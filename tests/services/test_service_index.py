"""The composite service index's one definition (cockpit.services.index): weights fixed over a
reference period, a leader's own weights, the same index in the village table, the township
series, the equity trend and the services ranking."""

from __future__ import annotations

import json
import math
import shutil

import numpy as np
import pandas as pd
import pytest

from cockpit.metrics import snapshot
from cockpit.services import figures as services
from cockpit.auth.audit_log import read_audit
from cockpit.services.composite import entropy_weights
from cockpit.metrics.catalog import coverage_key
from cockpit.services.index import (ALL_HISTORY, IndexDefinition, index_definition, index_values,
                                   parse_set_weights, reference_months, reference_weights, save_definition)
from cockpit.store import Store
from cockpit.store.scope import ScopedStore


def _coverage(rows):
    return pd.DataFrame(rows, columns=["period", "village_id", "domain_id", "coverage"])


def test_reference_weights_pool_every_village_month_by_hand():
    # x normalises to 0, ½, 1 over the three village-months, y to 0, 0, 1
    cov = _coverage([("2025-01", "a", "x", 0.2), ("2025-01", "a", "y", 0.5),
                     ("2025-01", "b", "x", 0.4), ("2025-01", "b", "y", 0.5),
                     ("2025-02", "a", "x", 0.6), ("2025-02", "a", "y", 0.9),
                     ("2026-01", "a", "x", 0.9), ("2026-01", "a", "y", 0.1)])   # outside the reference
    w = reference_weights(cov, ["x", "y"], "2025-01", "2025-12")
    e_x = -(1 / 3 * math.log(1 / 3) + 2 / 3 * math.log(2 / 3)) / math.log(3)
    d_x, d_y = 1 - e_x, 1.0
    assert w["x"] == pytest.approx(d_x / (d_x + d_y), abs=1e-12)
    assert w["y"] == pytest.approx(d_y / (d_x + d_y), abs=1e-12)
    # not a month's own weights: January alone has a constant y, so y would weigh 0
    assert entropy_weights(pd.DataFrame({"x": [0.2, 0.4], "y": [0.5, 0.5]}))["y"] == 0


def test_reference_months_and_set_weights():
    periods = ["2024-11", "2024-12", "2025-01", "2025-12", "2026-03"]
    assert reference_months(periods, ALL_HISTORY) == ("2024-11", "2026-03")
    assert reference_months(periods, "2025") == ("2025-01", "2025-12")
    assert reference_months(periods, "2023") == (None, None)
    assert parse_set_weights("x=1, y=3", ["x", "y", "z"]) == {"x": 0.25, "y": 0.75, "z": 0.0}
    for bad in ("x=1,w=2", "x", "x=-1", "x=0,y=0"):
        with pytest.raises(ValueError):
            parse_set_weights(bad, ["x", "y", "z"])


def test_index_values_weighted_mean_over_known_domains():
    wide = pd.DataFrame({"x": [0.8, 0.6, np.nan], "y": [0.4, np.nan, np.nan]}, index=["a", "b", "c"])
    got = index_values(wide, pd.Series({"x": 0.25, "y": 0.75}))
    assert got["a"] == pytest.approx(0.25 * 0.8 + 0.75 * 0.4)
    assert got["b"] == pytest.approx(0.6)      # the domain it has
    assert math.isnan(got["c"])


@pytest.fixture
def store(sample_db, tmp_path):
    db = tmp_path / "cockpit.duckdb"
    shutil.copy2(sample_db, db)
    s = Store(db, read_only=False)
    yield s
    s.close()


def test_the_sample_index_is_one_definition_everywhere(store):
    definition = index_definition(store)
    periods = store.periods()
    assert (definition.method, definition.reference) == ("entropy", ALL_HISTORY)
    assert (definition.start, definition.end) == (min(store.coverage_all()["period"]), max(store.coverage_all()["period"]))
    weights = definition.series()
    assert weights.sum() == pytest.approx(1.0) and list(weights.index) == list(store.domains()["domain_id"])
    assert weights.max() - weights.min() > 0.01          # entropy weights, not equal ones

    period = periods[-1]
    vt = snapshot.village_table(store, period).set_index("village_id")
    cov = store.coverage(period).pivot(index="village_id", columns="domain_id", values="coverage")
    by_hand = (cov[weights.index] * weights).sum(axis=1)
    np.testing.assert_allclose(vt.loc[by_hand.index, "service_index"], by_hand, atol=1e-12)

    # the township's index is the population-weighted mean of the villages' (no value missing)
    series = snapshot.township_series(store)
    pop = vt.loc[by_hand.index, "population"]
    assert series.at[period, "service_index"] == pytest.approx((by_hand * pop).sum() / pop.sum(), abs=1e-12)

    # the equity trend's index and the services ranking use the same weights in every month
    long = services.with_index(services.coverage_long(store.coverage_all(), store.villages()), weights)
    first = long[(long["domain_id"] == services.INDEX_ID) & (long["period"] == periods[0])].set_index("village_id")
    cov0 = store.coverage(periods[0]).pivot(index="village_id", columns="domain_id", values="coverage")
    np.testing.assert_allclose(first["value"], (cov0[weights.index] * weights).sum(axis=1).loc[first.index], atol=1e-12)
    comp = services.composite(cov, weights)
    np.testing.assert_allclose(comp.index.loc[by_hand.index], by_hand, atol=1e-12)


def test_a_leader_changes_the_definition_for_everyone(store):
    domains = list(store.domains()["domain_id"])
    con = store.cursor()
    set_weights = {d: (1.0 if d == domains[0] else 0.0) for d in domains}
    save_definition(con.cursor(), "2025", set_weights, "leader")
    definition = index_definition(store)
    assert definition.method == "set" and definition.reference == "2025"
    assert dict(definition.weights)[domains[0]] == 1.0
    period = store.periods()[-1]
    vt = snapshot.village_table(store, period).set_index("village_id")
    np.testing.assert_allclose(vt["service_index"], vt[coverage_key(domains[0])], atol=1e-12)
    entry = read_audit(con).iloc[0]
    assert entry["event"] == "index_definition"
    assert json.loads(entry["detail"])["reference"] == "2025"

    # entropy weights over one calendar year differ from those over the whole history
    save_definition(con.cursor(), "2025", None, "leader")
    year = index_definition(store)
    assert (year.method, year.start, year.end) == ("entropy", "2025-01", "2025-12")
    expected = reference_weights(store.coverage_all(), domains, "2025-01", "2025-12")
    np.testing.assert_allclose(year.series().to_numpy(), expected.to_numpy(), atol=1e-12)

    with pytest.raises(ValueError):
        save_definition(con.cursor(), "last year", None, "leader")
    assert index_definition(store).reference == "2025"        # nothing written


def test_a_scoped_store_reads_the_townships_definition(store):
    village = store.villages()["village_id"].iloc[0]
    scoped = ScopedStore(store, [village])
    township = index_definition(store)
    assert isinstance(township, IndexDefinition) and index_definition(scoped) == township
    own = snapshot.township_series(scoped)
    vt = snapshot.village_table(store, store.periods()[-1], index=township).set_index("village_id")
    assert own.at[store.periods()[-1], "service_index"] == pytest.approx(vt.at[village, "service_index"], abs=1e-12)


def test_duckdb_meta_holds_the_definition(store):
    save_definition(store.cursor(), ALL_HISTORY, None, "leader")
    rows = dict(store.cursor().execute("SELECT key, value FROM meta WHERE key LIKE 'index_%'").fetchall())
    assert rows == {"index_reference": "all", "index_weights": ""}
