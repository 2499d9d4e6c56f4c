"""A village secretary sees their own village only, on every page the role may open.

Each page is run signed in as the sample's demo secretary; every element (texts, tables, widget
options, chart and map specs, links, the CSV download) is scanned for the name (Chinese and
English) or id of any other village, and the figures are checked against those computed for the
secretary's village alone.
"""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from google.protobuf.json_format import MessageToDict
from streamlit.testing.v1 import AppTest

from cockpit.metrics import snapshot
from cockpit.auth import can_open, get_user
from cockpit.values.case_filter import CaseFilter
from cockpit.text.numbers import format_value
from cockpit.i18n import Translator
from cockpit.store import Store
from tests.app.conftest import sign_in

ROOT = Path(__file__).resolve().parents[2]
TIMEOUT = 90
EN = Translator("en")


@pytest.fixture(scope="module")
def world(sample_db):
    con = duckdb.connect(str(sample_db), read_only=True)
    secretary = get_user(con, "secretary")
    con.close()
    store = Store(sample_db)
    try:
        period = store.periods()[-1]
        full = snapshot.village_table(store, period)
        (own,) = secretary.villages
        others = full[full["village_id"] != own]
        counts = store.case_counts(period, CaseFilter(village_ids=(own,)))
        yield {
            "user": secretary, "own": own, "period": period,
            "row": full.set_index("village_id").loc[own],
            "others": {"ids": list(others["village_id"]),
                       "names": list(others["name_zh"]) + list(others["name_en"])},
            "own_counts": counts[counts["village_id"] == own].iloc[0],
            "own_facilities": store.facilities().query("village_id == @own"),
            "domains": store.domains().set_index("domain_id"),
        }
    finally:
        store.close()


def _app(page: str, lang: str = "en", **query) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT)
    sign_in(at, "secretary")
    at.query_params["lang"] = lang
    for key, value in query.items():
        at.query_params[key] = value
    if page != "pages/overview.py":
        at.switch_page(page)
    return at


def _walk(node):
    yield node
    for child in getattr(node, "children", {}).values():
        yield from _walk(child)


def _nested_json(value):
    """Chart and map specs are JSON inside a proto string: decode them so that Chinese names
    appear as text, not as \\u escapes."""
    if isinstance(value, str) and value[:1] in "{[":
        try:
            return _nested_json(json.loads(value))
        except ValueError:
            return value
    if isinstance(value, dict):
        return {k: _nested_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_nested_json(v) for v in value]
    return value


def page_text(at: AppTest) -> str:
    """Everything the page sends to the browser, as text: element protos (with chart and map
    specs decoded), table contents and the query parameters."""
    parts = [json.dumps(dict(at.query_params), ensure_ascii=False, default=str)]
    for node in _walk(at._tree):
        proto = getattr(node, "proto", None)
        if proto is not None and hasattr(proto, "DESCRIPTOR"):
            parts.append(json.dumps(_nested_json(MessageToDict(proto)), ensure_ascii=False))
        value = getattr(node, "value", None) if getattr(node, "type", "") in ("dataframe", "table") else None
        if isinstance(value, pd.DataFrame):
            parts.append(value.to_csv() + " ".join(map(str, value.columns)))
    return "\n".join(parts)


def assert_no_other_village(at: AppTest, world, extra: str = "") -> None:
    assert not at.exception, at.exception
    text = page_text(at) + extra
    leaked = [n for n in world["others"]["names"] + world["others"]["ids"] if n in text]
    assert not leaked, f"other villages on the page: {leaked[:5]}"
    assert world["own"] in text or world["row"]["name_en"] in text or world["row"]["name_zh"] in text


def _scope_note(at: AppTest, lang: str, world) -> None:
    t = Translator(lang)
    note = t("scope.note", villages=world["row"][f"name_{lang}"], n=1)
    assert note in [i.value for i in at.info], "the page says whose villages it shows"


def test_the_scan_finds_other_villages_when_there_are_some(sample_db, world):
    """Control: signed in as the township leader, the same scan sees the other villages."""
    at = _app("pages/map.py")
    sign_in(at, "leader")
    at.run()
    text = page_text(at)
    assert all(n in text for n in world["others"]["names"] + world["others"]["ids"])


# -- the pages -------------------------------------------------------------------------------

def test_the_secretary_role_opens_these_pages(world):
    """The pages tested below are those the role may open (others are refused by the shell)."""
    assert {p for p in ("overview", "map", "village", "services", "cases", "party")
            if can_open(world["user"], p)} == {"overview", "map", "village", "services", "cases", "party"}
    assert not any(can_open(world["user"], p) for p in ("command", "presenter", "data", "admin"))


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_overview_shows_own_village_figures_only(sample_db, world, lang):
    at = _app("pages/overview.py", lang).run()
    assert_no_other_village(at, world)
    _scope_note(at, lang, world)
    row = world["row"]
    tiles = {m.label: m.value for m in at.metric}
    t = Translator(lang)
    # the "township" figures are those of the secretary's one village
    assert tiles[t("metric.on_time_rate.label")] == format_value(row["on_time_rate"], "percent", lang)
    assert tiles[t("metric.response_rate.label")] == format_value(row["response_rate"], "percent", lang)
    assert tiles[t("metric.overdue_at_end.label")] == format_value(row["overdue_at_end"], "count", lang)
    assert tiles[t("metric.funding_per_resident.label")] == format_value(row["funding_per_resident"], "yuan", lang)
    health = world["domains"].loc["health", f"name_{lang}"]
    assert tiles[t("metric.coverage.label", domain=health)] == format_value(row["coverage:health"], "percent", lang)


