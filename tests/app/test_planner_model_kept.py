"""The planner page keeps its calibration in the database (AppTest): opened once, the model is
kept under the history's fingerprint; a new server process (the caches emptied) finds it."""

from __future__ import annotations

from pathlib import Path

import duckdb
import numpy as np
import streamlit as st
from streamlit.testing.v1 import AppTest

from cockpit.planner import model_cache
from cockpit.planner.model_cache import fingerprint
from cockpit.store import Store
from tests.app.conftest import sign_in

ROOT = Path(__file__).resolve().parents[2]


def _planner() -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    sign_in(at, "planner")
    at.switch_page("pages/planner.py")
    at.query_params["lang"] = "en"
    return at.run()


def _kept(db: Path) -> list[str]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return [r[0] for r in con.execute("SELECT fingerprint FROM planner_models").fetchall()]
    finally:
        con.close()


def test_the_calibration_is_kept_and_found_again(fresh_db, monkeypatch):
    at = _planner()
    assert not at.exception
    store = Store(fresh_db)
    try:
        domains = tuple(store.domains()["domain_id"])
        key = fingerprint(store.coverage_funding_history(), store.queue_history(), domains)
    finally:
        store.close()
    assert _kept(fresh_db) == [key]
    # the model panel states the capacity per staff FTE and its band, from the kept model
    store = Store(fresh_db)
    try:
        fit = model_cache.from_json(store.planner_model(key)).queue_fit
    finally:
        store.close()
    lo, hi = np.percentile(fit.capacity_draws, [10, 90])
    text = " ".join(m.value for m in at.markdown)
    assert f"can close **{fit.capacity:.3f}** cases a day when busy all the time (80% band {lo:.3f} – {hi:.3f})" in text
    st.cache_data.clear()          # as after a restart: found in the database, not calibrated again

    def no_calibration(*args, **kwargs):
        raise AssertionError("calibrated again")

    monkeypatch.setattr(model_cache, "calibrate_model", no_calibration)
    again = _planner()
    assert not again.exception
    assert _kept(fresh_db) == [key]
