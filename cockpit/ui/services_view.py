"""The services page: coverage heatmap, equity panel and trend, composite index, norm gaps,
accessibility."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots
import streamlit as st

from cockpit import settings
from cockpit.text.numbers import format_value
from cockpit.text.literal import SHORT, literal
from cockpit.metrics.catalog import coverage_key
from cockpit.services.norms import norm_gaps
from cockpit.services.figures import INDEX_ID, NORMALIZATION, composite
from cockpit.meeting.charts import plain
from cockpit.ui.charts import FONT
from cockpit.ui import state
from cockpit.ui.index_view import index_caption, index_form
from cockpit.ui.map_view import name_list
from cockpit.ui.shell import PageContext, translated_radio

__all__ = ["heatmap", "equity_panel", "composite_panel", "norms_panel", "accessibility_panel",
           "EQUITY_FIGURES"]

# (column of the equity table, i18n key, number format)
EQUITY_FIGURES = (("gini", "gini", "{:.3f}"), ("theil_t", "theil_t", "{:.4f}"),
                  ("theil_l", "theil_l", "{:.4f}"), ("cv", "cv", "{:.3f}"),
                  ("max_min", "max_min", "{:.2f}"), ("gap_diff", "gap_diff", "{:+.1%}"),
                  ("gap_ratio", "gap_ratio", "{:.2f}"))
# the figures whose lowest possible value is 0 (the others: max/min from 1, the gap may be negative)
_FROM_ZERO = ("gini", "theil_t", "theil_l", "cv")


def _domain_names(ctx: PageContext) -> dict[str, str]:
    d = ctx.data.domains()
    names = dict(zip(d["domain_id"], d[f"name_{ctx.lang}"]))
    names[INDEX_ID] = ctx.t("services.index")
    return names


def heatmap(ctx: PageContext, vt: pd.DataFrame) -> None:
    st.subheader(ctx.t("services.heatmap"))
    domains = ctx.data.domains()
    rows = vt.sort_values(["area_group", "service_index"], ascending=[False, False])
    # rows placed by village id (two villages may share a name), labelled by name as plain text
    y = list(rows["village_id"])
    labels = [f"{plain(ctx.t('group.' + g))} · {plain(n, SHORT)}" for g, n in zip(rows["area_group"], rows[f"name_{ctx.lang}"])]
    names = [plain(n, SHORT) for n in domains[f"name_{ctx.lang}"]]
    z = rows[[coverage_key(d) for d in domains["domain_id"]]].to_numpy()
    st.plotly_chart(_domains_down(z, y, labels, names) if len(y) < _DOMAINS_DOWN_BELOW
                    else _villages_down(z, y, labels, names), key="services_heatmap", config={"displayModeBar": False})
    st.caption(ctx.t("services.heatmap_note"))


_DOMAINS_DOWN_BELOW = 3  # one or two villages (a village secretary's, often on a phone): a domain a row
_HEAT = dict(colorscale="RdYlGn", zmin=0.5, zmax=1.0, texttemplate="%{text}", colorbar=dict(tickformat=".0%"))


def _villages_down(z, y: list, labels: list, names: list) -> go.Figure:
    """A village a row, a domain a column."""
    fig = go.Figure(go.Heatmap(z=z, x=names, y=y, text=[[f"{v:.0%}" for v in r] for r in z],
                               customdata=[[lab] * z.shape[1] for lab in labels],
                               hovertemplate="%{customdata}<br>%{x}: %{z:.1%}<extra></extra>", **_HEAT))
    fig.update_layout(height=40 + 28 * len(y), margin=dict(l=10, r=10, t=10, b=10), font=FONT,
                      yaxis=dict(autorange="reversed", type="category", tickmode="array", tickvals=y, ticktext=labels),
                      xaxis=dict(side="top", automargin=True))
    return fig


def _domains_down(z, y: list, labels: list, names: list) -> go.Figure:
    """A domain a row, a village a column: six names down the side fit a phone, six across do not."""
    fig = go.Figure(go.Heatmap(z=z.T.tolist(), x=y, y=names, text=[[f"{v:.0%}" for v in r] for r in z.T],
                               customdata=[labels for _ in names],
                               hovertemplate="%{customdata}<br>%{y}: %{z:.1%}<extra></extra>", **_HEAT))
    fig.update_layout(height=70 + 40 * len(names), margin=dict(l=10, r=10, t=10, b=10), font=FONT,
                      yaxis=dict(autorange="reversed", type="category", automargin=True),
                      xaxis=dict(side="top", type="category", tickmode="array", tickvals=y, ticktext=labels,
                                 automargin=True))
    return fig


def equity_panel(ctx: PageContext, trend: pd.DataFrame) -> None:
    st.subheader(ctx.t("services.equity"))
    if trend.empty and len(ctx.data.villages()) < 2:  # a village secretary of one village
        st.info(ctx.t("services.needs_two_villages", n=len(ctx.data.villages())))
        return
    names = _domain_names(ctx)
    options = [INDEX_ID] + list(ctx.data.domains()["domain_id"])
    chosen = st.selectbox(ctx.t("services.equity_of"), options, key="equity_domain",
                          format_func=names.get)
    now = trend[(trend["period"] == ctx.period) & (trend["domain_id"] == chosen)]
    if now.empty:
        st.info(ctx.t("services.no_data"))
        return
    row = now.iloc[0]
    cols = st.columns(len(EQUITY_FIGURES))
    for col, (column, key, fmt) in zip(cols, EQUITY_FIGURES):
        value = row[column]
        col.metric(ctx.t(f"equity.{key}.label"), "–" if pd.isna(value) else fmt.format(value),
                   help=ctx.t(f"equity.{key}.help"), border=True)
    share = row["theil_t_between"] / row["theil_t"] if row["theil_t"] else float("nan")
    st.markdown(ctx.t("services.equity_sentence", gini=f"{row['gini']:.3f}",
                      spread=f"{2 * row['gini']:.0%}", between=format_value(share, "percent"),
                      gap=f"{row['gap_diff']:+.1%}", ratio=f"{row['gap_ratio']:.2f}"))
    series = trend[trend["domain_id"] == chosen].set_index("period").sort_index()
    left, right = st.columns([1, 1.4], gap="large")
    with left:
        _decomposition(ctx, row)
    with right:
        _theil_split_chart(ctx, series)
    _trend_grid(ctx, series)
    st.caption(ctx.t("services.trend_note"))


def _decomposition(ctx: PageContext, row: pd.Series) -> None:
    """Theil T and L, each split into between urban and rural and within the two groups."""
    st.markdown(f"**{ctx.t('services.decomposition')}**")
    rows = {}
    for index in ("theil_t", "theil_l"):
        total, between = row[index], row[f"{index}_between"]
        rows[ctx.t(f"equity.{index}.label")] = {
            ctx.t("services.total"): f"{total:.4f}",
            ctx.t("services.between_short"): f"{between:.4f}",
            ctx.t("services.within_short"): f"{row[f'{index}_within']:.4f}",
            ctx.t("services.between_share"): format_value(between / total if total else float("nan"), "percent",
                                                         ctx.lang)}
    st.table(pd.DataFrame.from_dict(rows, orient="index"))
    st.caption(ctx.t("services.decomposition_note"))


def _theil_split_chart(ctx: PageContext, series: pd.DataFrame) -> None:
    fig = go.Figure()
    fig.add_scatter(x=series.index, y=series["theil_t_within"], stackgroup="t",
                    name=ctx.t("services.within"), line=dict(color="#9aa5b1"))
    fig.add_scatter(x=series.index, y=series["theil_t_between"], stackgroup="t",
                    name=ctx.t("services.between"), line=dict(color="#d7301f"))
    fig.update_layout(height=280, margin=dict(l=10, r=10, t=30, b=10), font=FONT,
                      legend=dict(orientation="h", y=1.18), xaxis=dict(type="category"),
                      yaxis=dict(title=ctx.t("equity.theil_t.label"), rangemode="tozero"))
    st.plotly_chart(fig, key="equity_trend", config={"displayModeBar": False})


def _trend_grid(ctx: PageContext, series: pd.DataFrame) -> None:
    """Every equity figure over all months, one small chart each: falling means more equal."""
    st.markdown(f"**{ctx.t('services.trend_all')}**")
    per_row = 4
    fig = make_subplots(rows=-(-len(EQUITY_FIGURES) // per_row), cols=per_row, vertical_spacing=0.22,
                        horizontal_spacing=0.07,
                        subplot_titles=[ctx.t(f"equity.{key}.label") for _, key, _ in EQUITY_FIGURES])
    for i, (column, _, fmt) in enumerate(EQUITY_FIGURES):
        r, c = divmod(i, per_row)
        fig.add_scatter(x=list(series.index), y=list(series[column]), mode="lines", showlegend=False,
                        line=dict(color="#1f5fa8", width=2), row=r + 1, col=c + 1,
                        hovertemplate="%{x}: %{y:" + fmt[2:-1] + "}<extra></extra>")
        fig.update_yaxes(rangemode="tozero" if column in _FROM_ZERO else "normal",
                         tickformat=".0%" if column == "gap_diff" else None, row=r + 1, col=c + 1)
    fig.update_xaxes(type="category", nticks=4)
    fig.update_layout(height=420, margin=dict(l=10, r=10, t=40, b=10), font=FONT)
    st.plotly_chart(fig, key="equity_trend_all", config={"displayModeBar": False})


def composite_panel(ctx: PageContext, vt: pd.DataFrame) -> None:
    """The villages ranked by the township's composite index (its one definition), with TOPSIS."""
    st.subheader(ctx.t("services.composite"))
    index_caption(ctx)
    index_form(ctx)
    if len(vt) < 2:  # ranks compare villages
        st.info(ctx.t("services.needs_two_villages", n=len(vt)))
        return
    domains = ctx.data.domains()
    wide = vt.set_index("village_id")[[coverage_key(d) for d in domains["domain_id"]]]
    wide.columns = list(domains["domain_id"])
    comp = composite(wide, ctx.data.index_definition().series())
    show_topsis = st.toggle(ctx.t("services.topsis"), key="show_topsis",
                            help=ctx.t("services.index_note", normalization=literal(NORMALIZATION)))
    table = pd.DataFrame({"index": comp.index, "closeness": comp.closeness}).join(
        vt.set_index("village_id")[[f"name_{ctx.lang}", "area_group"]])
    table = table.sort_values("closeness" if show_topsis else "index", ascending=False)
    frame = {ctx.t("services.rank"): range(1, len(table) + 1),
             ctx.t("party.village"): table[f"name_{ctx.lang}"],
             ctx.t("services.group"): [ctx.t("group." + g) for g in table["area_group"]],
             ctx.t("services.index"): table["index"] * 100}
    if show_topsis:
        frame[ctx.t("services.closeness")] = table["closeness"]
    frame[ctx.t("services.profile")] = [state.profile_url(v) for v in table.index]
    st.dataframe(pd.DataFrame(frame), hide_index=True, width="stretch", height=420,
                 column_config={ctx.t("services.index"): st.column_config.ProgressColumn(
                     format="%.1f", min_value=0, max_value=100), **_profile_link(ctx)})


