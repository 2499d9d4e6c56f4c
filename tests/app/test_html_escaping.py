"""Hand-built HTML shows data as text (issue 8): a village named ``<img src=x onerror=alert(1)>``.

The command screen, the presenter's slides and its decision log build HTML themselves and pass it
with ``unsafe_allow_html``; every data value in it must be escaped. Each test renames one village
of a private copy of the sample (name_zh and name_en) and scans every element that the browser
would read as HTML: the raw tag must not appear, and the escaped name must appear where the name
is shown."""

from __future__ import annotations

import datetime as dt
import json
from datetime import datetime
from pathlib import Path

import duckdb
import pytest
import streamlit
from streamlit.testing.v1 import AppTest

from cockpit.metrics import snapshot
from cockpit.store import Store, decisions
from tests.app.conftest import sign_in

ROOT = Path(__file__).resolve().parents[2]
TIMEOUT = 60
EVIL = "<img src=x onerror=alert(1)>"
RAW = "<img src=x"
ESCAPED = "&lt;img src=x onerror=alert(1)&gt;"
DECISION = f"修复{EVIL}光纤"
OWNER = f"王{EVIL}明"


@pytest.fixture
def evil(fresh_db, monkeypatch):
    """The sample with its most overdue village renamed to EVIL; returns that village's id."""
    monkeypatch.setenv("COCKPIT_COMMAND_ROTATION", "0")  # both side panels at once
    store = Store(fresh_db)
    try:
        table = snapshot.village_table(store, store.periods()[-1])
    finally:
        store.close()
    village = str(table.sort_values(["overdue_at_end", "village_id"], ascending=[False, True])
                  .iloc[0]["village_id"])
    con = duckdb.connect(str(fresh_db))
    try:
        con.execute("UPDATE villages SET name_zh = ?, name_en = ? WHERE village_id = ?", [EVIL, EVIL, village])
    finally:
        con.close()
    return village


def _app(page: str, lang: str = "en", **params) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT)
    sign_in(at, "leader")
    at.switch_page(page)
    at.query_params["lang"] = lang
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, at.exception
    return at


def _html_bodies(at: AppTest) -> list[str]:
    """What the browser parses as HTML: markdown with unsafe_allow_html, st.html, iframes."""
    bodies = []
    for node in at._tree:
        proto = getattr(node, "proto", None)
        kind = getattr(node, "type", None)
        if kind in ("markdown", "caption") and getattr(proto, "allow_html", False):
            bodies.append(node.value)
        elif kind == "html":
            bodies.append(node.value)
        elif proto is not None and getattr(proto, "srcdoc", ""):
            bodies.append(proto.srcdoc)
    return bodies


def _assert_escaped(at: AppTest, where: str, shown: bool = True) -> str:
    bodies = _html_bodies(at)
    assert bodies, f"{where}: no HTML drawn"
    for body in bodies:
        assert RAW not in body, f"{where}: unescaped name in {body[max(0, body.find(RAW) - 200):][:400]!r}"
    text = "\n".join(bodies)
    if shown:
        assert ESCAPED in text, f"{where}: the name is not shown"
    return text


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_command_screen(evil, lang):
    at = _app("pages/command.py", lang)
    _assert_escaped(at, "command screen")  # the alerts panel lists the most overdue village


def test_map_tooltips_carry_plain_text(evil):
    """The tooltip is one placeholder shown as text (``innerText``): each village carries its whole
    tooltip as one plain-text field, so nothing in a name is read as HTML or as a placeholder."""
    at = _app("pages/command.py")
    chart = at.get("deck_gl_json_chart")[0].proto
    assert json.loads(chart.tooltip) == {"text": "{tip}", "style": json.loads(chart.tooltip)["style"]}
    deck = json.loads(chart.json)
    layer = next(layer for layer in deck["layers"] if layer["id"] == "villages")
    tips = {f["properties"]["village_id"]: f["properties"]["tip"] for f in layer["data"]["features"]}
    assert tips[evil].split("\n")[0] == EVIL  # the name, as text, on the first line
    assert not any(k.startswith("tip_") for f in layer["data"]["features"] for k in f["properties"])
    bundles = list((Path(streamlit.__file__).parent / "static").rglob("DeckGlJsonChart*.js"))
    assert bundles and any("e.text&&(r.innerText=e.text)" in b.read_text(encoding="utf-8") for b in bundles), (
        f"Streamlit {streamlit.__version__}: check that a text tooltip is still set as innerText")


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_presenter_slides(evil, lang):
    shown = []
    for slide in range(1, 7):
        at = _app("pages/presenter.py", lang, slide=str(slide))
        text = _assert_escaped(at, f"presenter slide {slide}", shown=False)
        shown.append(ESCAPED in text)
    assert shown[0] and shown[2], "the overview and the overdue slide name the village"


@pytest.fixture
def decided(evil, fresh_db):
    """An open action item of an earlier meeting about the renamed village, with markup in its
    text and owner too."""
    con = duckdb.connect(str(fresh_db))
    try:
        meeting = decisions.create_meeting(con, dt.date(2026, 11, 5), f"会议{EVIL}", "2026-10")
        decisions.record_item(con, meeting, "action", DECISION, owner=OWNER, village_id=evil,
                              due_on=dt.date(2026, 11, 30), slide="overdue")
    finally:
        con.close()
    return evil


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_decision_log_and_follow_up_slide(decided, lang):
    at = _app("pages/presenter.py", lang, slide="6")  # follow-up: open items of earlier meetings
    text = _assert_escaped(at, "follow-up slide and decision log")
    assert text.count(ESCAPED) >= 2 * 3, "village, text and owner, in the slide table and the log list"
    assert "修复&lt;img src=x onerror=alert(1)&gt;光纤" in text
    assert "王&lt;img src=x onerror=alert(1)&gt;明" in text
    items = [b for b in _html_bodies(at) if "pr-item" in b]
    assert items and all(RAW not in b for b in items) and any(ESCAPED in b for b in items)
