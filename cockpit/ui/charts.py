"""Plotly figure builders (no Streamlit calls): readable on a wall screen, fonts from the system."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

__all__ = ["coverage_bars", "trend_lines", "FONT"]

FONT = dict(family="Noto Sans CJK SC, Noto Sans SC, Microsoft YaHei, sans-serif", size=14)
VILLAGE_COLOR, TOWNSHIP_COLOR, NORM_COLOR = "#1f5fa8", "#9aa5b1", "#d7301f"


def _layout(fig: go.Figure, height: int) -> go.Figure:
    fig.update_layout(height=height, margin=dict(l=10, r=10, t=30, b=10), font=FONT,
                      legend=dict(orientation="h", y=1.12, x=0), plot_bgcolor="white")
    return fig


def coverage_bars(names: list[str], village: list[float], township: list[float],
                  norms: list[float | None], labels: dict[str, str]) -> go.Figure:
    """Horizontal bars of the village's coverage by domain, the township's beside them, and
    the norm as a marker. Values are fractions; the axis shows percent."""
    fig = go.Figure()
    fig.add_bar(y=names, x=village, orientation="h", name=labels["village"], marker_color=VILLAGE_COLOR,
                text=[f"{v:.0%}" if pd.notna(v) else "" for v in village], textposition="auto")
    fig.add_bar(y=names, x=township, orientation="h", name=labels["township"], marker_color=TOWNSHIP_COLOR)
    if any(n is not None for n in norms):
        fig.add_scatter(y=names, x=norms, mode="markers", name=labels["norm"],
                        marker=dict(symbol="line-ns", size=22, line=dict(width=3, color=NORM_COLOR)))
    fig.update_layout(barmode="group", xaxis=dict(tickformat=".0%", range=[0, 1.02]),
                      yaxis=dict(autorange="reversed"))
    return _layout(fig, 60 + 52 * len(names))


def trend_lines(series: dict[str, pd.Series], percent: bool, height: int = 260) -> go.Figure:
    """One line per named series over periods (index ``YYYY-MM``)."""
    fig = go.Figure()
    colors = [VILLAGE_COLOR, TOWNSHIP_COLOR, NORM_COLOR]
    for (name, s), color in zip(series.items(), colors):
        fig.add_scatter(x=list(s.index), y=list(s.values), mode="lines+markers", name=name,
                        line=dict(color=color, width=3))
    fig.update_layout(yaxis=dict(tickformat=".0%" if percent else ",.1f"), xaxis=dict(type="category"))
    return _layout(fig, height)
