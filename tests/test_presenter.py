"""The joint-meeting deck (cockpit/presenter.py) against cockpit.snapshot and hand-computed values."""

import datetime as dt
import math

import duckdb
import pandas as pd
import pytest

from cockpit import presenter, snapshot
from cockpit.cases.matrix import matrix as case_matrix
from cockpit.choropleth import choropleth
from cockpit.fmt import format_delta, format_value
from cockpit.party import quarter_bounds, quarter_of, scoreboard
from cockpit.periods import previous_period
from cockpit.presenter import OVERVIEW_KPIS, SLIDE_KEYS, PresenterFilters, build_deck, load_inputs
from cockpit.store import Store, build_database, decisions
from tests.tiny_township import write_tiny_township

A, B = "350781105001", "350781105002"


@pytest.fixture(scope="module")
def sample(sample_db):
    store = Store(sample_db)
    cur = store._con.cursor()
    period = store.periods()[-1]
    yield store, cur, period
    cur.close()
    store.close()


@pytest.fixture(scope="module")
def sample_deck(sample):
    store, cur, period = sample
    inputs = load_inputs(store, cur, period, PresenterFilters())
    return inputs, build_deck(inputs, "en", today=dt.date(2026, 11, 5))


def _slide(deck, key):
    return deck.slides[deck.index_of(key)]


def _figures(slide):
    return {f.key: f for f in slide.figures}


def test_slide_sequence_and_languages(sample_deck):
    inputs, deck = sample_deck
    assert [s.key for s in deck.slides] == list(SLIDE_KEYS)
    assert all(s.title and s.notes for s in deck.slides)
    zh = build_deck(inputs, "zh")
    assert _slide(zh, "cross_department").title == "需要跨部门协同解决的问题"
    assert zh.township == inputs.meta["township_name_zh"] and deck.township == inputs.meta["township_name_en"]
    assert zh.period_label == "2026年10月" if inputs.period == "2026-10" else zh.period_label


def test_overview_figures_equal_the_snapshot(sample, sample_deck):
    store, _, period = sample
    _, deck = sample_deck
    series = snapshot.township_series(store)
    figures = _figures(_slide(deck, "overview"))
    assert list(figures) == list(OVERVIEW_KPIS)
    units = {"received": "count", "overdue_at_end": "count", "cases_per_10k": "per10k",
             "funding_per_resident": "yuan"}
    for key in OVERVIEW_KPIS:
        unit = units.get(key, "percent")
        now, before = series.at[period, key], series.at[previous_period(period), key]
        assert figures[key].value == format_value(now, unit, "en"), key
        assert figures[key].delta == format_delta(now - before, unit, "en"), key
    on_time = figures["on_time_rate"]
    delta = series.at[period, "on_time_rate"] - series.at[previous_period(period), "on_time_rate"]
    assert on_time.tone == ("good" if delta > 0 else "bad")
    assert figures["received"].tone is None  # more appeals are neither good nor bad
    notes = _slide(deck, "overview").notes
    assert figures["on_time_rate"].value in notes and figures["overdue_at_end"].value in notes


def test_cross_department_slide_equals_the_case_counts(sample, sample_deck):
    store, _, period = sample
    _, deck = sample_deck
    slide = _slide(deck, "cross_department")
    total = store.case_counts_by_department(period).query("department_id.isna()").iloc[0]
    figures = _figures(slide)
    assert figures["overdue_at_end"].value == format_value(total["overdue_at_end"], "count")
    assert figures["open_at_end"].value == format_value(total["open_at_end"], "count")
    assert figures["on_time_rate"].value == format_value(total["on_time_of_due"] / total["due"], "percent")
    cells = store.case_counts_matrix(period)
    heat = slide.charts[0].figure.data[0]
    assert sum(v for row in heat.z for v in row if not math.isnan(v)) == cells["overdue_at_end"].sum()
    worst = cells.sort_values(["overdue_at_end", "open_at_end", "department_id", "village_id"],
                              ascending=[False, False, True, True]).iloc[0]
    pairs = slide.tables[0].frame
    names = store.villages().set_index("village_id")["name_en"]
    assert pairs.iloc[0, 1] == names[worst["village_id"]]
    assert pairs.iloc[0, 2] == format_value(worst["overdue_at_end"], "count")
    assert len(pairs) == min(8, int((cells["overdue_at_end"] > 0).sum()))


