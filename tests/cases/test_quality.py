"""Trace-formalism checks: every planted row of the sample found, nothing in a clean township.

On the committed sample (sample_data/planted.csv): closed_before_received 5 of 5,
quick_closure_burst 29 of 29, identical_ratings 16 of 16, copied_text 15 of 15,
task_without_evidence 10 of 10, all with no false positive; month_end_spike 41 of 41 planted
rows plus 2 genuine closures in the same village-months' last two days (43 flagged).
"""

from pathlib import Path

import pandas as pd
import pytest

from cockpit.cases import quality
from cockpit.values.case_filter import CaseFilter
from cockpit.sample.generate import generate
from cockpit.store import Store, build_database
from tests.tiny_township import write_tiny_township

SAMPLE = Path(__file__).resolve().parents[2] / "sample_data"
PATTERN = {  # check -> pattern name in planted.csv
    "closed_before_received": "closed_before_received",
    "quick_closure_burst": "bulk_quick_closure",
    "month_end_spike": "month_end_spike",
    "identical_ratings": "identical_ratings",
    "copied_text": "copied_text",
    "task_without_evidence": "task_done_no_evidence",
}


@pytest.fixture(scope="module")
def sample(sample_db):
    s = Store(sample_db)
    yield s
    s.close()


@pytest.fixture(scope="module")
def planted():
    return pd.read_csv(SAMPLE / "planted.csv", dtype=str)


@pytest.fixture(scope="module")
def findings(sample):
    return {f.check: f for f in quality.run_checks(sample)}


@pytest.mark.parametrize("check", [c for c in PATTERN if c != "month_end_spike"])
def test_sample_exact(findings, planted, check):
    listed = planted[planted["pattern"] == PATTERN[check]]
    f = findings[check]
    assert set(f.record_ids) == set(listed["record_id"]), check
    assert f.count == len(listed)
    assert f.villages == tuple(sorted(set(listed["village_id"])))
    assert len(f.examples) == min(20, f.count)


def test_sample_month_end_spike(findings, planted):
    listed = set(planted.loc[planted["pattern"] == "month_end_spike", "record_id"])
    found = set(findings["month_end_spike"].record_ids)
    assert listed <= found
    assert len(found - listed) <= 3  # the village-months' genuine month-end closures (2 today)
    ex = findings["month_end_spike"].examples
    assert {"share", "expected_share", "p_value"} <= set(ex.columns)
    assert (ex["share"] >= 3 * ex["expected_share"]).all()


def test_period_and_filter_scope(sample):
    # the copied text was planted 5 times in each of three months (one is 2025-08)
    assert quality.copied_text(sample, "2025-08").count == 5
    assert quality.copied_text(sample, "2025-08", CaseFilter(village_ids=("350781105211",))).count == 0
    assert quality.copied_text(sample, "2025-09").count == 0
    # one burst per planted month
    assert quality.quick_closure_bursts(sample, "2025-01").count in (8, 9, 10)


def test_thresholds_are_parameters(sample):
    assert quality.copied_text(sample, copies=16).count == 0
    assert quality.identical_ratings(sample, run=9).count == 0  # runs are 8 long
    assert quality.quick_closure_bursts(sample, minutes=0.5).count == 0  # planted: 1-5 minutes


def test_findings_table(findings):
    table = quality.findings_table(list(findings.values())).set_index("check")
    assert table.loc["copied_text", "count"] == 15
    assert table.loc["copied_text", "villages"] == "350781105202"
    assert table.loc["copied_text", "parameters"] == "copies=5, gap_days=30"


def test_tiny_closed_before_received(tmp_path):
    folder = write_tiny_township(tmp_path / "tiny")
    build_database(folder, folder / "db.duckdb")
    s = Store(folder / "db.duckdb")
    f = quality.closed_before_received(s)
    # case 7: received 10-20 09:00, closed 10-19 09:00
    assert f.record_ids == ("7",) and f.villages == ("350781105002",)
    assert f.examples.iloc[0]["hours_before_receipt"] == 24.0
    assert quality.closed_before_received(s, "2026-09").count == 0
    found = {f.check: f.count for f in quality.run_checks(s)}
    # every tiny case (the cancelled one too) says 测试诉求: 8 copies within 30-day gaps
    assert found == dict(closed_before_received=1, quick_closure_burst=0, month_end_spike=0,
                         identical_ratings=0, copied_text=8, task_without_evidence=0)
    # receipts 4, 6, 1, 2, 8, 5, 7, 3 are 8, 4, 1, 2, 5, 10, 8 days apart
    assert set(quality.copied_text(s, gap_days=7).record_ids) == {"6", "1", "2", "8", "5"}
    assert quality.copied_text(s, gap_days=3).count == 0  # the longest chain is 1, 2, 8
    s.close()


def test_clean_township_has_no_finding(tmp_path):
    out = tmp_path / "clean"
    generate(out_dir=out, geo_dir=tmp_path / "geo", villages=8, months=6, cases_per_year=1500,
             seed=20261, end="2026-10", plant=False)
    build_database(out, tmp_path / "clean.duckdb")
    s = Store(tmp_path / "clean.duckdb")
    for f in quality.run_checks(s):
        assert f.count == 0, (f.check, f.record_ids[:5])
    for period in ("2026-05", "2026-10"):
        assert all(f.count == 0 for f in quality.run_checks(s, period))
    s.close()


def test_binomial_tail_equals_scipy_stats():
    """The incomplete-beta form gives scipy.stats.binom.sf(k - 1, n, p), which it replaces."""
    import numpy as np
    from scipy.stats import binom

    from cockpit.cases.quality import binomial_tail

    rng = np.random.default_rng(11)
    n = rng.integers(0, 500, 4000)
    k = rng.integers(-2, 520, 4000)
    p = rng.uniform(0.001, 0.6, 4000)
    np.testing.assert_allclose(binomial_tail(k, n, p), binom.sf(k - 1, n, p), rtol=1e-12, atol=1e-15)
    assert binomial_tail(0, 5, 0.2) == 1.0 and binomial_tail(6, 5, 0.2) == 0.0
