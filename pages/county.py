"""The county (区县): which of my townships, on the same figures, and how unequal they are."""

import streamlit as st

from cockpit.ui import county_view as county
from cockpit.ui import shell

ctx = shell.page("county")
st.title(ctx.t("county.title"))
if not county.is_county(ctx):
    st.info(ctx.t("county.not_county"), icon=":material/info:")
    st.stop()
table = county.townships_figures(ctx)
st.caption(ctx.t("county.caption", period=ctx.t.period(ctx.period), townships=len(table),
                 villages=int(table["villages"].sum())))
county.equality_tiles(ctx)
county.county_map(ctx, table)
county.ranking(ctx, table)
county.department_matrix(ctx, table)
