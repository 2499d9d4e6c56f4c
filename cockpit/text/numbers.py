"""Numbers as people read them: thousands separators, percentages with one decimal, yuan."""

from __future__ import annotations

import math

import pandas as pd

__all__ = ["format_value", "format_delta", "DASH"]

DASH = "–"


def _missing(value) -> bool:
    return value is None or value is pd.NA or value is pd.NaT or (isinstance(value, float) and math.isnan(value))


def format_value(value, unit: str, lang: str = "en") -> str:
    """Format ``value`` for display; units as in cockpit.metrics.catalog.

    >>> format_value(0.96157, "percent")
    '96.2%'
    >>> format_value(12345, "count")
    '12,345'
    >>> format_value(16.666, "yuan", "zh")
    '16.7 元'
    """
    if _missing(value):
        return DASH
    if unit == "percent":
        return f"{value * 100:.1f}%"
    if unit == "count":
        return f"{round(value):,}"
    if unit == "yuan":
        if abs(value) >= 100_000:
            return f"{value / 10_000:,.1f} 万元" if lang == "zh" else f"¥{value / 10_000:,.1f}万"
        digits = 0 if abs(value) >= 1_000 else 1
        return f"{value:,.{digits}f} 元" if lang == "zh" else f"¥{value:,.{digits}f}"
    if unit == "days":
        return f"{value:.1f} 天" if lang == "zh" else f"{value:.1f} d"
    if unit in ("per10k", "per1000", "index"):
        return f"{value:,.1f}" if unit != "per1000" else f"{value:,.2f}"
    return f"{value:,}"


def shows_no_change(delta_text: str | None) -> bool:
    """Whether a formatted change reads as zero ("+0.0 pp", "-0 d"): then no arrow nor colour."""
    return delta_text is not None and not any(ch in "123456789" for ch in delta_text)


def format_delta(delta, unit: str, lang: str = "en") -> str | None:
    """A signed change; percentages change in percentage points. None when unknown."""
    if _missing(delta):
        return None
    if unit == "percent":
        pp = "个百分点" if lang == "zh" else " pp"
        return f"{delta * 100:+.1f}{pp}"
    if unit == "count":
        return f"{round(delta):+,}"
    body = format_value(abs(delta), unit, lang)
    return ("+" if delta >= 0 else "-") + body
