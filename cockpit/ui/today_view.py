"""Today (今日待办): a village secretary's day on a phone: the month's figures, alerts, the cases to
act on, party tasks due this week and the village file a tap away."""

from __future__ import annotations

from datetime import timedelta

import pandas as pd
import streamlit as st

from cockpit.values.case_filter import CaseFilter
from cockpit.cases.today import tasks_due
from cockpit.text.numbers import format_value
from cockpit.ui.cases_view import alert_lines, overdue_cases
from cockpit.ui.kpi import kpi_grid
from cockpit.ui.map_view import name_list
from cockpit.ui.profile_view import pdf_button
from cockpit.ui.shell import PageContext

__all__ = ["today_page"]

FIGURES = ("received", "overdue_at_end", "on_time_rate", "satisfaction_rate", "open_at_end", "service_index")
SHOWN = 30   # rows of a list on a phone; the appeals page has them all


def _day(moment) -> str:
    return (moment - timedelta(seconds=1)).strftime("%Y-%m-%d")


def _cases(ctx: PageContext, cases: pd.DataFrame, hours: bool) -> pd.DataFrame:
    """A narrow table for a phone: when, where, what, who (masked as the role requires)."""
    villages = dict(zip(ctx.data.villages()["village_id"], ctx.data.villages()[f"name_{ctx.lang}"]))
    when = (cases["hours_left"].map(lambda h: ctx.t("today.hours_left", h=int(h))) if hours
            else cases["days_overdue"].map(lambda d: ctx.t("today.days_over", d=f"{d:.1f}")))
    table = pd.DataFrame({
        ctx.t("today.col.when"): when,
        ctx.t("cases.col.case_id"): cases["case_id"],
        ctx.t("party.village"): cases["village_id"].map(villages),
        ctx.t("cases.col.summary"): cases["summary"],
        ctx.t("cases.col.name"): cases["citizen_name"],
        ctx.t("cases.col.phone"): cases["phone"],
    }).head(SHOWN)
    return _narrow(ctx, table)


def _narrow(ctx: PageContext, table: pd.DataFrame) -> pd.DataFrame:
    """Without the village column when the user has one village (every row would name it)."""
    return table.drop(columns=ctx.t("party.village")) if len(ctx.data.villages()) == 1 else table


def _case_section(ctx: PageContext, title: str, cases: pd.DataFrame, hours: bool, empty: str) -> None:
    st.subheader(f"{title} · {format_value(len(cases), 'count')}")
    if cases.empty:
        st.success(ctx.t(empty))
        return
    st.dataframe(_cases(ctx, cases, hours), hide_index=True, width="stretch")
    if len(cases) > SHOWN:
        st.caption(ctx.t("today.more", shown=SHOWN, n=format_value(len(cases), "count")))


def today_page(ctx: PageContext) -> None:
    t = ctx.t
    villages = ctx.data.villages()
    moment = ctx.data.today(ctx.period)
    st.title(t("today.title", villages=name_list(ctx, villages)))
    st.caption(t("today.as_of", date=_day(moment)))
    kpi_grid(ctx, [k for k in FIGURES if k in ctx.data.township_series()], ctx.data.township_series(), per_row=6)

    alerts = ctx.data.case_alerts(ctx.period)
    for line in alert_lines(ctx, alerts, ctx.data.categories()):
        st.warning(line)

    if ctx.can("see_case_lists"):
        filt = CaseFilter()
        _case_section(ctx, t("today.overdue"), overdue_cases(ctx, filt), False, "today.none_overdue")
        soon = ctx.data.due_soon_cases(ctx.period, filt, allowed=ctx.can("see_personal_data"))
        _case_section(ctx, t("today.due_soon"), soon, True, "today.none_due_soon")

    tasks = tasks_due(ctx.data.party_tasks(), moment)
    st.subheader(f"{t('today.tasks')} · {format_value(len(tasks), 'count')}")
    if tasks.empty:
        st.success(t("today.none_tasks"))
    else:
        names = dict(zip(villages["village_id"], villages[f"name_{ctx.lang}"]))
        st.dataframe(_narrow(ctx, pd.DataFrame({
            t("today.col.due"): [t("today.task_late", d=-d) if d < 0 else t("today.task_days", d=d)
                                 for d in tasks["days_left"]],
            t("party.task"): tasks[f"title_{ctx.lang}"],
            t("party.village"): tasks["village_id"].map(names),
            t("profile.owner"): tasks["owner"],
        })), hide_index=True, width="stretch")

    st.subheader(t("today.file"))
    names = dict(zip(villages["village_id"], villages[f"name_{ctx.lang}"]))
    village_id = next(iter(names)) if len(names) == 1 else st.selectbox(
        t("party.village"), list(names), format_func=names.get, key="today_village")
    pdf_button(ctx, village_id)
