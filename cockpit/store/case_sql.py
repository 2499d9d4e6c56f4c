"""SQL for the case-handling counts, by village, department, department × village or month.

Each count follows DOMAIN.md for a window [s, e) (a month or a range of months):

- received: received in the window; responded_on_time: of those, acknowledged within the
  category's response_hours (an acknowledgement stamped before receipt proves no response and
  is not counted);
- due: due in the window; closed_of_due: of those, closed (at any time in the data);
  on_time_of_due: of those, closed on or before the due time;
- closed: closed in the window; rated (rating 1-5) / satisfied (rating 4 or 5) /
  resolution_flagged / resolved: of those;
- median and p90 days to close: over cases closed in the window, leaving out rows closed
  before they were received (a data error counted by the data-quality checks);
- open_at_end / overdue_at_end: received before e and not closed by e / of those, due before e.

Cancelled cases (status 'cancelled') are left out of every count. What is left out, and why,
is counted by ``Store.case_exclusions`` (:mod:`cockpit.store.case_queries`) and explained in
:mod:`cockpit.cases.exclusions`.

Each family of counts is a separate pass filtered on its own timestamp (cases are stored in
receipt order, so the zone maps of DuckDB skip most of the table), then joined on the key.
All user values are bound parameters; identifiers come only from the constants below. The
window's instants appear in the SQL text as the markers START, END and AS_OF, which :func:`bind`
turns into ``CAST(? AS TIMESTAMP)`` with their values put in the right place among the other
parameters (inline parameters let DuckDB push the filters into its scans; a one-row ``WITH w``
joined in does not, and costs up to ten times more on two million rows).
"""

from __future__ import annotations

import re

from cockpit.values.case_filter import FILTER_FIELDS, CaseFilter

__all__ = ["COUNT_COLUMNS", "COUNTS_BY_MONTH", "GROUPINGS", "filter_sql", "bind", "counts_sql",
           "monthly_counts_sql", "closures_by_end_sql", "base_cte", "NOT_CANCELLED", "YM", "START", "END", "AS_OF"]

COUNT_COLUMNS: tuple[str, ...] = (
    "received", "responded_on_time", "due", "closed_of_due", "on_time_of_due", "closed", "rated",
    "satisfied", "resolution_flagged", "resolved", "open_at_end", "overdue_at_end",
    "median_days_to_close", "p90_days_to_close",
)

NOT_CANCELLED = "c.status <> 'cancelled'"
START, END, AS_OF = "@START@", "@END@", "@AS_OF@"
_MARK = re.compile(r"@(START|END|AS_OF)@|\?")


def bind(sql: str, params: list, start=None, end=None, as_of=None) -> tuple[str, list]:
    """Replace the window markers of ``sql`` by placeholders; return it with all its parameters.

    ``params`` are the values of the plain ``?`` placeholders, in the order they appear.

    >>> bind("SELECT ? WHERE t >= @START@ AND t < @END@", ["x"], 1, 2)
    ('SELECT ? WHERE t >= CAST(? AS TIMESTAMP) AND t < CAST(? AS TIMESTAMP)', ['x', 1, 2])
    """
    values = {"START": start, "END": end, "AS_OF": as_of}
    plain = iter(params)
    out: list = []

    def _one(match: re.Match) -> str:
        if match.group(1):
            out.append(values[match.group(1)])
            return "CAST(? AS TIMESTAMP)"
        out.append(next(plain))
        return "?"

    text = _MARK.sub(_one, sql)
    rest = list(plain)
    if rest:
        raise ValueError(f"{len(rest)} parameter(s) more than placeholders")
    return text, out
YM = "(year({col}) * 100 + month({col}))"  # a month as an integer 202610: much faster than date_trunc

# filter field -> SQL condition on cases aliased c, with {ph} the placeholders "?, ?, ..."
_FILTER_SQL = {
    "village_ids": "c.village_id IN ({ph})",
    "domain_ids": "c.category_id IN (SELECT category_id FROM categories WHERE domain_id IN ({ph}))",
    "category_ids": "c.category_id IN ({ph})",
    "department_ids": "c.department_id IN ({ph})",
    "channels": "c.channel IN ({ph})",
}


