"""The briefing PDF (cockpit/meeting/briefing.py): Chinese text, the right figures, charts, a map.

Needs the Noto Sans CJK font (fonts-noto-cjk) and pdftotext / pdftoppm (poppler-utils); the
chart tests also need Chromium (kaleido). Without them these tests skip saying why, except with CI=true, where
they must run (.ci/run installs all three).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import html
import io
import os
import re
import shutil
import subprocess
import time

import duckdb
import pytest
from PIL import Image
from pypdf import PdfReader

from cockpit.geo import boundaries as geo
from cockpit.meeting import briefing
from cockpit.text.numbers import format_value
from cockpit.i18n import Translator
from cockpit.meeting.build import build_deck, load_inputs
from cockpit.meeting.deck import PresenterFilters
from cockpit.store import Store, decisions
from cockpit.store.scenarios import Scenario, save_scenario
from tests.conftest import PROJECT_ROOT, SAMPLE_GEODATA

XSS = "<img src=x onerror=alert(1)>"
TIME_LIMIT_S = 15.0


def _require(problem: str | None) -> None:
    if problem:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"{problem} (CI=true: the briefing tests must run; .ci/run installs it)", pytrace=False)
        pytest.skip(problem)


def _squash(text: str) -> str:
    """Text without whitespace: text extraction spaces and breaks lines unpredictably."""
    return re.sub(r"\s+", "", text)


def _text(pdf: bytes) -> str:
    """The PDF's text, extracted by pdftotext (poppler). pypdf 7 misreads some glyphs of
    fpdf2's CJK subsets (e.g. 每 → 解), so it only counts images here."""
    _require(None if shutil.which("pdftotext") else "text extraction needs pdftotext (apt-get install poppler-utils)")
    done = subprocess.run(["pdftotext", "-enc", "UTF-8", "-", "-"], input=pdf, capture_output=True, timeout=60)
    assert done.returncode == 0, done.stderr.decode(errors="replace")
    return _squash(done.stdout.decode("utf-8"))


@pytest.fixture(scope="module")
def meeting_db(sample_db, tmp_path_factory):
    """A copy of the sample with an earlier meeting's open item and this meeting's decision."""
    db = tmp_path_factory.mktemp("briefing") / "cockpit.duckdb"
    shutil.copy2(sample_db, db)
    con = duckdb.connect(str(db))
    earlier = decisions.create_meeting(con, dt.date(2026, 10, 9), "九月联席会议", "2026-09")
    decisions.record_item(con, earlier, "action", "修复后坑村自来水", owner="陈主任", department_id="URB",
                          village_id="350781105205", due_on=dt.date(2026, 10, 31), slide="cross_department")
    now = decisions.create_meeting(con, dt.date(2026, 11, 5), "十月联席会议", "2026-10")
    decisions.record_item(con, now, "decision", "超期诉求每周通报一次", owner="王镇长", slide="overdue")
    con.close()
    return db, now


@pytest.fixture(scope="module")
def inputs(meeting_db):
    db, now = meeting_db
    store = Store(db)
    try:
        period = store.periods()[-1]
        yield load_inputs(store, store.cursor(), period, PresenterFilters(), meeting_id=now)
    finally:
        store.close()


@pytest.fixture(scope="module")
def boundaries():
    gdf = geo.load_villages_geojson(SAMPLE_GEODATA)
    return gdf, geo.label_points(gdf)


def test_pdf_text_has_chinese_names_and_the_figures(inputs):
    _require(briefing.font_problem())
    deck = build_deck(inputs, "zh", today=dt.date(2026, 11, 5))
    pdf = briefing.briefing_pdf(deck, draw_charts=False, meeting_title="十月联席会议",
                                generated=dt.datetime(2026, 11, 5, 9, 30))
    assert pdf[:5] == b"%PDF-"
    text = _text(pdf)
    township = inputs.meta["township_name_zh"]
    assert _squash(f"{township}联席会议简报") in text and "十月联席会议" in text
    assert "研判月份：2026年10月" in text and "2026-11-0509:30" in text
    # figures exactly as the pages format them
    row = inputs.series.loc[inputs.period]
    for key, unit in (("on_time_rate", "percent"), ("response_rate", "percent"), ("received", "count"),
                      ("overdue_at_end", "count"), ("funding_per_resident", "yuan")):
        assert _squash(format_value(row[key], unit, "zh")) in text, key
    # Chinese village names: the worst village on the map and the overdue cases' villages
    vt = inputs.villages.set_index("village_id")
    lowest = vt["service_index"].idxmin()
    assert vt.at[lowest, "name_zh"] in text
    for village_id in inputs.overdue["village_id"]:
        assert vt.at[village_id, "name_zh"] in text
    # the decision log: earlier open item and this meeting's decision; masked callers only
    assert "修复后坑村自来水" in text and "陈主任" in text and "超期诉求每周通报一次" in text
    assert inputs.overdue["citizen_name"].str.contains(r"\*").all()
    for slide in deck.slides:
        assert _squash(slide.title) in text
    assert _squash(Translator("zh")("presenter.pdf.no_charts", reason="已关闭图表")) in text


def test_english_briefing_and_a_hostile_village_name_printed_literally(inputs):
    _require(briefing.font_problem())
    villages = inputs.villages.copy()
    lowest = villages["service_index"].idxmin()
    villages.loc[lowest, "name_en"] = XSS
    deck = build_deck(dataclasses.replace(inputs, villages=villages), "en")
    text = _text(briefing.briefing_pdf(deck, draw_charts=False))
    assert _squash(XSS) in text  # as text: fpdf2 writes plain strings, nothing is markup
    assert _squash("Issues needing cross-department action") in text
    assert format_value(inputs.series.at[inputs.period, "service_index"], "percent") in text


