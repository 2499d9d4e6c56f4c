"""Party-building review: quarter summary, branch scoreboard, trend and the responsibility list."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import streamlit as st
from plotly.subplots import make_subplots

from cockpit.text.numbers import format_value
from cockpit.text.literal import NAME, clean, literal
from cockpit.party.review import (STATES, TREND_BY, monthly_completion, quarter_bounds, quarter_of,
                           responsibility_list, scoreboard, township_trend, weakest_branches)
from cockpit.ui.charts import FONT, trend_lines
from cockpit.meeting.charts import plain
from cockpit.ui.shell import PageContext, translated_radio

__all__ = ["quarter_summary", "branch_scoreboard", "completion_trend", "branch_trends", "task_list",
           "TREND_METRICS"]

TREND_METRICS = ("completion_rate", "on_time_rate", "overdue")
_TREND_SPAN = {"month": 12, "quarter": 8}  # periods shown


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
    st.caption(ctx.t("party.quarter_caption", quarter=literal(quarter), date=_as_of(ctx).isoformat(),
                     score_quarter=literal(score_quarter or "–")))
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


def _trend(ctx: PageContext, by: str) -> pd.DataFrame:
    """The branch trend of the last months or quarters up to the selected month (to date)."""
    upto = ctx.periods[: ctx.periods.index(ctx.period) + 1]
    if by == "quarter":
        keep = sorted({quarter_of(m) for m in upto})[-_TREND_SPAN["quarter"]:]
        upto = [m for m in upto if quarter_of(m) in keep]
    else:
        upto = upto[-_TREND_SPAN["month"]:]
    return ctx.data.party_trend(tuple(upto), by, _as_of(ctx))


def _values(s: pd.Series) -> list:
    return [None if pd.isna(v) else float(v) for v in s]


_PER_ROW, _BRANCH_COLOR, _TOWN_COLOR, _INK = 5, "#1f5fa8", "#4b5563", "#1f2937"
_ALL_PANELS_UP_TO, _WEAKEST_SHOWN = 20, 8  # more branches than this: panels for the weakest, or those picked
_HEATMAP_ROW_PX, _HEATMAP_VIEW_PX = 22, 640


# The figures are kept as built, shared by every session and run (not copied: nothing changes a
# figure after it is built): Plotly's checks of 20 small multiples took 0.75 s a run, and a data
# change gives the functions other frames, so a stale figure is never shown.
_kept = st.cache_resource(max_entries=32, show_spinner=False)


@_kept
def _branch_heatmap(trend: pd.DataFrame, column: str, names: pd.Series, order: list, percent: bool) -> go.Figure:
    """Every branch (rows, weakest first, labelled by its village) × period: one trace, whatever the
    number of branches. Rates from red (0%) to green (100%); overdue counts from white to red."""
    grid = trend.pivot_table(index="branch_id", columns="period", values=column, sort=False, dropna=False)
    grid = grid.reindex(order)
    villages = trend.drop_duplicates("branch_id").set_index("branch_id")["village_id"]
    labels = [plain(names.get(villages[b], b)) for b in order]
    z = [_values(grid.loc[b]) for b in order]
    few = len(order) <= 40  # values written in the cells while they are large enough to read
    fig = go.Figure(go.Heatmap(
        z=z, x=list(grid.columns), y=[str(b) for b in order], xgap=1, ygap=1, showscale=True,
        colorscale="RdYlGn" if percent else "Reds", zmin=0, zmax=1 if percent else None,
        colorbar=dict(thickness=12, tickformat=".0%" if percent else ",d", len=min(1.0, 400 / (60 + 22 * len(z)))),
        text=[[("" if v is None else (f"{v:.0%}" if percent else f"{v:,.0f}")) for v in r] for r in z] if few else None,
        texttemplate="%{text}" if few else None, textfont=dict(size=12),
        customdata=[[lab] * len(grid.columns) for lab in labels],
        hovertemplate=f"%{{customdata}}<br>%{{x}}: %{{z:{'.0%' if percent else ',.0f'}}}<extra></extra>"))
    fig.update_yaxes(autorange="reversed", type="category", tickmode="array", tickvals=[str(b) for b in order],
                     ticktext=labels, tickfont=dict(size=13, color=_INK), automargin=True)
    fig.update_xaxes(type="category", side="top", tickfont=dict(size=13, color=_INK), tickangle=0, automargin=True)
    fig.update_layout(height=60 + _HEATMAP_ROW_PX * len(z), margin=dict(l=10, r=10, t=10, b=10), font=FONT,
                      plot_bgcolor="white")
    return fig


@_kept
def _branch_panels(trend: pd.DataFrame, column: str, names: pd.Series, township_name: str,
                   town_column: str, percent: bool, town: pd.DataFrame) -> go.Figure:
    """Small multiples: one panel per branch of ``trend`` (titled by its village) with the branch's
    line and the township's ``town_column`` (grey, dotted; ``town``: :func:`township_trend` of every
    branch) for reference; all panels on the same axes."""
    groups = list(trend.groupby("branch_id", sort=False))
    rows = -(-len(groups) // _PER_ROW)
    titles = [plain(names.get(g["village_id"].iloc[0], b)) for b, g in groups]
    fig = make_subplots(rows=rows, cols=_PER_ROW, shared_xaxes=True, shared_yaxes=True,
                        subplot_titles=titles, vertical_spacing=0.34 / rows, horizontal_spacing=0.07)
    hover = f"%{{fullData.name}}<br>%{{x}}: %{{y:{'.0%' if percent else ',.1f'}}}<extra></extra>"
    for i, ((branch, g), title) in enumerate(zip(groups, titles)):
        row, col = i // _PER_ROW + 1, i % _PER_ROW + 1
        fig.add_scatter(x=list(town.index), y=_values(town[town_column]), mode="lines", name=township_name,
                        line=dict(width=2, color=_TOWN_COLOR, dash="dot"), showlegend=i == 0,
                        legendgroup="town", hovertemplate=hover, row=row, col=col)
        fig.add_scatter(x=list(g["period"]), y=_values(g[column]), mode="lines+markers", name=title,
                        line=dict(width=2.5, color=_BRANCH_COLOR), marker=dict(size=5), showlegend=False,
                        hovertemplate=hover, row=row, col=col)
    periods = list(town.index)
    ticks = [periods[0], periods[-1]] if len(periods) > 2 else periods  # first and last: they fit
    fig.update_xaxes(type="category", tickvals=ticks, tickangle=0, tickfont=dict(size=12, color=_INK),
                     showgrid=False, showticklabels=True, matches="x")
    fig.update_yaxes(tickformat=".0%" if percent else ",~g", gridcolor="#e5e7eb", rangemode="tozero",
                     tickfont=dict(size=12, color=_INK), matches="y",
                     **({"range": [0, 1.05], "tickvals": [0, 0.5, 1]} if percent else {}))
    fig.update_annotations(font=dict(size=15, color=_INK))
    fig.update_layout(height=70 + 160 * rows, margin=dict(l=50, r=20, t=50, b=30), font=FONT,
                      plot_bgcolor="white", legend=dict(orientation="h", x=0, y=1 + 45 / (160 * rows),
                                                        yanchor="bottom", font=dict(size=14, color=_INK)))
    return fig


@_kept
def _score_grid(trend: pd.DataFrame, names: pd.Series, township_name: str) -> go.Figure:
    """Assessment scores: one row per branch (its village), one column per quarter, the value
    written in the cell; the township mean as the last row."""
    grid = trend.pivot_table(index="branch_id", columns="period", values="score", sort=False, dropna=False)
    order = list(dict.fromkeys(trend["branch_id"]))
    villages = trend.drop_duplicates("branch_id").set_index("branch_id")["village_id"]
    grid = grid.reindex(order).dropna(axis=1, how="all")  # quarters not assessed yet
    # rows placed by branch id (villages may share a name), labelled by name as plain text
    labels = [plain(names.get(villages[b], b)) for b in order] + [plain(township_name)]
    rows = [str(b) for b in order] + ["_township"]
    town = township_trend(trend)["score"]
    z = [_values(grid.loc[b]) for b in order] + [_values(town.reindex(grid.columns))]
    fig = go.Figure(go.Heatmap(
        z=z, x=list(grid.columns), y=rows, colorscale="Blues", zmin=60, zmax=100,
        text=[[("" if v is None else f"{v:.1f}") for v in r] for r in z], texttemplate="%{text}",
        textfont=dict(size=12), xgap=2, ygap=2, showscale=False,
        customdata=[[lab] * len(grid.columns) for lab in labels],
        hovertemplate="%{customdata}<br>%{x}: %{z:.1f}<extra></extra>"))
    fig.update_yaxes(autorange="reversed", type="category", tickmode="array", tickvals=rows, ticktext=labels,
                     tickfont=dict(size=14, color=_INK), automargin=True)
    fig.update_xaxes(type="category", side="top", tickfont=dict(size=13, color=_INK), tickangle=0,
                     automargin=True)
    fig.update_layout(height=90 + 26 * len(z), margin=dict(l=10, r=10, t=10, b=10), font=FONT,
                      plot_bgcolor="white")
    return fig


def _trend_views(ctx: PageContext, trend: pd.DataFrame, metric: str, names: pd.Series) -> None:
    """Every branch in one heatmap (weakest first), then panels of the branches picked: all of
    them in a small township, the weakest few in a large one."""
    count = metric == "overdue"  # a count: the township reference is the mean per branch
    order = weakest_branches(trend, metric)
    st.caption(ctx.t("party.heatmap_caption", n=len(order), date=_as_of(ctx).isoformat()))
    heatmap = _branch_heatmap(trend, metric, names, order, percent=not count)
    tall = heatmap.layout.height > _HEATMAP_VIEW_PX
    with st.container(height=_HEATMAP_VIEW_PX if tall else "content", border=False, key="party_heatmap_box"):
        st.plotly_chart(heatmap, key="party_branch_heatmap", config={"displayModeBar": False})
    villages = trend.drop_duplicates("branch_id").set_index("branch_id")["village_id"]
    label = lambda b: clean(names.get(villages[b], b), NAME)  # noqa: E731  (options are plain text)
    default = order if len(order) <= _ALL_PANELS_UP_TO else order[:_WEAKEST_SHOWN]
    picked = st.multiselect(ctx.t("party.trend_pick"), sorted(order, key=label), default=default,
                            format_func=label, key="party_trend_branches",
                            help=ctx.t("party.trend_pick_help", n=_WEAKEST_SHOWN))
    if not picked:
        return
    st.caption(ctx.t("party.branch_trend_caption", date=_as_of(ctx).isoformat()))
    shown = trend[trend["branch_id"].isin(picked)]
    shown = shown.assign(_rank=shown["branch_id"].map({b: i for i, b in enumerate(order)})).sort_values(
        ["_rank", "period"], kind="stable")
    st.plotly_chart(_branch_panels(shown, metric, names,
                                   ctx.t("party.township_mean" if count else "party.township_line"),
                                   "overdue_per_branch" if count else metric, percent=not count,
                                   town=township_trend(trend)),
                    key="party_branch_trend", config={"displayModeBar": False})


def branch_trends(ctx: PageContext) -> None:
    """Per-branch trend by month or quarter of a chosen measure; the assessment scores by quarter."""
    st.subheader(ctx.t("party.branch_trend"))
    names = ctx.data.villages().set_index("village_id")[f"name_{ctx.lang}"]
    tasks_tab, scores_tab = st.tabs([ctx.t("party.tab_tasks"), ctx.t("party.score_trend")])
    with tasks_tab:
        c1, c2 = st.columns([1, 2])
        by = translated_radio(ctx.lang, ctx.t("party.trend_by"), TREND_BY, "party_trend_by",
                              lambda b: ctx.t(f"party.trend_by.{b}"), where=c1, horizontal=True)
        metric = translated_radio(ctx.lang, ctx.t("party.trend_metric"), TREND_METRICS, "party_trend_metric",
                                  lambda m: ctx.t(f"party.{m}"), where=c2, horizontal=True)
        trend = _trend(ctx, by)
        if trend.empty:
            st.info(ctx.t("party.no_trend"))
        else:
            _trend_views(ctx, trend, metric, names)
    with scores_tab:
        scores = trend if by == "quarter" else _trend(ctx, "quarter")
        if scores["score"].isna().all():
            st.info(ctx.t("party.no_trend"))
        else:
            st.caption(ctx.t("party.score_trend_caption"))
            left, _ = st.columns([2, 1])
            left.plotly_chart(_score_grid(scores, names, ctx.t("party.township_score")),
                              key="party_score_trend", config={"displayModeBar": False})


def _day(col: pd.Series) -> pd.Series:
    return pd.to_datetime(col, errors="coerce").dt.strftime("%Y-%m-%d").fillna("")


_LIST_ALL_UP_TO, _ACTION_STATES = 3000, ("overdue", "open")


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
    # A large township's list (tens of thousands of tasks) opens on the tasks that need action.
    default = list(_ACTION_STATES) if len(tasks) > _LIST_ALL_UP_TO else []
    chosen_states = c3.multiselect(ctx.t("party.filter_state"), list(STATES), default=default,
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
