"""The case slides of the joint-meeting deck: issues needing cross-department action (the 条块
matrix, the pairs and departments with most overdue cases) and the longest-overdue cases, with
callers' personal data masked (cockpit.cases.overdue). Pure Python.
"""

from __future__ import annotations

import math

import pandas as pd

from cockpit.cases.matrix import matrix as case_matrix
from cockpit.text.numbers import DASH
from cockpit.meeting.deck import Chart, Figure, Slide, Table
from cockpit.meeting.charts import matrix_heatmap
from cockpit.meeting.context import SlideContext, day_text, known, rate, text_frame

__all__ = ["cross_department", "overdue", "TOP_PAIRS"]

TOP_PAIRS = 8


# -- 2 cross-department issues ---------------------------------------------------------------

def _total(frame: pd.DataFrame, key_column: str) -> pd.Series:
    total = frame[frame[key_column].isna()]
    return total.iloc[0] if len(total) else pd.Series(dtype=float)


def _filter_subtitle(sc: SlideContext) -> str:
    if not sc.filters.village_ids and not sc.filters.department_ids:
        return sc.t("presenter.scope_all", period=sc.t.period(sc.period))
    return sc.t("presenter.scope_filtered", period=sc.t.period(sc.period))


def cross_department(sc: SlideContext) -> Slide:
    t, cells = sc.t, sc.inputs.matrix
    total = _total(sc.inputs.by_department, "department_id")
    on_time = rate(total.get("on_time_of_due"), total.get("due"))
    figures = (
        Figure("overdue_at_end", sc.label("overdue_at_end"), sc.fmt(total.get("overdue_at_end"), "count")),
        Figure("open_at_end", sc.label("open_at_end"), sc.fmt(total.get("open_at_end"), "count")),
        Figure("due", t("presenter.col.due"), sc.fmt(total.get("due"), "count")),
        Figure("on_time_rate", sc.label("on_time_rate"), sc.fmt(on_time, "percent")),
    )
    charts, pair_rows = (), []
    if len(cells):
        live = cells[(cells["open_at_end"] > 0) | (cells["overdue_at_end"] > 0)]
        live = live if len(live) else cells
        rows = live.groupby("department_id")["overdue_at_end"].sum().sort_values(ascending=False, kind="stable")
        cols = live.groupby("village_id")["overdue_at_end"].sum().sort_values(ascending=False, kind="stable")
        wide = case_matrix(cells, "overdue_at_end", departments=list(rows.index), villages=list(cols.index))
        charts = (Chart("matrix", t("presenter.cross.matrix", value=sc.label("overdue_at_end")),
                        matrix_heatmap(wide, sc.department_names, sc.village_names,
                                       sc.label("overdue_at_end"))),)
        pairs = cells[cells["overdue_at_end"] > 0].sort_values(
            ["overdue_at_end", "open_at_end", "department_id", "village_id"],
            ascending=[False, False, True, True]).head(TOP_PAIRS)
        pair_rows = [[sc.department(r.department_id), sc.village(r.village_id),
                      sc.fmt(r.overdue_at_end, "count"), sc.fmt(r.open_at_end, "count"),
                      sc.fmt(r.due, "count"), sc.fmt(rate(r.on_time_of_due, r.due), "percent")]
                     for r in pairs.itertuples()]
    cols_pair = [t("presenter.col.department"), t("presenter.col.village"), sc.label("overdue_at_end"),
                 sc.label("open_at_end"), t("presenter.col.due"), sc.label("on_time_rate")]
    depts = sc.inputs.by_department
    depts = depts[depts["department_id"].notna() & ((depts["due"] > 0) | (depts["open_at_end"] > 0))].copy()
    depts["rate"] = [rate(a, b) for a, b in zip(depts["on_time_of_due"], depts["due"])]
    depts = depts.sort_values(["overdue_at_end", "rate", "department_id"], ascending=[False, True, True],
                              na_position="last")
    dept_rows = [[sc.department(r.department_id), sc.fmt(r.overdue_at_end, "count"),
                  sc.fmt(r.open_at_end, "count"), sc.fmt(r.due, "count"), sc.fmt(r.rate, "percent")]
                 for r in depts.itertuples()]
    tables = (
        Table("pairs", t("presenter.cross.pairs"), text_frame(cols_pair, pair_rows), t("presenter.none_overdue")),
        Table("departments", t("presenter.cross.departments"),
              text_frame([t("presenter.col.department"), sc.label("overdue_at_end"), sc.label("open_at_end"),
                      t("presenter.col.due"), sc.label("on_time_rate")], dept_rows), t("presenter.none")),
    )
    return Slide("cross_department", t("presenter.cross.title"), _filter_subtitle(sc), figures, charts,
                 tables, notes=_cross_notes(sc, depts))


