"""KPI tiles: value for the month, change against the previous month, a 12-month sparkline."""

from __future__ import annotations

import math

import pandas as pd
import streamlit as st

from cockpit.text.numbers import format_delta, format_value, shows_no_change
from cockpit.text.literal import NAME, SHORT, literal
from cockpit.metrics import catalog
from cockpit.metrics.catalog import access_domain_of, domain_of, metric
from cockpit.values.periods import previous_period
from cockpit.ui.shell import PageContext

__all__ = ["kpi_grid", "metric_label", "markdown_label", "metric_help", "coverage_people_help"]

SPARK_MONTHS = 12


def metric_label(ctx: PageContext, key: str) -> str:
    return catalog.label(ctx.t, ctx.data.domain_names(ctx.lang), key)


def markdown_label(ctx: PageContext, key: str) -> str:
    """:func:`metric_label` for Markdown and HTML (a tile's label, a list): the domain name in it
    (data) as plain text (cockpit.text.literal), the catalog's words as they are."""
    if domain_of(key):
        return ctx.t("metric.coverage.label", domain=literal(_domain_name(ctx, domain_of(key)), SHORT))
    if access_domain_of(key):
        return ctx.t("metric.access.label", domain=literal(_domain_name(ctx, access_domain_of(key)), SHORT))
    return ctx.t(f"metric.{key}.label")


def metric_help(ctx: PageContext, key: str) -> str:
    """The metric's definition for a ``help`` tooltip (Markdown: the domain name is escaped)."""
    domain = domain_of(key)
    if domain:
        return ctx.t("metric.coverage.help", domain=literal(_domain_name(ctx, domain), NAME))
    if access_domain_of(key):
        return ctx.t("metric.access.help", domain=literal(_domain_name(ctx, access_domain_of(key)), NAME))
    if key == "three_rates_score":
        w1, w2, w3 = ctx.data.weights
        return ctx.t("metric.three_rates_score.help", w1=f"{w1:.2f}", w2=f"{w2:.2f}", w3=f"{w3:.2f}")
    return ctx.t(f"metric.{key}.help")


def _domain_name(ctx: PageContext, domain_id: str) -> str:
    return ctx.data.domain_names(ctx.lang).get(domain_id, domain_id)


def _tile(ctx: PageContext, key: str, series: pd.DataFrame, extra_help: str = "") -> None:
    m = metric(key)
    col = series[key] if key in series else pd.Series(dtype=float)
    value = col.get(ctx.period, math.nan)
    prev = previous_period(ctx.period)
    delta = value - col.get(prev, math.nan) if prev in col.index else math.nan
    spark = col.loc[:ctx.period].dropna().tail(SPARK_MONTHS)
    scale = 100 if m.unit == "percent" else 1
    delta_text = format_delta(delta, m.unit, ctx.lang)
    delta_color = {True: "normal", False: "inverse", None: "off"}[m.higher_is_better]
    help_text = metric_help(ctx, key) + (f"\n\n{extra_help}" if extra_help else "")
    st.metric(
        markdown_label(ctx, key),
        format_value(value, m.unit, ctx.lang),
        delta=delta_text,
        delta_color="off" if shows_no_change(delta_text) else delta_color,
        delta_arrow="off" if shows_no_change(delta_text) else "auto",
        help=help_text,
        border=True,
        chart_data=list((spark * scale).round(2)) if len(spark) > 1 else None,
        chart_type="line",
    )


def kpi_grid(ctx: PageContext, keys: list[str], series: pd.DataFrame, per_row: int,
             extra_help: dict[str, str] | None = None) -> None:
    """Tiles for ``keys`` in rows of ``per_row``."""
    extra_help = extra_help or {}
    for start in range(0, len(keys), per_row):
        cols = st.columns(per_row)
        for col, key in zip(cols, keys[start:start + per_row]):
            with col:
                _tile(ctx, key, series, extra_help.get(key, ""))


def coverage_people_help(ctx: PageContext, series: pd.DataFrame) -> dict[str, str]:
    """Extra help for coverage tiles: how many residents that coverage means this month."""
    out = {}
    row = series.loc[ctx.period]
    for key in series.columns:
        if domain_of(key):
            people = row[key] * row["population"]
            out[key] = ctx.t("overview.people_covered", people=format_value(people, "count"))
    return out
