"""The county page: townships ranked on the same figures, how much of the county's inequality lies
between its townships, and the 条块 matrix of departments × townships (cockpit.county.figures)."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from cockpit import settings

from cockpit.geo import boundaries as geo
from cockpit.geo.choropleth import choropleth, tooltip_fields
from cockpit.county.figures import department_township, township_equality, township_table
from cockpit.text.numbers import format_value
from cockpit.text.literal import NAME, SHORT, clean
from cockpit.metrics.catalog import metric
from cockpit.meeting.charts import plain
from cockpit.ui import state
from cockpit.ui.pages import page_spec
from cockpit.ui.card_view import legend
from cockpit.ui.charts import FONT
from cockpit.ui.map_view import MAP_VIEW_WIDTH, build_deck, clicked_village, load_boundaries
from cockpit.ui.shell import PageContext, translated_radio

__all__ = ["is_county", "townships_figures", "equality_tiles", "county_map", "ranking", "department_matrix"]

_MAP_METRICS = ("service_index", "on_time_rate", "satisfaction_rate", "cases_per_10k", "funding_per_resident")
_MAP_HEIGHT = 560

_RANKED = ("service_index", "on_time_rate", "closure_rate", "satisfaction_rate", "cases_per_10k",
           "funding_per_resident")


def is_county(ctx: PageContext) -> bool:
    return not ctx.data.townships().empty


def townships_figures(ctx: PageContext) -> pd.DataFrame:
    return township_table(ctx.data.village_table(ctx.period), ctx.data.townships(), ctx.data.weights,
                          ctx.data.month_close_totals(ctx.period))


def equality_tiles(ctx: PageContext) -> None:
    """Theil T of the villages' service index, and the parts between townships and urban–rural."""
    eq = township_equality(ctx.data.village_table(ctx.period), ctx.data.townships())
    cols = st.columns(3)
    cols[0].metric(ctx.t("county.theil"), "–" if pd.isna(eq["total"]) else f"{eq['total']:.4f}", border=True,
                   help=ctx.t("county.theil_help"))
    cols[1].metric(ctx.t("county.between_townships"), format_value(eq["townships_share"], "percent", ctx.lang),
                   border=True, help=ctx.t("county.between_townships_help"))
    cols[2].metric(ctx.t("county.between_urban_rural"), format_value(eq["urban_rural_share"], "percent", ctx.lang),
                   border=True, help=ctx.t("county.between_urban_rural_help"))


def _open_township(code: str) -> None:
    st.session_state[state.TOWNSHIP] = code
    st.switch_page(page_spec("map").path, query_params=state.shared_query_params())


def county_map(ctx: PageContext, table: pd.DataFrame) -> None:
    """The townships (their villages' boundaries joined) coloured by a figure; a click opens one."""
    st.subheader(ctx.t("county.map"))
    key = translated_radio(ctx.lang, ctx.t("county.map_metric"), list(_MAP_METRICS), "county_map_metric",
                           lambda k: ctx.t(f"metric.{k}.label"), horizontal=True)
    if not settings.path("geodata_path").is_file():
        st.info(ctx.t("county.no_boundaries"))
        return
    groups = ctx.data.townships().rename(columns={"township_code": "group_id"})
    shapes = geo.dissolve(load_boundaries(ctx), groups)
    if shapes.empty:
        st.info(ctx.t("county.no_boundaries"))
        return
    chor = choropleth(table[key], key, ctx.lang, ctx.t("map.no_data"))
    unit = metric(key).unit
    props = pd.DataFrame([{
        "village_id": code, "fill": fill,
        **tooltip_fields(ctx.t.name(table.loc[code]), ctx.t("county.villages_n", n=int(table.at[code, "villages"])),
                         [(ctx.t(f"metric.{k}.label"), format_value(table.at[code, k], metric(k).unit, ctx.lang))
                          for k in dict.fromkeys((key,) + _MAP_METRICS)], ctx.t("punct.colon"))}
        for code, fill in chor.colors.items()])
    view = geo.view_state(shapes, width_px=MAP_VIEW_WIDTH, height_px=_MAP_HEIGHT)
    names = table[f"name_{ctx.lang}"]
    labels = [{"lon": float(r["lon"]), "lat": float(r["lat"]), "text": clean(names[r["village_id"]], SHORT)}
              for _, r in geo.label_points(shapes).iterrows() if r["village_id"] in names.index]
    legend(ctx, ctx.t(f"metric.{key}.label"), chor.legend, ctx.t(f"unit.{unit}"))
    deck = build_deck(geo.to_feature_collection(shapes, props), {"type": "FeatureCollection", "features": []},
                      labels, [], view)
    event = st.pydeck_chart(deck, on_select="rerun", selection_mode="single-object", key="county_map",
                            height=_MAP_HEIGHT)
    clicked = clicked_village(event)
    if clicked in table.index:
        _open_township(clicked)


