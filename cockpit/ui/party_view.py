"""Party-building review: quarter summary, branch scoreboard, trend and the responsibility list."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from cockpit.fmt import format_value
from cockpit.party import (STATES, monthly_completion, quarter_bounds, quarter_of,
                           responsibility_list, scoreboard)
from cockpit.ui.charts import trend_lines
from cockpit.ui.shell import PageContext

__all__ = ["quarter_summary", "branch_scoreboard", "completion_trend", "task_list"]


def _as_of(ctx: PageContext):
    """The last day of the selected month: figures are quarter-to-date on that day."""
    return (pd.Timestamp(f"{ctx.period}-01") + pd.offsets.MonthEnd(0)).date()


def _board(ctx: PageContext) -> tuple[str, str | None, pd.DataFrame]:
    quarter = quarter_of(ctx.period)
    start, _ = quarter_bounds(quarter)
    assessments = ctx.data.party_assessments()
    assessed = sorted(q for q in assessments["quarter"].unique() if q <= quarter)
    score_quarter = assessed[-1] if assessed else None
    board = scoreboard(ctx.data.party_tasks(), ctx.data.party_branches(), assessments,
                       start, _as_of(ctx), score_quarter)
    return quarter, score_quarter, board


def quarter_summary(ctx: PageContext) -> pd.DataFrame:
    """KPI row for the quarter holding the selected month; returns the scoreboard."""
    quarter, score_quarter, board = _board(ctx)
    st.caption(ctx.t("party.quarter_caption", quarter=quarter, date=_as_of(ctx).isoformat(),
                     score_quarter=score_quarter or "–"))
    due = board["due"].sum()
    figures = [
        ("party.due", format_value(due, "count"), "party.due_help"),
        ("party.completion_rate", format_value(board["completed"].sum() / due if due else None,
                                               "percent"), "party.completion_help"),
        ("party.on_time_rate", format_value(board["on_time"].sum() / due if due else None,
                                            "percent"), "party.on_time_help"),
        ("party.overdue", format_value(board["overdue"].sum(), "count"), "party.overdue_help"),
        ("party.no_evidence", format_value(board["no_evidence"].sum(), "count"), "party.no_evidence_help"),
        ("party.score", f"{board['score'].mean():.1f}" if board["score"].notna().any() else "–",
         "party.score_help"),
    ]
    for col, (label, value, help_key) in zip(st.columns(len(figures)), figures):
        col.metric(ctx.t(label), value, help=ctx.t(help_key), border=True)
    return board


def branch_scoreboard(ctx: PageContext, board: pd.DataFrame) -> None:
    st.subheader(ctx.t("party.scoreboard"))
    shown = board.sort_values(["completion_rate", "overdue"], ascending=[True, False])
    st.dataframe(pd.DataFrame({
        ctx.t("party.branch"): shown[f"name_{ctx.lang}"],
        ctx.t("party.due"): shown["due"],
        ctx.t("party.completion_rate"): shown["completion_rate"] * 100,
        ctx.t("party.on_time_rate"): shown["on_time_rate"] * 100,
        ctx.t("party.overdue"): shown["overdue"],
        ctx.t("party.no_evidence"): shown["no_evidence"],
        ctx.t("party.score"): shown["score"],
    }), hide_index=True, width="stretch", height=min(38 * (len(shown) + 1), 560),
        column_config={
            ctx.t("party.completion_rate"): st.column_config.ProgressColumn(format="%.1f%%", min_value=0, max_value=100),
            ctx.t("party.on_time_rate"): st.column_config.ProgressColumn(format="%.1f%%", min_value=0, max_value=100),
            ctx.t("party.score"): st.column_config.NumberColumn(format="%.1f"),
        })


def completion_trend(ctx: PageContext) -> None:
    st.subheader(ctx.t("party.trend"))
    upto = ctx.periods[: ctx.periods.index(ctx.period) + 1][-12:]
    trend = monthly_completion(ctx.data.party_tasks(), upto)
    st.plotly_chart(trend_lines({ctx.t("party.completion_rate"): trend["completion_rate"],
                                 ctx.t("party.on_time_rate"): trend["on_time_rate"]}, percent=True,
                                height=300),
                    key="party_trend", config={"displayModeBar": False})


def _day(col: pd.Series) -> pd.Series:
    return pd.to_datetime(col, errors="coerce").dt.strftime("%Y-%m-%d").fillna("")


def task_list(ctx: PageContext) -> None:
    st.subheader(ctx.t("party.list"))
    as_of = _as_of(ctx)
    tasks = responsibility_list(ctx.data.party_tasks(), as_of)
    villages = ctx.data.villages().set_index("village_id")[f"name_{ctx.lang}"]
    c1, c2, c3 = st.columns(3)
    chosen_villages = c1.multiselect(ctx.t("party.filter_village"), list(villages.index),
                                     format_func=villages.get, key="party_villages",
                                     placeholder=ctx.t("party.all"))
    categories = sorted(tasks["category"].unique())
    chosen_categories = c2.multiselect(ctx.t("party.filter_category"), categories,
                                       format_func=lambda c: ctx.t(f"party.category.{c}"),
                                       key="party_categories", placeholder=ctx.t("party.all"))
    chosen_states = c3.multiselect(ctx.t("party.filter_state"), list(STATES),
                                   format_func=lambda s: ctx.t(f"party.state.{s}"),
                                   key="party_states", placeholder=ctx.t("party.all"))
    if chosen_villages:
        tasks = tasks[tasks["village_id"].isin(chosen_villages)]
    if chosen_categories:
        tasks = tasks[tasks["category"].isin(chosen_categories)]
    if chosen_states:
        tasks = tasks[tasks["state"].isin(chosen_states)]
    st.caption(ctx.t("party.list_caption", n=format_value(len(tasks), "count"),
                     date=as_of.isoformat()))
    st.dataframe(pd.DataFrame({
        ctx.t("party.state"): [ctx.t(f"party.state.{s}") for s in tasks["state"]],
        ctx.t("party.village"): tasks["village_id"].map(villages),
        ctx.t("party.task"): tasks[f"title_{ctx.lang}"],
        ctx.t("party.category"): [ctx.t(f"party.category.{c}") for c in tasks["category"]],
        ctx.t("profile.owner"): tasks["owner"],
        ctx.t("party.assigned"): _day(tasks["assigned_on"]),
        ctx.t("profile.due"): _day(tasks["due_on"]),
        ctx.t("party.completed"): _day(tasks["completed_on"]),
        ctx.t("profile.progress"): tasks["progress"] * 100,
        ctx.t("party.evidence"): tasks["evidence_count"],
        ctx.t("party.flag"): [ctx.t("party.flag_no_evidence") if f else "" for f in tasks["no_evidence"]],
    }), hide_index=True, width="stretch", height=520,
        column_config={ctx.t("profile.progress"): st.column_config.ProgressColumn(
            format="%.0f%%", min_value=0, max_value=100)})
