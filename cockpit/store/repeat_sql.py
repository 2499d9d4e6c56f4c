"""Repeat-appeal queries of the store (mixed into :class:`cockpit.store.Store`).

Cases are partitioned by a key, ordered by receipt, and chained into a group while consecutive
receipts are at most ``days`` apart; one linear pass of window functions, whatever the size.

- caller: the phone number's digits. The output carries only a 12-character prefix of the
  salted SHA-256 hash of the number; no query returns a phone number;
- place: village, category and the ~200 m grid cell of the case's coordinates (local
  equirectangular metres, cells ``metres`` wide); cases without coordinates share one "cell"
  per village and category.

repeats_after_closure counts the cases of a group received after an earlier case of the same
caller or place, received in the ``days`` before, had been closed.

Cases are taken from [start − days, end) so a repeat early in the period finds its predecessor;
a group is returned when it has 2 or more cases and its last receipt lies in the period.
"""

from __future__ import annotations

from datetime import timedelta

import pandas as pd

from cockpit.values.case_filter import CaseFilter, Period
from cockpit.store.case_sql import NOT_CANCELLED, filter_sql

__all__ = ["RepeatQueries", "REPEAT_KINDS"]

# kind -> (extra FROM clause, the value compared, partition key (a 64-bit hash of the value,
# far faster to sort than text; a collision among 10^5 callers has odds of about 1 in 10^9),
# output key, villages, categories)
REPEAT_KINDS: dict[str, tuple[str, str, str, str, str, str]] = {
    "caller": (
        # the id range lets DuckDB skip the contacts of other months (contacts are stored in
        # case order); it is a hint only, the join is on case_id
        "JOIN (SELECT * FROM case_contacts WHERE case_id BETWEEN ? AND ?) k ON k.case_id = c.case_id",
        # digits only; the regular expression runs only on numbers that are not plain digits
        "CASE WHEN length(CAST(TRY_CAST(k.phone AS UBIGINT) AS VARCHAR)) = length(k.phone) "
        "THEN k.phone ELSE regexp_replace(coalesce(k.phone, ''), '[^0-9]', '', 'g') END",
        "hash(value)",
        "left(sha256(? || any_value(value)), 12)",
        "list_sort(list_distinct(list(village_id)))",
        "list_sort(list_distinct(list(category_id)))",
    ),
    "place": (
        "",
        "c.village_id || '/' || c.category_id",
        "hash(value, floor(lon * cos(radians(lat)) * 111320.0 / ?), floor(lat * 110574.0 / ?))",
        "any_value(value)",
        "[any_value(village_id)]",
        "[any_value(category_id)]",
    ),
}

_CHAINS_SQL = """WITH c AS (
  SELECT c.case_id, c.village_id, c.category_id, c.received_at, c.closed_at, c.lon, c.lat,
         {value} AS value
  FROM cases c {join}
  WHERE {live} AND c.received_at >= ? AND c.received_at < ?{where}),
p AS (SELECT case_id, village_id, category_id, received_at, closed_at, value, {part} AS part
      FROM c WHERE value <> ''),
keep AS (SELECT part FROM p GROUP BY part HAVING count(*) >= 2 AND max(received_at) >= ?),
g1 AS (SELECT p.*,
         CASE WHEN epoch(received_at) - epoch(lag(received_at) OVER w) <= ? THEN 0 ELSE 1 END AS new,
         min(closed_at) OVER (w RANGE BETWEEN INTERVAL (?) SECOND PRECEDING AND CURRENT ROW
                              EXCLUDE CURRENT ROW) AS prev_closed
       FROM p SEMI JOIN keep USING (part)
       WINDOW w AS (PARTITION BY part ORDER BY received_at)),
g2 AS (SELECT g1.*, sum(new) OVER (PARTITION BY part ORDER BY received_at) AS grp FROM g1)"""

_FIGURES = ("count(*) AS count, min(received_at) AS first_received, max(received_at) AS last_received, "
            "count(*) FILTER (WHERE received_at > prev_closed) AS repeats_after_closure, min(case_id) AS min_id")
