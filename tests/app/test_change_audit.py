"""Every change a user makes is on record (issue 13), once, with its user: scenarios saved, copied,
renamed and deleted; decisions and action items recorded, edited and closed. A scenario belongs to
its author: a planner may open and copy the leader's scenario but gets no rename or delete for it."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from cockpit.auth.audit_log import read_audit
from tests.app.conftest import sign_in

ROOT = Path(__file__).resolve().parents[2]
TIMEOUT = 90


def _page(page: str, user: str) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT)
    sign_in(at, user)
    at.switch_page(page)
    at.query_params["lang"] = "en"
    return at.run()


def _log(db: Path, *events: str) -> list[tuple[str, str, dict]]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        log = read_audit(con)
    finally:
        con.close()
    log = log[log["event"].isin(events)].iloc[::-1]  # oldest first
    return [(r.event, r.user_name, r.detail if isinstance(r.detail, dict) else json.loads(r.detail))
            for r in log.itertuples()]


def _scenarios(db: Path) -> dict[str, str]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return dict(con.execute("SELECT name, author FROM scenarios").fetchall())
    finally:
        con.close()


def _save(at: AppTest, name: str) -> AppTest:
    at.slider(key="planner_quick_percent").set_value(30)
    at.button(key="planner_quick_apply").click().run()
    at.text_input(key="scenario_name").input(name)
    next(b for b in at.button if b.label == "Save scenario").click().run()
    assert not at.exception, at.exception
    return at


def test_scenarios_belong_to_their_author_and_every_change_is_audited(fresh_db):
    leader = _save(_page("pages/planner.py", "leader"), "Leader's plan")
    assert [s.value for s in leader.success] == ["Saved “Leader&#39;s plan”."]
    planner = _page("pages/planner.py", "planner")
    assert planner.selectbox(key="scenario_chosen").value is not None
    keys = {b.key for b in planner.button}
    assert "scenario_copy" in keys and "scenario_reopen" in keys
    assert "scenario_delete" not in keys and "scenario_rename" not in keys  # not theirs
    assert any("Saved by leader" in c.value for c in planner.caption)
    planner.button(key="scenario_copy").click().run()
    assert not planner.exception, planner.exception
    copy = "Leader's plan (copy 1)"
    assert _scenarios(fresh_db) == {"Leader's plan": "leader", copy: "planner"}
    assert [s.value for s in planner.success] == ["Saved a copy as “Leader&#39;s plan (copy 1)”; it is yours."]
    # their own copy: rename and delete
    con = duckdb.connect(str(fresh_db), read_only=True)
    copy_id = con.execute("SELECT scenario_id FROM scenarios WHERE name = ?", [copy]).fetchone()[0]
    con.close()
    planner.selectbox(key="scenario_chosen").set_value(copy_id).run()
    assert "scenario_rename" in {b.key for b in planner.button}
    planner.text_input(key="scenario_new_name").input("Mine now")
    planner.button(key="scenario_rename").click().run()
    assert not planner.exception, planner.exception
    assert _scenarios(fresh_db) == {"Leader's plan": "leader", "Mine now": "planner"}
    planner.button(key="scenario_delete").click().run()
    assert _scenarios(fresh_db) == {"Leader's plan": "leader"}
    log = _log(fresh_db, "scenario_save", "scenario_rename", "scenario_delete")
    assert [(e, u) for e, u, _ in log] == [("scenario_save", "leader"), ("scenario_save", "planner"),
                                           ("scenario_rename", "planner"), ("scenario_delete", "planner")]
    saved, copied, renamed, deleted = (d for _, _, d in log)
    assert saved["name"] == "Leader's plan" and saved["replaced"] is False
    assert copied["name"] == copy and copied["copied_from"] == saved["scenario_id"]
    assert (renamed["from"], renamed["name"]) == (copy, "Mine now")
    assert deleted == {"scenario_id": copied["scenario_id"], "name": "Mine now"}


def test_a_leader_deletes_anyone_s_scenario_audited(fresh_db):
    _save(_page("pages/planner.py", "planner"), "Planner's plan")
    leader = _page("pages/planner.py", "leader")
    assert "scenario_rename" not in {b.key for b in leader.button}  # renaming stays with the author
    leader.button(key="scenario_delete").click().run()
    assert not leader.exception, leader.exception
    assert _scenarios(fresh_db) == {}
    assert [(e, u) for e, u, _ in _log(fresh_db, "scenario_save", "scenario_delete")] == [
        ("scenario_save", "planner"), ("scenario_delete", "leader")]


def test_decisions_recorded_edited_and_closed_are_audited_once(fresh_db):
    at = _page("pages/presenter.py", "leader")
    at.text_area(key="dec_text").input("Fix the Houkeng water supply")
    at.text_input(key="dec_owner").input("Chen")
    at.button(key="dec_submit").click().run()
    assert not at.exception, at.exception
    con = duckdb.connect(str(fresh_db), read_only=True)
    decision = con.execute("SELECT max(decision_id) FROM decisions").fetchone()[0]
    con.close()
    at.text_area(key=f"mine_edit_text_{decision}").input("Fix the Houkeng water supply by Friday")
    at.text_input(key=f"mine_edit_owner_{decision}").input("Wang")
    at.button(key=f"mine_edit_save_{decision}").click().run()
    assert not at.exception, at.exception
    assert [s.value for s in at.success] == ["Changes saved."]
    at.button(key=f"mine_done_{decision}").click().run()
    assert not at.exception, at.exception
    log = _log(fresh_db, "decision_create", "decision_edit", "decision_close")
    assert [(e, u) for e, u, _ in log] == [("decision_create", "leader"), ("decision_edit", "leader"),
                                           ("decision_close", "leader")]
    created, edited, closed = (d for _, _, d in log)
    assert created["decision_id"] == decision and created["text"] == "Fix the Houkeng water supply"
    assert edited == {"decision_id": decision, "fields": ["owner", "text"],
                      "text": "Fix the Houkeng water supply by Friday"}
    assert closed == {"decision_id": decision}
    con = duckdb.connect(str(fresh_db), read_only=True)
    try:
        assert con.execute("SELECT text, owner, status FROM decisions WHERE decision_id = ?", [decision]).fetchone() \
            == ("Fix the Houkeng water supply by Friday", "Wang", "done")
    finally:
        con.close()


@pytest.mark.parametrize("user", ["leader"])
def test_an_edit_that_changes_nothing_writes_no_entry(fresh_db, user):
    at = _page("pages/presenter.py", user)
    at.text_area(key="dec_text").input("Same text")
    at.button(key="dec_submit").click().run()
    con = duckdb.connect(str(fresh_db), read_only=True)
    decision = con.execute("SELECT max(decision_id) FROM decisions").fetchone()[0]
    con.close()
    at.button(key=f"mine_edit_save_{decision}").click().run()
    assert not at.exception, at.exception
    assert [e for e, _, _ in _log(fresh_db, "decision_create", "decision_edit")] == ["decision_create"]
