"""The joint-meeting deck (cockpit/meeting/deck.py) against cockpit.metrics.snapshot and hand-computed values."""

import dataclasses
import datetime as dt
import math
import shutil

import duckdb
import numpy as np
import pandas as pd
import pytest

from cockpit.metrics import snapshot
from cockpit.meeting import deck as presenter
from cockpit.cases.matrix import matrix as case_matrix
from cockpit.geo.choropleth import choropleth
from cockpit.text.numbers import format_delta, format_value
from cockpit.i18n import Translator
from cockpit.party.review import quarter_bounds, quarter_of, scoreboard
from cockpit.values.periods import previous_period
from cockpit.planner.baseline import baseline_from_store, model_from_store
from cockpit.planner.compare import compare
from cockpit.planner.moves import shift_to_remotest
from cockpit.planner.project import Moves, zero_moves
from cockpit.planner.scenario import scenario_of
from cockpit.services.index import index_definition
from cockpit.meeting.build import build_deck, load_inputs
from cockpit.meeting.deck import OVERVIEW_KPIS, SLIDE_KEYS, PresenterFilters
from cockpit.meeting.scenario_slides import store_comparison
from cockpit.store import Store, build_database, decisions
from cockpit.store.scenarios import save_scenario
from tests.tiny_township import write_tiny_township

A, B = "350781105001", "350781105002"


@pytest.fixture(scope="module")
def sample(sample_db):
    store = Store(sample_db)
    cur = store.cursor()
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
    assert [s.key for s in deck.slides] == [k for k in SLIDE_KEYS if k != "scenarios"]  # none chosen
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
    # the index's one definition, the same sentence the pages show
    definition = index_definition(store)
    health = dict(definition.weights)["health"]
    assert f"Entropy weights, fixed on every village-month from November 2024 to October 2026:" in notes
    assert f"Health {health:.2f}" in notes


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
        inputs = load_inputs(store, store.cursor(), "2026-10", PresenterFilters(), meeting_id=now)
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
    # scenarios: ids in the order chosen, at most three
    f = PresenterFilters(scenario_ids=[5, 2, 5])
    assert f.scenario_ids == (5, 2) and f.as_dict()["scenario_ids"] == [5, 2]
    assert f.without_scenarios().scenario_ids == () and f.without_scenarios().village_ids == f.village_ids
    with pytest.raises(ValueError, match="at most 3"):
        PresenterFilters(scenario_ids=(1, 2, 3, 4))
    for bad in ("12", 3, ("1",), (True,)):
        with pytest.raises(TypeError, match="scenario_ids"):
            PresenterFilters(scenario_ids=bad)


# -- the scenario slide: the comparison of the planner, formatted --------------------------

@pytest.fixture(scope="module")
def scenario_db(sample_db, tmp_path_factory):
    """A copy of the sample with three saved scenarios: a move to the remote villages, an added
    budget in the month before, and one the planner refuses (more than the seat has)."""
    db = tmp_path_factory.mktemp("scenarios") / "cockpit.duckdb"
    shutil.copy2(sample_db, db)
    store = Store(db)
    try:
        model = model_from_store(store)
        period = store.periods()[-1]
        baselines = {p: baseline_from_store(store, p) for p in (period, previous_period(period))}
    finally:
        store.close()
    now, before = baselines[period], baselines[previous_period(period)]
    west = shift_to_remotest(now, zero_moves(now), 30, 4, 20)
    far = int(np.argmax(before.distance_km))
    funding, staff = np.zeros_like(before.funding), np.zeros_like(before.staff)
    funding[far, :] = 10.0
    staff[far] = 1.0
    too_much = shift_to_remotest(now, shift_to_remotest(now, zero_moves(now), 60, 3), 60, 3)
    records = [scenario_of(now, west, "西部倾斜", "planner", None, "neutral", 0.0),
               scenario_of(before, Moves(funding, staff), "Farthest village first", "planner", None, "added",
                           10.0 * len(before.domains)),
               scenario_of(now, too_much, "Too much", "planner", None, "neutral", 0.0)]
    con = duckdb.connect(str(db))
    ids = [save_scenario(con, r) for r in records]
    con.close()
    items = [(records[0], now), (records[1], before), (records[2], now)]
    return db, ids, model, compare(items, model)


