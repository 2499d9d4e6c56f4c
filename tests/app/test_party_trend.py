"""AppTest: the party page's trend by branch plots what cockpit.party.review.branch_trend computes."""

from __future__ import annotations

import json
from datetime import date

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from cockpit.party.review import branch_trend, township_trend
from cockpit.store import Store
from cockpit.ui.shell import radio_key
from tests.app.test_pages import ROOT, _app

PAGE = ROOT / "pages" / "party.py"
MONTH, AS_OF = "2026-08", date(2026, 8, 31)  # Q3 to date; Q3 is assessed in the sample


def _chart(at: AppTest, key: str) -> dict:
    charts = [c for c in at.get("plotly_chart") if key in c.proto.id]
    assert len(charts) == 1, [c.proto.id for c in at.get("plotly_chart")]
    return json.loads(charts[0].proto.spec)


def _values(s: pd.Series) -> list:
    return [None if pd.isna(v) else pytest.approx(float(v)) for v in s]


@pytest.fixture(scope="module")
def sample(sample_db):
    store = Store(sample_db)
    months = [m for m in store.periods() if m <= MONTH]
    yield {"tasks": store.party_tasks(), "branches": store.party_branches(),
           "assessments": store.party_assessments(), "months": months,
           "villages": store.villages().set_index("village_id")}
    store.close()


def test_quarter_trend_per_branch_equals_branch_trend(sample):
    at = _app(PAGE)
    at.query_params["lang"] = "zh"
    at.run()
    at.selectbox(key="_w_period").set_value(MONTH).run()
    at.radio(key=radio_key("party_trend_by", "zh")).set_value("quarter").run()
    assert not at.exception, at.exception

    expected = branch_trend(sample["tasks"], sample["branches"], sample["assessments"],
                            sample["months"], "quarter", as_of=AS_OF)
    branch = sample["branches"].iloc[0]
    mine = expected[expected["branch_id"] == branch["branch_id"]].set_index("period")
    village_zh = sample["villages"].loc[branch["village_id"], "name_zh"]

    panels = _chart(at, "party_branch_trend")["data"]
    line = next(tr for tr in panels if tr["name"] == village_zh)
    assert line["x"][-1] == "2026-Q3" and len(line["x"]) == len(set(line["x"])) > 1
    assert line["y"] == _values(mine.loc[line["x"], "completion_rate"])
    # One panel per branch, each with the township line (same values) for reference.
    town = township_trend(expected)
    towns = [tr for tr in panels if tr["name"] == "全镇"]
    assert len(towns) == len(panels) - len(towns) == len(sample["branches"])
    assert all(tr["y"] == _values(town.loc[tr["x"], "completion_rate"]) for tr in towns)

    grid = _chart(at, "party_score_trend")
    scores, labels = grid["data"][0], grid["layout"]["yaxis"]["ticktext"]  # a row per branch, then the township
    assert scores["y"] == [*map(str, scores["y"][:-1]), "_township"]       # placed by branch id
    row = scores["z"][labels.index(village_zh)]
    assert scores["y"][labels.index(village_zh)] == str(branch["branch_id"])
    assert row == _values(mine.loc[scores["x"], "score"]) and row[-1] is not None  # Q3 is assessed
    assert labels[-1] == "全镇平均" and scores["z"][-1] == _values(town.loc[scores["x"], "score"])

    at.radio(key=radio_key("party_trend_metric", "zh")).set_value("overdue").run()
    panels = _chart(at, "party_branch_trend")["data"]
    line = next(tr for tr in panels if tr["name"] == village_zh)
    assert line["y"] == _values(mine.loc[line["x"], "overdue"])
    # A count: the township reference is its mean per branch, on the branches' scale.
    town_line = next(tr for tr in panels if tr["name"] == "全镇（各支部平均）")
    assert town_line["y"] == _values(town.loc[town_line["x"], "overdue"] / len(sample["branches"]))


def test_heatmap_holds_every_branch_weakest_first(sample):
    from cockpit.party.review import weakest_branches

    at = _app(PAGE)
    at.query_params["lang"] = "en"
    at.run()
    at.selectbox(key="_w_period").set_value(MONTH).run()
    at.radio(key=radio_key("party_trend_by", "en")).set_value("quarter").run()
    assert not at.exception, at.exception
    expected = branch_trend(sample["tasks"], sample["branches"], sample["assessments"],
                            sample["months"], "quarter", as_of=AS_OF)
    order = weakest_branches(expected, "completion_rate")
    heat = _chart(at, "party_branch_heatmap")["data"][0]
    assert heat["y"] == [str(b) for b in order] and len(order) == len(sample["branches"])
    first = expected[expected["branch_id"] == order[0]].set_index("period")
    assert heat["z"][0] == _values(first.loc[heat["x"], "completion_rate"])
    # a small township: every branch also gets its panel
    assert sorted(at.multiselect(key="party_trend_branches").value) == sorted(order)


def test_a_large_township_gets_panels_for_the_weakest_only(sample, monkeypatch):
    from cockpit.ui import party_view

    monkeypatch.setattr(party_view, "_ALL_PANELS_UP_TO", 5)
    monkeypatch.setattr(party_view, "_WEAKEST_SHOWN", 3)
    at = _app(PAGE)
    at.query_params["lang"] = "en"
    at.run()
    heat = _chart(at, "party_branch_heatmap")["data"][0]
    picked = at.multiselect(key="party_trend_branches").value
    assert sorted(map(str, picked)) == sorted(heat["y"][:3])
    panels = _chart(at, "party_branch_trend")["data"]
    assert len(panels) == 2 * 3  # each picked branch's line and the township line
    at.multiselect(key="party_trend_branches").set_value(picked[:1]).run()
    assert len(_chart(at, "party_branch_trend")["data"]) == 2


def test_a_large_list_opens_on_the_tasks_that_need_action(sample, monkeypatch):
    from cockpit.ui import party_view

    at = _app(PAGE)
    at.query_params["lang"] = "en"
    at.run()
    assert at.multiselect(key="party_states").value == []  # the sample's 1,142 tasks: all listed
    monkeypatch.setattr(party_view, "_LIST_ALL_UP_TO", 100)
    at = _app(PAGE)
    at.query_params["lang"] = "en"
    at.run()
    assert at.multiselect(key="party_states").value == ["overdue", "open"]
    states = set(at.dataframe[-1].value["State"])
    assert states and states <= {"Overdue", "Open"}, states
