"""Village profile (村情档案): one village on one page; linkable as ?village=ID; printable."""

import streamlit as st

from cockpit.ui import profile_view as profile
from cockpit.ui import shell

ctx = shell.page("village")
villages = ctx.data.village_table(ctx.period)
township = ctx.data.township_series().loc[ctx.period]

with st.sidebar:
    village_id = profile.choose_village(ctx, villages)
village = villages.set_index("village_id").loc[village_id]
village["village_id"] = village_id

profile.header(ctx, village)
left, right = st.columns(2, gap="large")
with left:
    profile.services(ctx, village, township)
with right:
    profile.appeals(ctx, village, township)
left, right = st.columns(2, gap="large")
with left:
    profile.resources(ctx, village)
    profile.changes(ctx, village_id)
with right:
    profile.party(ctx, village_id)
profile.export_buttons(ctx, village_id)