@pytest.fixture(scope="module")
def scenario_inputs(scenario_db):
    db, ids, model, _ = scenario_db
    store = Store(db)
    try:
        yield load_inputs(store, store.cursor(), store.periods()[-1], PresenterFilters(scenario_ids=ids),
                          model=model)
    finally:
        store.close()


def test_scenario_slide_figures_equal_the_comparison(scenario_db, scenario_inputs):
    _, ids, _, expected = scenario_db
    loaded = scenario_inputs.scenarios.table
    assert list(loaded["scenario_id"]) == ids  # the saved ones, in the order chosen
    pd.testing.assert_frame_equal(loaded.drop(columns="scenario_id"), expected.table.drop(columns="scenario_id"))
    pd.testing.assert_frame_equal(scenario_inputs.scenarios.changes, expected.changes)
    deck = build_deck(scenario_inputs, "en")
    assert [s.key for s in deck.slides] == list(SLIDE_KEYS)
    slide = _slide(deck, "scenarios")
    assert deck.index_of("scenarios") == deck.index_of("map") + 1
    table = expected.table
    frame = slide.tables[0].frame
    assert list(frame.columns) == ["Figure", "西部倾斜", "Farthest village first", "Too much"]
    rows = {r[0]: r[1:] for r in frame.values.tolist()}
    for i, (_, r) in enumerate(table.iterrows()):
        for label, key in (("Township coverage", "coverage"), ("On-time closure", "on_time"),
                           ("Worst-off village", "min")):
            if r["valid"]:
                assert rows[label][i] == (f"{format_value(r[f'{key}_before'], 'percent')} → "
                                          f"{format_value(r[f'{key}_after'], 'percent')} "
                                          f"({(r[f'{key}_after'] - r[f'{key}_before']) * 100:+.2f} pp)"), label
            else:
                assert rows[label][i] == f"{format_value(r[f'{key}_before'], 'percent')} → not projected"
        if r["valid"]:
            assert rows["Gini"][i] == (f"{r['gini_before']:.3f} → {r['gini_after']:.3f} "
                                       f"({r['gini_after'] - r['gini_before']:+.3f})")
        assert rows["Funding moved or added"][i] == f"{r['funding_moved_wan']:,.2f} 万元 a year"
    assert rows["Status"] == ["Can be projected", "Can be projected", "cannot be projected on today's data"]
    assert rows["Mode"] == ["Budget-neutral reallocation", "Added budget", "Budget-neutral reallocation"]
    # the chart: one bar series per projectable scenario, the villages some scenario changes
    bars = slide.charts[0].figure.data
    assert [b.name for b in bars] == ["西部倾斜", "Farthest village first"]
    names = scenario_inputs.villages.set_index("village_id")["name_en"]
    changed = expected.changes[(expected.changes.abs() > 1e-4).any(axis=1)]
    assert 0 < len(changed) < len(expected.changes)
    for bar, label in zip(bars, expected.changes.columns):
        assert list(bar.x) == [names[v] for v in changed.index]
        assert list(bar.y) == pytest.approx(list(changed[label] * 100), abs=1e-12)
    assert (expected.changes.drop(changed.index).abs() <= 1e-4).all(axis=None)
    # the best of each figure as the tiles, and named in the notes
    gains = table["coverage_after"] - table["coverage_before"]
    top = table.loc[gains.idxmax()]
    figures = _figures(slide)
    assert figures["coverage"].value == f"{gains.max() * 100:+.2f} pp" and figures["coverage"].detail == top["name"]
    assert f"Best for township coverage: {top['name']}" in slide.notes
    min_gain = (table["min_after"] - table["min_before"]).max()
    if min_gain > 1e-4:
        winner = table.loc[(table["min_after"] - table["min_before"]).idxmax(), "name"]
        assert f"Best for the worst-off village: {winner}" in slide.notes
    else:
        assert "No scenario raises the coverage of the worst-off village." in slide.notes
    assert "Too much cannot be projected on today's data: Chengguan Community" in slide.notes
    assert deck.filter_lines[-1] == ("Scenarios to decide on", "西部倾斜, Farthest village first, Too much")


