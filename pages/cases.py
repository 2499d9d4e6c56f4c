"""Citizen appeals (接诉即办): who is late, where cases pile up, and whether figures can be trusted."""

import streamlit as st

from cockpit.ui import cases_view as cases
from cockpit.ui import shell
from cockpit.ui.month_close_view import month_close_panel

ctx = shell.page("cases")
st.title(ctx.t("cases.title"))
period = cases.span_control(ctx)
st.caption(cases.period_label(ctx, period))
departments, categories = ctx.data.departments(), ctx.data.categories()
case_filter = cases.filters(ctx, departments, categories)
closed = month_close_panel(ctx, period, case_filter)
page = ctx.data.case_page(period, case_filter, closed)

cases.kpi_row(ctx, page)
left, right = st.columns([1.3, 1], gap="large")
with left:
    cases.trend_chart(ctx, page)
    cell = cases.matrix_panel(ctx, page, departments)
with right:
    cases.ranking_table(ctx, page)
    cases.alerts_panel(ctx, page, categories)
overdue = cases.overdue_cases(ctx, cell or case_filter)
cases.overdue_panel(ctx, overdue, departments)
left, right = st.columns(2, gap="large")
with left:
    cases.repeats_panel(ctx, page)
with right:
    cases.quality_panel(ctx, page)
