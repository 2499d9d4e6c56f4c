"""The planner's calibration kept in the database per history (cockpit.planner.model_cache): the
same history finds the kept model, exactly as calibrated; a change of the data calibrates anew."""

from __future__ import annotations

import datetime as dt
import shutil

import numpy as np
import pytest

from cockpit.planner import model_cache
from cockpit.planner.baseline import model_from_store
from cockpit.planner.model_cache import from_json, stored_or_calibrated, to_json
from cockpit.store import Store
from cockpit.store.planner_sql import save_planner_model


@pytest.fixture
def store(sample_db, tmp_path):
    db = tmp_path / "cockpit.duckdb"
    shutil.copy2(sample_db, db)
    s = Store(db, read_only=False)
    s.cursor().execute("DELETE FROM planner_models")   # the sample may hold one kept by an earlier app test
    yield s
    s.close()


def _same(a, b):
    for name in ("k", "k_draws", "mu", "share", "mu_draws", "share_draws"):
        np.testing.assert_array_equal(getattr(a, name), getattr(b, name), err_msg=name)
    for fit in ("coverage_fit", "queue_fit"):
        for field, value in vars(getattr(a, fit)).items():
            np.testing.assert_array_equal(value, getattr(getattr(b, fit), field), err_msg=f"{fit}.{field}")


def test_a_kept_model_is_found_again_exactly(store, monkeypatch):
    model, key, fresh = stored_or_calibrated(store)
    assert fresh and len(key) == 64
    _same(from_json(to_json(model)), model)
    _same(model, model_from_store(store))
    save_planner_model(store.cursor(), key, to_json(model), dt.datetime(2026, 11, 5))
    save_planner_model(store.cursor(), key, "{}", dt.datetime(2026, 11, 6))   # the first stays

    def no_calibration(*args, **kwargs):
        raise AssertionError("calibrated although a model was kept for this history")

    monkeypatch.setattr(model_cache, "calibrate_model", no_calibration)
    again, key_again, fresh_again = stored_or_calibrated(store)
    assert (key_again, fresh_again) == (key, False)
    _same(again, model)


def test_a_change_of_the_data_or_the_method_calibrates_anew(store, monkeypatch):
    _, key, _ = stored_or_calibrated(store)
    store.cursor().execute("UPDATE coverage SET coverage = coverage * 0.99 WHERE period = (SELECT max(period) FROM coverage)")
    _, changed, fresh = stored_or_calibrated(store)
    assert changed != key and fresh
    monkeypatch.setattr(model_cache, "METHOD", "another fit")
    assert stored_or_calibrated(store)[1] != changed


def test_the_last_bit_of_a_parallel_mean_does_not_change_the_key(store):
    """DuckDB's parallel means may differ in the last bit between runs (seen at county scale)."""
    coverage, queue = store.coverage_funding_history(), store.queue_history()
    domains = tuple(store.domains()["domain_id"])
    jittered = queue.assign(mean_close_days=queue["mean_close_days"] * (1 + 2e-16))
    assert not jittered["mean_close_days"].equals(queue["mean_close_days"])
    assert model_cache.fingerprint(coverage, jittered, domains) == model_cache.fingerprint(coverage, queue, domains)
    changed = queue.assign(mean_close_days=queue["mean_close_days"] + 0.01)
    assert model_cache.fingerprint(coverage, changed, domains) != model_cache.fingerprint(coverage, queue, domains)
