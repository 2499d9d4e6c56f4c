"""Village colours, legend entries and tooltips for the map: pure functions, no drawing.

Tooltips: the HTML template holds only fixed markup and ``{placeholders}``; data values travel
as plain-text object fields, which Streamlit's deck.gl chart HTML-escapes when it fills the
template (verified in Streamlit 1.67's frontend, and by a browser test with a village named
``<img src=x onerror=alert(1)>``). Values are therefore never pre-escaped or concatenated
into markup here.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from cockpit.classify import NO_DATA_COLOR, class_breaks, class_of, ramp
from cockpit.fmt import format_value
from cockpit.metrics.catalog import metric

__all__ = ["LegendEntry", "Choropleth", "choropleth", "tooltip_fields", "TOOLTIP_HTML",
           "TOOLTIP_ROWS"]

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


TOOLTIP_ROWS = 4
TOOLTIP_HTML = (
    "<b style='font-size:15px'>{tip_name}</b><br/><span style='opacity:.75'>{tip_sub}</span>"
    + "".join(f"<br/>{{tip_r{i}}}" for i in range(TOOLTIP_ROWS))
)


def tooltip_fields(title: str, subtitle: str, rows: list[tuple[str, str]], colon: str = ": ") -> dict[str, str]:
    """The plain-text fields TOOLTIP_HTML reads: tip_name, tip_sub and tip_r0 … tip_r3.

    Every placeholder gets a field (empty when there are fewer rows), because the chart
    leaves an unfilled ``{placeholder}`` as it is. ``colon`` joins label and value (``"："`` in
    Chinese).
    """
    fields = {"tip_name": str(title), "tip_sub": str(subtitle)}
    for i in range(TOOLTIP_ROWS):
        fields[f"tip_r{i}"] = f"{rows[i][0]}{colon}{rows[i][1]}" if i < len(rows) else ""
    return fields
