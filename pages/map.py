"""One map (一张图): villages coloured by a chosen metric, facilities, and a village card."""

import streamlit as st

from cockpit.metrics.catalog import metric
from cockpit.ui import shell
from cockpit.ui.card_view import legend, village_card
from cockpit.ui.index_view import index_caption
from cockpit.ui.kpi import metric_label
from cockpit.ui.map_view import map_controls, village_map

ctx = shell.page("map")
t = ctx.t
st.title(t("map.title"))
st.caption(t.period(ctx.period))

options = map_controls(ctx)
villages = ctx.data.village_table(ctx.period)
township = ctx.data.township_series().loc[ctx.period]

legend_slot = st.container()
left, right = st.columns([3, 1.3])
with left:
    selected, entries = village_map(ctx, options, villages)
with legend_slot:
    legend(ctx, metric_label(ctx, options.metric_key), entries,
           t(f"unit.{metric(options.metric_key).unit}"))
with right:
    village_card(ctx, selected, villages, township)
    index_caption(ctx)  # the card shows the composite index