def test_map_shows_own_village_and_its_facilities_only(sample_db, world):
    at = _app("pages/map.py").run()
    at.multiselect(key="map_facilities").set_value(list(world["domains"].index)).run()
    assert_no_other_village(at, world)
    _scope_note(at, "en", world)
    deck = json.loads(at.get("deck_gl_json_chart")[0].proto.json)
    layers = {layer["id"]: layer for layer in deck["layers"]}
    assert [f["properties"]["village_id"] for f in layers["villages"]["data"]["features"]] == [world["own"]]
    assert len(layers["facilities"]["data"]) == len(world["own_facilities"]) > 0
    assert [label["text"] for label in layers["labels"]["data"]] == [world["row"]["name_en"]]


def test_map_card_compares_with_own_villages(sample_db, world):
    row = world["row"]
    at = _app("pages/map.py", village=world["own"]).run()
    assert_no_other_village(at, world)
    card = {m.label: m.value for m in at.metric}
    assert card["Population"] == format_value(row["population"], "count")
    cases = next(d.value for d in at.dataframe if EN("metric.on_time_rate.label") in list(d.value.iloc[:, 0]))
    on_time = cases.set_index("").loc[EN("metric.on_time_rate.label")]
    # the township column covers the secretary's villages only: here, the same village
    assert on_time["This village"] == on_time["Township"] == format_value(row["on_time_rate"], "percent")


@pytest.mark.parametrize("page", ["pages/map.py", "pages/village.py"])
def test_a_link_to_another_village_is_refused(sample_db, world, page):
    other = world["others"]["ids"][0]
    at = _app(page, village=other).run()
    assert_no_other_village(at, world)
    assert EN("scope.refused") in [e.value for e in at.error]
    assert at.query_params.get("village") in (None, [], world["own"], [world["own"]])


def test_village_profile_is_own_village_and_selector_offers_nothing_else(sample_db, world):
    at = _app("pages/village.py").run()
    assert_no_other_village(at, world)
    assert at.selectbox(key="_w_village").options == [world["row"]["name_en"]]
    assert at.title[0].value == f"Village profile: {world['row']['name_en']}"
    assert {m.label: m.value for m in at.metric}["Population"] == format_value(world["row"]["population"], "count")
    assert not at.error


def test_services_page_lists_own_village_only(sample_db, world):
    at = _app("pages/services.py").run()
    assert_no_other_village(at, world)
    _scope_note(at, "en", world)
    needs_two = EN("services.needs_two_villages", n=1)
    assert [i.value for i in at.info].count(needs_two) == 2  # equity indices and composite ranking
    # one village: a domain a row (six names down the side fit a phone), the village the one column
    heatmap = json.loads(at.get("plotly_chart")[0].proto.spec)
    domains = world["domains"]
    assert heatmap["data"][0]["y"] == list(domains["name_en"])
    assert heatmap["data"][0]["x"] == [world["own"]]  # placed by id, labelled by name
    ticks = heatmap["layout"]["xaxis"]["ticktext"]
    assert len(ticks) == 1 and world["row"]["name_en"] in ticks[0]
    assert [row[0] for row in heatmap["data"][0]["z"]] == pytest.approx(
        [world["row"][f"coverage:{d}"] for d in domains.index])
    access = at.dataframe[-1].value
    assert list(access["Village"]) == [world["row"]["name_en"]]
    # accessibility is the village's own figure, the same as without a scope (map, village card)
    assert access["Health"].iloc[0] == pytest.approx(round(world["row"]["access:health"], 2))


def test_cases_page_counts_own_village_and_the_csv_holds_no_other(sample_db, world, monkeypatch, click_download):
    from cockpit.ui import cases_view

    downloads = []
    original = cases_view.to_csv_bytes
    monkeypatch.setattr(cases_view, "to_csv_bytes", lambda table: downloads.append(original(table)) or downloads[-1])
    at = _app("pages/cases.py").run()
    assert not downloads, "the CSV is made when clicked, not when the page is drawn"
    click_download(at, "download_overdue")
    csv = b"".join(downloads).decode("utf-8-sig")
    assert downloads, "the overdue list offers a CSV download"
    assert_no_other_village(at, world, extra=csv)
    assert at.multiselect(key="_w_case_village_ids").options == [world["row"]["name_en"]]
    tiles = {m.label: m.value for m in at.metric}
    own = world["own_counts"]
    assert tiles[EN("metric.received.label")] == format_value(own["received"], "count")
    assert tiles[EN("metric.overdue_at_end.label")] == format_value(own["overdue_at_end"], "count")
    ranking = at.dataframe[1].value  # after the scorecard
    assert list(ranking["Village"]) == [world["row"]["name_en"]]


def test_party_page_shows_own_branch_only(sample_db, world):
    at = _app("pages/party.py").run()
    assert_no_other_village(at, world)
    board = at.dataframe[0].value
    assert len(board) == 1 and world["row"]["name_en"] in board.iloc[0, 0]
    assert at.multiselect(key="party_villages").options == [world["row"]["name_en"]]
    tasks = at.dataframe[-1].value
    assert set(tasks["Village"]) <= {world["row"]["name_en"]}


def test_a_secretary_without_villages_sees_nothing(fresh_db):
    con = duckdb.connect(str(fresh_db))
    con.execute("UPDATE users SET village_ids = '' WHERE user_name = 'secretary'")
    con.close()
    at = _app("pages/overview.py").run()
    assert not at.exception
    assert [e.value for e in at.error] == [EN("scope.no_villages")]
    assert not at.metric and not at.get("plotly_chart") and not at.get("deck_gl_json_chart")


def test_planner_shows_own_village_only(sample_db, world):
    at = _app("pages/planner.py").run()
    assert_no_other_village(at, world)
    assert at.session_state["planner_base"][1] == (world["own"],)
