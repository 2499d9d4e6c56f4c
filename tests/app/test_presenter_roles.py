"""The roles table governs the presenter too (issue 13): ``party`` and ``planner`` may not see case
lists anywhere, so their overdue slide and their briefing PDF give counts by village, never a case
row; a leader still sees the longest-overdue cases."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from cockpit.meeting import briefing
from cockpit.values.case_filter import CaseFilter
from cockpit.cases.overdue import overdue_list
from cockpit.meeting.chart_images import ChartRenderError
from cockpit.store import Store
from tests.app.conftest import sign_in

ROOT = Path(__file__).resolve().parents[2]
TIMEOUT = 60


@pytest.fixture(scope="module")
def overdue(sample_db):
    """The case ids and summaries of the sample's longest-overdue cases (what a list would show)."""
    store = Store(sample_db)
    try:
        rows = overdue_list(store, store.periods()[-1], CaseFilter(), allowed=False, limit=10)
    finally:
        store.close()
    assert len(rows) >= 3
    return rows


@pytest.fixture
def no_charts(monkeypatch):
    """Briefings without charts (no Chromium run here): the PDF says so where they belong."""
    def refuse(_charts):
        raise ChartRenderError("charts are off in this test")
    monkeypatch.setattr(briefing, "render_pngs", refuse)


def _slide(user: str, slide: int = 3) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT)
    sign_in(at, user)
    at.switch_page("pages/presenter.py")
    at.query_params["lang"] = "en"
    at.query_params["slide"] = str(slide)
    return at.run()


def _page_text(at: AppTest) -> str:
    return "\n".join([m.value for m in at.markdown] + [t.value for t in at.title])


def _pdf_text(pdf: bytes) -> str:
    if not shutil.which("pdftotext"):
        pytest.skip("text extraction needs pdftotext (apt-get install poppler-utils)")
    done = subprocess.run(["pdftotext", "-enc", "UTF-8", "-", "-"], input=pdf, capture_output=True, timeout=60)
    assert done.returncode == 0
    return done.stdout.decode("utf-8")


@pytest.mark.parametrize("user", ["party", "planner"])
def test_party_and_planner_get_counts_not_case_rows(sample_db, overdue, user, no_charts, click_download):
    at = _slide(user)
    assert not at.exception, at.exception
    assert at.title[0].value == "Overdue cases by village"
    text = _page_text(at)
    for case_id, summary in zip(overdue["case_id"], overdue["summary"]):
        assert str(case_id) not in text
        assert str(summary)[:20] not in text
    assert "Caller" not in text and "Summary" not in text
    assert "single cases are not shown to your role" in text
    pdf = _pdf_text(click_download(at, "presenter_pdf"))
    assert "Overdue cases by village" in pdf
    for case_id in overdue["case_id"]:
        assert str(case_id) not in pdf  # the handout neither
    assert "Caller" not in pdf


def test_a_leader_still_sees_the_longest_overdue_cases(sample_db, overdue):
    at = _slide("leader")
    assert not at.exception, at.exception
    assert at.title[0].value == "Overdue cases, longest first"
    text = _page_text(at)
    assert all(str(c) in text for c in overdue["case_id"])
