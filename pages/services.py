"""Service equalization (均等化): coverage, equity with urban–rural split, composite index,
norm gaps and accessibility."""

import streamlit as st

from cockpit.ui import services_view as services
from cockpit.ui import shell

ctx = shell.page("services")
st.title(ctx.t("services.title"))
st.caption(ctx.t.period(ctx.period))
villages = ctx.data.village_table(ctx.period)

left, right = st.columns([1.1, 1], gap="large")
with left:
    services.heatmap(ctx, villages)
with right:
    services.composite_panel(ctx, villages)
services.equity_panel(ctx, ctx.data.equity_trend())
left, right = st.columns(2, gap="large")
with left:
    services.norms_panel(ctx)
with right:
    services.accessibility_panel(ctx)