def filter_sql(filt: CaseFilter | None) -> tuple[str, list]:
    """The filter as ``" AND ..."`` conditions on cases aliased ``c``, and their parameters.

    Empty filter: ``("", [])``. Only placeholders are generated; every value is a parameter.

    >>> filter_sql(CaseFilter(village_ids=("v1", "v2"), channels=("app",)))
    (' AND c.village_id IN (?, ?) AND c.channel IN (?)', ['v1', 'v2', 'app'])
    """
    if filt is None:
        return "", []
    sql, args = [], []
    for name in FILTER_FIELDS:
        values = list(getattr(filt, name))
        if values:
            sql.append(_FILTER_SQL[name].format(ph=", ".join(["?"] * len(values))))
            args += values
    return "".join(f" AND {s}" for s in sql), args


def base_cte(filt: CaseFilter | None) -> tuple[str, list]:
    """``base``: non-cancelled cases passing the filter, with their category's response_hours."""
    where, args = filter_sql(filt)
    sql = (
        "base AS NOT MATERIALIZED (\n"
        "  SELECT c.village_id, c.department_id, c.received_at, c.acknowledged_at, c.due_at,\n"
        "         c.closed_at, c.satisfaction, c.resolved, cat.response_hours\n"
        "  FROM cases c JOIN categories cat ON cat.category_id = c.category_id\n"
        f"  WHERE {NOT_CANCELLED}{where})"
    )
    return sql, args


_RESPONDED = ("acknowledged_at >= received_at AND "
              "epoch(acknowledged_at) - epoch(received_at) <= response_hours * 3600")
_DAYS = "(epoch(closed_at) - epoch(received_at)) / 86400.0"
_R = f"count(*) AS received, count(*) FILTER (WHERE {_RESPONDED}) AS responded_on_time"
_D = ("count(*) AS due, count(closed_at) AS closed_of_due, "
      "count(*) FILTER (WHERE closed_at <= due_at) AS on_time_of_due")
_C = ("count(*) AS closed, count(*) FILTER (WHERE satisfaction BETWEEN 1 AND 5) AS rated, "
      "count(*) FILTER (WHERE satisfaction BETWEEN 4 AND 5) AS satisfied, "
      "count(resolved) AS resolution_flagged, count(*) FILTER (WHERE resolved) AS resolved, "
      f"quantile_cont({_DAYS}, [0.5, 0.9]) FILTER (WHERE closed_at >= received_at) AS q")
_O = f"count(*) AS open_at_end, count(*) FILTER (WHERE due_at < {END}) AS overdue_at_end"



def _select(cast: bool = False) -> str:
    """The output columns: counts (0 when absent, BIGINT with ``cast``) and the two quantiles."""
    count = "CAST(coalesce({c}, 0) AS BIGINT) AS {c}" if cast else "coalesce({c}, 0) AS {c}"
    return ",\n  ".join([count.format(c=c) for c in COUNT_COLUMNS[:12]]
                        + ["q[1] AS median_days_to_close", "q[2] AS p90_days_to_close"])


_SELECT = _select()

# grouping -> (key columns of base, key list SQL (may use the filter), output names)
GROUPINGS: dict[str, tuple[tuple[str, ...], str, tuple[str, ...]]] = {
    "village": (("village_id",), "SELECT v.village_id AS k1 FROM villages v WHERE true{vf} "
                "UNION ALL SELECT NULL", ("village_id",)),
    "department": (("department_id",), "SELECT d.department_id AS k1 FROM departments d "
                   "WHERE true{df} UNION ALL SELECT NULL", ("department_id",)),
    "department_village": (("department_id", "village_id"),
                           "SELECT k1, k2 FROM r UNION SELECT k1, k2 FROM d "
                           "UNION SELECT k1, k2 FROM cl UNION SELECT k1, k2 FROM o",
                           ("department_id", "village_id")),
}