def _cross_notes(sc: SlideContext, depts: pd.DataFrame) -> str:
    t, cells = sc.t, sc.inputs.matrix
    worst = depts[depts["overdue_at_end"] > 0]
    rated = depts[depts["rate"].notna()].sort_values(["rate", "department_id"])
    parts = []
    if len(worst):
        top = worst.iloc[0]
        mine = cells[cells["department_id"] == top["department_id"]].sort_values(
            ["overdue_at_end", "village_id"], ascending=[False, True]).iloc[0]
        parts.append(t("presenter.cross.notes_worst", department=sc.department(top["department_id"]),
                       n=sc.fmt(top["overdue_at_end"], "count"), village=sc.village(mine["village_id"]),
                       m=sc.fmt(mine["overdue_at_end"], "count")))
    else:
        parts.append(t("presenter.none_overdue"))
    if len(rated):
        low = rated.iloc[0]
        parts.append(t("presenter.cross.notes_low", department=sc.department(low["department_id"]),
                       rate=sc.fmt(low["rate"], "percent"), due=sc.fmt(low["due"], "count")))
    parts.append(t("presenter.cross.notes_ask"))
    return sc.sentences(parts)


# -- 3 overdue cases ---------------------------------------------------------------------------

def overdue(sc: SlideContext) -> Slide:
    """The longest-overdue cases; counts by village only when the audience may not see case lists."""
    if not sc.inputs.case_lists:
        return _overdue_counts(sc)
    t, rows = sc.t, sc.inputs.overdue
    total = _total(sc.inputs.by_department, "department_id").get("overdue_at_end", 0)
    cells = sc.inputs.matrix
    hit = cells[cells["overdue_at_end"] > 0] if len(cells) else cells
    longest = rows["days_overdue"].max() if len(rows) else math.nan
    figures = (
        Figure("overdue_at_end", sc.label("overdue_at_end"), sc.fmt(total, "count")),
        Figure("villages", t("presenter.overdue.villages"), sc.fmt(hit["village_id"].nunique() if len(hit) else 0, "count")),
        Figure("departments", t("presenter.overdue.departments"),
               sc.fmt(hit["department_id"].nunique() if len(hit) else 0, "count")),
        Figure("longest", t("presenter.overdue.longest"), sc.fmt(longest, "days")),
    )
    columns = [t("presenter.col.case"), t("presenter.col.village"), t("presenter.col.department"),
               t("presenter.col.received"), t("presenter.col.due_on"), t("presenter.col.days_overdue"),
               t("presenter.col.summary"), t("presenter.col.caller")]
    body = [[str(r.case_id), sc.village(r.village_id), sc.department(r.department_id),
             day_text(r.received_at), day_text(r.due_at), sc.fmt(r.days_overdue, "days"),
             str(r.summary) if known(r.summary) else DASH,
             str(r.citizen_name) if known(r.citizen_name) else DASH] for r in rows.itertuples()]
    table = Table("overdue", t("presenter.overdue.table"), text_frame(columns, body), t("presenter.none_overdue"))
    if len(rows):
        first = rows.iloc[0]
        notes = t("presenter.overdue.notes", case=str(first["case_id"]), village=sc.village(first["village_id"]),
                  days=sc.fmt(first["days_overdue"], "days"), department=sc.department(first["department_id"]))
    else:
        notes = t("presenter.none_overdue")
    subtitle = t("presenter.overdue.subtitle", n=sc.fmt(len(rows), "count"), total=sc.fmt(total, "count"))
    return Slide("overdue", t("presenter.overdue.title"), subtitle, figures, (), (table,), notes=notes)


def _overdue_counts(sc: SlideContext) -> Slide:
    """The overdue slide for a role without ``see_case_lists``: overdue and open cases by village
    (aggregates of the 条块 matrix), never a single case."""
    t, cells = sc.t, sc.inputs.matrix
    total = _total(sc.inputs.by_department, "department_id").get("overdue_at_end", 0)
    hit = cells[cells["overdue_at_end"] > 0] if len(cells) else cells
    figures = (
        Figure("overdue_at_end", sc.label("overdue_at_end"), sc.fmt(total, "count")),
        Figure("villages", t("presenter.overdue.villages"), sc.fmt(hit["village_id"].nunique() if len(hit) else 0, "count")),
        Figure("departments", t("presenter.overdue.departments"),
               sc.fmt(hit["department_id"].nunique() if len(hit) else 0, "count")),
    )
    rows = []
    if len(hit):
        by_village = (hit.groupby("village_id")[["overdue_at_end", "open_at_end"]].sum()
                      .assign(departments=hit.groupby("village_id")["department_id"].nunique())
                      .sort_values(["overdue_at_end", "open_at_end"], ascending=False, kind="stable")
                      .head(sc.filters.overdue_limit))
        rows = [[sc.village(v), sc.fmt(r.overdue_at_end, "count"), sc.fmt(r.open_at_end, "count"),
                 sc.fmt(r.departments, "count")] for v, r in by_village.iterrows()]
    columns = [t("presenter.col.village"), sc.label("overdue_at_end"), sc.label("open_at_end"),
               t("presenter.overdue.departments")]
    table = Table("overdue_by_village", t("presenter.overdue.by_village"), text_frame(columns, rows),
                  t("presenter.none_overdue"))
    notes = (t("presenter.overdue.notes_counts", n=sc.fmt(total, "count"), village=rows[0][0], m=rows[0][1])
             if rows else t("presenter.none_overdue"))
    subtitle = t("presenter.overdue.subtitle_counts", total=sc.fmt(total, "count"))
    return Slide("overdue", t("presenter.overdue.title_counts"), subtitle, figures, (), (table,), notes=notes)