def ranking(ctx: PageContext, table: pd.DataFrame) -> None:
    """The townships, best service index first; choosing one opens its villages on the map."""
    st.subheader(ctx.t("county.ranking"))
    shown = pd.DataFrame({
        ctx.t("county.township"): [clean(n, NAME) for n in table[f"name_{ctx.lang}"]],
        ctx.t("county.villages"): table["villages"].astype(int),
        ctx.t("county.population"): [format_value(v, "count", ctx.lang) for v in table["population"]],
        **{ctx.t(f"metric.{key}.label"): [format_value(v, metric(key).unit, ctx.lang) for v in table[key]]
           for key in _RANKED},
        ctx.t("county.figures"): [ctx.t("county.figures.signed" if s else "county.figures.now") for s in table["signed"]]})
    event = st.dataframe(shown, hide_index=True, width="stretch", height=35 * (len(shown) + 1) + 3, on_select="rerun",
                         selection_mode="single-row", key="county_ranking")
    st.caption(ctx.t("county.ranking_note") + " " + ctx.t("county.signed_note"))
    rows = event.selection.rows if event is not None else []
    if rows:
        _open_township(str(table.index[rows[0]]))


def department_matrix(ctx: PageContext, table: pd.DataFrame) -> None:
    """Departments × townships: the cases each received, or their on-time rate."""
    st.subheader(ctx.t("county.matrix"))
    value = translated_radio(ctx.lang, ctx.t("county.matrix_value"), ["received", "on_time_rate"],
                             "county_matrix_value", lambda v: ctx.t(f"metric.{v}.label"), horizontal=True)
    matrix = department_township(ctx.data.case_matrix(ctx.period), ctx.data.townships(), value)
    departments = ctx.data.departments().set_index("department_id")[f"name_{ctx.lang}"]
    matrix = matrix.reindex(columns=[c for c in table.index if c in matrix.columns])
    unit = "count" if value == "received" else "percent"
    z = matrix.to_numpy(dtype=float)
    fig = go.Figure(go.Heatmap(
        z=z, x=[plain(table.at[c, f"name_{ctx.lang}"]) for c in matrix.columns],
        y=[plain(departments.get(d, d)) for d in matrix.index],
        text=[[("" if pd.isna(v) else format_value(v, unit, ctx.lang)) for v in row] for row in z],
        texttemplate="%{text}", colorscale="Blues" if value == "received" else "RdYlGn",
        **({} if value == "received" else {"zmin": 0.5, "zmax": 1.0}), showscale=False,
        hovertemplate="%{y} · %{x}: %{text}<extra></extra>"))
    fig.update_layout(height=80 + 34 * len(matrix), margin=dict(l=10, r=10, t=10, b=10), font=FONT,
                      xaxis=dict(side="top", automargin=True), yaxis=dict(autorange="reversed", automargin=True))
    st.plotly_chart(fig, key="county_matrix", config={"displayModeBar": False})
