"""The cases benchmark's queries run (on the tiny township), so the benchmark does not rot."""

from bench.bench_cases import best_of, jobs
from cockpit.values.case_filter import CaseFilter, Period
from cockpit.store import Store, build_database
from tests.tiny_township import write_tiny_township


def test_every_benchmark_job_runs(tmp_path):
    folder = write_tiny_township(tmp_path / "tiny")
    build_database(folder, folder / "db.duckdb")
    store = Store(folder / "db.duckdb")
    listed = jobs(store, Period.of("2026-10"), CaseFilter(channels=("app",)))
    assert sum(on_page for _, on_page, _ in listed) == 14  # counts, trend, matrix, overdue, 2 repeats, alerts, exclusions, 6 checks
    for label, _, fn in listed:
        ms, result = best_of(fn, repeat=1)
        assert ms >= 0 and result is not None, label
    store.close()
