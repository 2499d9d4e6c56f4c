"""What the importer fills in when a file lacks it, and the row checks of cases and tasks.

Every filled-in value is counted in a note of the report, never silent:

- the English name from the Chinese one (new rows only; an update never overwrites a name);
- cases: the department from the category, the due time from the category's days to close,
  the status from the closing time, the channel (hotline when the file has none), and the
  village from the case's point inside a village polygon (also for facilities);
- party tasks: the status from the completion date and progress;
- a date without a time in a due or closing column means the end of that day (23:59:59).

Flags (rows kept): closed before received, acknowledged before received, open with a closing
time, due before assigned. Error: status closed without a closing time.

``rows`` is the validator's per-row collector (``raw``, ``errors``, ``add(i, field, problem, value,
severity)``); ``ctx`` its Context (``categories``, ``boundaries``).
"""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

import numpy as np
import shapely

from cockpit.importer.problems import Problem
from cockpit.importer.romanize import english_name

__all__ = ["locate", "end_of_day", "derive_cases", "derive_tasks", "english_names", "END_OF_DAY_FIELDS"]

END_OF_DAY_FIELDS = {"due_at", "closed_at"}


def locate(cols: dict, ctx, rows, notes: list, unknown: dict[int, str] | None = None) -> None:
    """Place a row without a village, or with a village the township does not know (``unknown``:
    row -> the file's value), by its point inside a village's boundary. A row placed although its
    file named another village, or whose point lies in two villages' overlapping boundaries
    (placed in the first), is flagged; a row whose point lies in no boundary is rejected with
    that reason, and one that named an unknown village keeps that reason."""
    unknown = unknown or {}
    n = len(rows.raw.rows)
    vill = cols.setdefault("village_id", [None] * n)
    lon, lat = cols.get("lon"), cols.get("lat")
    todo = [i for i in range(n) if vill[i] is None and lon and lon[i] is not None and not rows.errors.get(i)]
    found: dict[int, list[str]] = {}
    if todo and ctx.boundaries is not None and len(ctx.boundaries):
        tree = shapely.STRtree(np.asarray(ctx.boundaries.geometry))
        points = shapely.points([lon[i] for i in todo], [lat[i] for i in todo])
        pairs = tree.query(points, predicate="within")
        ids = list(ctx.boundaries["village_id"])
        for p, g in sorted(zip(pairs[0], pairs[1])):
            found.setdefault(todo[p], []).append(ids[g])
    for i in todo:
        inside = found.get(i, [])
        if not inside:
            rows.add(i, "village_id", Problem("unknown_ref", {"value": unknown[i], "table": "villages"})
                     if i in unknown else Problem("point_in_no_village"), unknown.get(i))
            continue
        vill[i] = inside[0]
        if i in unknown:
            rows.add(i, "village_id", Problem("placed_by_point", {"value": unknown[i], "village": inside[0]}),
                     unknown[i], severity="flag")
        if len(inside) > 1:
            rows.add(i, "village_id", Problem("point_in_two_villages", {"villages": inside, "village": inside[0]}),
                     f"{lon[i]}, {lat[i]}", severity="flag")
    located = sum(1 for i in todo if vill[i] is not None and i not in unknown)
    if located:
        notes.append(Problem("note_located", {"rows": located}))


def end_of_day(cols: dict, date_only: dict, notes: list) -> None:
    for name in END_OF_DAY_FIELDS & set(date_only):
        idx = date_only[name]
        for i in idx:
            if cols[name][i] is not None:
                cols[name][i] = cols[name][i] + timedelta(hours=23, minutes=59, seconds=59)
        if idx:
            notes.append(Problem("note_end_of_day", {"rows": len(idx), "field": name}))


def derive_cases(cols: dict, ctx, mapping, rows, notes: list) -> None:
    n = len(rows.raw.rows)
    get = lambda name: cols.setdefault(name, [None] * n)  # noqa: E731
    status, closed, received = get("status"), get("closed_at"), get("received_at")
    due, dept, cat, channel, ack = get("due_at"), get("department_id"), get("category_id"), get("channel"), get("acknowledged_at")
    if mapping.get("closed_at") == "updated_datetime":  # Open311: the last update closes only closed requests
        for i in range(n):
            if status[i] != "closed":
                closed[i] = None
    counts = Counter()   # of rows not rejected so far: the notes speak of rows that may load
    for i in range(n):
        kept = not rows.errors.get(i)
        info = ctx.categories.get(cat[i]) if cat[i] else None
        if dept[i] is None and info:
            dept[i] = info[0]
            counts["department_id"] += kept
        if due[i] is None and info and received[i] is not None:
            due[i] = received[i] + timedelta(days=info[1])
            counts["due_at"] += kept
        if channel[i] is None:
            channel[i] = "hotline"
            counts["channel"] += kept
        if status[i] is None:
            status[i] = "closed" if closed[i] is not None else "open"
            counts["status"] += kept
        elif status[i] == "closed" and closed[i] is None and not rows.errors.get(i):
            rows.add(i, "closed_at", Problem("closed_without_time"))
        elif status[i] == "open" and closed[i] is not None:
            rows.add(i, "status", Problem("open_with_closed_time", {"closed": closed[i]}), severity="flag")
        if received[i] is not None and closed[i] is not None and closed[i] < received[i]:
            rows.add(i, "closed_at", Problem("closed_before_received",
                                             {"received": received[i], "closed": closed[i]}),
                     closed[i], severity="flag")
        if received[i] is not None and ack[i] is not None and ack[i] < received[i]:
            rows.add(i, "acknowledged_at", Problem("acknowledged_before_received"), ack[i], severity="flag")
    for name, count in counts.items():
        if count:
            notes.append(Problem(f"note_derived_{name}", {"rows": count}))


def derive_tasks(cols: dict, rows, notes: list) -> None:
    n = len(rows.raw.rows)
    status = cols.setdefault("status", [None] * n)
    done, progress = cols.get("completed_on", [None] * n), cols.get("progress", [None] * n)
    assigned, due = cols.get("assigned_on", [None] * n), cols.get("due_on", [None] * n)
    derived = 0
    for i in range(n):
        if status[i] is None:
            status[i] = "done" if done[i] else ("in_progress" if (progress[i] or 0) > 0 else "not_started")
            derived += 1
        if assigned[i] and due[i] and due[i] < assigned[i]:
            rows.add(i, "due_on", Problem("due_before_assigned"), due[i], severity="flag")
    if derived:
        notes.append(Problem("note_derived_status", {"rows": derived}))


def english_names(cols: dict, kind, notes: list) -> None:
    for en, zh in (("name_en", "name_zh"), ("title_en", "title_zh")):
        if en not in {f.name for f in kind.fields} or zh not in cols:
            continue
        target = cols.setdefault(en, [None] * len(cols[zh]))
        romanise = kind.name == "villages"  # a village's name reads well in pinyin; a facility's does not
        filled = 0
        for i, v in enumerate(target):
            if v is None and cols[zh][i] is not None:
                target[i] = english_name(cols[zh][i]) if romanise else cols[zh][i]
                filled += 1
        if filled:
            notes.append(Problem("note_english_pinyin" if romanise else "note_english_name",
                                 {"rows": filled, "field": en}))
