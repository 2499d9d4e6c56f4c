"""The planner benchmark's calibration step runs and judges the county total, so it does not rot."""

from __future__ import annotations

import pytest

from bench.bench_planner import CALIBRATION_TARGET_S, calibration, print_calibration


def test_calibration_is_timed_step_by_step(sample_db):
    times, model = calibration(sample_db)
    assert list(times) == ["history queries", "coverage fit", "queue fit", "total"]
    assert times["total"] == pytest.approx(sum(v for k, v in times.items() if k != "total"))
    assert model.share == 0.45 and model.mu == pytest.approx(0.484945016, abs=1e-9)


@pytest.mark.parametrize("county, verdict", [(CALIBRATION_TARGET_S - 1, True), (CALIBRATION_TARGET_S + 1, False)])
def test_the_table_judges_the_county_total(capsys, county, verdict):
    steps = {"queue fit": 0.5, "total": 1.0}
    assert print_calibration({"sample": steps, "county": {"queue fit": 0.5, "total": county}}) is verdict
    out = capsys.readouterr().out
    assert "queue fit" in out and ("ok" in out) is verdict
