"""Overview: the state of the township in the selected month."""

import streamlit as st

from cockpit.values.periods import previous_period
from cockpit.text.literal import LABEL, literal
from cockpit.metrics.catalog import CASE_KPIS, RESOURCE_KPIS, coverage_key
from cockpit.ui import shell
from cockpit.ui.attention_view import attention_panel, spikes_panel
from cockpit.ui.inbox_view import inbox_panel
from cockpit.ui.kpi import coverage_people_help, kpi_grid

ctx = shell.page("overview")
t = ctx.t
series = ctx.data.township_series()

st.title(literal(ctx.township_name, LABEL))
st.caption(t("overview.subtitle", period=t.period(ctx.period)) + " · "
           + t("overview.vs_previous", period=t.period(previous_period(ctx.period))) + " · "
           + t("overview.trend_note"))

st.subheader(t("overview.services"))
coverage_keys = [coverage_key(d) for d in ctx.data.domains()["domain_id"]]
kpi_grid(ctx, coverage_keys, series, per_row=6, extra_help=coverage_people_help(ctx, series))

st.subheader(t("overview.cases"))
kpi_grid(ctx, list(CASE_KPIS), series, per_row=7)

resources, attention = st.columns([1, 2.2], gap="large")
with resources:
    st.subheader(t("overview.resources"))
    kpi_grid(ctx, list(RESOURCE_KPIS), series, per_row=2)
with attention:
    attention_panel(ctx, ctx.data.village_table(ctx.period), series.loc[ctx.period])
    spikes_panel(ctx)
    inbox_panel(ctx)  # for those who import: what the drop folder brought lately
