"""The briefing PDF never fails on long text (issue 13): a 5,000-character case summary, a decision
of 2,000 characters, a 100 kB village name and a title of 200 characters give a PDF with the
texts cut (an ellipsis) and a note saying so; a row fpdf2 cannot place is drawn as text."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import shutil
import subprocess

import pandas as pd
import pytest

from cockpit.meeting import briefing
from cockpit.i18n import Translator
from cockpit.text.literal import LONG
from cockpit.meeting.build import build_deck, load_inputs
from cockpit.meeting.deck import PresenterFilters, Table
from cockpit.meeting.context import text_frame
from cockpit.store import Store

SUMMARY = "路灯坏了需要修理。" * 555 + "尾"  # 5,000 characters


def _require() -> None:
    problem = briefing.font_problem() or (None if shutil.which("pdftotext") else "pdftotext is missing")
    if problem:
        pytest.skip(problem)


def _text(pdf: bytes) -> str:
    done = subprocess.run(["pdftotext", "-enc", "UTF-8", "-", "-"], input=pdf, capture_output=True, timeout=60)
    assert done.returncode == 0, done.stderr.decode(errors="replace")
    return re.sub(r"\s+", "", done.stdout.decode("utf-8"))


@pytest.fixture(scope="module")
def inputs(sample_db):
    store = Store(sample_db)
    try:
        yield load_inputs(store, store.cursor(), store.periods()[-1], PresenterFilters())
    finally:
        store.close()


def _long(inputs):
    overdue = inputs.overdue.copy()
    overdue["summary"] = overdue["summary"].astype(object)
    overdue.iloc[0, overdue.columns.get_loc("summary")] = SUMMARY
    villages = inputs.villages.copy()
    villages.loc[villages.index[0], ["name_zh", "name_en"]] = "长" * 50_000
    items = pd.DataFrame([{"decision_id": 1, "meeting_id": 1, "kind": "action", "text": "修" * 2000,
                           "owner": "王" * 200, "department_id": None, "village_id": None, "due_on": None,
                           "slide": "overdue", "status": "open", "done_on": None, "created_at": None,
                           "held_on": dt.date(2026, 10, 9), "meeting_title": "会" * 200}])
    return dataclasses.replace(inputs, overdue=overdue, villages=villages, open_items=items)


def test_a_5000_character_summary_is_cut_with_a_note(inputs):
    _require()
    deck = build_deck(_long(inputs), "zh", today=dt.date(2026, 11, 5))
    table = deck.slides[deck.index_of("overdue")].tables[0]
    cell = table.frame.iloc[0][Translator("zh")("presenter.col.summary")]
    assert cell.endswith("…") and len(cell) <= LONG // 2 and table.frame.attrs["cut"]
    pdf = briefing.briefing_pdf(deck, draw_charts=False, meeting_title="题" * 200)
    text = _text(pdf)
    assert pdf[:5] == b"%PDF-"
    assert "路灯坏了需要修理。路灯坏了" in text and SUMMARY not in text  # cut …
    assert re.sub(r"\s+", "", Translator("zh")("presenter.cut_note", n=LONG)) in text  # … and said so
    assert "长" * 60 not in text  # the 100 kB name is cut wherever it shows


def test_an_english_briefing_with_long_texts_builds_too(inputs):
    _require()
    long = _long(inputs)
    overdue = long.overdue.copy()
    overdue.iloc[0, overdue.columns.get_loc("summary")] = "The street lamp is broken. " * 200
    deck = build_deck(dataclasses.replace(long, overdue=overdue), "en", today=dt.date(2026, 11, 5))
    text = _text(briefing.briefing_pdf(deck, draw_charts=False))
    assert "Thestreetlampisbroken." in text and "Longtextsarecutto300characters" in text


def test_a_row_fpdf_cannot_place_is_drawn_as_text(inputs, monkeypatch):
    """Should fpdf2 still refuse a row, the table is written as lines and the document is made."""
    _require()
    deck = build_deck(inputs, "en", today=dt.date(2026, 11, 5))
    original = briefing.FPDF.table

    def refusing(self, *args, **kwargs):
        raise ValueError("The row with index 1 is too high and cannot be rendered on a single page")

    monkeypatch.setattr(briefing.FPDF, "table", refusing)
    pdf = briefing.briefing_pdf(deck, draw_charts=False)
    monkeypatch.setattr(briefing.FPDF, "table", original)
    text = _text(pdf)
    first = deck.slides[deck.index_of("overdue")].tables[0].frame.iloc[0]
    assert str(first.iloc[0]) in text  # the first overdue case, as a line of text


def test_text_frame_cuts_every_cell_and_says_so():
    frame = text_frame(["a", "b"], [["x" * 10, "y" * 400], ["\n".join(["z"] * 3), None]])
    assert list(frame["a"]) == ["x" * 10, "z z z"] and frame.iloc[0, 1] == "y" * (LONG - 1) + "…"
    assert frame.iloc[1, 1] == "" and frame.attrs["cut"] is True
    assert text_frame(["a"], [["short"]]).attrs["cut"] is False


def test_message_pdf_says_why_a_document_could_not_be_made():
    _require()
    pdf = briefing.message_pdf("文件未能生成", "原因：字体缺失（错误编号 ab12）")
    assert "原因：字体缺失（错误编号ab12）" in _text(pdf)


def test_a_table_title_that_is_too_long_is_cut():
    _require()
    table = Table("t", "标" * 5000, text_frame(["列"], [["值"]]))
    pdf = briefing._Pdf(Translator("zh"), "题")
    pdf.add_page()
    briefing._table(pdf, table)
    assert pdf.get_y() < pdf.h  # drawn, not failed
