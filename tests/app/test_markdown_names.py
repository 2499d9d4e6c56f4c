"""Imported text is shown as text (issue 13): villages, departments, categories, party branches and
decisions whose names hold Markdown links and images, HTML and a 100 kB string.

Each test renames the data of a private copy of the sample and reads every text that Streamlit
renders as Markdown (bodies, labels, help tooltips of every element and block): no raw link or
image syntax and no URL may be left in them, and where the name is shown it reads as plain text
(cockpit.text.literal). Widths: a long name is cut with an ellipsis in a heading and the sidebar, and
shown whole where it is read (the profile's "Full name").
"""

from __future__ import annotations

import datetime as dt
import html
import json
from pathlib import Path

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from cockpit.text.literal import ELLIPSIS, LABEL, NAME, clean, literal
from cockpit.store import decisions
from tests.app.conftest import sign_in

ROOT = Path(__file__).resolve().parents[2]
TIMEOUT = 90
URL = "http://127.0.0.1:8799/x.png"
MD = f"Xikou [clickme](javascript:alert(1)) ![img]({URL})"
MD_ZH = f"溪口村 [点我](javascript:alert(1)) ![图]({URL})"
LONG = "长" * 50_000  # 100 kB of UTF-8 text... as a village name
RAW = ("](", "![", "http://", "https://", "javascript:", "<img", "<script")  # a link, an image, a URL, markup
FIELDS = {"body", "label", "help", "caption", "captions", "placeholder"}
NOT_MARKDOWN = {"deck_gl_json_chart", "plotly_chart", "dataframe", "arrow_data_frame", "table", "selectbox",
                "multiselect", "text_input", "text_area"}  # charts, tables and widget values: not Markdown


def _strings(message, out: list[str]) -> None:
    """Every text field of ``message`` (a proto) that Streamlit renders as Markdown, recursively."""
    for field, value in message.ListFields():
        repeated = isinstance(value, (list, tuple)) or hasattr(value, "extend") and not isinstance(value, str)
        if field.type == field.TYPE_MESSAGE:
            for item in (value if repeated else [value]):
                _strings(item, out)
        elif field.type == field.TYPE_STRING and field.name in FIELDS:
            out.extend(value if repeated else [value])


def markdown_texts(at: AppTest) -> list[str]:
    out: list[str] = []
    for node in at._tree:
        proto = getattr(node, "proto", None)
        if proto is None or getattr(node, "type", None) in NOT_MARKDOWN:
            continue
        if getattr(node, "type", None) in ("selectbox", "multiselect", "text_input", "text_area"):
            continue
        _strings(proto, out)
    return out


def assert_plain(at: AppTest, where: str) -> str:
    assert not at.exception, f"{where}: {at.exception}"
    texts = markdown_texts(at)
    assert texts, f"{where}: nothing drawn"
    for text in texts:
        for raw in RAW:
            assert raw not in text, f"{where}: {raw!r} in {text[max(0, text.find(raw) - 120):][:300]!r}"
    return "\n".join(texts)


@pytest.fixture
def hostile(fresh_db):
    """Every village, department, category and branch renamed to Markdown (numbered, so names stay
    unique), the secretary's village first; a decision and its owner with Markdown too. Returns
    (the secretary's village, the village with the 100 kB name)."""
    con = duckdb.connect(str(fresh_db))
    try:
        secretary = con.execute("SELECT village_ids FROM users WHERE user_name = 'secretary'").fetchone()[0].split()[0]
        ids = [r[0] for r in con.execute("SELECT village_id FROM villages ORDER BY village_id").fetchall()]
        ids = [secretary] + [v for v in ids if v != secretary]  # the secretary's village is number 0
        for i, vid in enumerate(ids):
            con.execute("UPDATE villages SET name_en = ?, name_zh = ? WHERE village_id = ?",
                        [f"{MD} {i}", f"{MD_ZH} {i}", vid])
        long_id = next(v for v in ids if v != secretary)
        con.execute("UPDATE villages SET name_en = ?, name_zh = ? WHERE village_id = ?", [LONG, LONG, long_id])
        for table, key in (("departments", "department_id"), ("categories", "category_id"),
                           ("party_branches", "branch_id"), ("domains", "domain_id")):
            rows = [r[0] for r in con.execute(f"SELECT {key} FROM {table}").fetchall()]
            for i, k in enumerate(rows):
                con.execute(f"UPDATE {table} SET name_en = ?, name_zh = ? WHERE {key} = ?",
                            [f"{MD} {table[:4]}{i}", f"{MD_ZH} {table[:4]}{i}", k])
        con.execute("UPDATE party_branches SET secretary = ?", [MD])
        meeting = decisions.create_meeting(con, dt.date(2026, 11, 5), MD, "2026-10")
        decisions.record_item(con, meeting, "action", MD, owner=MD, village_id=secretary, slide="overdue")
    finally:
        con.close()
    return secretary, long_id