def norms_panel(ctx: PageContext) -> None:
    st.subheader(ctx.t("services.norms"))
    norms = ctx.data.norms()
    if norms.empty:
        st.info(ctx.t("profile.no_norms"))
        return
    gaps = norm_gaps(ctx.data.villages(), ctx.data.facilities(), ctx.data.coverage(ctx.period), norms)
    short = gaps[~gaps["met"]]
    villages = ctx.data.villages().set_index("village_id")[f"name_{ctx.lang}"]
    norm_names = norms.set_index("norm_id")[f"name_{ctx.lang}"]
    unit = lambda m: "count" if m == "facility_count" else "percent"  # noqa: E731
    st.caption(ctx.t("services.norms_caption", n=len(short), total=len(gaps)))
    st.dataframe(pd.DataFrame({
        ctx.t("party.village"): short["village_id"].map(villages),
        ctx.t("services.norm"): short["norm_id"].map(norm_names),
        ctx.t("services.actual"): [format_value(a, unit(m), ctx.lang) for a, m in zip(short["actual"], short["measure"])],
        ctx.t("services.norm_threshold"): [format_value(a, unit(m), ctx.lang)
                                           for a, m in zip(short["threshold"], short["measure"])],
        ctx.t("services.profile"): [state.profile_url(v) for v in short["village_id"]],
    }), hide_index=True, width="stretch", height=360, column_config=_profile_link(ctx))


