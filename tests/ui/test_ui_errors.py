"""What a user is told when something goes wrong: the database's state (cockpit.store.StoreError
kinds and the shell's advice) and an unexpected error (a short message with an id; the traceback
only in the server log)."""

from __future__ import annotations

import logging
import subprocess
import sys
import time

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from cockpit.i18n import Translator, catalog
from cockpit.store import Store, StoreError

KINDS = ("missing", "locked", "unreadable", "not_cockpit")


def test_every_kind_has_its_advice_in_both_languages():
    for lang in ("en", "zh"):
        for kind in KINDS:
            assert f"app.error_store_hint.{kind}" in catalog(lang)
    en = Translator("en")
    assert "init-db --replace" in en("app.error_store_hint.not_cockpit")
    for kind in ("missing", "locked", "unreadable"):  # these files may hold a township's data
        assert "init-db" not in en(f"app.error_store_hint.{kind}")
        assert "init-db" not in Translator("zh")(f"app.error_store_hint.{kind}")


def test_a_missing_file(tmp_path):
    with pytest.raises(StoreError) as caught:
        Store(tmp_path / "none.duckdb")
    assert caught.value.kind == "missing"


def test_a_file_that_is_not_a_database(tmp_path):
    path = tmp_path / "notes.duckdb"
    path.write_text("township notes, not a database\n" * 20, encoding="utf-8")
    with pytest.raises(StoreError) as caught:
        Store(path)
    assert caught.value.kind == "not_cockpit"


def test_a_duckdb_file_of_something_else(tmp_path):
    path = tmp_path / "other.duckdb"
    con = duckdb.connect(str(path))
    con.execute("CREATE TABLE t (x INTEGER)")
    con.close()
    with pytest.raises(StoreError) as caught:
        Store(path)
    assert caught.value.kind == "not_cockpit"


def test_a_database_another_process_holds_is_locked_not_broken(sample_db, tmp_path):
    import shutil

    path = tmp_path / "cockpit.duckdb"
    shutil.copy2(sample_db, path)
    holder = subprocess.Popen([sys.executable, "-c",
                               "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); print('ready', flush=True); "
                               "time.sleep(60)", str(path)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "ready"
        with pytest.raises(StoreError) as caught:
            Store(path)
        assert caught.value.kind == "locked"
    finally:
        holder.kill()
        holder.wait()


def _page_with_store_error(kind: str) -> None:
    from cockpit.i18n import Translator
    from cockpit.store import StoreError
    from cockpit.ui.shell import store_error

    store_error(Translator("en"), StoreError(f"/srv/cockpit.duckdb: trouble ({kind})", kind))


@pytest.mark.parametrize("kind", KINDS)
def test_the_shell_gives_the_advice_of_the_kind(kind):
    at = AppTest.from_function(_page_with_store_error, args=(kind,)).run()
    assert at.error[0].value.startswith("The database cannot be used: /srv/cockpit.duckdb")
    assert at.info[0].value == Translator("en")(f"app.error_store_hint.{kind}")


def _page_that_fails() -> None:
    import streamlit as st

    from cockpit.ui.server_hooks import show_error_with_id

    try:
        raise ZeroDivisionError("secret detail: /srv/cockpit.duckdb row 17")
    except ZeroDivisionError as exc:
        st.session_state["shown"] = show_error_with_id(exc)


def test_an_unexpected_error_shows_an_id_and_logs_the_details(caplog):
    with caplog.at_level(logging.ERROR, logger="cockpit.errors"):
        at = AppTest.from_function(_page_that_fails).run()
    assert at.session_state["shown"] is True
    message = at.error[0].value
    assert "secret detail" not in message and "Traceback" not in message
    error_id = message[-8:]  # the catalog ends the message with the id (zh: after "："; en: after ": ")
    assert all(c in "0123456789abcdef" for c in error_id) and message[:-8].endswith(("：", ": "))
    logged = [r for r in caplog.records if error_id in r.getMessage()]
    assert logged and "secret detail" in logged[0].exc_text


def test_streamlit_shows_no_tracebacks():
    from pathlib import Path

    config = (Path(__file__).resolve().parents[2] / ".streamlit" / "config.toml").read_text(encoding="utf-8")
    assert 'showErrorDetails = "none"' in config


def test_the_server_neither_watches_files_nor_collects_all_garbage_after_every_run():
    """Both cost every session time at county scale (issue 19): a full collection after each page
    run held up the other sessions for about a tenth of the server's time with ten people."""
    import tomllib
    from pathlib import Path

    config = tomllib.loads((Path(__file__).resolve().parents[2] / ".streamlit" / "config.toml")
                           .read_text(encoding="utf-8"))
    assert config["server"]["fileWatcherType"] == "none"
    assert config["runner"]["postScriptGC"] is False
