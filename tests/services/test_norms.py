import pandas as pd
import pytest

from cockpit.services.norms import norm_gaps

VILLAGES = pd.DataFrame({"village_id": ["s", "a", "b"], "kind": ["seat", "village", "village"],
                         "broadband_share": [0.99, 0.70, 1.0]})
FACILITIES = pd.DataFrame({"village_id": ["s", "s", "b"], "domain_id": ["health"] * 3})
COVERAGE = pd.DataFrame({"village_id": ["s", "a", "b"], "domain_id": ["health"] * 3,
                         "coverage": [0.95, 0.60, 0.90]})
NORMS = pd.DataFrame({
    "norm_id": ["clinic", "broadband", "cov"], "domain_id": ["health", "digital", "health"],
    "measure": ["facility_count", "broadband_share", "coverage"], "threshold": [1, 1.0, 0.9],
    "applies_to": ["village", "all", "all"],
})


def test_gaps_by_hand():
    g = norm_gaps(VILLAGES, FACILITIES, COVERAGE, NORMS)
    short = g[~g["met"]]
    # a has no clinic (100% short), coverage .60 of .90 (33% short), broadband .70 (30% short);
    # s has broadband .99 (1% short); the seat is not held to the clinic norm.
    assert list(zip(short["norm_id"], short["village_id"])) == [
        ("clinic", "a"), ("cov", "a"), ("broadband", "a"), ("broadband", "s")]
    assert short.iloc[1]["shortfall"] == pytest.approx(0.30)
    assert set(g[g["norm_id"] == "clinic"]["village_id"]) == {"a", "b"}
    assert len(g) == 2 + 3 + 3


def test_unknown_measure_is_named():
    bad = NORMS.assign(measure=["facility_count", "broadband_share", "speed"])
    with pytest.raises(ValueError, match="norm 'cov': unknown measure 'speed'"):
        norm_gaps(VILLAGES, FACILITIES, COVERAGE, bad)
