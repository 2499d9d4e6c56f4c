"""Saved what-if scenarios of the allocation planner (情景推演): store, reopen, export.

Table ``scenarios`` (cockpit/store/schema.py, migration 6) is written by the app, never loaded from
CSV. Every function taking a connection accepts a DuckDB connection or cursor of the cockpit
database: a writable one for :func:`save_scenario` and :func:`delete_scenario` (in the app:
``Data.writer()``, which holds the database's one write lock), any one for the reads. Every
value is bound as a parameter. What is saved is what :func:`load_scenario` returns: text as
typed (trimmed), numbers as the same floats.

A scenario's changes: ``funding`` maps village_id -> domain_id -> change of funding in 万元
(10,000 yuan) per year, ``staff`` maps village_id -> change of staff in FTE; zero changes are
dropped when the :class:`Scenario` is made, integers become floats.

>>> import duckdb
>>> from cockpit.store.migrate import migrate
>>> con = duckdb.connect(); _ = migrate(con)
>>> s = Scenario("增配卫生", "planner", None, "2026-10", "added", 50.0,
...              {"350781105002": {"health": 30, "elderly": 0}}, {"350781105002": 1.5})
>>> s.funding
{'350781105002': {'health': 30.0}}
>>> sid = save_scenario(con, s)
>>> load_scenario(con, sid).funding == s.funding
True
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
from dataclasses import dataclass, field

import duckdb
import pandas as pd

from cockpit.text.csv_export import to_csv_bytes

__all__ = ["FORMAT", "MODES", "MAX_NAME", "MAX_NOTE", "LIST_COLUMNS", "MOVE_COLUMNS", "Scenario",
           "NotYours", "ANY_AUTHOR_ROLES", "may_change", "check_scenario", "save_scenario", "list_scenarios",
           "load_scenario", "rename_scenario", "copy_scenario", "delete_scenario",
           "scenario_to_json", "scenario_from_json", "scenario_moves_frame", "scenario_to_csv"]

FORMAT = "township-cockpit-scenario/1"
MODES: tuple[str, ...] = ("neutral", "added")  # same total moved around, or an added budget
MAX_NAME = 100
MAX_NOTE = 2000
_MAX_AUTHOR = 200
_MAX_ID = 100
_PERIOD = re.compile(r"\d{4}-(0[1-9]|1[0-2])")
_SPEC_KEYS = ("added_budget_wan", "funding", "staff")
_JSON_KEYS = frozenset({"format", "name", "author", "note", "created_at", "baseline_period", "mode",
                        *_SPEC_KEYS})

LIST_COLUMNS: tuple[str, ...] = ("scenario_id", "name", "author", "note", "created_at",
                                 "baseline_period", "mode")
MOVE_COLUMNS: tuple[str, ...] = ("village_id", "domain_id", "funding_change_wan", "staff_change_fte")
ANY_AUTHOR_ROLES = frozenset({"leader"})  # may delete anyone's scenario (the township leadership)


class NotYours(PermissionError):
    """A change to a scenario someone else saved: only its author (or a leader, to delete) may."""


def may_change(author: str | None, user, delete: bool = False) -> bool:
    """Whether ``user`` (anything with ``name`` and ``role``, or None for the system: tests, the
    command line) may change the scenario saved by ``author``. A scenario belongs to its author:
    everyone may open and copy it; only the author renames or replaces it; the author or a leader
    (:data:`ANY_AUTHOR_ROLES`) deletes it."""
    if user is None:
        return True
    if author is not None and author == getattr(user, "name", None):
        return True
    return delete and getattr(user, "role", None) in ANY_AUTHOR_ROLES


def _author(con, scenario_id: int) -> str | None:
    row = con.execute("SELECT author FROM scenarios WHERE scenario_id = ?", [int(scenario_id)]).fetchone()
    if row is None:
        raise KeyError(f"no scenario with id {scenario_id!r}")
    return row[0]


def _number(name: str, value) -> float:
    """``value`` as a finite float; ValueError naming ``name`` otherwise (booleans are refused)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValueError(f"{name} must be a number, got {type(value).__name__} {value!r}")
    try:
        out = float(value)
    except OverflowError:
        raise ValueError(f"{name} must be a finite number, got {value!r}") from None
    if not math.isfinite(out):
        raise ValueError(f"{name} must be a finite number, got {value!r}")
    return out


