"""Party-building review (党建引领): branch tasks, assessments and the responsibility list."""

import streamlit as st

from cockpit.ui import party_view as party
from cockpit.ui import shell

ctx = shell.page("party")
st.title(ctx.t("party.title"))
board = party.quarter_summary(ctx)
party.branch_scoreboard(ctx, board)  # full width: seven columns, every one readable
party.completion_trend(ctx)
party.branch_trends(ctx)
party.task_list(ctx)