def _profile_link(ctx: PageContext) -> dict:
    """Column config of the link to each village's profile."""
    return {ctx.t("services.profile"): st.column_config.LinkColumn(
        ctx.t("services.profile"), display_text=ctx.t("overview.open_profile"), width="small")}


def accessibility_panel(ctx: PageContext) -> None:
    st.subheader(ctx.t("services.access"))
    c1, c2 = st.columns(2)
    km = c1.slider(ctx.t("services.access_km"), 2.0, 20.0, settings.number("access_threshold_km"), 0.5,
                   key="access_km")
    method = c2.radio(ctx.t("services.access_method"), ["e2sfca", "2sfca"], horizontal=True,
                      key="access_method", format_func=lambda m: ctx.t(f"services.method_{m}"))
    access = ctx.data.accessibility(km, method)
    villages = ctx.data.villages().set_index("village_id")[f"name_{ctx.lang}"]
    table = access.rename(columns=_domain_names(ctx))
    table.insert(0, ctx.t("party.village"), table.index.map(villages))
    st.dataframe(table.round(2), hide_index=True, width="stretch", height=420)
    unreached = access.attrs.get("unreached_facilities") or []
    st.caption(ctx.t("services.access_note", factor=literal(settings.get("terrain_factor")),
                     unreached=len(unreached)))
    unlocated = [v for v in access.attrs.get("unlocated_villages") or [] if v in villages.index]
    if unlocated:
        st.caption(ctx.t("services.access_unlocated", n=len(unlocated),
                         names=name_list(ctx, ctx.data.villages().set_index("village_id").loc[unlocated])))
