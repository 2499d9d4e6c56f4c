"""Plotly figures of the joint-meeting slides and the briefing PDF (no Streamlit).

The same figure is drawn on the presenter page (``st.plotly_chart``) and exported to PNG for
the briefing (:mod:`cockpit.meeting.briefing`). :func:`static_map` draws the village polygons on plain
axes (no tiles, no network) for the PDF; the page shows the interactive deck.gl map instead,
coloured by the same classes.

Every text comes in as plain strings and goes through :func:`plain`, so a village called
``<img src=x onerror=alert(1)>`` is drawn as exactly that text.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from cockpit.text.literal import LABEL, SHORT, literal

__all__ = ["FONT", "plain", "trend_chart", "matrix_heatmap", "completion_bars", "change_bars", "static_map"]

FONT = dict(family="Noto Sans CJK SC, Noto Sans SC, Microsoft YaHei, sans-serif", size=16,
            color="#1f2937")
_LINE_COLORS = ("#1f5fa8", "#d7301f", "#1a9850", "#7b3294")
_SERIES_COLORS = ("#1f5fa8", "#e08214", "#5e3c99")  # scenarios: no red or green (no good or bad meant)


def plain(text, limit: int | None = LABEL) -> str:
    """``text`` as Plotly shows it literally, cut to display width ``limit`` (None: whole).

    Plotly reads a few HTML tags in labels (``<b>``, ``<br>``, ``<a>`` …) and ``%{…}`` placeholders
    in hover templates, and decodes character references: :func:`cockpit.text.literal.literal` writes
    every markup character as a reference, which comes out as the same character.

    >>> plain("<img src=x>")
    '&lt;img src=x&gt;'
    >>> plain("Shangping Village", limit=10)
    'Shangping…'
    """
    return literal(text, limit)


def _layout(fig: go.Figure, height: int, legend: bool = True) -> go.Figure:
    fig.update_layout(height=height, margin=dict(l=10, r=10, t=40, b=10), font=FONT,
                      plot_bgcolor="white", paper_bgcolor="white", showlegend=legend,
                      legend=dict(orientation="h", y=1.08, x=0, font=dict(size=15)))
    # room for tick labels whatever template the renderer applies (Streamlit's theme=None drops
    # plotly.py's default template, whose axes grow their margins by themselves)
    fig.update_xaxes(automargin=True)
    fig.update_yaxes(automargin=True)
    return fig


def trend_chart(series: dict[str, pd.Series], percent: bool = True, height: int = 360) -> go.Figure:
    """One line per named series over months (index ``YYYY-MM``)."""
    fig = go.Figure()
    for (name, s), color in zip(series.items(), _LINE_COLORS):
        fig.add_scatter(x=list(s.index), y=[None if pd.isna(v) else float(v) for v in s.values],
                        mode="lines+markers", name=plain(name), line=dict(color=color, width=3),
                        marker=dict(size=7))
    fig.update_layout(yaxis=dict(tickformat=".0%" if percent else ",.1f", gridcolor="#e5e7eb"),
                      xaxis=dict(type="category"))
    return _layout(fig, height)


def matrix_heatmap(matrix: pd.DataFrame, row_names: dict[str, str], col_names: dict[str, str],
                   value_label: str, height: int | None = None) -> go.Figure:
    """Departments (rows) × villages (columns) heatmap of a count, each cell labelled."""
    z = matrix.to_numpy(dtype=float)
    text = [["" if (math.isnan(v) or v == 0) else f"{int(v)}" for v in row] for row in z]
    fig = go.Figure(go.Heatmap(
        z=z, x=[plain(col_names.get(c, c), SHORT) for c in matrix.columns],
        y=[plain(row_names.get(r, r), SHORT) for r in matrix.index], text=text, texttemplate="%{text}",
        textfont=dict(size=16), colorscale=[[0, "#fff5f0"], [0.35, "#fc9272"], [1, "#a50f15"]],
        zmin=0, xgap=2, ygap=2,
        colorbar=dict(title=dict(text=plain(value_label)), thickness=14,
                      dtick=max(1, math.ceil(float(np.nanmax(z)) / 5)) if z.size and np.isfinite(z).any() else 1),
        hovertemplate="%{y} · %{x}: %{z}<extra></extra>"))
    fig.update_layout(yaxis=dict(autorange="reversed"), xaxis=dict(tickangle=-40, side="bottom"))
    return _layout(fig, height or 130 + 42 * max(len(matrix.index), 1), legend=False)


def completion_bars(names: list[str], rates: list[float], target: float | None,
                    target_label: str, height: int | None = None) -> go.Figure:
    """Horizontal bars of each branch's completion rate (a fraction), lowest first."""
    colors = ["#d7301f" if (target is not None and pd.notna(r) and r < target) else "#1f5fa8"
              for r in rates]
    fig = go.Figure(go.Bar(
        y=[plain(n, SHORT) for n in names], x=[None if pd.isna(r) else r for r in rates], orientation="h",
        marker_color=colors, text=["–" if pd.isna(r) else f"{r:.0%}" for r in rates],
        textposition="outside", cliponaxis=False))
    if target is not None:
        fig.add_vline(x=target, line=dict(color="#6b7280", width=2, dash="dash"),
                      annotation_text=plain(target_label), annotation_position="top")
    fig.update_layout(xaxis=dict(tickformat=".0%", range=[0, 1.12], gridcolor="#e5e7eb"),
                      yaxis=dict(autorange="reversed"))
    return _layout(fig, height or 90 + 30 * max(len(names), 1), legend=False)


