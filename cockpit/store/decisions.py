"""The decision log of joint meetings (联席会议): meetings, decisions and action items.

Tables ``meetings`` and ``decisions`` (cockpit/store/schema.py, migration 5) are written by the app,
never loaded from CSV. Every function takes a DuckDB connection or cursor of the cockpit
database: a writable one for :func:`create_meeting`, :func:`record_item`, :func:`edit_item`,
:func:`mark_done` and :func:`reopen` (in the app: ``Data.writer()``, which holds the database's one write lock), any
one for the reads. Every value is bound as a parameter; text is stored exactly as typed.

>>> import duckdb, datetime as dt
>>> from cockpit.store.migrate import migrate
>>> con = duckdb.connect(); _ = migrate(con)
>>> m = create_meeting(con, dt.date(2026, 11, 5), "十月联席会议", "2026-10")
>>> d = record_item(con, m, "action", "修复溪口村光纤", owner="王明", due_on=dt.date(2026, 11, 30))
>>> list(open_items(con)["text"])
['修复溪口村光纤']
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field

import duckdb
import pandas as pd
from cockpit.values.periods import parse_period

__all__ = ["KINDS", "STATUSES", "Meeting", "create_meeting", "get_meeting", "record_item", "edit_item",
           "mark_done", "reopen", "items", "open_items", "departments", "ITEM_COLUMNS",
           "MAX_TEXT"]

KINDS: tuple[str, ...] = ("decision", "action")
STATUSES: tuple[str, ...] = ("open", "done")
MAX_TEXT = 2000  # characters of an item's text; owners and titles get 200

ITEM_COLUMNS: tuple[str, ...] = (
    "decision_id", "meeting_id", "kind", "text", "owner", "department_id", "village_id", "due_on",
    "slide", "status", "done_on", "created_at", "held_on", "meeting_title",
)

_ITEMS_SQL = (
    "SELECT d.decision_id, d.meeting_id, d.kind, d.text, d.owner, d.department_id, d.village_id, "
    "d.due_on, d.slide, d.status, d.done_on, d.created_at, m.held_on, m.title AS meeting_title "
    "FROM decisions d JOIN meetings m USING (meeting_id)"
)


@dataclass(frozen=True)
class Meeting:
    """One joint meeting; ``filters`` is the JSON object the presenter stored."""

    meeting_id: int
    held_on: dt.date
    title: str
    period: str
    filters: dict = field(default_factory=dict)
    created_by: str | None = None


def _text(name: str, value, limit: int, required: bool) -> str | None:
    if value is None:
        if required:
            raise ValueError(f"{name} is required")
        return None
    if not isinstance(value, str):
        raise TypeError(f"{name} must be text, got {type(value).__name__}")
    value = value.strip()
    if not value:
        if required:
            raise ValueError(f"{name} is required")
        return None
    if len(value) > limit:
        raise ValueError(f"{name} is longer than {limit} characters ({len(value)})")
    return value


def _day(name: str, value) -> dt.date | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            pass
    raise ValueError(f"{name} must be a date (YYYY-MM-DD), got {value!r}")


def create_meeting(con: duckdb.DuckDBPyConnection, held_on, title: str, period: str,
                   filters: dict | None = None, created_by: str | None = None) -> int:
    """Insert a meeting and return its id.

    Raises ``ValueError`` naming the field when the title is empty, the day is not a date or
    the period is not ``YYYY-MM``.
    """

    held = _day("held_on", held_on)
    if held is None:
        raise ValueError("held_on is required")
    title = _text("title", title, 200, required=True)
    parse_period(period)
    blob = json.dumps(filters or {}, ensure_ascii=False, sort_keys=True, default=str)
    row = con.execute(
        "INSERT INTO meetings (held_on, title, period, filters, created_by) VALUES (?, ?, ?, ?, ?) "
        "RETURNING meeting_id", [held, title, period, blob, _text("created_by", created_by, 200, False)],
    ).fetchone()
    return int(row[0])


def get_meeting(con: duckdb.DuckDBPyConnection, meeting_id: int) -> Meeting | None:
    """The meeting ``meeting_id``, or None when there is none."""
    row = con.execute("SELECT meeting_id, held_on, title, period, filters, created_by FROM meetings "
                      "WHERE meeting_id = ?", [int(meeting_id)]).fetchone()
    if row is None:
        return None
    return Meeting(int(row[0]), row[1], row[2], row[3], json.loads(row[4] or "{}"), row[5])


def record_item(con: duckdb.DuckDBPyConnection, meeting_id: int, kind: str, text: str, *,
                owner: str | None = None, department_id: str | None = None,
                village_id: str | None = None, due_on=None, slide: str | None = None,
                at: dt.datetime | None = None) -> int:
    """Record a decision or action item of meeting ``meeting_id``; return its id.

    ``kind`` is ``decision`` or ``action``; the text is required. ``department_id`` and
    ``village_id`` must exist when given. Raises ``ValueError`` naming the bad field.
    """
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {', '.join(KINDS)}, got {kind!r}")
    text = _text("text", text, MAX_TEXT, required=True)
    if con.execute("SELECT count(*) FROM meetings WHERE meeting_id = ?",
                   [int(meeting_id)]).fetchone()[0] == 0:
        raise ValueError(f"meeting_id {meeting_id!r} does not exist")
    department_id = _text("department_id", department_id, 200, False)
    village_id = _text("village_id", village_id, 200, False)
    for name, value, table in (("department_id", department_id, "departments"),
                               ("village_id", village_id, "villages")):
        # table and column names are fixed here; the value is a parameter
        if value is not None and con.execute(
                f"SELECT count(*) FROM {table} WHERE {name} = ?", [value]).fetchone()[0] == 0:
            raise ValueError(f"{name} {value!r} does not exist")
    row = con.execute(
        "INSERT INTO decisions (meeting_id, kind, text, owner, department_id, village_id, due_on, "
        "slide, status, done_on, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'open', NULL, ?) "
        "RETURNING decision_id",
        [int(meeting_id), kind, text, _text("owner", owner, 200, False), department_id, village_id,
         _day("due_on", due_on), _text("slide", slide, 100, False),
         at or dt.datetime.now().replace(microsecond=0)],
    ).fetchone()
    return int(row[0])


def edit_item(con: duckdb.DuckDBPyConnection, decision_id: int, *, text: str, owner: str | None = None,
              due_on=None) -> dict:
    """Change an item's text, owner and due day; return what changed as ``{field: [old, new]}``
    (empty when nothing did). Raises ``KeyError`` when there is no such item, ``ValueError``
    naming a bad field (the text is required)."""
    new = {"text": _text("text", text, MAX_TEXT, required=True), "owner": _text("owner", owner, 200, False),
           "due_on": _day("due_on", due_on)}
    row = con.execute("SELECT text, owner, due_on FROM decisions WHERE decision_id = ?",
                      [int(decision_id)]).fetchone()
    if row is None:
        raise KeyError(f"no decision or action item with id {decision_id!r}")
    old = dict(zip(("text", "owner", "due_on"), row))
    changed = {k: [old[k], new[k]] for k in new if old[k] != new[k]}
    if changed:
        con.execute("UPDATE decisions SET text = ?, owner = ?, due_on = ? WHERE decision_id = ?",
                    [new["text"], new["owner"], new["due_on"], int(decision_id)])
    return changed


def _set_status(con, decision_id: int, status: str, done_on: dt.date | None) -> bool:
    row = con.execute("UPDATE decisions SET status = ?, done_on = ? WHERE decision_id = ? "
                      "RETURNING decision_id", [status, done_on, int(decision_id)]).fetchone()
    return row is not None


def mark_done(con: duckdb.DuckDBPyConnection, decision_id: int, done_on=None) -> bool:
    """Mark an item done (on ``done_on``, default today); False when there is no such item."""
    return _set_status(con, decision_id, "done", _day("done_on", done_on) or dt.date.today())


def reopen(con: duckdb.DuckDBPyConnection, decision_id: int) -> bool:
    """Mark an item open again (a mistaken "done"); False when there is no such item."""
    return _set_status(con, decision_id, "open", None)


def items(con: duckdb.DuckDBPyConnection, meeting_id: int | None = None,
          status: str | None = None, exclude_meeting: int | None = None) -> pd.DataFrame:
    """Items with their meeting's day and title (ITEM_COLUMNS), oldest first.

    ``meeting_id`` keeps one meeting's items, ``exclude_meeting`` drops one meeting's,
    ``status`` keeps ``open`` or ``done`` items.
    """
    if status is not None and status not in STATUSES:
        raise ValueError(f"status must be one of {', '.join(STATUSES)}, got {status!r}")
    where, params = [], []
    if meeting_id is not None:
        where.append("d.meeting_id = ?")
        params.append(int(meeting_id))
    if exclude_meeting is not None:
        where.append("d.meeting_id <> ?")
        params.append(int(exclude_meeting))
    if status is not None:
        where.append("d.status = ?")
        params.append(status)
    sql = _ITEMS_SQL + (" WHERE " + " AND ".join(where) if where else "")
    return con.execute(sql + " ORDER BY d.decision_id", params).df()


def open_items(con: duckdb.DuckDBPyConnection, exclude_meeting: int | None = None) -> pd.DataFrame:
    """Open items of every meeting but ``exclude_meeting``: the follow-ups of a later meeting.

    Ordered by due date (none last), then by id.
    """
    out = items(con, status="open", exclude_meeting=exclude_meeting)
    return out.sort_values(["due_on", "decision_id"], na_position="last",
                           kind="stable").reset_index(drop=True)


def departments(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """The departments (条) an item may be assigned to: department_id, name_zh, name_en."""
    return con.execute("SELECT department_id, name_zh, name_en FROM departments "
                       "ORDER BY department_id").df()