def test_scenario_slide_in_chinese_and_none_chosen(scenario_db, scenario_inputs):
    deck = build_deck(scenario_inputs, "zh")
    slide = _slide(deck, "scenarios")
    assert slide.title == "待决策的情景方案"
    table = scenario_db[3].table
    gains = table["coverage_after"] - table["coverage_before"]
    assert f"全镇覆盖率提升最多的是{table.loc[gains.idxmax(), 'name']}" in slide.notes
    assert "Too much在当前数据上无法推演：城关社区" in slide.notes
    assert slide.tables[0].frame.iloc[1, 1:].tolist() == [Translator("zh").period(p) for p in table["baseline_period"]]
    no_scenarios = dataclasses.replace(scenario_inputs, scenarios=None, filters=PresenterFilters())
    assert "scenarios" not in [s.key for s in build_deck(no_scenarios, "zh").slides]


def test_scenarios_refused_or_gone(scenario_db):
    db, ids, model, _ = scenario_db
    store = Store(db)
    try:
        cur = store.cursor()
        found = store_comparison(store, cur, [ids[2], 999], model)  # 999 was never saved
        assert list(found.table["name"]) == ["Too much"] and found.changes.empty
        assert store_comparison(store, cur, [999], model) is None
        inputs = load_inputs(store, cur, store.periods()[-1], PresenterFilters(scenario_ids=(ids[2],)), model=model)
    finally:
        store.close()
    slide = _slide(build_deck(inputs, "en"), "scenarios")
    assert slide.charts == () and all(f.value == "–" for f in slide.figures)
    assert "None of the chosen scenarios can be projected on today's data." in slide.notes


def test_a_closed_month_is_presented_as_closed(sample_db, tmp_path):
    import shutil

    from cockpit.metrics.month_close import close_month

    db = tmp_path / "cockpit.duckdb"
    shutil.copy2(sample_db, db)
    store = Store(db, read_only=False)
    try:
        cur = store.cursor()
        period = store.periods()[-1]
        close_month(cur, period, "leader", at=dt.datetime(2026, 11, 3, 9, 30))
        late = cur.execute("SELECT case_id FROM cases WHERE status = 'open' AND received_at < CAST(? AS DATE) "
                           "ORDER BY case_id LIMIT 1", [f"{period}-01"]).fetchone()[0]
        closed_open = snapshot.township_series(store).at[period, "open_at_end"]
        cur.execute("UPDATE cases SET status = 'closed', closed_at = CAST(? AS TIMESTAMP) WHERE case_id = ?",
                    [f"{period}-20 10:00", late])
        assert snapshot.township_series(store).at[period, "open_at_end"] == closed_open - 1  # as of now
        inputs = load_inputs(store, cur, period, PresenterFilters())
        deck = build_deck(inputs, "en", today=dt.date(2026, 11, 5))
    finally:
        store.close()
    assert inputs.series.at[period, "open_at_end"] == closed_open                       # as signed
    assert inputs.villages["open_at_end"].sum() == closed_open
    slide = _slide(deck, "overview")
    assert slide.notes.startswith("October 2026 was closed on 2026-11-03 09:30 by leader: the figures are as closed.")


def test_a_whole_county_s_deck_says_county(sample_deck):
    inputs, _ = sample_deck
    township, county = build_deck(inputs, "zh"), build_deck(inputs, "zh", county=True)
    assert _slide(township, "overview").subtitle.startswith("全镇 · ")
    assert _slide(county, "overview").subtitle.startswith("全县 · ")
    assert [s.key for s in county.slides] == [s.key for s in township.slides]