def _key(name: str, value) -> str:
    if not isinstance(value, str) or not value or value != value.strip() or len(value) > _MAX_ID:
        raise ValueError(f"{name} must be an id (text of 1-{_MAX_ID} characters without surrounding "
                         f"spaces), got {value!r}")
    return value


def _mapping(name: str, value) -> dict:
    if not isinstance(value, dict):
        raise ValueError(f"{name} must be an object (a mapping), got {type(value).__name__}")
    return value


def _funding(value) -> dict[str, dict[str, float]]:
    out: dict[str, dict[str, float]] = {}
    for village, by_domain in _mapping("funding", value).items():
        _key("funding village_id", village)
        moves = {}
        for domain, amount in _mapping(f"funding[{village!r}]", by_domain).items():
            _key(f"funding[{village!r}] domain_id", domain)
            amount = _number(f"funding[{village!r}][{domain!r}]", amount)
            if amount != 0.0:
                moves[domain] = amount
        if moves:
            out[village] = moves
    return out


def _staff(value) -> dict[str, float]:
    out: dict[str, float] = {}
    for village, fte in _mapping("staff", value).items():
        _key("staff village_id", village)
        fte = _number(f"staff[{village!r}]", fte)
        if fte != 0.0:
            out[village] = fte
    return out


@dataclass(frozen=True)
class Scenario:
    """A what-if scenario: changes of funding (万元 per year) and staff (FTE) from a baseline month.

    Made, the changes are copied and normalised (floats, zero changes dropped) and text is
    trimmed (an empty note becomes None); a change that is not a finite number raises
    ``ValueError`` naming it. Name, author, note, period and mode are checked on save and when
    read from JSON (:func:`check_scenario`), so an unnamed draft can be held meanwhile.
    """

    name: str
    author: str
    note: str | None
    baseline_period: str
    mode: str
    added_budget_wan: float
    funding: dict[str, dict[str, float]] = field(default_factory=dict)
    staff: dict[str, float] = field(default_factory=dict)
    scenario_id: int | None = None
    created_at: dt.datetime | None = None

    @property
    def villages(self) -> set[str]:
        """The villages whose funding or staff the scenario changes."""
        return set(self.funding) | set(self.staff)

    def __post_init__(self) -> None:
        for name in ("name", "author", "note"):
            value = getattr(self, name)
            if isinstance(value, str):
                value = value.strip()
                object.__setattr__(self, name, None if name == "note" and not value else value)
        object.__setattr__(self, "added_budget_wan", _number("added_budget_wan", self.added_budget_wan))
        object.__setattr__(self, "funding", _funding(self.funding))
        object.__setattr__(self, "staff", _staff(self.staff))


def _text(name: str, value, limit: int, required: bool) -> None:
    if value is None and not required:
        return
    if not isinstance(value, str):
        raise ValueError(f"{name} must be text, got {type(value).__name__}")
    if required and not value.strip():
        raise ValueError(f"{name} is required")
    if len(value) > limit:
        raise ValueError(f"{name} is longer than {limit} characters ({len(value)})")


def check_scenario(scenario: Scenario) -> Scenario:
    """Return ``scenario`` when it can be saved; raise ``ValueError`` naming the bad field.

    Name 1-100 characters, author required, note at most 2000 characters, baseline_period
    ``YYYY-MM``, mode ``neutral`` or ``added`` (the changes were checked when it was made).
    """
    if not isinstance(scenario, Scenario):
        raise ValueError(f"scenario must be a Scenario, got {type(scenario).__name__}")
    _text("name", scenario.name, MAX_NAME, required=True)
    _text("author", scenario.author, _MAX_AUTHOR, required=True)
    _text("note", scenario.note, MAX_NOTE, required=False)
    if not isinstance(scenario.baseline_period, str) or not _PERIOD.fullmatch(scenario.baseline_period):
        raise ValueError(f"baseline_period must be a month YYYY-MM, got {scenario.baseline_period!r}")
    if scenario.mode not in MODES:
        raise ValueError(f"mode must be one of {', '.join(MODES)}, got {scenario.mode!r}")
    return scenario


def _spec_json(scenario: Scenario) -> str:
    spec = {"format": FORMAT, "added_budget_wan": scenario.added_budget_wan,
            "funding": scenario.funding, "staff": scenario.staff}
    return json.dumps(spec, ensure_ascii=False, sort_keys=True, allow_nan=False)


