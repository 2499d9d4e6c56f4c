"""What-if planner (情景推演): move funding and staff, see the projected effect, get a recommended
allocation, save and compare scenarios."""

import streamlit as st

from cockpit.planner.moves import check
from cockpit.ui import planner_data, shell
from cockpit.ui import planner_view as planner
from cockpit.ui.recommend_view import recommend_panel
from cockpit.ui.scenario_view import RELOAD, scenarios_panel

ctx = shell.page("whatif")
st.title(ctx.t("planner.title"))
st.caption(ctx.t("planner.baseline", period=ctx.t.period(ctx.period)))
model = planner_data.model(ctx)
baseline = planner_data.baseline(ctx, ctx.period)
planner.model_panel(ctx, model, baseline)


@st.fragment
def what_if() -> None:
    if st.session_state.pop(RELOAD, False):  # a scenario of another month was reopened
        st.rerun()
    mode, added_wan, added_fte = planner.mode_controls(ctx)
    moves = planner.current_moves(ctx, baseline)
    found = check(baseline, moves, mode, added_wan, added_fte)
    planner.balance_row(ctx, moves, mode, added_wan, added_fte)
    before, after = planner.projections(baseline, model, moves if not found else None)
    if found:
        planner.problems(ctx, baseline, found)
    else:
        planner.kpis(ctx, moves, before, after)
    controls, shown = st.columns([1, 1.1], gap="large")
    with controls:
        planner.quick_move(ctx, baseline)
        planner.township_move(ctx, baseline, mode)
        planner.moves_editor(ctx, baseline)
    with shown:
        if not found:
            planner.result_tabs(ctx, baseline, moves, before, after)
        recommend_panel(ctx, baseline, model, mode, added_wan, (before.equity["min"], before.township_coverage))
    scenarios_panel(ctx, baseline, model, None if found else moves, mode, added_wan)


what_if()
