"""Settings in one registry: name, default, environment variable and help.

A setting's value comes from its environment variable when set, else its default.
The README's settings table is generated from this registry (``python -m cockpit settings``)
and a test keeps the two in step.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

__all__ = ["Setting", "SETTINGS", "get", "path", "project_root", "settings_table_markdown"]


@dataclass(frozen=True)
class Setting:
    name: str
    default: str
    env: str
    help: str


SETTINGS: tuple[Setting, ...] = (
    Setting("db_path", "data/cockpit.duckdb", "COCKPIT_DB",
            "DuckDB database file; built from sample_data/ on first run when missing. "
            "Relative paths are relative to the project folder."),
    Setting("geodata_path", "geodata/villages.geojson", "COCKPIT_GEODATA",
            "GeoJSON file with one polygon per village; its features carry a village_id property."),
    Setting("sample_dir", "sample_data", "COCKPIT_SAMPLE_DIR",
            "Folder of CSV files the database is built from when it is missing."),
    Setting("default_language", "zh", "COCKPIT_LANG",
            "Language shown before a user picks one: zh (简体中文) or en (English)."),
    Setting("township_name", "", "COCKPIT_TOWNSHIP",
            "Township name shown at the top; empty means the name stored in the database."),
    Setting("three_rates_weights", "0.30,0.35,0.35", "COCKPIT_THREE_RATES_WEIGHTS",
            "Weights of response, resolution and satisfaction in the composite three-rates score."),
)

_BY_NAME = {s.name: s for s in SETTINGS}


def project_root() -> Path:
    """The folder that holds app.py, pages/ and cockpit/."""
    return Path(__file__).resolve().parent.parent


def get(name: str) -> str:
    """Return the current value of setting ``name`` (environment first, then default)."""
    try:
        setting = _BY_NAME[name]
    except KeyError:
        raise KeyError(f"unknown setting: {name!r}") from None
    return os.environ.get(setting.env, setting.default)


def path(name: str) -> Path:
    """Return a path setting, resolved against the project folder when relative."""
    p = Path(get(name)).expanduser()
    return p if p.is_absolute() else project_root() / p


def settings_table_markdown() -> str:
    """The settings as a Markdown table, as printed in the README."""
    lines = ["| setting | environment variable | default | what it does |",
             "| --- | --- | --- | --- |"]
    for s in SETTINGS:
        default = f"`{s.default}`" if s.default else "(empty)"
        lines.append(f"| {s.name} | `{s.env}` | {default} | {s.help} |")
    return "\n".join(lines)
