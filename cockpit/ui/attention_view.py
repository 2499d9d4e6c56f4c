"""The "villages needing most attention" panel of the overview."""

from __future__ import annotations

import streamlit as st

from cockpit.metrics.attention import attention_ranking
from cockpit.text.numbers import format_value
from cockpit.text.literal import NAME, literal
from cockpit.metrics.catalog import metric
from cockpit.ui import state
from cockpit.ui.pages import page_spec
from cockpit.auth import can_open
from cockpit.ui.cases_view import alert_lines
from cockpit.ui.index_view import index_caption
from cockpit.ui.shell import PageContext

__all__ = ["attention_panel", "spikes_panel"]

SPIKES_SHOWN = 5


def _reason_text(ctx: PageContext, reason) -> str:
    unit = "per1000" if reason.metric == "overdue_per_1000" else metric(reason.metric).unit
    return ctx.t("overview.attention_reason", metric=ctx.t(f"metric.{reason.metric}.label"),
                 value=format_value(reason.value, unit, ctx.lang),
                 township=format_value(reason.township, unit, ctx.lang))


def attention_panel(ctx: PageContext, villages, township_row, n: int = 3) -> None:
    st.subheader(ctx.t("overview.attention"), help=ctx.t("overview.attention_help"))
    ranking = attention_ranking(villages, township_row.to_dict(), n=n)
    if ranking.empty:
        st.info(ctx.t("overview.attention_none"))
        return
    names = villages.set_index("village_id")
    cols = st.columns(n)
    for col, row in zip(cols, ranking.itertuples()):
        v = names.loc[row.village_id]
        with col, st.container(border=True, key=f"attention_{row.village_id}"):
            st.markdown(f"#### {literal(ctx.t.name(v), NAME)}")
            st.caption(f"{ctx.t('kind.' + v['kind'])} · {ctx.t('group.' + v['area_group'])}")
            for reason in row.reasons:
                st.markdown(f"- {_reason_text(ctx, reason)}")
            params = {**state.shared_query_params(), state.VILLAGE: row.village_id}
            st.page_link(page_spec("map").path, label=ctx.t("overview.open_on_map"),
                         icon=":material/location_on:", query_params=params)
            st.page_link(page_spec("village").path, label=ctx.t("overview.open_profile"),
                         icon=":material/home_pin:", query_params=params)
    index_caption(ctx)


def spikes_panel(ctx: PageContext) -> None:
    """The month's weekly case spikes by category and village, highest first."""
    st.subheader(ctx.t("cases.alerts"), help=ctx.t("overview.spikes_help"))
    spikes = ctx.data.case_alerts(ctx.period)
    if spikes.empty:
        st.caption(ctx.t("cases.alerts_none"))
        return
    for line in alert_lines(ctx, spikes.head(SPIKES_SHOWN), ctx.data.categories()):
        st.warning(line, icon=":material/trending_up:")
    if can_open(ctx.user, "cases"):
        st.page_link(page_spec("cases").path, label=ctx.t("overview.open_cases"), icon=":material/support_agent:",
                     query_params=state.shared_query_params())
