"""A document that cannot be made is never a silent failure (issue 13): the download gives a PDF
that says why (with an error id), the error is logged with the same id, and the page shows the
reason at its next run."""

from __future__ import annotations

import logging
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from cockpit.meeting import briefing
from cockpit.ui import downloads
from tests.app.conftest import sign_in

ROOT = Path(__file__).resolve().parents[2]


def _text(pdf: bytes) -> str:
    if not shutil.which("pdftotext"):
        pytest.skip("text extraction needs pdftotext (apt-get install poppler-utils)")
    done = subprocess.run(["pdftotext", "-enc", "UTF-8", "-", "-"], input=pdf, capture_output=True, timeout=60)
    return re.sub(r"\s+", " ", done.stdout.decode("utf-8"))


def test_a_failed_briefing_says_why_in_the_file_the_log_and_the_page(sample_db, monkeypatch, click_download,
                                                                      caplog):
    def broken(*args, **kwargs):
        raise ValueError("The row with index 1 is too high and cannot be rendered on a single page")

    monkeypatch.setattr(briefing, "briefing_pdf", broken)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    sign_in(at, "leader")
    at.switch_page("pages/presenter.py")
    at.query_params["lang"] = "en"
    at.run()
    assert not at.exception, at.exception
    with caplog.at_level(logging.ERROR, logger=downloads.__name__):
        pdf = click_download(at, "presenter_pdf")
    assert pdf[:5] == b"%PDF-"
    text = _text(pdf)
    assert "The file could not be made" in text and "too high" in text
    error_id = re.search(r"error ([0-9a-f]{8})", text).group(1)
    assert any(error_id in r.getMessage() and r.exc_info for r in caplog.records)  # logged, with the traceback
    at.run()  # the next run of the page says it too
    errors = [e.value for e in at.error]
    assert any("could not be made" in e and error_id in e and "too high" in e for e in errors), errors
    at.run()
    assert not any(error_id in e.value for e in at.error)  # said once


def test_a_failed_csv_download_gives_text_that_says_why(sample_db, monkeypatch, click_download):
    from cockpit.ui import cases_view

    monkeypatch.setattr(cases_view, "to_csv_bytes", lambda table: (_ for _ in ()).throw(OSError("disk full")))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    sign_in(at, "leader")
    at.switch_page("pages/cases.py")
    at.query_params["lang"] = "en"
    at.run()
    assert not at.exception, at.exception
    body = click_download(at, "download_overdue").decode("utf-8")
    assert body.startswith("The file could not be made: disk full (error ")
