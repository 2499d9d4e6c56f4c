"""village_table and township_series on the tiny township (hand-computed figures)."""

import pytest

from cockpit.metrics.snapshot import township_series, village_table

A, B = "350781105001", "350781105002"


@pytest.fixture(scope="module")
def store(tiny_store):
    return tiny_store


def test_village_table_october(store):
    vt = village_table(store, "2026-10").set_index("village_id")
    assert vt.loc[A, "coverage:health"] == 0.90
    assert vt.loc[B, "service_index"] == pytest.approx((0.60 + 0.50) / 2)
    assert vt.loc[A, "funding_per_resident"] == pytest.approx(30000 / 2000)
    assert vt.loc[B, "staff_per_1000"] == pytest.approx(2.0 * 1000 / 1000)
    assert vt.loc[A, "on_time_rate"] == pytest.approx(0.5)
    assert vt.loc[B, "on_time_rate"] == pytest.approx(2 / 3)
    assert vt.loc[A, "cases_per_10k"] == pytest.approx(3 * 10_000 / 2000)
    assert vt.loc[B, "name_zh"] == "岭头村"


def test_township_series(store):
    ts = township_series(store)
    oct_ = ts.loc["2026-10"]
    assert oct_["coverage:health"] == pytest.approx((0.9 * 2000 + 0.6 * 1000) / 3000)
    assert oct_["coverage:digital"] == pytest.approx(0.7)
    assert oct_["service_index"] == pytest.approx((0.8 + 0.7) / 2)
    assert oct_["funding_per_resident"] == pytest.approx(50_000 / 3000)
    assert oct_["staff_per_1000"] == pytest.approx(5.0 / 3)
    assert oct_["on_time_rate"] == pytest.approx(0.6)
    assert oct_["satisfaction_rate"] == pytest.approx(2 / 3)
    assert oct_["resolution_rate"] == pytest.approx(0.75)
    assert oct_["cases_per_10k"] == pytest.approx(5 * 10_000 / 3000)
    assert ts.loc["2026-09", "overdue_at_end"] == 1