def test_overdue_slide_lists_the_longest_overdue_masked(sample, sample_deck):
    store, _, period = sample
    _, deck = sample_deck
    raw = store.case_list(period, kind="overdue", limit=10)
    table = _slide(deck, "overdue").tables[0].frame
    assert list(table.iloc[:, 0]) == list(raw["case_id"])
    shown = " ".join(table.astype(str).to_numpy().ravel())
    for name, phone in zip(raw["citizen_name"].dropna(), raw["phone"].dropna()):
        assert name not in shown and phone not in shown  # personal data never on a slide
    assert table.iloc[0, 5] == format_value(raw.iloc[0]["days_overdue"], "days", "en")


def test_map_slide_colours_and_extremes(sample, sample_deck):
    store, _, period = sample
    _, deck = sample_deck
    vt = snapshot.village_table(store, period)
    slide = _slide(deck, "map")
    values = vt.set_index("village_id")["service_index"]
    assert slide.map.colors == choropleth(values, "service_index", "en", "No data").colors
    figures = _figures(slide)
    assert figures["lowest"].value == format_value(values.min(), "percent")
    assert figures["lowest"].detail == vt.set_index("village_id").at[values.idxmin(), "name_en"]
    assert figures["service_index"].value == format_value(
        snapshot.township_series(store).at[period, "service_index"], "percent")
    assert slide.tables[0].frame.iloc[0, 0] == figures["lowest"].detail


def test_party_slide_equals_the_scoreboard(sample, sample_deck):
    store, _, period = sample
    _, deck = sample_deck
    quarter = quarter_of(period)
    start, _ = quarter_bounds(quarter)
    as_of = (pd.Timestamp(f"{period}-01") + pd.offsets.MonthEnd(0)).date()
    assessments = store.party_assessments()
    latest = max(q for q in assessments["quarter"] if q <= quarter)
    board = scoreboard(store.party_tasks(), store.party_branches(), assessments, start, as_of, latest)
    figures = _figures(_slide(deck, "party"))
    assert figures["due"].value == format_value(board["due"].sum(), "count")
    assert figures["completion_rate"].value == format_value(board["completed"].sum() / board["due"].sum(), "percent")
    assert figures["overdue"].value == format_value(board["overdue"].sum(), "count")
    assert figures["score"].value == f"{board['score'].mean():.1f}"
    weakest = _slide(deck, "party").tables[0].frame
    first = board.sort_values(["completion_rate", "overdue", "branch_id"], ascending=[True, False, True]).iloc[0]
    assert weakest.iloc[0, 0] == first["name_en"]


def test_village_filter_narrows_case_and_party_slides(sample):
    store, cur, period = sample
    vt = snapshot.village_table(store, period)
    village = vt.sort_values("overdue_at_end", ascending=False).iloc[0]
    filters = PresenterFilters(village_ids=(village["village_id"],), map_metric="on_time_rate")
    deck = build_deck(load_inputs(store, cur, period, filters), "zh")
    cross = _figures(_slide(deck, "cross_department"))
    assert cross["overdue_at_end"].value == format_value(village["overdue_at_end"], "count")
    overdue = _slide(deck, "overdue").tables[0].frame
    assert set(overdue.iloc[:, 1]) <= {village["name_zh"]}
    party = _slide(deck, "party").tables[0].frame
    assert len(party) == 1 and village["name_zh"] in party.iloc[0, 0]
    assert _slide(deck, "map").map.highlight == (village["village_id"],)
    assert _slide(deck, "map").map.metric_key == "on_time_rate"
    assert (deck.filter_lines[0][1], deck.filter_lines[1][1]) == (village["name_zh"], "全部部门")
    # the overview stays township-wide
    series = snapshot.township_series(store)
    assert _figures(deck.slides[0])["overdue_at_end"].value == format_value(series.at[period, "overdue_at_end"], "count")


