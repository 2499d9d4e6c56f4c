"""The recommendation panel of the planner: the efficiency / equality frontier, pick a point, apply."""

from __future__ import annotations

import plotly.graph_objects as go
import streamlit as st

from cockpit import settings
from cockpit.planner.baseline import Baseline, Model
from cockpit.planner.recommend import recommend
from cockpit.ui.charts import FONT
from cockpit.ui.planner_view import load_moves
from cockpit.ui.shell import PageContext

__all__ = ["recommend_panel", "FRONTIER"]

FRONTIER = "planner_frontier"


def _chart(ctx: PageContext, found, chosen: int, start: tuple[float, float]) -> None:
    fig = go.Figure()
    fig.add_scatter(x=[p.min_coverage * 100 for p in found], y=[p.township_coverage * 100 for p in found],
                    mode="lines+markers+text", text=[str(i + 1) for i in range(len(found))],
                    textposition="top center", name=ctx.t("recommend.frontier"), marker=dict(size=10))
    fig.add_scatter(x=[found[chosen].min_coverage * 100], y=[found[chosen].township_coverage * 100], mode="markers",
                    marker=dict(size=18, color="#d7301f", symbol="circle-open", line=dict(width=3)),
                    name=ctx.t("recommend.chosen"))
    fig.add_scatter(x=[start[0] * 100], y=[start[1] * 100], mode="markers", marker=dict(size=12, color="#6b7280"),
                    name=ctx.t("recommend.now"))
    fig.update_layout(height=320, margin=dict(l=10, r=10, t=30, b=10), font=FONT,
                      xaxis_title=ctx.t("recommend.x"), yaxis_title=ctx.t("recommend.y"),
                      legend=dict(orientation="h", y=1.18))
    st.plotly_chart(fig, key="planner_frontier_chart", config={"displayModeBar": False})


def recommend_panel(ctx: PageContext, baseline: Baseline, model: Model, mode: str, added_wan: float,
                    start: tuple[float, float]) -> None:
    """``start``: the baseline's worst-off village and township coverage, drawn for reference."""
    st.subheader(ctx.t("recommend.title"))
    share = min(max(settings.number("planner_movable_share"), 0.0), 1.0)
    st.caption(ctx.t(f"recommend.help.{mode}", share=f"{share:.0%}"))
    key = (baseline.period, baseline.village_ids, mode, round(added_wan, 2), share)
    if st.button(ctx.t("recommend.compute"), key="planner_recommend"):
        with st.spinner(ctx.t("recommend.computing")):
            st.session_state[FRONTIER] = (key, recommend(baseline, model, mode, added_wan, share))
    held = st.session_state.get(FRONTIER)
    if not held or held[0] != key:
        return
    found = held[1]
    labels = {i: ctx.t("recommend.point", n=i + 1, min=f"{p.min_coverage:.1%}", eff=f"{p.township_coverage:.1%}")
              for i, p in enumerate(found)}
    chosen = st.select_slider(ctx.t("recommend.pick"), options=list(labels), format_func=labels.get,
                              key="planner_frontier_point") if len(found) > 1 else 0
    _chart(ctx, found, chosen, start)
    st.button(ctx.t("recommend.apply"), key="planner_apply", type="primary",
              on_click=lambda: load_moves(baseline, found[st.session_state.get("planner_frontier_point", 0)].moves))
