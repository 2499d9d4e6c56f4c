"""Saved what-if scenarios (cockpit/store/scenarios.py) on the tiny township."""

import datetime as dt
import json
import math

import duckdb
import pytest

from cockpit.store.schema import APP_TABLES, CSV_TABLES, MIGRATIONS, SCENARIOS, SCHEMA_VERSION
from cockpit.store import build_database, decisions, scenarios
from cockpit.store.build import upgrade_database
from cockpit.store.migrate import current_version, migrate
from cockpit.store.scenarios import Scenario
from tests.tiny_township import write_tiny_township

A, B = "350781105001", "350781105002"
AT = dt.datetime(2026, 11, 5, 9, 30, 15)


@pytest.fixture
def con(tmp_path):
    folder = write_tiny_township(tmp_path / "tiny")
    db = tmp_path / "cockpit.duckdb"
    build_database(folder, db)
    c = duckdb.connect(str(db))
    yield c
    c.close()


def _scenario(name="岭头村卫生补短板", **changes) -> Scenario:
    fields = dict(name=name, author="planner", note="把城关的数字经费挪到岭头村卫生室；\n第二行",
                  baseline_period="2026-10", mode="neutral", added_budget_wan=0.0,
                  funding={A: {"digital": -12.5, "health": 0.1 + 0.2}, B: {"health": 12.2}},
                  staff={A: -0.75, B: 1.0 / 3.0})
    fields.update(changes)
    return Scenario(**fields)


def test_table_is_an_app_table_made_by_migration_6(con):
    assert "scenarios" in {t.name for t in APP_TABLES} and "scenarios" not in CSV_TABLES
    assert sorted(MIGRATIONS) == list(range(1, SCHEMA_VERSION + 1)) and SCHEMA_VERSION >= 6
    assert "scenarios" in MIGRATIONS[6][0]
    assert current_version(con) == SCHEMA_VERSION
    assert all(description for _, _, description in SCENARIOS.columns)
    have = [r[0] for r in con.execute("SELECT name FROM pragma_table_info('scenarios')").fetchall()]
    assert have == SCENARIOS.column_names == [
        "scenario_id", "name", "author", "note", "created_at", "baseline_period", "mode", "spec"]
    assert con.execute("SELECT count(*) FROM scenarios").fetchone()[0] == 0


def test_version_5_database_upgrades_to_6_keeping_its_data(tmp_path):
    db = tmp_path / "old.duckdb"
    c = duckdb.connect(str(db))
    c.execute("CREATE TABLE schema_version (version INTEGER PRIMARY KEY, applied_at TIMESTAMP NOT NULL, "
              "description VARCHAR NOT NULL)")
    for version in sorted(v for v in MIGRATIONS if v < 6):  # a database of schema version 5
        for sql in MIGRATIONS[version][1]:
            c.execute(sql)
        c.execute("INSERT INTO schema_version VALUES (?, current_timestamp, ?)", [version, MIGRATIONS[version][0]])
    c.execute("INSERT INTO meta VALUES ('township_name_zh', '旧镇')")
    meeting = decisions.create_meeting(c, dt.date(2026, 10, 8), "九月联席会议", "2026-09")
    decisions.record_item(c, meeting, "decision", "每月通报超期诉求")
    c.close()

    assert 6 in upgrade_database(db)
    c = duckdb.connect(str(db))
    assert current_version(c) == SCHEMA_VERSION and migrate(c) == []
    assert c.execute("SELECT value FROM meta").fetchone()[0] == "旧镇"  # data kept
    assert list(decisions.items(c)["text"]) == ["每月通报超期诉求"]
    sid = scenarios.save_scenario(c, _scenario(), at=AT)
    assert sid == 1 and scenarios.load_scenario(c, sid) == _scenario(scenario_id=1, created_at=AT)
    c.close()


def test_save_and_load_round_trip_is_exact(con):
    s = _scenario(name="  岭头村卫生补短板  ", mode="added", added_budget_wan=37.123456789012345)
    sid = scenarios.save_scenario(con, s, at=AT)
    loaded = scenarios.load_scenario(con, sid)
    assert loaded == _scenario(mode="added", added_budget_wan=37.123456789012345, scenario_id=sid, created_at=AT)
    assert loaded.name == "岭头村卫生补短板"  # trimmed as typed
    assert loaded.note == "把城关的数字经费挪到岭头村卫生室；\n第二行"
    assert loaded.funding[A]["health"] == 0.1 + 0.2 and loaded.staff[B] == 1.0 / 3.0  # the same floats
    assert loaded.funding[A]["digital"] == -12.5 and loaded.staff[A] == -0.75
    assert loaded.added_budget_wan == 37.123456789012345 and loaded.created_at == AT
    spec = json.loads(con.execute("SELECT spec FROM scenarios WHERE scenario_id = ?", [sid]).fetchone()[0])
    assert spec["format"] == scenarios.FORMAT and set(spec) == {"format", "added_budget_wan", "funding", "staff"}


