"""AppTest of the planner's scenario comparison (cockpit/ui/scenario_view.py, computed by
cockpit/planner/compare.py): the table and the chart show what project() gives."""

from __future__ import annotations

import base64
import json

import duckdb
import numpy as np
import pytest

from cockpit.planner.baseline import baseline_from_store, model_from_store
from cockpit.planner.moves import shift_to_remotest
from cockpit.planner.project import Moves, project, zero_moves
from cockpit.planner.scenario import scenario_of
from cockpit.store import Store
from cockpit.store.scenarios import save_scenario
from tests.app.test_pages import ROOT, _app

PAGE = ROOT / "pages" / "planner.py"


def _pp(after: float, before: float) -> str:
    return f"{after:.1%} ({(after - before) * 100:+.2f} pp)"


def test_two_saved_scenarios_side_by_side(fresh_db):
    store = Store(fresh_db)
    try:
        model = model_from_store(store)
        period = store.periods()[-1]
        baseline = baseline_from_store(store, period)
        names = store.villages().set_index("village_id")["name_en"]
    finally:
        store.close()
    west = shift_to_remotest(baseline, zero_moves(baseline), 30, 4, 20)
    refused = Moves(-2 * baseline.funding_wan_year, np.zeros_like(baseline.staff))  # takes twice what there is
    con = duckdb.connect(str(fresh_db))
    ids = [save_scenario(con, scenario_of(baseline, west, "West", "planner", None, "neutral", 0.0)),
           save_scenario(con, scenario_of(baseline, refused, "Refused", "planner", None, "neutral", 0.0))]
    con.close()

    at = _app(PAGE)
    at.query_params["lang"] = "en"
    at.run()
    assert at.multiselect(key="scenario_compare").options == ["Refused", "West"]  # newest first
    at.multiselect(key="scenario_compare").set_value(ids).run()
    assert not at.exception, at.exception
    table = next(d for d in at.dataframe if "West" in " ".join(map(str, d.value.columns))).value
    before, after = project(baseline, model, zero_moves(baseline)), project(baseline, model, west)
    assert list(table.columns) == [f"West ({period})", f"Refused ({period})"]
    assert table[f"West ({period})"].tolist() == [
        "Budget-neutral reallocation", _pp(after.township_coverage, before.township_coverage),
        _pp(after.township_on_time, before.township_on_time), _pp(after.equity["min"], before.equity["min"]),
        f"{after.equity['gini']:.4f} ({after.equity['gini'] - before.equity['gini']:+.4f})",
        f"{after.equity['gap']:+.2%} ({(after.equity['gap'] - before.equity['gap']) * 100:+.2f} pp)",
        f"{float(after.backlog_per_month.sum()):,.1f}"]
    assert table[f"Refused ({period})"].tolist() == ["cannot be projected on today's data"] + [""] * 6
    chart = json.loads(at.get("plotly_chart")[-1].proto.spec)
    bars = chart["data"]
    assert [b["name"] for b in bars] == [f"West ({period})"]
    assert bars[0]["x"] == list(baseline.village_ids)            # placed by id
    assert chart["layout"]["xaxis"]["ticktext"] == [names[v] for v in baseline.village_ids]  # labelled by name
    y = bars[0]["y"]  # plotly sends a numpy array as base64 bytes
    y = np.frombuffer(base64.b64decode(y["bdata"]), dtype=y["dtype"]) if isinstance(y, dict) else np.asarray(y)
    assert y.tolist() == pytest.approx(list((after.village_coverage - before.village_coverage) * 100), abs=1e-12)
