"""2SFCA / E2SFCA against PySAL `access` (its hospital example), conservation, hand values."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from cockpit.services.accessibility import (EARTH_RADIUS_KM, accessibility_by_domain, decay_weights,
                                   enhanced_two_step_fca, travel_cost_km, two_step_fca)

access = pytest.importorskip("access")
from access.access import weights as access_weights  # noqa: E402

# access 1.1.10 calls set_index(inplace=True), which pandas 3 deprecates: not our concern here.
pytestmark = pytest.mark.filterwarnings("ignore:The inplace keyword:Warning")

# access/tests/test_hospital_example.py (access 1.1.10.post3): three tracts, each both a
# residential area (pop) and a hospital (doc); costs origin -> dest in four traffic scenarios.
TRACTS = pd.DataFrame({"geoid": [1, 2, 3], "pop": [100, 50, 10], "doc": [15, 20, 100]})
SCENARIOS = {  # (self, inbound 1,2->3, outbound 3->1,2, cross-city 1<->2)
    "gridlock": (1, 40, 40, 80), "faster_in": (1, 20, 40, 80),
    "faster_out": (1, 40, 20, 80), "symmetric": (1, 20, 20, 40),
}


def _cost_long(self_, inbound, outbound, cross):
    rows = [(1, 1, self_), (2, 2, self_), (3, 3, self_), (1, 3, inbound), (2, 3, inbound),
            (3, 1, outbound), (3, 2, outbound), (1, 2, cross), (2, 1, cross)]
    return pd.DataFrame(rows, columns=["origin", "dest", "cost"])


def _reference(costs, method, **kw):
    a = access.Access(demand_df=TRACTS, demand_index="geoid", demand_value="pop",
                      supply_df=TRACTS, supply_index="geoid", supply_value="doc",
                      cost_df=costs, cost_origin="origin", cost_dest="dest", cost_name="cost")
    return getattr(a, method)(name="ref", max_cost=61, **kw)["ref_doc"].sort_index()


def _ours(costs, **kw):
    matrix = costs.pivot(index="origin", columns="dest", values="cost")   # villages × facilities
    demand = TRACTS.set_index("geoid")["pop"]
    supply = TRACTS.set_index("geoid")["doc"]
    if kw:
        return enhanced_two_step_fca(demand, supply, matrix, 61, **kw).accessibility
    return two_step_fca(demand, supply, matrix, 61).accessibility


@pytest.mark.parametrize("scenario", list(SCENARIOS))
def test_2sfca_equals_pysal_access_hospital_example(scenario):
    costs = _cost_long(*SCENARIOS[scenario])
    ref = _reference(costs, "two_stage_fca")
    ours = _ours(costs)
    assert ours.to_numpy() == pytest.approx(ref.to_numpy(), rel=1e-12)


def test_hospital_gridlock_numbers():
    # Gridlock, d0 = 61: tract 1 reaches 1 and 3, tract 2 reaches 2 and 3, tract 3 all.
    # R1 = 15 / (100 + 10) , R2 = 20 / (50 + 10), R3 = 100 / 160
    r1, r2, r3 = 15 / 110, 20 / 60, 100 / 160
    ours = _ours(_cost_long(*SCENARIOS["gridlock"]))
    assert list(ours) == pytest.approx([r1 + r3, r2 + r3, r1 + r2 + r3])   # .7614 .9583 1.0947


@pytest.mark.parametrize("scenario", list(SCENARIOS))
def test_e2sfca_equals_pysal_access_with_the_same_weights(scenario):
    costs = _cost_long(*SCENARIOS[scenario])
    # gravity 1/d: the weight the access test suite itself uses for this example
    ref = _reference(costs, "two_stage_fca", weight_fn=access_weights.gravity(1, -1))
    assert _ours(costs, decay=lambda d: 1.0 / d).to_numpy() == pytest.approx(ref.to_numpy())
    # Gaussian exp(-½(d/σ)²) with W(0) = 1, σ = 30
    ref = _reference(costs, "enhanced_two_stage_fca", weight_fn=access_weights.gaussian(30))
    assert _ours(costs, bandwidth=30).to_numpy() == pytest.approx(ref.to_numpy(), rel=1e-12)
    # Luo–Qi style zones (upper bounds inclusive in both)
    steps = {20: 1.0, 40: 0.68, 60: 0.22}
    ref = _reference(costs, "enhanced_two_stage_fca", weight_fn=access_weights.step_fn(steps))
    ours = _ours(costs, decay="step", steps=tuple(steps.items()))
    assert ours.to_numpy() == pytest.approx(ref.to_numpy(), rel=1e-12)


# --- hand example, conservation, step = plain ----------------------------------------------------
DEMAND = pd.Series({"A": 1000.0, "B": 3000.0})
SUPPLY = pd.Series({"X": 10.0, "Y": 20.0})
COST = pd.DataFrame({"X": [5.0, 8.0], "Y": [20.0, 12.0]}, index=["A", "B"])


def test_2sfca_by_hand_2x2():
    # d0 = 15: X reaches A and B -> R_X = 10 / 4000 = 0.0025; Y reaches B only -> 20 / 3000
    res = two_step_fca(DEMAND, SUPPLY, COST, 15)
    assert dict(res.ratio) == pytest.approx({"X": 0.0025, "Y": 20 / 3000})
    # A_A = R_X = 0.0025; A_B = R_X + R_Y = 0.0091667; Σ P·A = 2.5 + 27.5 = 30 = Σ S
    assert dict(res.accessibility) == pytest.approx({"A": 0.0025, "B": 0.0025 + 20 / 3000})
    assert (DEMAND * res.accessibility).sum() == pytest.approx(SUPPLY.sum())
    assert res.unreached == ()


def test_facility_with_no_demand_in_reach_is_reported_and_counts_zero():
    res = two_step_fca(DEMAND, SUPPLY, COST, 10)       # Y is 20 and 12 km away: nobody
    assert res.unreached == ("Y",) and res.ratio["Y"] == 0.0
    assert (DEMAND * res.accessibility).sum() == pytest.approx(10.0)   # only X's staff


@pytest.fixture
def random_case():
    rng = np.random.default_rng(7)
    demand = pd.Series(rng.integers(100, 5000, 40).astype(float),
                       index=[f"v{i}" for i in range(40)])
    supply = pd.Series(rng.uniform(1, 12, 15), index=[f"f{j}" for j in range(15)])
    cost = pd.DataFrame(rng.uniform(0, 20, (40, 15)), index=demand.index, columns=supply.index)
    return demand, supply, cost


@pytest.mark.parametrize("decay", ["none", "gaussian", "step"])
def test_conservation_when_every_facility_has_demand(random_case, decay):
    demand, supply, cost = random_case
    if decay == "none":
        res = two_step_fca(demand, supply, cost, 8.0)
    else:
        res = enhanced_two_step_fca(demand, supply, cost, 8.0, decay=decay)
    assert res.unreached == ()
    assert (demand * res.accessibility).sum() == pytest.approx(supply.sum(), rel=1e-12)


def test_e2sfca_with_one_full_step_is_plain_2sfca(random_case):
    demand, supply, cost = random_case
    plain = two_step_fca(demand, supply, cost, 8.0).accessibility
    step = enhanced_two_step_fca(demand, supply, cost, 8.0, decay="step",
                                 steps=((8.0, 1.0),)).accessibility
    pd.testing.assert_series_equal(plain, step)


def test_decay_weights():
    d = np.array([0.0, 5.0, 10.0, 10.5, np.nan])
    assert decay_weights(d, 10) == pytest.approx([1, math.exp(-0.125), math.exp(-0.5), 0, 0])
    # default zones: thirds of the threshold with Luo & Qi's 1, 0.68, 0.22
    assert decay_weights([1, 4, 9, 11], 9, "step") == pytest.approx([1, 0.68, 0.22, 0])
    with pytest.raises(ValueError, match="decay"):
        decay_weights(d, 10, "linear")
    with pytest.raises(ValueError, match="threshold"):
        decay_weights(d, 0)


# --- travel cost ---------------------------------------------------------------------------------
def test_travel_cost_km():
    o = pd.DataFrame({"lon": [118.0, 118.0], "lat": [25.0, 0.0]}, index=["a", "b"])
    d = pd.DataFrame({"lon": [118.0, 119.0], "lat": [26.0, 0.0]}, index=["x", "y"])
    km = travel_cost_km(o, d, terrain_factor=1.0)
    one_degree = math.pi / 180 * EARTH_RADIUS_KM                     # 111.195 km
    assert km.loc["a", "x"] == pytest.approx(one_degree, rel=1e-12)  # along a meridian
    assert km.loc["b", "y"] == pytest.approx(one_degree, rel=1e-12)  # along the equator
    assert (travel_cost_km(o, d) / km).to_numpy() == pytest.approx(1.4)
    per_origin = travel_cost_km(o, d, pd.Series({"b": 2.0, "a": 1.5}))
    assert per_origin.loc["a"].to_numpy() == pytest.approx(1.5 * km.loc["a"].to_numpy())
    assert per_origin.loc["b"].to_numpy() == pytest.approx(2.0 * km.loc["b"].to_numpy())
    with pytest.raises(ValueError, match="terrain_factor"):
        travel_cost_km(o, d, 0.9)
    with pytest.raises(ValueError, match="origins.lat"):
        travel_cost_km(o.assign(lat=[95.0, 0.0]), d)


# --- all domains at once -------------------------------------------------------------------------
def test_accessibility_by_domain_equals_per_domain_2sfca():
    rng = np.random.default_rng(3)
    villages = pd.DataFrame({"village_id": [f"v{i}" for i in range(20)],
                             "lon": 118.0 + rng.uniform(0, 0.2, 20),
                             "lat": 25.0 + rng.uniform(0, 0.2, 20),
                             "population": rng.integers(300, 4000, 20)})
    facilities = pd.DataFrame({"facility_id": [f"f{j}" for j in range(30)],
                               "domain_id": rng.choice(["health", "education", "elderly"], 30),
                               "lon": 118.0 + rng.uniform(0, 0.2, 30),
                               "lat": 25.0 + rng.uniform(0, 0.2, 30),
                               "staff": rng.uniform(1, 8, 30)})
    facilities.loc[0, "staff"] = np.nan                        # unknown staff counts as 0
    for method in ("2sfca", "e2sfca"):
        got = accessibility_by_domain(villages, facilities, 8.0, 1.4, method,
                                      domain_ids=["education", "health", "elderly", "culture"])
        assert list(got.columns) == ["education", "health", "elderly", "culture"]
        assert (got["culture"] == 0).all()
        v = villages.set_index("village_id")
        for domain, fac in facilities.set_index("facility_id").groupby("domain_id"):
            cost = travel_cost_km(v, fac, 1.4)
            fn = two_step_fca if method == "2sfca" else enhanced_two_step_fca
            ref = fn(v["population"], fac["staff"].fillna(0), cost, 8.0).accessibility
            assert got[domain].to_numpy() == pytest.approx(1000 * ref.to_numpy(), rel=1e-12)
    assert got.attrs["unreached_facilities"] == []


def test_accessibility_by_domain_other_supply_column_and_unreached():
    villages = pd.DataFrame({"village_id": ["a", "b"], "lon": [118.0, 118.05],
                             "lat": [25.0, 25.0], "population": [1000, 3000]})
    facilities = pd.DataFrame({"facility_id": ["clinic", "tower", "far"],
                               "domain_id": ["health", "digital", "health"],
                               "lon": [118.0, 118.05, 119.0], "lat": [25.0, 25.0, 25.0],
                               "staff": [4.0, np.nan, 9.0], "capacity": [10, 800, 20]})
    # 0.05° of longitude at 25°N is 5.04 km, × 1.4 = 7.06 km: both villages reach both
    # facilities within 8 km; "far" (1° away, ~141 km of road) reaches nobody.
    got = accessibility_by_domain(villages, facilities, 8.0, supply_col={"digital": "capacity"})
    assert got.loc["a", "health"] == pytest.approx(1000 * 4 / 4000)       # 1 staff / 1,000
    assert got.loc["b", "digital"] == pytest.approx(1000 * 800 / 4000)    # 200 places / 1,000
    assert got.attrs["unreached_facilities"] == ["far"]
    with pytest.raises(ValueError, match="capacity"):
        accessibility_by_domain(villages, facilities.drop(columns="capacity"), 8.0,
                                supply_col={"digital": "capacity"})


def test_accessibility_by_domain_names_missing_columns():
    with pytest.raises(ValueError, match="staff"):
        accessibility_by_domain(pd.DataFrame(columns=["village_id", "lon", "lat", "population"]),
                                pd.DataFrame(columns=["facility_id", "domain_id", "lon", "lat"]), 5)


def test_a_village_without_a_location_is_left_out_and_listed():
    villages = pd.DataFrame({"village_id": ["a", "b", "c"], "lon": [118.0, 118.05, np.nan],
                             "lat": [25.0, 25.0, 25.0], "population": [1000, 3000, 5000]})
    facilities = pd.DataFrame({"facility_id": ["clinic"], "domain_id": ["health"], "lon": [118.0],
                               "lat": [25.0], "staff": [4.0]})
    got = accessibility_by_domain(villages, facilities, 8.0)
    # c's residents compete for nothing: the clinic's 4 staff serve a's and b's 4,000 residents
    assert got.loc["a", "health"] == pytest.approx(1.0) and got.loc["b", "health"] == pytest.approx(1.0)
    assert np.isnan(got.loc["c", "health"]) and list(got.index) == ["a", "b", "c"]
    assert got.attrs["unlocated_villages"] == ["c"]
    nobody = accessibility_by_domain(villages.assign(lat=np.nan), facilities, 8.0)
    assert nobody.isna().all().all() and nobody.attrs["unlocated_villages"] == ["a", "b", "c"]