def save_scenario(con: duckdb.DuckDBPyConnection, scenario: Scenario, at: dt.datetime | None = None,
                  replace: bool = False) -> int:
    """Save ``scenario`` under its name and return its id (its ``scenario_id`` is not used).

    ``at`` is the time saved (default now, whole seconds). A name already saved is refused with
    ``ValueError`` unless ``replace``: then that scenario is overwritten and keeps its id, if it was
    saved by the same author (else :class:`NotYours`: save it under another name, a copy).
    """
    check_scenario(scenario)
    at = at or dt.datetime.now().replace(microsecond=0)
    if not isinstance(at, dt.datetime) or at.tzinfo is not None:
        raise ValueError(f"at must be a datetime without time zone (local time), got {at!r}")
    values = [scenario.author, scenario.note, at, scenario.baseline_period, scenario.mode,
              _spec_json(scenario)]
    existing = con.execute("SELECT scenario_id FROM scenarios WHERE name = ?", [scenario.name]).fetchone()
    if existing is not None:
        if not replace:
            raise ValueError(f"name: a scenario called {scenario.name!r} already exists "
                             f"(choose another name or replace it)")
        if _author(con, existing[0]) != scenario.author:
            raise NotYours(f"the scenario {scenario.name!r} was saved by someone else: save yours under "
                           f"another name")
        con.execute("UPDATE scenarios SET author = ?, note = ?, created_at = ?, baseline_period = ?, "
                    "mode = ?, spec = ? WHERE scenario_id = ?", values + [existing[0]])
        return int(existing[0])
    try:
        row = con.execute("INSERT INTO scenarios (name, author, note, created_at, baseline_period, mode, "
                          "spec) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING scenario_id",
                          [scenario.name] + values).fetchone()
    except duckdb.ConstraintException:  # saved meanwhile by another session
        raise ValueError(f"name: a scenario called {scenario.name!r} already exists") from None
    return int(row[0])


