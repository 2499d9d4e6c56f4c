from pathlib import Path

import pytest

from cockpit import settings

ROOT = Path(__file__).resolve().parent.parent


def test_environment_overrides_default(monkeypatch):
    monkeypatch.delenv("COCKPIT_LANG", raising=False)
    assert settings.get("default_language") == "zh"
    monkeypatch.setenv("COCKPIT_LANG", "en")
    assert settings.get("default_language") == "en"
    with pytest.raises(KeyError, match="unknown setting"):
        settings.get("nope")


def test_relative_paths_resolve_against_project(monkeypatch):
    monkeypatch.setenv("COCKPIT_DB", "data/x.duckdb")
    assert settings.path("db_path") == ROOT / "data" / "x.duckdb"
    monkeypatch.setenv("COCKPIT_DB", "/tmp/y.duckdb")
    assert settings.path("db_path") == Path("/tmp/y.duckdb")


def test_readme_settings_table_is_current():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert settings.settings_table_markdown() in readme