def _in(column: str, values: tuple[str, ...]) -> tuple[str, list]:
    if not values:
        return "", []
    return f" AND {column} IN ({', '.join('?' * len(values))})", list(values)


def counts_sql(by: str, filt: CaseFilter | None = None) -> tuple[str, list]:
    """SQL (with window markers, see :func:`bind`) and parameters of the counts grouped ``by``.

    ``village`` and ``department`` give one row per village
    (department), zeros included, plus a total row whose key is NULL; ``department_village``
    gives one row per pair with any case in the window and no total row.
    """
    try:
        cols, keys, names = GROUPINGS[by]
    except KeyError:
        raise ValueError(f"counts by {by!r}: expected one of {sorted(GROUPINGS)}") from None
    base, base_args = base_cte(filt)
    key_sel = ", ".join(f"{c} AS k{i + 1}" for i, c in enumerate(cols))
    plain = ", ".join(cols)
    group = f"GROUPING SETS (({plain}), ())" if len(cols) == 1 else plain
    vf, vf_args = _in("v.village_id", filt.village_ids if filt else ())
    df, df_args = _in("d.department_id", filt.department_ids if filt else ())
    key_sql = keys.format(vf=vf, df=df)
    key_args = (vf_args if "{vf}" in keys else []) + (df_args if "{df}" in keys else [])
    part = "SELECT {ks}, {agg} FROM base WHERE {where} GROUP BY {group}"
    parts = {
        "r": (_R, f"received_at >= {START} AND received_at < {END}"),
        "d": (_D, f"due_at >= {START} AND due_at < {END}"),
        "cl": (_C, f"closed_at >= {START} AND closed_at < {END}"),
        "o": (_O, f"received_at < {END} AND (closed_at IS NULL OR closed_at >= {END})"),
    }
    ctes = ",\n".join(f"{n} AS ({part.format(ks=key_sel, agg=a, where=wh, group=group)})"
                      for n, (a, wh) in parts.items())
    on = " AND ".join(f"keys.k{i + 1} IS NOT DISTINCT FROM {{t}}.k{i + 1}" for i in range(len(cols)))
    joins = "\n".join(f"LEFT JOIN {t} ON {on.format(t=t)}" for t in parts)
    out = ", ".join(f"keys.k{i + 1} AS {n}" for i, n in enumerate(names))
    order = ", ".join(f"keys.k{i + 1} NULLS LAST" for i in range(len(cols)))
    sql = (f"WITH {base},\n"
           f"{ctes},\nkeys AS ({key_sql})\nSELECT {out},\n  {_SELECT}\nFROM keys\n{joins}\n"
           f"ORDER BY {order}")
    return sql, base_args + key_args


def closures_by_end_sql(filt: CaseFilter | None = None) -> tuple[str, list]:
    """SQL (with window markers) and parameters of the cases due in the window and, of those, the
    ones closed before the window ended (the closure rate "by the month's end")."""
    base, args = base_cte(filt)
    sql = (f"WITH {base}\nSELECT count(*) AS due, count(*) FILTER (WHERE closed_at < {END}) AS closed_by_end "
           f"FROM base WHERE due_at >= {START} AND due_at < {END}")
    return sql, args


