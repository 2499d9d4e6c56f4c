"""The village card beside the map, and the map legend."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from cockpit.geo.choropleth import LegendEntry
from cockpit.text.numbers import format_value
from cockpit.text.literal import LABEL, NAME, SHORT, literal
from cockpit.metrics.catalog import metric
from cockpit.ui import state
from cockpit.ui.kpi import metric_label
from cockpit.ui.pages import page_spec
from cockpit.ui.shell import PageContext
from cockpit.village.card import case_rows, coverage_rows, resource_rows

__all__ = ["legend", "village_card"]


def legend(ctx: PageContext, title: str, entries: list[LegendEntry], unit: str) -> None:
    """A one-line legend: title, unit and a swatch per class (highest first)."""
    swatches = "".join(
        f"<span style='display:inline-flex;align-items:center;gap:6px;margin-right:14px'>"
        f"<span style='width:22px;height:14px;border-radius:3px;display:inline-block;"
        f"background:rgb(" + ",".join(f"{int(c)}" for c in e.color) + f")'></span>{literal(e.text)}</span>"
        for e in entries
    )
    st.markdown(
        f"<div class='map-legend' style='font-size:0.95rem;line-height:1.9'>"
        f"<b>{literal(title, LABEL)}</b> <span style='opacity:.7'>({literal(unit)})</span>"
        f"&nbsp;&nbsp;{swatches}</div>",
        unsafe_allow_html=True,
        help=ctx.t("map.legend_method"),
    )


def _fmt(value, unit: str, lang: str) -> str:
    return format_value(value, unit, lang)


def village_card(ctx: PageContext, village_id: str | None, vt: pd.DataFrame,
                 township: pd.Series) -> None:
    if village_id is None:
        st.info(ctx.t("map.click_hint"))
        return
    v = vt.set_index("village_id").loc[village_id]
    domains = ctx.data.domains()
    with st.container(border=True, key="village_card"):
        st.subheader(literal(ctx.t.name(v), NAME))
        st.caption(f"{ctx.t('kind.' + v['kind'])} · {ctx.t('group.' + v['area_group'])} · {literal(village_id, SHORT)}")
        c1, c2 = st.columns(2)
        c1.metric(ctx.t("card.population"), _fmt(v["population"], "count", ctx.lang))
        c2.metric(ctx.t("card.elderly_share"), _fmt(v["elderly_share"], "percent", ctx.lang))
        c1.metric(ctx.t("card.distance"), ctx.t("card.km", km=f"{v['distance_km']:.1f}"))
        c2.metric(ctx.t("card.broadband"), _fmt(v["broadband_share"], "percent", ctx.lang))

        st.markdown(f"**{ctx.t('card.coverage')}**")
        cov = coverage_rows(v, township, domains)
        names = dict(zip(domains["domain_id"], domains[f"name_{ctx.lang}"]))
        st.dataframe(pd.DataFrame({
            "": [names[d] for d in cov["domain_id"]],
            ctx.t("card.this_village"): [_fmt(x, "percent", ctx.lang) for x in cov["village"]],
            ctx.t("card.township"): [_fmt(x, "percent", ctx.lang) for x in cov["township"]],
            ctx.t("card.access"): [_fmt(x, "per1000", ctx.lang) for x in cov["access"]],
        }), hide_index=True, width="stretch")
        st.caption(ctx.t("card.access_note"))

        st.markdown(f"**{ctx.t('card.cases')}**")
        cases = case_rows(v, township)
        st.dataframe(pd.DataFrame({
            "": [metric_label(ctx, k) for k in cases["metric"]],
            ctx.t("card.this_village"): [_fmt(x, metric(k).unit, ctx.lang)
                                         for k, x in zip(cases["metric"], cases["village"])],
            ctx.t("card.township"): [_fmt(x, metric(k).unit, ctx.lang)
                                     for k, x in zip(cases["metric"], cases["township"])],
        }), hide_index=True, width="stretch")

        st.markdown(f"**{ctx.t('card.resources')}**")
        res = resource_rows(ctx.data.allocations(ctx.period), village_id, v["population"], domains)
        st.dataframe(pd.DataFrame({
            "": [names[d] for d in res["domain_id"]],
            ctx.t("card.funding"): [_fmt(x, "yuan", ctx.lang) for x in res["funding_yuan"]],
            ctx.t("card.staff"): [f"{x:.1f}" if pd.notna(x) else "–" for x in res["staff_fte"]],
        }), hide_index=True, width="stretch")
        st.page_link(page_spec("village").path, label=ctx.t("overview.open_profile"),
                     icon=":material/home_pin:",
                     query_params={**state.shared_query_params(), state.VILLAGE: village_id})
        if st.button(ctx.t("map.clear"), key="clear_village"):
            state.select_village(None)
            st.rerun()
