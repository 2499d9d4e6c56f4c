"""AppTest of the joint-meeting presenter (pages/presenter.py): slides, navigation, decision log."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from cockpit.metrics import snapshot
from cockpit.text.numbers import format_value
from cockpit.i18n import Translator
from cockpit.meeting.scenario_slides import store_comparison
from cockpit.store import Store
from tests.app.conftest import sign_in

ROOT = Path(__file__).resolve().parents[2]
PAGE = "pages/presenter.py"
TIMEOUT = 60


def _page(lang: str = "en", user: str = "leader", **params) -> AppTest:
    """The presenter page, signed in as ``user`` (a demo account of the sample)."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT)
    sign_in(at, user)
    at.switch_page(PAGE)
    at.query_params["lang"] = lang
    for key, value in params.items():
        at.query_params[key] = value
    return at.run()


def _html(at: AppTest) -> str:
    return "\n".join(m.value for m in at.markdown)


def _slide_param(at: AppTest) -> str:
    value = at.query_params["slide"]
    return value[0] if isinstance(value, list) else value


@pytest.fixture(scope="module")
def truth(sample_db):
    store = Store(sample_db)
    period = store.periods()[-1]
    yield {"period": period, "series": snapshot.township_series(store),
           "villages": snapshot.village_table(store, period)}
    store.close()


def test_next_and_previous_change_the_slide(sample_db, truth):
    en = Translator("en")
    at = _page("en")
    assert not at.exception, at.exception
    assert at.title[0].value.endswith(": the month at a glance")
    assert _slide_param(at) == "1"
    assert at.button(key="presenter_prev").disabled
    html = _html(at)
    row = truth["series"].loc[truth["period"]]
    assert format_value(row["on_time_rate"], "percent") in html  # the KPI tiles
    assert format_value(row["overdue_at_end"], "count") in html
    at.button(key="presenter_next").click().run()
    assert at.title[0].value == en("presenter.cross.title") and _slide_param(at) == "2"
    at.button(key="presenter_next").click().run()
    assert at.title[0].value == en("presenter.overdue.title")
    at.button(key="presenter_prev").click().run()
    assert at.title[0].value == en("presenter.cross.title") and _slide_param(at) == "2"
    assert at.get("plotly_chart"), "the 条块 heatmap is drawn"


def test_slide_from_the_url_and_the_last_slide(sample_db):
    at = _page("zh", slide="4")
    assert at.title[0].value.startswith("村级地图")
    assert at.get("deck_gl_json_chart"), "the map slide shows the offline map"
    at = _page("zh", slide="6")
    assert at.title[0].value == Translator("zh")("presenter.follow.title")
    assert at.button(key="presenter_next").disabled
    at = _page("zh", slide="99")  # out of range: the first slide
    assert _slide_param(at) == "1"


def test_speaker_notes_in_the_language(sample_db, truth):
    at = _page("zh")
    notes = [m.value for m in at.expander[0].markdown]
    row = truth["series"].loc[truth["period"]]
    assert any(f"按期结案率 {format_value(row['on_time_rate'], 'percent')}" in n for n in notes)
    assert at.expander[0].label == "讲解要点"


def test_recording_a_decision_lists_it_and_mark_done(fresh_db):
    at = _page("en")
    at.button(key="presenter_next").click().run()  # on the cross-department slide
    at.radio(key="dec_kind").set_value("action")
    at.text_area(key="dec_text").input("Clear the <b>Houkeng</b> water cases")
    at.text_input(key="dec_owner").input("Chen")
    at.selectbox(key="dec_department").set_value("URB")
    at.selectbox(key="dec_village").set_value("350781105205")
    at.button(key="dec_submit").click().run()
    assert not at.exception, at.exception
    assert [s.value for s in at.success] == ["Recorded: Clear the &lt;b&gt;Houkeng&lt;/b&gt; water cases"]  # as text
    listed = [m.value for m in at.markdown if "Houkeng</b>" in m.value or "Houkeng&lt;" in m.value]
    assert listed and "Clear the &lt;b&gt;Houkeng&lt;/b&gt; water cases" in listed[0]  # escaped, as text
    assert "Urban Construction Office" in listed[0] and "Houkeng Village" in listed[0]
    meeting = at.session_state["presenter_meeting"]

    con = duckdb.connect(str(fresh_db), read_only=True)
    row = con.execute("SELECT kind, text, owner, department_id, village_id, slide, status FROM decisions").fetchall()
    title = con.execute("SELECT title, period FROM meetings WHERE meeting_id = ?", [meeting]).fetchone()
    con.close()
    assert row == [("action", "Clear the <b>Houkeng</b> water cases", "Chen", "URB", "350781105205",
                    "cross_department", "open")]
    assert title[1] == at.session_state["period"] and title[0].startswith("Joint meeting on")

    # a later meeting lists it under "open from earlier meetings" until it is marked done
    at.button(key="presenter_new_meeting").click().run()
    at.query_params["slide"] = "6"
    at.run()
    assert "Clear the &lt;b&gt;Houkeng&lt;/b&gt; water cases" in _html(at)  # on the follow-up slide
    at.button(key="earlier_done_1").click().run()
    assert not at.exception and [s.value for s in at.success] == ["Marked done."]
    assert "Houkeng&lt;/b&gt; water" not in _html(at)


