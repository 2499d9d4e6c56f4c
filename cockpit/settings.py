"""Settings in one registry: name, default, environment variable and help.

A setting's value comes from its environment variable when set, else its default.
The README's settings table is generated from this registry (``python -m cockpit settings``)
and a test keeps the two in step.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

__all__ = ["Setting", "SETTINGS", "get", "number", "path", "project_root", "settings_table_markdown",
           "update_readme"]


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
    Setting("command_refresh_seconds", "60", "COCKPIT_COMMAND_REFRESH",
            "Command screen: seconds between automatic refreshes of its data."),
    Setting("command_rotation_seconds", "20", "COCKPIT_COMMAND_ROTATION",
            "Command screen: seconds each side panel stays before the next (轮播); 0 turns rotation off."),
    Setting("case_targets", "", "COCKPIT_CASE_TARGETS",
            "Targets of the appeals figures, as metric=value pairs separated by commas (e.g. "
            "`on_time_rate=0.92,median_days_to_close=4`); metrics not named keep their defaults: response, "
            "closure 0.95; on-time, satisfaction, resolution 0.90; median 5 and p90 12 days to close; "
            "0 overdue. The appeals page scores each figure against its target; the command screen lists "
            "villages below the on-time target."),
    Setting("access_threshold_km", "8", "COCKPIT_ACCESS_KM",
            "Accessibility: travel distance (km on the ground) within which a facility serves a village."),
    Setting("terrain_factor", "1.4", "COCKPIT_TERRAIN_FACTOR",
            "Accessibility: ground distance ÷ straight-line distance (roads in hilly terrain)."),
    Setting("access_method", "e2sfca", "COCKPIT_ACCESS_METHOD",
            "Accessibility: 2sfca (two-step floating catchment) or e2sfca (with Gaussian distance decay)."),
    Setting("session_timeout_minutes", "30", "COCKPIT_SESSION_TIMEOUT",
            "Minutes of inactivity after which a signed-in user must sign in again; 0 turns the timeout off."),
    Setting("session_lifetime_hours", "12", "COCKPIT_SESSION_LIFETIME",
            "Hours after signing in at which a session ends however active it is; 0 turns the limit off."),
    Setting("signin_address_failures", "10", "COCKPIT_SIGNIN_ADDRESS_FAILURES",
            "Failed sign-ins from one client address, within signin_address_minutes, after which that address "
            "is refused without a password check until the window passes (on top of the lock-out per user "
            "name); 0 turns the limit off."),
    Setting("signin_address_minutes", "5", "COCKPIT_SIGNIN_ADDRESS_MINUTES",
            "The window of signin_address_failures, in minutes."),
    Setting("trusted_proxy", "", "COCKPIT_TRUSTED_PROXY",
            "Address of a reverse proxy in front of the cockpit (e.g. 127.0.0.1). Requests from it are taken "
            "to come from the last address in its X-Forwarded-For header and to be HTTPS when its "
            "X-Forwarded-Proto says so (the cookie is then marked Secure). Empty: no proxy is trusted."),
    Setting("lockout_threshold", "5", "COCKPIT_LOCKOUT_THRESHOLD",
            "Failed sign-ins of one user name, within lockout_minutes, that lock it; 0 turns lock-out off."),
    Setting("lockout_minutes", "15", "COCKPIT_LOCKOUT_MINUTES",
            "How long a user name stays locked after too many failed sign-ins (minutes)."),
    Setting("inbox_dir", "data/inbox", "COCKPIT_INBOX",
            "Drop folder: a file put in its folder of a kind (cases/, coverage/, allocations/, boundaries/ …) "
            "is imported by the running app as the Data page would, then moved to done/ or failed/ with its "
            "report. Empty: no drop folder."),
    Setting("inbox_seconds", "60", "COCKPIT_INBOX_SECONDS",
            "How often the running app looks in the drop folder, in seconds."),
    Setting("backup_dir", "data/backups", "COCKPIT_BACKUP_DIR",
            "Folder of the running app's daily backups (python -m cockpit backup --out makes one by hand). "
            "Empty: no scheduled backups."),
    Setting("backup_every_hours", "24", "COCKPIT_BACKUP_EVERY_HOURS",
            "Hours between the running app's backups."),
    Setting("backup_keep", "14", "COCKPIT_BACKUP_KEEP",
            "How many scheduled backups are kept; older ones are removed after each new one."),
    Setting("imports_dir", "data/imports", "COCKPIT_IMPORTS_DIR",
            "Folder where the original of every imported file is kept (named by its SHA-256 checksum)."),
    Setting("max_upload_mb", "50", "COCKPIT_MAX_UPLOAD_MB",
            "Largest file the data page accepts, in megabytes. The server's limit (maxUploadSize in "
            ".streamlit/config.toml, also 50) caps it: the smaller of the two applies, so to accept "
            "larger files raise both."),
    Setting("local_time_zone", "Asia/Shanghai", "COCKPIT_TIME_ZONE",
            "The township's time zone (IANA name): imported times with an offset (…+00:00, Open311) are "
            "converted to it."),
    Setting("planner_movable_share", "0.2", "COCKPIT_PLANNER_MOVABLE_SHARE",
            "What-if planner: the largest share of a village's funding in a domain that a budget-neutral "
            "recommendation may move elsewhere (0.2 = 20%)."),
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


def number(name: str) -> float:
    """A numeric setting; raise ValueError naming the setting and its variable if not a number."""
    value = get(name)
    try:
        return float(value)
    except ValueError:
        setting = _BY_NAME[name]
        raise ValueError(f"setting {name} ({setting.env}) must be a number, got {value!r}") from None


README_START, README_END = "<!-- settings:start -->", "<!-- settings:end -->"


def update_readme(readme: Path) -> None:
    """Replace the text between the settings markers of ``readme`` with the current table."""
    text = readme.read_text(encoding="utf-8")
    if README_START not in text or README_END not in text:
        raise ValueError(f"{readme}: no {README_START} … {README_END} markers")
    head, rest = text.split(README_START, 1)
    _, tail = rest.split(README_END, 1)
    readme.write_text(f"{head}{README_START}\n{settings_table_markdown()}\n{README_END}{tail}",
                      encoding="utf-8")


def settings_table_markdown() -> str:
    """The settings as a Markdown table, as printed in the README."""
    lines = ["| setting | environment variable | default | what it does |",
             "| --- | --- | --- | --- |"]
    for s in SETTINGS:
        default = f"`{s.default}`" if s.default else "(empty)"
        lines.append(f"| {s.name} | `{s.env}` | {default} | {s.help} |")
    return "\n".join(lines)
