"""Village colours, legend entries and tooltips for the map: pure functions, no drawing.

Tooltips: the template is one placeholder, ``{tip}`` (:data:`TOOLTIP`), shown as text (the deck's
tooltip ``text``, which the browser sets as ``innerText``): each feature carries its whole tooltip
as one plain-text field, so no data value is ever read as markup or as a placeholder.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from cockpit.geo.classify import NO_DATA_COLOR, class_breaks, class_of, ramp
from cockpit.text.numbers import format_value
from cockpit.text.literal import LABEL, NAME, clean
from cockpit.metrics.catalog import metric

__all__ = ["LegendEntry", "Choropleth", "choropleth", "tooltip_fields", "TOOLTIP", "TOOLTIP_FIELD"]

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


TOOLTIP_FIELD = "tip"
TOOLTIP = "{" + TOOLTIP_FIELD + "}"
"""The tooltip template: one placeholder and nothing else. Streamlit's deck.gl chart fills each
``{name}`` of a template with ``str.replace`` in turn, so with two placeholders a value holding
the second one's name (a village called ``{tip_sub}``) would get it filled with another field;
with one placeholder there is nothing left for data to fill. The chart shows it as text."""


def tooltip_fields(title: str, subtitle: str, rows: list[tuple[str, str]], colon: str = ": ") -> dict[str, str]:
    """The object field the tooltip shows (``{"tip": …}``): title, subtitle and ``label: value``
    rows, one per line, each cleaned to one line of plain text and cut to the tooltip's width
    (cockpit.text.literal.clean). ``colon`` joins label and value (``"："`` in Chinese).

    >>> tooltip_fields("Xikou {tip}", "village", [("Population", "1,234")])
    {'tip': 'Xikou {tip}\\nvillage\\nPopulation: 1,234'}
    """
    lines = [clean(title, NAME), clean(subtitle, LABEL)]
    lines += [clean(f"{clean(label, LABEL)}{colon}{clean(value, LABEL)}", LABEL) for label, value in rows]
    return {TOOLTIP_FIELD: "\n".join(line for line in lines if line)}