def test_changes_are_normalised_when_made():
    funding = {A: {"health": 5, "digital": 0}, B: {"health": 0.0}}
    s = _scenario(funding=funding, staff={A: 0, B: 2}, note="   ")
    assert s.funding == {A: {"health": 5.0}} and isinstance(s.funding[A]["health"], float)
    assert s.staff == {B: 2.0} and s.note is None
    funding[A]["health"] = 99  # a copy: the caller's dict does not change the scenario
    assert s.funding == {A: {"health": 5.0}}
    empty = _scenario(funding={}, staff={})
    assert empty.funding == {} and empty.staff == {}


def test_list_is_newest_first_and_delete(con):
    first = scenarios.save_scenario(con, _scenario("方案一"), at=AT)
    second = scenarios.save_scenario(con, _scenario("方案二", note=None), at=AT + dt.timedelta(hours=1))
    third = scenarios.save_scenario(con, _scenario("方案三"), at=AT)  # same time as the first: higher id first
    listed = scenarios.list_scenarios(con)
    assert list(listed.columns) == list(scenarios.LIST_COLUMNS)
    assert list(listed["scenario_id"]) == [second, third, first]
    assert list(listed["name"]) == ["方案二", "方案三", "方案一"]
    row = listed.iloc[0]
    assert (row["author"], row["baseline_period"], row["mode"]) == ("planner", "2026-10", "neutral")
    assert row["note"] is None or (isinstance(row["note"], float) and math.isnan(row["note"]))

    assert scenarios.delete_scenario(con, third) is True
    assert scenarios.delete_scenario(con, third) is False
    assert list(scenarios.list_scenarios(con)["scenario_id"]) == [second, first]
    with pytest.raises(KeyError):
        scenarios.load_scenario(con, third)
    assert scenarios.save_scenario(con, _scenario("方案三"), at=AT) > third  # ids are not reused


def test_duplicate_name_is_refused_unless_replaced(con):
    sid = scenarios.save_scenario(con, _scenario("方案"), at=AT)
    with pytest.raises(ValueError, match="name.*already exists"):
        scenarios.save_scenario(con, _scenario("方案", note="另一个"), at=AT)
    with pytest.raises(ValueError, match="already exists"):
        scenarios.save_scenario(con, _scenario(" 方案 "), at=AT)  # the same name once trimmed
    assert scenarios.load_scenario(con, sid).note == _scenario().note  # unchanged
    other = scenarios.save_scenario(con, _scenario("Plan"), at=AT)
    assert scenarios.save_scenario(con, _scenario("plan"), at=AT) not in (sid, other)  # case-sensitive

    later = AT + dt.timedelta(days=1)
    with pytest.raises(scenarios.NotYours):  # someone else's scenario is not overwritten
        scenarios.save_scenario(con, _scenario("方案", author="leader"), at=later, replace=True)
    replaced = _scenario("方案", note=None, mode="added", added_budget_wan=20.0,
                         funding={B: {"digital": 20.0}}, staff={})
    assert scenarios.save_scenario(con, replaced, at=later, replace=True) == sid  # keeps its id
    assert scenarios.load_scenario(con, sid) == _scenario(
        "方案", note=None, mode="added", added_budget_wan=20.0,
        funding={B: {"digital": 20.0}}, staff={}, scenario_id=sid, created_at=later)
    assert con.execute("SELECT count(*) FROM scenarios WHERE name = ?", ["方案"]).fetchone()[0] == 1
    assert scenarios.list_scenarios(con)["scenario_id"].iloc[0] == sid  # newest again
    # replace=True with a new name simply saves it
    assert scenarios.save_scenario(con, _scenario("新方案"), at=AT, replace=True) not in (sid, other)


@pytest.mark.parametrize(("changes", "field"), [
    ({"name": "   "}, "name"),
    ({"name": "长" * 101}, "name"),
    ({"name": None}, "name"),
    ({"author": ""}, "author"),
    ({"note": "注" * 2001}, "note"),
    ({"mode": "more"}, "mode"),
    ({"baseline_period": "2026-13"}, "baseline_period"),
    ({"baseline_period": "2026-1"}, "baseline_period"),
])
def test_bad_scenarios_are_refused_on_save(con, changes, field):
    with pytest.raises(ValueError, match=field):
        scenarios.save_scenario(con, _scenario(**changes), at=AT)
    assert con.execute("SELECT count(*) FROM scenarios").fetchone()[0] == 0


