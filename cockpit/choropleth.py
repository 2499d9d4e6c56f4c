"""Village colours, legend entries and tooltips for the map: pure functions, no drawing.

Every data value that ends up in tooltip HTML is escaped here, so a village named
``<img src=x onerror=alert(1)>`` shows as text.
"""

from __future__ import annotations

import html
from dataclasses import dataclass

import pandas as pd

from cockpit.classify import NO_DATA_COLOR, class_breaks, class_of, ramp
from cockpit.fmt import format_value
from cockpit.metrics.catalog import metric

__all__ = ["LegendEntry", "Choropleth", "choropleth", "tooltip_html"]

FILL_ALPHA = 200


@dataclass(frozen=True)
class LegendEntry:
    color: tuple[int, int, int]
    text: str


@dataclass(frozen=True)
class Choropleth:
    colors: dict[str, list[int]]  # village_id -> [r, g, b, a]
    legend: list[LegendEntry]
    breaks: list[float]


def choropleth(values: pd.Series, key: str, lang: str, no_data_text: str, k: int = 5) -> Choropleth:
    """Colour each village (index of ``values``) by quantile class of metric ``key``."""
    m = metric(key)
    breaks = class_breaks(values.tolist(), k)
    colors_by_class = ramp(max(len(breaks) - 1, 1), m.higher_is_better)
    colors = {}
    for village_id, value in values.items():
        cls = class_of(value, breaks)
        rgb = NO_DATA_COLOR if cls is None else colors_by_class[cls]
        colors[str(village_id)] = [*rgb, FILL_ALPHA]
    legend = [
        LegendEntry(colors_by_class[i],
                    f"{format_value(lo, m.unit, lang)} – {format_value(hi, m.unit, lang)}")
        for i, (lo, hi) in enumerate(zip(breaks[:-1], breaks[1:]))
    ][::-1]  # highest class first
    if values.isna().any():
        legend.append(LegendEntry(NO_DATA_COLOR, no_data_text))
    return Choropleth(colors, legend, breaks)


def tooltip_html(title: str, subtitle: str, rows: list[tuple[str, str]]) -> str:
    """Tooltip markup: a bold title, a subtitle and label: value rows, every part escaped."""
    esc = html.escape
    lines = [f"<b>{esc(title)}</b>", f"<span style='opacity:.75'>{esc(subtitle)}</span>"]
    lines += [f"{esc(label)}: <b>{esc(value)}</b>" for label, value in rows]
    return "<br/>".join(lines)