def monthly_counts_sql(filt: CaseFilter | None = None, days: bool = True) -> tuple[str, list]:
    """SQL and parameters of the township counts for every calendar month from the data's first
    receipt to its last (whatever the filter), oldest first.

    Equal, month by month, to the total row of :func:`counts_sql` for that month, in one pass:
    the cases are first counted per (receipt month, due month, closure month), a few hundred
    cells; every family of counts then sums those cells by its own month. Open and overdue at a
    month's end are running sums: a case is open at the end of month M when it was received by
    M and not closed by M, so open(M) = Σ received − Σ closures counted in the month of
    max(receipt, closure) (and likewise with max(receipt, due) for overdue). Months are
    integers YYYYMM (year * 100 + month), much faster than date_trunc over millions of rows.
    With ``days=False`` the median and p90 days to close are left NULL (a third of the cost).
    """
    base, args = base_cte(filt)
    rm, dm, cm = (YM.format(col=c) for c in ("received_at", "due_at", "closed_at"))
    n = "CAST(sum(n{x}) AS BIGINT)"
    q = (f"SELECT {cm} AS m, quantile_cont({_DAYS}, [0.5, 0.9]) AS q FROM base "
         "WHERE closed_at >= received_at GROUP BY m" if days
         else "SELECT NULL::INTEGER AS m, CAST(NULL AS DOUBLE[]) AS q")
    sql = f"""WITH {base},
x AS (SELECT {rm} AS rm, {dm} AS dm, {cm} AS cm,
  count(*) AS n, count(*) FILTER (WHERE {_RESPONDED}) AS n_resp,
  count(*) FILTER (WHERE closed_at <= due_at) AS n_ontime,
  count(*) FILTER (WHERE satisfaction BETWEEN 1 AND 5) AS n_rated,
  count(*) FILTER (WHERE satisfaction BETWEEN 4 AND 5) AS n_sat,
  count(resolved) AS n_flag, count(*) FILTER (WHERE resolved) AS n_res
  FROM base GROUP BY ALL),
q AS ({q}),
r AS (SELECT rm AS m, {n.format(x="")} AS received, {n.format(x="_resp")} AS responded_on_time
      FROM x GROUP BY rm),
d AS (SELECT dm AS m, {n.format(x="")} AS due,
        CAST(sum(n) FILTER (WHERE cm IS NOT NULL) AS BIGINT) AS closed_of_due,
        {n.format(x="_ontime")} AS on_time_of_due
      FROM x GROUP BY dm),
cl AS (SELECT cm AS m, {n.format(x="")} AS closed, {n.format(x="_rated")} AS rated,
         {n.format(x="_sat")} AS satisfied, {n.format(x="_flag")} AS resolution_flagged,
         {n.format(x="_res")} AS resolved
       FROM x WHERE cm IS NOT NULL GROUP BY cm),
ev AS (SELECT rm AS m, n AS d_open, 0 AS d_over FROM x
       UNION ALL SELECT greatest(rm, cm), -n, 0 FROM x WHERE cm IS NOT NULL
       UNION ALL SELECT greatest(rm, dm), 0, n FROM x
       UNION ALL SELECT greatest(rm, dm, cm), 0, -n FROM x WHERE cm IS NOT NULL),
-- every calendar month from the first receipt to the last of all cases (the data's range, the
-- same under any filter): a month without receipts still has closures, dues and open cases
months AS (SELECT year(d) * 100 + month(d) AS m
           FROM (SELECT unnest(generate_series(date_trunc('month', min(received_at)), max(received_at),
                                               INTERVAL 1 MONTH)) AS d FROM cases)),
-- running sums over every month (a month without events carries the previous month's totals)
o AS (SELECT m, sum(coalesce(d_open, 0)) OVER (ORDER BY m) AS open_at_end,
        sum(coalesce(d_over, 0)) OVER (ORDER BY m) AS overdue_at_end
      FROM (SELECT m FROM months UNION SELECT m FROM ev)
      LEFT JOIN (SELECT m, sum(d_open) AS d_open, sum(d_over) AS d_over FROM ev GROUP BY m) USING (m))
SELECT printf('%04d-%02d', months.m // 100, months.m % 100) AS period,
  {_select(cast=True)}
FROM months LEFT JOIN r USING (m) LEFT JOIN d USING (m) LEFT JOIN cl USING (m)
LEFT JOIN o USING (m) LEFT JOIN q USING (m)
ORDER BY months.m"""
    return sql, args


COUNTS_BY_MONTH: str = monthly_counts_sql()[0]
"""Unfiltered township counts per month; no parameters."""