def test_limits_are_inclusive(con):
    sid = scenarios.save_scenario(con, _scenario("长" * 100, note="注" * 2000), at=AT)
    assert scenarios.load_scenario(con, sid).name == "长" * 100


@pytest.mark.parametrize(("changes", "field"), [
    ({"added_budget_wan": math.nan}, "added_budget_wan"),
    ({"added_budget_wan": "10"}, "added_budget_wan"),
    ({"funding": {A: {"health": math.inf}}}, "funding"),
    ({"funding": {A: {"health": True}}}, "funding"),
    ({"funding": {A: 5.0}}, "funding"),
    ({"funding": [1, 2]}, "funding"),
    ({"funding": {350781105001: {"health": 1.0}}}, "funding"),
    ({"staff": {B: -math.inf}}, "staff"),
    ({"staff": {B: "1"}}, "staff"),
    ({"staff": {"": 1.0}}, "staff"),
])
def test_bad_changes_are_refused_when_made(changes, field):
    with pytest.raises(ValueError, match=field):
        _scenario(**changes)


def test_json_round_trip():
    s = _scenario(mode="added", added_budget_wan=-0.5, created_at=AT)
    text = scenarios.scenario_to_json(s)
    assert "岭头村卫生补短板" in text  # ensure_ascii=False
    doc = json.loads(text)
    assert doc["format"] == "township-cockpit-scenario/1" and doc["created_at"] == "2026-11-05T09:30:15"
    assert "scenario_id" not in doc and list(doc) == sorted(doc)
    assert scenarios.scenario_to_json(s) == text  # stable
    back = scenarios.scenario_from_json(text)
    assert back == s and back.funding[A]["health"] == 0.1 + 0.2
    assert scenarios.scenario_from_json(text.encode("utf-8-sig")) == s  # bytes of a file, with a BOM
    no_time = scenarios.scenario_from_json(scenarios.scenario_to_json(_scenario(note=None)))
    assert no_time == _scenario(note=None) and no_time.created_at is None and no_time.scenario_id is None


def _json_with(**changes) -> str:
    doc = json.loads(scenarios.scenario_to_json(_scenario()))
    for key, value in changes.items():
        if value is ...:
            del doc[key]
        else:
            doc[key] = value
    return json.dumps(doc, ensure_ascii=False)


@pytest.mark.parametrize(("text", "field"), [
    ("not json", "JSON"),
    ("[1, 2]", "object"),
    (_json_with(format="township-cockpit-scenario/2"), "format"),
    (_json_with(format=...), "format"),
    (_json_with(name=5), "name"),
    (_json_with(name=""), "name"),
    (_json_with(author=["x"]), "author"),
    (_json_with(note=7), "note"),
    (_json_with(mode="greedy"), "mode"),
    (_json_with(baseline_period="2026/10"), "baseline_period"),
    (_json_with(baseline_period=202610), "baseline_period"),
    (_json_with(added_budget_wan="ten"), "added_budget_wan"),
    (_json_with(added_budget_wan=None), "added_budget_wan"),
    (_json_with(funding={A: {"health": "1"}}), "funding"),
    (_json_with(funding={A: []}), "funding"),
    (_json_with(staff=[]), "staff"),
    (_json_with(staff={B: None}), "staff"),
    (_json_with(created_at="yesterday"), "created_at"),
    (_json_with(mode=...), "mode"),
    (_json_with(extra=1), "extra"),
    ('{"format": "township-cockpit-scenario/1", "name": "n", "author": "a", "note": null, '
     '"baseline_period": "2026-10", "mode": "added", "added_budget_wan": NaN, "funding": {}, "staff": {}}',
     "added_budget_wan"),
    ('{"format": "township-cockpit-scenario/1", "name": "n", "author": "a", "note": null, '
     '"baseline_period": "2026-10", "mode": "added", "added_budget_wan": 0, "funding": {}, '
     '"staff": {"x": 1e400}}', "staff"),
])
def test_json_errors_name_the_field(text, field):
    with pytest.raises(ValueError, match=field):
        scenarios.scenario_from_json(text)


