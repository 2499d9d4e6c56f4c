"""Upload size: one limit for the server, the widget and our own check (issue 8).

Streamlit's server refuses a request above ``server.maxUploadSize`` (.streamlit/config.toml) with
HTTP 413 and no message of ours, so the data page's limit is the setting max_upload_mb capped by
that option; the uploader's label says it, the widget is given it, and a larger file is refused with
import.too_big before anything is read or stored."""

from __future__ import annotations

import tomllib
from pathlib import Path

import duckdb
import pytest
from streamlit import config as st_config
from streamlit.testing.v1 import AppTest

from cockpit import settings
from cockpit.i18n import Translator
from tests import importer_fixtures as fx

ROOT = Path(__file__).resolve().parents[2]
DATA_PAGE = "pages/data.py"
MB = 1024 * 1024


@pytest.fixture
def world(fresh_db, tmp_path, monkeypatch):
    monkeypatch.setenv("COCKPIT_IMPORTS_DIR", str(tmp_path / "imports"))
    return fresh_db


@pytest.fixture
def server_limit():
    """Set server.maxUploadSize for one test (the option is process-wide), then put it back."""
    before = st_config.get_option("server.maxUploadSize")
    yield lambda mb: st_config.set_option("server.maxUploadSize", mb)
    st_config.set_option("server.maxUploadSize", before)


def _page(lang: str = "en") -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.query_params["lang"] = lang
    at.switch_page(DATA_PAGE)
    return at.run()


def _uploader(at: AppTest):
    return at.get("file_uploader")[0]


def _upload(at: AppTest, name: str, data: bytes) -> AppTest:
    at.selectbox(key="imp_kind").set_value("cases").run()
    generation = at.session_state["imp_generation"]
    return at.file_uploader(key=f"imp_file_{generation}").set_value((name, data, "text/csv")).run()


def _big_cases_csv(size: int) -> bytes:
    """A well-formed cases file of at least ``size`` bytes (it would load if it were allowed)."""
    row = "B{:07d},2026-10-09,,350781105203,roads," + "路面坑洼需要修补" * 4 + ",,,"
    count = size // len(row.format(0).encode("utf-8")) + 1
    return fx.cases_csv([row.format(i) for i in range(count)]).encode("utf-8")


def _batches(db: Path) -> int:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute("SELECT count(*) FROM import_batches").fetchone()[0]
    finally:
        con.close()


def test_the_server_and_the_setting_agree_by_default():
    server = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))["server"]
    default = next(s.default for s in settings.SETTINGS if s.name == "max_upload_mb")
    assert int(default) == server["maxUploadSize"] == 50


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_file_over_the_limit_is_refused_and_nothing_is_loaded(world, monkeypatch, lang):
    monkeypatch.setenv("COCKPIT_MAX_UPLOAD_MB", "1")
    t = Translator(lang)
    at = _page(lang)
    assert not at.exception, at.exception
    assert _uploader(at).proto.max_upload_size_mb == 1            # the browser refuses it first
    assert _uploader(at).proto.label == t("import.file", mb=1)    # and the page says the limit
    before = _batches(world)
    data = _big_cases_csv(int(1.5 * MB))
    assert 1.5 * MB <= len(data) < 1.6 * MB
    at = _upload(at, "12345工单_big.csv", data)
    assert not at.exception, at.exception
    assert [e.value for e in at.error] == [t("import.too_big", mb=f"{len(data) / MB:.1f}", limit=1)]
    assert "imp_upload" not in at.session_state                  # not opened or parsed
    assert not [s for s in at.selectbox if s.key and s.key.startswith("imp_map_")]
    assert not [b for b in at.button if b.key in ("imp_check", "imp_load")]
    assert _batches(world) == before
    kept = settings.path("imports_dir")
    assert not kept.exists() or not any(kept.iterdir())          # no original kept either


def test_a_file_within_the_limit_is_opened(world, monkeypatch):
    monkeypatch.setenv("COCKPIT_MAX_UPLOAD_MB", "1")
    at = _upload(_page(), "12345工单_small.csv", _big_cases_csv(MB // 2))
    assert not at.exception and not at.error
    assert "imp_upload" in at.session_state and at.button(key="imp_check")


def test_a_setting_above_the_server_limit_is_capped(world, monkeypatch, server_limit):
    """The server's own limit wins: the page never promises a size the server would refuse."""
    server_limit(2)
    monkeypatch.setenv("COCKPIT_MAX_UPLOAD_MB", "500")
    t = Translator("en")
    at = _page()
    assert _uploader(at).proto.max_upload_size_mb == 2
    assert _uploader(at).proto.label == t("import.file", mb=2)
    data = _big_cases_csv(int(2.5 * MB))
    at = _upload(at, "12345工单_big.csv", data)
    assert [e.value for e in at.error] == [t("import.too_big", mb=f"{len(data) / MB:.1f}", limit=2)]
    assert "imp_upload" not in at.session_state


def test_a_setting_below_the_server_limit_applies(world, monkeypatch, server_limit):
    server_limit(50)
    monkeypatch.setenv("COCKPIT_MAX_UPLOAD_MB", "3")
    assert _uploader(_page()).proto.max_upload_size_mb == 3