# -- the tiny township: every figure by hand ------------------------------------------------

@pytest.fixture
def tiny(tmp_path):
    folder = write_tiny_township(tmp_path / "tiny")
    db = tmp_path / "cockpit.duckdb"
    build_database(folder, db)
    con = duckdb.connect(str(db))
    yield db, con
    con.close()


def test_tiny_township_cross_department_by_hand(tiny):
    db, con = tiny
    m = decisions.create_meeting(con, dt.date(2026, 10, 8), "九月会议", "2026-09")
    decisions.record_item(con, m, "action", "岭头村复诊", owner="李医生", department_id="health_office",
                          village_id=B, due_on=dt.date(2026, 10, 20), slide="overdue")
    decisions.record_item(con, m, "decision", "每月通报", due_on=dt.date(2026, 12, 1))
    now = decisions.create_meeting(con, dt.date(2026, 11, 5), "十月会议", "2026-10")
    decisions.record_item(con, now, "decision", "本次决定", slide="map")
    con.close()
    store = Store(db)
    try:
        inputs = load_inputs(store, store._con.cursor(), "2026-10", PresenterFilters(), meeting_id=now)
        deck = build_deck(inputs, "zh", today=dt.date(2026, 11, 5))
    finally:
        store.close()
    cross = _slide(deck, "cross_department")
    figures = _figures(cross)
    # October: case 4 (Lingtou, health office, due 09-25) is open and overdue at the month's end;
    # case 3 (Chengguan, due 11-02) is open, not overdue. Five cases were due: 1, 2, 5, 6, 7;
    # on time: 1, 5 (closed exactly at its due time), 7 (closed before received, still counted).
    assert (figures["overdue_at_end"].value, figures["open_at_end"].value, figures["due"].value) == ("1", "2", "5")
    assert figures["on_time_rate"].value == "60.0%"
    assert cross.tables[0].frame.values.tolist() == [["卫健办", "岭头村", "1", "1", "2", "100.0%"]]
    wide = case_matrix(inputs.matrix, "overdue_at_end")
    assert int(wide.loc["health_office", B]) == 1
    assert "卫健办超期诉求最多（1 件），其中岭头村最多（1 件）。" in cross.notes
    overdue = _slide(deck, "overdue").tables[0].frame
    assert overdue.values.tolist()[0][:3] == ["4", "岭头村", "卫健办"] and overdue.iloc[0, 7] == "李**"
    # follow-up: the earlier meeting's two open items, the past-due one flagged
    follow = _slide(deck, "follow_up")
    assert _figures(follow)["open"].value == "2" and _figures(follow)["past_due"].value == "1"
    rows = follow.tables[0].frame.values.tolist()
    assert rows[0][:6] == ["待办事项", "岭头村复诊", "李医生", "卫健办", "岭头村", "2026-10-20"]
    assert rows[0][-1] == "已逾期" and rows[1][-1] == "办理中" and rows[0][6] == "2026-10-08 九月会议"
    # this meeting's item, with the slide it came from
    assert deck.recorded.frame.values.tolist() == [["决定", "本次决定", "–", "–", "–", "–", "地图", "办理中"]]
    # no party data in the tiny township: the slide still builds, with dashes
    assert _figures(_slide(deck, "party"))["completion_rate"].value == "–"


def test_filters_validate():
    with pytest.raises(TypeError, match="village_ids"):
        PresenterFilters(village_ids="350781105001")
    with pytest.raises(ValueError, match="overdue_limit"):
        PresenterFilters(overdue_limit=0)
    f = PresenterFilters(village_ids=["b", "a", "a"])
    assert f.village_ids == ("a", "b") and f.case_filter().village_ids == ("a", "b")
    assert f.as_dict()["village_ids"] == ["a", "b"]