def _nonblank(png: bytes) -> float:
    """Share of pixels that are not (near) white."""
    img = Image.open(io.BytesIO(png)).convert("L")
    hist = img.histogram()
    return sum(hist[:200]) / (img.width * img.height)


@pytest.mark.slow
def test_full_briefing_with_charts_and_map_in_time(inputs, boundaries):
    _require(briefing.font_problem())
    _require(briefing.chart_problem())
    _require(None if shutil.which("pdftoppm") else "page rendering needs pdftoppm (apt-get install poppler-utils)")
    gdf, points = boundaries
    start = time.perf_counter()
    deck = build_deck(inputs, "zh")
    pdf = briefing.briefing_pdf(deck, gdf, points, meeting_title="十月联席会议", synthetic=True)
    elapsed = time.perf_counter() - start
    assert elapsed < TIME_LIMIT_S, f"briefing took {elapsed:.1f} s"
    reader = PdfReader(io.BytesIO(pdf))
    images = sum(len(page.images) for page in reader.pages)
    charts = sum(len(s.charts) for s in deck.slides) + 1  # + the map
    assert images == charts, f"{images} images for {charts} charts"
    assert "图表未能生成" not in _text(pdf)
    out = PROJECT_ROOT / "screenshots"
    out.mkdir(exist_ok=True)
    (out / "briefing_zh.pdf").write_bytes(pdf)
    for page in (1, 2):
        done = subprocess.run(["pdftoppm", "-r", "60", "-png", "-f", str(page), "-l", str(page), "-singlefile",
                               str(out / "briefing_zh.pdf"), str(out / f"briefing_zh_page{page}")],
                              capture_output=True, timeout=60)
        assert done.returncode == 0, done.stderr.decode(errors="replace")
        png = (out / f"briefing_zh_page{page}.png").read_bytes()
        assert _nonblank(png) > 0.01, f"page {page} looks blank"
    print(f"briefing with {charts} charts: {elapsed:.1f} s, {len(pdf):,} bytes, {len(reader.pages)} pages")


def test_missing_font_is_a_clear_error(inputs, monkeypatch, tmp_path):
    monkeypatch.setattr(briefing, "FONT_PATH", tmp_path / "none.ttc")
    assert "fonts-noto-cjk" in briefing.font_problem()
    with pytest.raises(briefing.BriefingError, match="fonts-noto-cjk"):
        briefing.briefing_pdf(build_deck(inputs, "en"), draw_charts=False)


def test_charts_without_browser_become_a_note(inputs, monkeypatch):
    _require(briefing.font_problem())
    monkeypatch.setenv("BROWSER_PATH", "/nonexistent/chromium")
    assert "Chromium" in briefing.chart_problem()
    with pytest.raises(briefing.ChartRenderError, match="Chromium"):
        briefing.render_pngs([briefing.ChartImage(build_deck(inputs, "en").slides[0].charts[0].figure, 400, 300)])
    pdf = briefing.briefing_pdf(build_deck(inputs, "en"))
    assert "Chartnotdrawn:chartsneedChromium" in _text(pdf)


def test_map_figure_draws_every_village(inputs, boundaries):
    from cockpit.meeting.charts import static_map

    gdf, points = boundaries
    deck = build_deck(inputs, "zh")
    spec = deck.slides[deck.index_of("map")].map
    fig = static_map(gdf, spec.colors, spec.names, list(spec.legend), ("350781105205",), points)
    polygons = [tr for tr in fig.data if tr.fill == "toself"]
    assert len(polygons) >= len(gdf)
    fills = {tr.fillcolor for tr in polygons}
    assert len(fills) > 1 and all(f.startswith("rgba(") for f in fills)
    labels = next(tr for tr in fig.data if tr.mode == "text")
    assert {html.unescape(x) for x in labels.text} == set(inputs.villages["name_zh"])  # Plotly decodes them
    assert [html.unescape(tr.name) for tr in fig.data if tr.showlegend is not False] == [text for _, text in spec.legend]
    assert polygons[-1].line.width == 4  # the outlined village is drawn last


def test_briefing_has_the_scenario_slide(meeting_db, tmp_path):
    """A saved scenario chosen for the meeting: its name, its figures and the notes are in the PDF."""
    _require(briefing.font_problem())
    db = tmp_path / "cockpit.duckdb"
    shutil.copy2(meeting_db[0], db)
    con = duckdb.connect(str(db))
    period = con.execute("SELECT max(period) FROM coverage").fetchone()[0]
    scenario_id = save_scenario(con, Scenario(  # 10 万元 a year of health funding from the seat to Houkeng
        "向偏远村倾斜", "规划办", None, period, "neutral", 0.0,
        {"350781105001": {"health": -10.0}, "350781105205": {"health": 10.0}}))
    con.close()
    store = Store(db)
    try:
        inputs = load_inputs(store, store.cursor(), period, PresenterFilters(scenario_ids=(scenario_id,)))
    finally:
        store.close()
    deck = build_deck(inputs, "zh")
    text = _text(briefing.briefing_pdf(deck, draw_charts=False))
    row = inputs.scenarios.table.iloc[0]
    assert row["valid"] and text.count("向偏远村倾斜") >= 3  # the cover, the table, the notes
    assert _squash(f"{len(deck.slides) - 2}.待决策的情景方案") in text  # before party building and follow-up
    coverage = f"{format_value(row['coverage_before'], 'percent')}→{format_value(row['coverage_after'], 'percent')}"
    assert coverage in text and f"（{(row['coverage_after'] - row['coverage_before']) * 100:+.2f}个百分点）" in text
    assert _squash(deck.slides[deck.index_of("scenarios")].notes) in text