def _app(page: str, user: str = "leader", lang: str = "en", **params) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT)
    sign_in(at, user)
    if page != "pages/overview.py":
        at.switch_page(page)
    at.query_params["lang"] = lang
    for key, value in params.items():
        at.query_params[key] = value
    return at.run()


def test_overview_attention_headings_are_plain_and_cut(hostile):
    text = assert_plain(_app("pages/overview.py"), "overview")
    headings = [m.value for m in _app("pages/overview.py").markdown if m.value.startswith("#### ")]
    assert len(headings) == 3
    for h in headings:
        shown = html.unescape(h[5:])
        assert shown.startswith("Xikou [clickme](javascript:alert(1)) ![img](") or shown.startswith("长")
        assert len(clean(shown)) <= NAME  # a card has a width: long names are cut
    assert literal("Xikou [clickme](javascript:alert(1))") in text


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_secretary_sidebar_and_scope_notice_are_plain(hostile, lang):
    secretary, _ = hostile
    at = _app("pages/overview.py", "secretary", lang)
    text = assert_plain(at, "overview as village secretary")
    name = f"{MD if lang == 'en' else MD_ZH} 0"
    assert literal(name, NAME) in text  # the scope notice and "your villages" name it, as text
    notice = [i.value for i in at.info if literal(name, NAME) in i.value]
    assert notice, [i.value for i in at.info]
    captions = [c.value for c in at.sidebar.caption if literal(name, NAME) in c.value]
    assert captions, "the sidebar says whose villages these are"


def test_map_card_profile_party_and_cases_are_plain(hostile):
    secretary, _ = hostile
    at = _app("pages/map.py", village=secretary)
    assert_plain(at, "map with the village card")
    assert at.subheader[0].value == literal(f"{MD} 0", NAME) or any(
        s.value == literal(f"{MD} 0", NAME) for s in at.subheader)
    tips = json.loads(at.get("deck_gl_json_chart")[0].proto.json)
    features = next(layer for layer in tips["layers"] if layer["id"] == "villages")["data"]["features"]
    tip = next(f["properties"]["tip"] for f in features if f["properties"]["village_id"] == secretary)
    assert tip.split("\n")[0] == clean(f"{MD} 0", NAME)  # text, shown as innerText
    at = _app("pages/village.py", village=secretary)
    text = assert_plain(at, "village profile")
    assert at.title[0].value == f"Village profile: {literal(f'{MD} 0', LABEL)}"
    assert literal(MD, NAME) in text  # the party branch line: branch and secretary names
    for page in ("pages/party.py", "pages/cases.py", "pages/services.py", "pages/command.py"):
        assert_plain(_app(page), page)


def test_a_100_kb_name_is_cut_in_the_title_and_whole_in_its_place(hostile):
    _, long_id = hostile
    at = _app("pages/village.py", village=long_id)
    assert_plain(at, "profile of the long name")
    title = at.title[0].value
    assert title.endswith(ELLIPSIS) and len(title) < 100
    full = [e for e in at.expander if e.label == "Full name"]
    assert full and full[0].markdown[0].value == LONG  # the whole name, where it is read


@pytest.mark.parametrize("slide", range(1, 8))
def test_presenter_slides_and_decision_log_are_plain(hostile, slide):
    assert_plain(_app("pages/presenter.py", slide=str(slide)), f"presenter slide {slide}")


def test_tooltips_have_no_placeholder_data_can_fill(fresh_db):
    """A village named like the old tooltip fields: its tooltip is its own text, not filled in."""
    con = duckdb.connect(str(fresh_db))
    try:
        vid = con.execute("SELECT min(village_id) FROM villages").fetchone()[0]
        con.execute("UPDATE villages SET name_en = ? WHERE village_id = ?", ["{tip_sub} {tip_r0} {tip}", vid])
    finally:
        con.close()
    at = _app("pages/map.py")
    chart = at.get("deck_gl_json_chart")[0].proto
    assert json.loads(chart.tooltip)["text"] == "{tip}"  # one placeholder, nothing else to fill
    features = next(layer for layer in json.loads(chart.json)["layers"] if layer["id"] == "villages")["data"]["features"]
    tip = next(f["properties"] for f in features if f["properties"]["village_id"] == vid)
    assert tip["tip"].split("\n")[0] == "{tip_sub} {tip_r0} {tip}"  # its own name, then its figures
    assert tip["tip"].split("\n")[2].startswith("Population: ")
    assert not {"tip_name", "tip_sub", "tip_r0"} & set(tip)  # no field a name could point at
