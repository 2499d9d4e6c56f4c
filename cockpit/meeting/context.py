"""What every slide builder reads (:class:`SlideContext`) and the small helpers they share:
numbers that may be missing, dates as text, a KPI figure with its change, a table of text.

Pure Python; see cockpit/meeting/deck.py for the deck.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from functools import cached_property

import pandas as pd

from cockpit.text.numbers import DASH, format_delta, format_value
from cockpit.i18n import Translator
from cockpit.text.literal import LONG, NAME, clean
from cockpit.metrics import catalog
from cockpit.metrics.catalog import metric
from cockpit.values.periods import previous_period
from cockpit.meeting.deck import Figure, PresenterFilters, PresenterInputs

__all__ = ["SlideContext", "known", "num", "rate", "day_text", "tone_of", "kpi_figure", "text_frame"]


@dataclass(frozen=True)
class SlideContext:
    inputs: PresenterInputs
    t: Translator
    filters: PresenterFilters
    today: dt.date
    township: str = ""

    @property
    def lang(self) -> str:
        return self.t.lang

    @property
    def period(self) -> str:
        return self.inputs.period

    @cached_property
    def village_names(self) -> dict[str, str]:
        """village_id -> name, one line cut to :data:`cockpit.text.literal.NAME` (slides have a width)."""
        v = self.inputs.villages
        return {vid: clean(n, NAME) for vid, n in zip(v["village_id"].astype(str), v[f"name_{self.lang}"])}

    @cached_property
    def department_names(self) -> dict[str, str]:
        d = self.inputs.departments
        return {did: clean(n, NAME) for did, n in zip(d["department_id"].astype(str), d[f"name_{self.lang}"])}

    def label(self, key: str) -> str:
        """The metric's label, as cockpit.ui.kpi.metric_label writes it."""
        return catalog.label(self.t, self.inputs.domains.set_index("domain_id")[f"name_{self.lang}"], key)

    def fmt(self, value, unit: str) -> str:
        return format_value(num(value), unit, self.lang)

    def village(self, vid) -> str:
        return self.village_names.get(str(vid), str(vid)) if known(vid) else DASH

    def department(self, did) -> str:
        return self.department_names.get(str(did), str(did)) if known(did) else DASH

    def sentences(self, parts) -> str:
        """Sentences one after the other (Chinese runs them together, English puts a space)."""
        return ("" if self.lang == "zh" else " ").join(parts)

    def join(self, names) -> str:
        """Names as a list in running text (、 in Chinese), or a dash when there are none."""
        return ("、" if self.lang == "zh" else ", ").join(names) or DASH


def known(value) -> bool:
    """False for None, NaN, NaT and empty text."""
    return value is not None and not (isinstance(value, float) and math.isnan(value)) \
        and not (value is pd.NaT) and str(value) != ""


def num(value):
    """``value`` as a float; NaN when it is missing or not a number."""
    try:
        return float(value) if value is not None and not pd.isna(value) else math.nan
    except (TypeError, ValueError):
        return math.nan


def rate(numerator, denominator) -> float:
    """numerator / denominator; NaN when either is missing or the denominator is 0."""
    a, b = num(numerator), num(denominator)
    return a / b if b and not math.isnan(b) else math.nan


def day_text(value) -> str:
    """A date or timestamp as YYYY-MM-DD; a dash when missing."""
    return pd.Timestamp(value).strftime("%Y-%m-%d") if known(value) and not pd.isna(value) else DASH


def tone_of(delta: float, higher_is_better: bool | None) -> str | None:
    """"good" or "bad" for a change of a metric with a good direction, else None."""
    if higher_is_better is None or math.isnan(delta) or delta == 0:
        return None
    return "good" if (delta > 0) == higher_is_better else "bad"


def kpi_figure(sc: SlideContext, key: str) -> Figure:
    """The township value of metric ``key`` in the period and its change against the month before."""
    m, series = metric(key), sc.inputs.series
    col = series[key] if key in series.columns else pd.Series(dtype=float)
    value = num(col.get(sc.period))
    delta = value - num(col.get(previous_period(sc.period)))
    help_key = f"metric.{key}.help"
    return Figure(key, sc.label(key), sc.fmt(value, m.unit), format_delta(delta, m.unit, sc.lang),
                  tone_of(delta, m.higher_is_better), sc.t(help_key) if sc.t.has(help_key) else "")


def text_frame(columns: list[str], rows: list[list[str]], limit: int = LONG) -> pd.DataFrame:
    """A table of text cells (object dtype, so nothing is converted back to numbers), each one
    line of plain text cut to display width ``limit`` (cockpit.text.literal.clean): a slide and a PDF
    page have a width. ``frame.attrs["cut"]`` says whether any cell was cut.

    >>> frame = text_frame(["summary"], [["x" * 400]])
    >>> len(frame.iloc[0, 0]), frame.attrs["cut"]
    (300, True)
    """
    cleaned = [[clean(c) for c in row] for row in rows]
    cut_rows = [[clean(c, limit) for c in row] for row in cleaned]
    frame = pd.DataFrame(cut_rows, columns=columns, dtype=object)
    frame.attrs["cut"] = cut_rows != cleaned
    return frame