def change_bars(categories: list[str], series: dict[str, list[float]], axis_title: str,
                height: int = 440) -> go.Figure:
    """Grouped vertical bars: one group per category (village), one bar per named series
    (scenario), values in percentage points, a zero line."""
    fig = go.Figure()
    x = [plain(c, SHORT) for c in categories]
    for i, (name, values) in enumerate(series.items()):
        color = _SERIES_COLORS[i % len(_SERIES_COLORS)]
        ys = [None if pd.isna(v) else float(v) for v in values]
        fig.add_bar(x=x, y=ys, name=plain(name), marker_color=color,
                    hovertemplate="%{x}: %{y:+.2f}<extra>" + plain(name) + "</extra>")
    fig.update_layout(barmode="group", bargap=0.25, bargroupgap=0.05,
                      yaxis=dict(title=dict(text=plain(axis_title), font=dict(size=15)), tickformat="+.1f",
                                 gridcolor="#e5e7eb", zeroline=True, zerolinecolor="#374151", zerolinewidth=2),
                      xaxis=dict(type="category", tickangle=-30))
    return _layout(fig, height)


def _rings(geom) -> list[list[tuple[float, float]]]:
    parts = list(geom.geoms) if geom.geom_type == "MultiPolygon" else [geom]
    return [list(p.exterior.coords) for p in parts]


def static_map(boundaries, colors: dict[str, list[int]], names: dict[str, str],
               legend: list[tuple[tuple[int, int, int], str]], highlight: tuple[str, ...] = (),
               label_points: pd.DataFrame | None = None, width: int = 1100,
               height: int = 820) -> go.Figure:
    """The village polygons filled with their class colours, labelled, with a legend.

    ``boundaries`` is a GeoDataFrame with village_id and geometry (cockpit.geo.boundaries); ``colors``
    maps village_id to ``[r, g, b, a]``; ``legend`` lists (rgb, text), highest class first.
    ``highlight`` villages get a thick dark outline. Axes keep the local aspect ratio
    (a degree of longitude is cos(latitude) of a degree of latitude).
    """
    fig = go.Figure()
    order = sorted(zip(boundaries["village_id"], boundaries.geometry), key=lambda vg: str(vg[0]) in highlight)
    for vid, geom in order:  # outlined villages last, so no neighbour's edge covers their outline
        rgba = colors.get(str(vid), [200, 200, 200, 200])
        fill = f"rgba({rgba[0]},{rgba[1]},{rgba[2]},{rgba[3] / 255:.2f})"
        strong = str(vid) in highlight
        for ring in _rings(geom):
            fig.add_scatter(x=[p[0] for p in ring], y=[p[1] for p in ring], mode="lines",
                            fill="toself", fillcolor=fill, hoverinfo="skip", showlegend=False,
                            line=dict(color="#111827" if strong else "white", width=4 if strong else 1.5))
    if label_points is not None and len(label_points):
        fig.add_scatter(x=list(label_points["lon"]), y=list(label_points["lat"]), mode="text",
                        text=[plain(names.get(str(v), v), SHORT) for v in label_points["village_id"]],
                        textfont=dict(size=15, color="#111827"), hoverinfo="skip", showlegend=False)
    for rgb, text in legend:
        fig.add_scatter(x=[None], y=[None], mode="markers", name=plain(text),
                        marker=dict(size=16, symbol="square", color=f"rgb({rgb[0]},{rgb[1]},{rgb[2]})"))
    minx, miny, maxx, maxy = (float(v) for v in boundaries.total_bounds)
    ratio = 1 / max(math.cos(math.radians((miny + maxy) / 2)), 0.1)
    _layout(fig, height)
    fig.update_layout(
        xaxis=dict(visible=False, range=[minx, maxx], constrain="domain"),
        yaxis=dict(visible=False, range=[miny, maxy], scaleanchor="x", scaleratio=ratio,
                   constrain="domain"),
        width=width, margin=dict(l=5, r=5, t=10, b=5),
        legend=dict(orientation="v", x=0.0, xanchor="left", y=0.0, yanchor="bottom",
                    font=dict(size=15), bgcolor="rgba(255,255,255,0.85)"))
    return fig