def list_scenarios(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """The saved scenarios (LIST_COLUMNS, without their changes), newest first."""
    return con.execute(f"SELECT {', '.join(LIST_COLUMNS)} FROM scenarios "
                       "ORDER BY created_at DESC, scenario_id DESC").df()


def _from_spec(spec: dict, **fields) -> Scenario:
    return Scenario(added_budget_wan=spec.get("added_budget_wan"), funding=spec.get("funding"),
                    staff=spec.get("staff"), **fields)


def load_scenario(con: duckdb.DuckDBPyConnection, scenario_id: int) -> Scenario:
    """The scenario ``scenario_id``; raise ``KeyError`` when there is none."""
    row = con.execute("SELECT scenario_id, name, author, note, created_at, baseline_period, mode, spec "
                      "FROM scenarios WHERE scenario_id = ?", [int(scenario_id)]).fetchone()
    if row is None:
        raise KeyError(f"no scenario with id {scenario_id!r}")
    return _from_spec(json.loads(row[7]), scenario_id=int(row[0]), name=row[1], author=row[2],
                      note=row[3], created_at=row[4], baseline_period=row[5], mode=row[6])


def rename_scenario(con: duckdb.DuckDBPyConnection, scenario_id: int, name: str, by=None) -> str:
    """Rename scenario ``scenario_id`` to ``name`` (trimmed; returned) for user ``by`` (None: the
    system). Raises ``KeyError`` when there is none, :class:`NotYours` when ``by`` is not its
    author, ``ValueError`` for a bad or taken name."""
    name = name.strip() if isinstance(name, str) else name
    _text("name", name, MAX_NAME, required=True)
    if not may_change(_author(con, scenario_id), by):
        raise NotYours(f"scenario {scenario_id} was saved by someone else: only its author renames it")
    taken = con.execute("SELECT scenario_id FROM scenarios WHERE name = ? AND scenario_id <> ?",
                        [name, int(scenario_id)]).fetchone()
    if taken is not None:
        raise ValueError(f"name: a scenario called {name!r} already exists")
    con.execute("UPDATE scenarios SET name = ? WHERE scenario_id = ?", [name, int(scenario_id)])
    return name


def copy_scenario(con: duckdb.DuckDBPyConnection, scenario_id: int, name: str, author: str,
                  at: dt.datetime | None = None) -> int:
    """Save a copy of scenario ``scenario_id`` under ``name``, belonging to ``author``; its id.
    The note says where it was copied from."""
    source = load_scenario(con, scenario_id)
    note = f"{source.note}\n" if source.note else ""
    copy = Scenario(name, author, (note + f"← {source.name} ({source.author})")[:MAX_NOTE],
                    source.baseline_period, source.mode, source.added_budget_wan, source.funding, source.staff)
    return save_scenario(con, copy, at=at)


def delete_scenario(con: duckdb.DuckDBPyConnection, scenario_id: int, by=None) -> bool:
    """Delete the scenario ``scenario_id`` for user ``by`` (None: the system); False when there was
    none. Raises :class:`NotYours` when ``by`` is neither its author nor a leader."""
    try:
        author = _author(con, scenario_id)
    except KeyError:
        return False
    if not may_change(author, by, delete=True):
        raise NotYours(f"scenario {scenario_id} was saved by someone else: only its author or a leader deletes it")
    row = con.execute("DELETE FROM scenarios WHERE scenario_id = ? RETURNING scenario_id",
                      [int(scenario_id)]).fetchone()
    return row is not None


def scenario_to_json(scenario: Scenario) -> str:
    """``scenario`` as a JSON document (a file to share): sorted keys, Chinese as is, indented.

    Carries ``"format": "township-cockpit-scenario/1"`` and ``created_at`` (ISO, or null); not
    the ``scenario_id``, which belongs to one database.
    """
    doc = {"format": FORMAT, "name": scenario.name, "author": scenario.author, "note": scenario.note,
           "created_at": scenario.created_at.isoformat() if scenario.created_at else None,
           "baseline_period": scenario.baseline_period, "mode": scenario.mode,
           "added_budget_wan": scenario.added_budget_wan, "funding": scenario.funding,
           "staff": scenario.staff}
    return json.dumps(doc, ensure_ascii=False, sort_keys=True, indent=2, allow_nan=False)


def scenario_from_json(text: str | bytes) -> Scenario:
    """The scenario in a JSON document of :func:`scenario_to_json`; ``scenario_id`` is None.

    Raises ``ValueError`` naming the bad field: not JSON, another format, an unknown or missing
    field, a wrong type, an unknown mode, a number that is not finite, a bad period.
    """
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise ValueError(f"scenario file is not UTF-8 text ({exc})") from None
    try:
        doc = json.loads(text)
    except (TypeError, json.JSONDecodeError) as exc:
        raise ValueError(f"scenario file is not valid JSON ({exc})") from None
    if not isinstance(doc, dict):
        raise ValueError(f"scenario file must hold a JSON object, got {type(doc).__name__}")
    if doc.get("format") != FORMAT:
        raise ValueError(f"format must be {FORMAT!r}, got {doc.get('format')!r}")
    unknown = sorted(set(doc) - _JSON_KEYS)
    if unknown:
        raise ValueError(f"unknown field(s): {', '.join(unknown)}")
    missing = [k for k in ("name", "author", "baseline_period", "mode", *_SPEC_KEYS) if k not in doc]
    if missing:
        raise ValueError(f"missing field(s): {', '.join(missing)}")
    created = doc.get("created_at")
    if created is not None:
        try:
            created = dt.datetime.fromisoformat(created)
        except (TypeError, ValueError):
            raise ValueError(f"created_at must be a date and time (ISO 8601) or null, got {created!r}") from None
        if created.tzinfo is not None:
            raise ValueError(f"created_at must be local time without time zone, got {doc['created_at']!r}")
    return check_scenario(_from_spec(doc, name=doc["name"], author=doc["author"], note=doc.get("note"),
                                     baseline_period=doc["baseline_period"], mode=doc["mode"],
                                     created_at=created))


def scenario_moves_frame(scenario: Scenario) -> pd.DataFrame:
    """The changes as rows (MOVE_COLUMNS), by village: its funding changes by domain, then its
    staff change (domain_id None); the other number of each row is empty (NaN)."""
    rows = []
    for village in sorted(set(scenario.funding) | set(scenario.staff)):
        for domain, amount in sorted(scenario.funding.get(village, {}).items()):
            rows.append((village, domain, amount, math.nan))
        if village in scenario.staff:
            rows.append((village, None, math.nan, scenario.staff[village]))
    columns = list(zip(*rows)) if rows else [()] * len(MOVE_COLUMNS)
    return pd.DataFrame({name: pd.Series(list(values), dtype=dtype) for name, values, dtype
                         in zip(MOVE_COLUMNS, columns, (object, object, "float64", "float64"))})


def scenario_to_csv(scenario: Scenario) -> bytes:
    """:func:`scenario_moves_frame` as CSV for Excel (cockpit.text.csv_export: UTF-8 with BOM, text cells
    that could start a formula prefixed with a quote)."""
    return to_csv_bytes(scenario_moves_frame(scenario))