def test_moves_frame():
    frame = scenarios.scenario_moves_frame(_scenario())
    assert list(frame.columns) == list(scenarios.MOVE_COLUMNS)
    assert list(frame["village_id"]) == [A, A, A, B, B]
    assert list(frame["domain_id"])[:2] == ["digital", "health"] and frame["domain_id"].iloc[2] is None
    assert frame["funding_change_wan"].iloc[0] == -12.5 and math.isnan(frame["funding_change_wan"].iloc[2])
    assert frame["staff_change_fte"].iloc[2] == -0.75 and frame["staff_change_fte"].iloc[4] == 1.0 / 3.0
    assert math.isnan(frame["staff_change_fte"].iloc[0])
    staff_only = scenarios.scenario_moves_frame(_scenario(funding={}))
    assert list(staff_only["domain_id"]) == [None, None]
    empty = scenarios.scenario_moves_frame(_scenario(funding={}, staff={}))
    assert empty.empty and list(empty.columns) == list(scenarios.MOVE_COLUMNS)


def test_csv_has_a_bom_and_no_formulas():
    s = _scenario(funding={"=HYPERLINK(\"http://x\")": {"@SUM(A1)": 3.0, "+cmd": -2.0}, A: {"health": -1.5}},
                  staff={"-1+1": 0.5})
    data = scenarios.scenario_to_csv(s)
    assert data.startswith(b"\xef\xbb\xbf")
    lines = data.decode("utf-8-sig").split("\r\n")
    assert lines[0] == "village_id,domain_id,funding_change_wan,staff_change_fte"
    assert f"{A},health,-1.5," in lines  # a negative number stays a number
    assert "'-1+1,,,0.5" in lines  # staff row: domain empty
    assert "\"'=HYPERLINK(\"\"http://x\"\")\",'+cmd,-2.0," in lines
    assert "\"'=HYPERLINK(\"\"http://x\"\")\",'@SUM(A1),3.0," in lines
    assert not any(line.startswith(("=", "+", "@")) or ",=" in line or ",@" in line or ",+" in line
                   for line in lines)
    chinese = scenarios.scenario_to_csv(_scenario(funding={"岭头村": {"卫生": 1.0}}, staff={}))
    assert "岭头村,卫生,1.0," in chinese.decode("utf-8-sig")


# -- ownership: a scenario belongs to its author (issue 13) ------------------------------------

class _User:
    def __init__(self, name, role):
        self.name, self.role = name, role


def test_only_the_author_renames_and_the_author_or_a_leader_deletes(con):
    sid = scenarios.save_scenario(con, _scenario("领导方案", author="leader"), at=AT)
    planner, leader, boss = _User("planner", "planner"), _User("leader", "leader"), _User("li", "leader")
    with pytest.raises(scenarios.NotYours):
        scenarios.rename_scenario(con, sid, "改名", by=planner)
    with pytest.raises(scenarios.NotYours):
        scenarios.delete_scenario(con, sid, by=planner)
    with pytest.raises(scenarios.NotYours):
        scenarios.rename_scenario(con, sid, "改名", by=boss)  # a leader deletes, but renames only their own
    assert scenarios.load_scenario(con, sid).name == "领导方案"
    assert scenarios.rename_scenario(con, sid, " 新名字 ", by=leader) == "新名字"
    assert scenarios.load_scenario(con, sid).name == "新名字"
    other = scenarios.save_scenario(con, _scenario("规划方案"), at=AT)
    with pytest.raises(ValueError, match="already exists"):
        scenarios.rename_scenario(con, sid, "规划方案", by=leader)
    assert scenarios.delete_scenario(con, other, by=boss) is True  # a leader deletes anyone's
    assert scenarios.delete_scenario(con, sid, by=leader) is True  # the author deletes their own
    assert scenarios.delete_scenario(con, sid, by=leader) is False  # gone
    assert scenarios.list_scenarios(con).empty


def test_anyone_may_copy_a_scenario_and_owns_the_copy(con):
    sid = scenarios.save_scenario(con, _scenario("领导方案", author="leader"), at=AT)
    copy = scenarios.copy_scenario(con, sid, "我的副本", "planner", at=AT)
    original, mine = scenarios.load_scenario(con, sid), scenarios.load_scenario(con, copy)
    assert (mine.author, mine.name) == ("planner", "我的副本")
    assert (mine.funding, mine.staff, mine.baseline_period) == (original.funding, original.staff, "2026-10")
    assert mine.note.endswith("← 领导方案 (leader)")
    scenarios.rename_scenario(con, copy, "副本二", by=_User("planner", "planner"))  # the copy is theirs
    assert scenarios.load_scenario(con, sid).name == "领导方案"