def test_empty_decision_is_refused(fresh_db):
    at = _page("zh")
    at.button(key="dec_submit").click().run()
    assert [w.value for w in at.warning] == [Translator("zh")("presenter.text_required")]
    assert "presenter_meeting" not in at.session_state


def test_village_filter_narrows_the_overdue_slide(sample_db, truth):
    vt = truth["villages"]
    village = vt.sort_values("overdue_at_end", ascending=False).iloc[0]
    at = _page("en", slide="3")
    at.multiselect(key="presenter_villages").set_value([village["village_id"]]).run()
    assert not at.exception
    html = _html(at)
    others = set(vt["name_en"]) - {village["name_en"]}
    table = html[html.index("<table"):]
    assert village["name_en"] in table and not any(f"<td>{o}</td>" in table for o in others)
    assert f">{format_value(village['overdue_at_end'], 'count')}<" in html


def test_a_saved_scenario_chosen_shows_the_scenario_slide(fresh_db):
    """Save a scenario on the planner page, choose it on the presenter page: a slide after the map
    compares it (table, per-village chart, notes), with the planner's own figures."""
    planner = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT)
    planner.switch_page("pages/planner.py")
    planner.query_params["lang"] = "en"
    planner.run()
    planner.slider(key="planner_quick_percent").set_value(30)
    planner.slider(key="planner_quick_n").set_value(4)
    planner.button(key="planner_quick_apply").click().run()
    planner.text_input(key="scenario_name").input("Remote villages <b>first</b>")
    next(b for b in planner.button if b.label == "Save scenario").click().run()
    assert not planner.exception and planner.success, planner.exception
    con = duckdb.connect(str(fresh_db), read_only=True)
    (saved,) = con.execute("SELECT scenario_id FROM scenarios WHERE name = 'Remote villages <b>first</b>'").fetchone()
    con.close()

    at = _page("en", slide="5")
    assert at.title[0].value.startswith("Party building")  # no scenario chosen: no scenario slide
    chooser = at.multiselect(key="presenter_scenarios")
    assert chooser.options == ["Remote villages <b>first</b>"] and chooser.value == []
    chooser.set_value([saved]).run()
    assert not at.exception, at.exception
    assert at.title[0].value == "Scenarios to decide on" and _slide_param(at) == "5"
    at.button(key="presenter_next").click().run()
    assert at.title[0].value.startswith("Party building")
    at.button(key="presenter_prev").click().run()
    assert at.title[0].value == "Scenarios to decide on"

    store = Store(fresh_db)
    try:
        found = store_comparison(store, store.cursor(), [saved])
    finally:
        store.close()
    row = found.table.iloc[0]
    html = _html(at)
    assert "Remote villages &lt;b&gt;first&lt;/b&gt;" in html and "<b>first</b>" not in html  # escaped
    cell = (f"{format_value(row['coverage_before'], 'percent')} → {format_value(row['coverage_after'], 'percent')} "
            f"({(row['coverage_after'] - row['coverage_before']) * 100:+.2f} pp)")
    assert cell in html
    spec = json.loads(at.get("plotly_chart")[0].proto.spec)
    bars = spec["data"]
    assert [b["name"] for b in bars] == ["Remote villages &lt;b&gt;first&lt;/b&gt;"]
    moved = found.changes[found.changes.iloc[:, 0].abs() > 1e-4].iloc[:, 0]
    assert bars[0]["y"] == pytest.approx(list(moved * 100))
    notes = " ".join(m.value for m in at.expander[0].markdown)
    assert "Best for township coverage: Remote villages &lt;b&gt;first&lt;/b&gt;" in notes
    # a decision recorded here keeps the slide; the meeting keeps the scenarios chosen
    at.text_area(key="dec_text").input("Prepare the remote-villages scenario for the budget")
    at.button(key="dec_submit").click().run()
    assert not at.exception, at.exception
    con = duckdb.connect(str(fresh_db), read_only=True)
    slide, filters = con.execute("SELECT d.slide, m.filters FROM decisions d JOIN meetings m USING (meeting_id)").fetchone()
    con.close()
    assert slide == "scenarios" and json.loads(filters)["scenario_ids"] == [saved]
