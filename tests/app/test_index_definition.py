"""The composite index's definition on the services page (AppTest): a leader sets the township's
weights, the ranking and every page's index follow, the change is audited; a planner sees the
definition but cannot change it."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
from streamlit.testing.v1 import AppTest

from cockpit.auth.audit_log import read_audit
from cockpit.metrics.snapshot import village_table
from cockpit.store import Store
from cockpit.ui.shell import radio_key
from tests.app.conftest import sign_in

ROOT = Path(__file__).resolve().parents[2]


def _page(user: str, path: str = "pages/services.py") -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    sign_in(at, user)
    at.switch_page(path)
    at.query_params["lang"] = "en"
    return at.run()


def test_leader_sets_the_weights_for_everyone(fresh_db):
    at = _page("leader")
    assert not at.exception
    at.radio(key=radio_key("index_method", "en")).set_value("set").run()
    for domain in ("education", "elderly", "culture", "assistance", "digital"):
        at.number_input(key=f"index_weight_{domain}").set_value(0.0)
    at.number_input(key="index_weight_health").set_value(0.5)
    at.button(key="index_save").click().run()
    assert not at.exception
    assert any("definition is saved" in s.value for s in at.success)
    captions = " ".join(c.value for c in at.caption)
    assert "weights set by the township: Education 0.00, Health 1.00" in captions, captions

    store = Store(fresh_db)
    try:
        period = store.periods()[-1]
        vt = village_table(store, period)
    finally:
        store.close()
    assert (vt["service_index"] - vt["coverage:health"]).abs().max() < 1e-12
    ranking = at.dataframe[0].value
    assert ranking.iloc[0]["Village"] == vt.sort_values("coverage:health", ascending=False).iloc[0]["name_en"]

    con = duckdb.connect(str(fresh_db), read_only=True)
    try:
        entry = read_audit(con).iloc[0]
    finally:
        con.close()
    assert (entry["event"], entry["user_name"]) == ("index_definition", "leader")
    assert json.loads(entry["detail"])["weights"].startswith("education=0,health=1")

    # another user's map states the same definition
    other = _page("planner", "pages/map.py")
    assert "Health 1.00" in " ".join(c.value for c in other.caption)


def test_a_planner_reads_the_definition_but_cannot_change_it(sample_db):
    at = _page("planner")
    assert not at.exception
    assert "Entropy weights, fixed on every village-month" in " ".join(c.value for c in at.caption)
    assert not [b for b in at.button if b.key == "index_save"]