_LISTS = "list(case_id ORDER BY received_at, case_id) AS case_ids, {villages} AS villages, {categories} AS categories"
_COLUMNS = "key, case_ids, count, first_received, last_received, villages, categories, repeats_after_closure"
_ALL_SQL = _CHAINS_SQL + f""",
grouped AS (SELECT {{key}} AS key, {_LISTS}, {_FIGURES} FROM g2
            GROUP BY part, grp HAVING count(*) >= 2 AND max(received_at) >= ?)
SELECT {_COLUMNS} FROM grouped ORDER BY first_received, key, min_id"""
# the most telling groups (came back after a closure, then the largest, then the most recent),
# each with its number in the order of _ALL_SQL, and the counts of all groups on every row; the
# lists, the costliest part, are made for those groups only
_TOP_SQL = _CHAINS_SQL + f""",
groups AS (SELECT part, grp, {{key}} AS key, {_FIGURES} FROM g2
           GROUP BY part, grp HAVING count(*) >= 2 AND max(received_at) >= ?),
numbered AS (SELECT *, row_number() OVER (ORDER BY first_received, key, min_id) AS number FROM groups),
totals AS (SELECT count(*) AS n_groups, count(*) FILTER (WHERE repeats_after_closure > 0) AS n_came_back
           FROM groups),
top AS (SELECT * FROM numbered ORDER BY repeats_after_closure > 0 DESC, count DESC, last_received DESC,
                                        number LIMIT ?),
lists AS (SELECT part, grp, {_LISTS} FROM g2 SEMI JOIN top USING (part, grp) GROUP BY part, grp)
SELECT number, {_COLUMNS}, n_groups, n_came_back FROM totals LEFT JOIN (top JOIN lists USING (part, grp)) ON true
ORDER BY repeats_after_closure > 0 DESC, count DESC, last_received DESC, number"""


_ID_RANGE_SQL = """SELECT min(c.case_id) AS lo, max(c.case_id) AS hi FROM cases c
WHERE {live} AND c.received_at >= ? AND c.received_at < ?{where}"""


class RepeatQueries:
    """Needs ``self._df(sql, params)`` (the Store)."""

    def repeat_groups(self, kind: str, period, filt: CaseFilter | None = None, days: int = 30,
                      salt: str = "", metres: float = 200.0, top: int | None = None) -> pd.DataFrame:
        """Groups of repeat appeals of ``kind`` ('caller' or 'place'), oldest first.

        Columns key (hash prefix, or village_id/category_id), case_ids, count, first_received,
        last_received, villages, categories (lists), repeats_after_closure (cases received
        after an earlier case of the group was closed). ``salt`` prefixes the phone before
        hashing; ``metres`` is the width of a place cell.

        ``top``: only the ``top`` most telling groups (repeats_after_closure > 0 first, then the
        largest, then the most recent) in that order, with their ``number`` in the oldest-first
        order, and n_groups and n_came_back (groups with repeats_after_closure > 0) counting all
        groups on every row; no groups at all: one row of NULLs but for the counts (0).
        """
        try:
            join, value, part, key, villages, categories = REPEAT_KINDS[kind]
        except KeyError:
            raise ValueError(f"kind must be one of {sorted(REPEAT_KINDS)}, got {kind!r}") from None
        if metres <= 0:
            raise ValueError(f"metres must be positive, got {metres!r}")
        start, end = Period.of(period).bounds()
        where, args = filter_sql(filt)
        sql = (_ALL_SQL if top is None else _TOP_SQL).format(
            value=value, join=join, live=NOT_CANCELLED, where=where, part=part, key=key,
            villages=villages, categories=categories)
        since = start - timedelta(days=days)
        ids = []
        if kind == "caller":
            lo, hi = self._df(_ID_RANGE_SQL.format(live=NOT_CANCELLED, where=where),
                              [since, end] + args).iloc[0]
            ids = ["", ""] if pd.isna(lo) else [lo, hi]
        cell = [float(metres), float(metres)] if kind == "place" else []
        key_args = [salt] if kind == "caller" else []
        gap = days * 86400
        return self._df(sql, ids + [since, end] + args + cell + [start, gap, gap] + key_args
                        + [start] + ([] if top is None else [int(top)]))
