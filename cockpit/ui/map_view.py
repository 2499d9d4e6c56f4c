"""The village map: controls, the pydeck chart, its legend and the click selection."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pydeck as pdk
import streamlit as st

from cockpit import settings

from cockpit.geo import boundaries as geo
from cockpit.geo.choropleth import TOOLTIP, choropleth, tooltip_fields
from cockpit.text.numbers import format_value
from cockpit.text.literal import NAME, SHORT, clean, literal
from cockpit.geo.labels import printable
from cockpit.metrics.catalog import MAP_METRICS, access_key, coverage_key, domain_of, metric
from cockpit.ui import state
from cockpit.ui.device import on_phone
from cockpit.ui.kpi import metric_label
from cockpit.ui.shell import PageContext

__all__ = ["MapOptions", "map_controls", "village_map", "township_deck", "build_deck", "clicked_village", "MAP_KEY",
           "MAP_VIEW_WIDTH", "LABEL_MODES", "load_boundaries"]

MAP_KEY = "village_map"
MAP_HEIGHT = 700
MAP_VIEW_WIDTH = 800  # px the view is fitted to (the map column of a 1600 px screen)
PHONE_VIEW_WIDTH, PHONE_MAP_HEIGHT = 340, 420  # a phone's map: the whole of it in 390 px, the page scrolls past
LABEL_MODES = ("zh", "en", "both", "none")
_DOMAIN_COLORS = [(31, 119, 180), (214, 39, 40), (148, 103, 189), (255, 127, 14), (140, 86, 75),
                  (23, 190, 207), (227, 119, 194), (127, 127, 127)]
_LABEL_FONT = "'Noto Sans CJK SC', 'Noto Sans SC', 'Microsoft YaHei', 'PingFang SC', sans-serif"
_TOOLTIP_STYLE = {"backgroundColor": "#1f2937", "color": "white", "fontSize": "14px",
                  "padding": "8px 10px", "borderRadius": "6px", "whiteSpace": "pre-line",
                  "maxWidth": "420px", "overflowWrap": "anywhere"}


@dataclass(frozen=True)
class MapOptions:
    metric_key: str
    facility_domains: list[str]
    label_mode: str


@st.cache_resource(show_spinner=False)
def _boundaries(path: str, mtime: int):
    return geo.load_villages_geojson(path)


def load_boundaries(ctx: PageContext):
    """The polygons of the villages the user may see (all, or a village secretary's own); stops
    the page with a clear message when the file is unusable."""
    path: Path = settings.path("geodata_path")
    try:
        gdf = _boundaries(str(path), path.stat().st_mtime_ns if path.exists() else 0)
    except (geo.GeoDataError, OSError) as exc:
        st.error(ctx.t("map.no_geodata", error=literal(exc)))
        st.stop()
    repaired = gdf.attrs.get("repaired_ids") or []
    if ctx.data.scope is not None:
        gdf = gdf[gdf["village_id"].isin(ctx.data.scope)]
        repaired = [v for v in repaired if v in ctx.data.scope]
    if repaired:
        st.warning(ctx.t("map.geodata_repaired", ids=", ".join(literal(v, SHORT) for v in repaired)))
    return gdf


def map_controls(ctx: PageContext) -> MapOptions:
    domains = ctx.data.domains()
    keys = ([coverage_key(d) for d in domains["domain_id"]] + list(MAP_METRICS)
            + [access_key(d) for d in domains["domain_id"]])
    names = dict(zip(domains["domain_id"], domains[f"name_{ctx.lang}"]))
    vt = ctx.data.village_table(ctx.period)
    first = next((i for i, k in enumerate(keys) if k in vt and vt[k].notna().any()), 0)  # one with data
    c1, c2, c3 = st.columns([2, 3, 2])
    with c1:
        key = st.selectbox(ctx.t("map.metric"), keys, index=first, key="map_metric",
                           format_func=lambda k: ctx.t("map.coverage_of", domain=names[domain_of(k)])
                           if domain_of(k) else metric_label(ctx, k))
    with c2:
        shown = st.multiselect(ctx.t("map.facilities"), list(domains["domain_id"]),
                               default=[], key="map_facilities", format_func=names.get,
                               placeholder=ctx.t("map.facilities_placeholder"))
    with c3:
        mode = st.segmented_control(ctx.t("map.labels"), LABEL_MODES, key="map_labels",
                                    default=ctx.lang,
                                    format_func=lambda m: ctx.t(f"map.labels_{m}"))
    return MapOptions(key, shown, mode or "none")


def _label_text(row, mode: str) -> str:
    """A village's label on the map: its name(s), each one line cut to the label's width."""
    if mode == "both":
        return f"{clean(row['name_zh'], SHORT)}\n{clean(row['name_en'], SHORT)}"
    return clean(row[f"name_{mode}"], SHORT)


def _village_tooltips(ctx: PageContext, vt: pd.DataFrame, key: str) -> dict[str, dict]:
    shown = [key] + [k for k in ("service_index", "on_time_rate", "satisfaction_rate") if k != key]
    tips = {}
    for _, row in vt.iterrows():
        rows = [(ctx.t("card.population"), format_value(row["population"], "count"))]
        rows += [(metric_label(ctx, k), format_value(row[k], metric(k).unit, ctx.lang)) for k in shown]
        subtitle = f"{ctx.t('kind.' + row['kind'])} · {ctx.t('group.' + row['area_group'])}"
        tips[row["village_id"]] = tooltip_fields(ctx.t.name(row), subtitle, rows, ctx.t("punct.colon"))
    return tips


def _facility_records(ctx: PageContext, domains_shown: list[str]) -> list[dict]:
    fac = ctx.data.facilities()
    domains = ctx.data.domains().reset_index(drop=True)
    color = {d: _DOMAIN_COLORS[i % len(_DOMAIN_COLORS)] for i, d in enumerate(domains["domain_id"])}
    dname = dict(zip(domains["domain_id"], domains[f"name_{ctx.lang}"]))
    out = []
    vnames = ctx.data.villages().set_index("village_id")[f"name_{ctx.lang}"]
    for _, f in fac[fac["domain_id"].isin(domains_shown)].iterrows():
        rows = [(ctx.t("map.tip_village"), vnames.get(f["village_id"], f["village_id"])),
                (ctx.t("map.tip_staff"), f"{f['staff']:.1f}"),
                (ctx.t("map.tip_capacity"), format_value(f["capacity"], "count"))]
        out.append({"lon": float(f["lon"]), "lat": float(f["lat"]),
                    "color": [*color[f["domain_id"]], 235],
                    **tooltip_fields(ctx.t.name(f), dname[f["domain_id"]], rows, ctx.t("punct.colon"))})
    return out


def build_deck(villages_fc: dict, selected_fc: dict, labels: list[dict], facilities: list[dict],
               view: dict) -> pdk.Deck:
    """The offline deck: village polygons, selection outline, facility points and labels."""
    layers = [
        pdk.Layer("GeoJsonLayer", id="villages", data=villages_fc, pickable=True, stroked=True,
                  filled=True, get_fill_color="properties.fill", get_line_color=[255, 255, 255],
                  line_width_min_pixels=1.5, auto_highlight=True, highlight_color=[255, 255, 255, 70]),
        pdk.Layer("GeoJsonLayer", id="selected", data=selected_fc, pickable=False, stroked=True,
                  filled=False, get_line_color=[17, 24, 39], line_width_min_pixels=4),
        pdk.Layer("ScatterplotLayer", id="facilities", data=facilities, pickable=True,
                  get_position="[lon, lat]", get_fill_color="color", get_radius=6,
                  radius_units="pixels", stroked=True, get_line_color=[255, 255, 255],
                  line_width_min_pixels=1.5),
        pdk.Layer("TextLayer", id="labels", data=labels, pickable=False, get_position="[lon, lat]",
                  get_text="text", get_size=14, get_color=[17, 24, 39],
                  # pdk String: pydeck would turn a plain string into an accessor expression.
                  character_set=pdk.types.String("auto"),
                  font_family=pdk.types.String(_LABEL_FONT),
                  font_weight=600, background=True, get_background_color=[255, 255, 255, 190],
                  background_padding=[3, 1]),
    ]
    # map_provider=None and no map_style: pydeck then writes its "__MAP_STYLE__" sentinel, which
    # Streamlit drops. An explicit map_style=None makes Streamlit 1.67 fetch a Carto basemap.
    return pdk.Deck(layers=layers, initial_view_state=pdk.ViewState(**view), map_provider=None,
                    tooltip={"text": TOOLTIP, "style": _TOOLTIP_STYLE})


def clicked_village(event) -> str | None:
    try:
        objects = event["selection"]["objects"].get("villages") or []
        return objects[0]["properties"]["village_id"] if objects else None
    except (KeyError, TypeError, AttributeError, IndexError):
        return None


def township_deck(ctx: PageContext, vt: pd.DataFrame, opts: MapOptions, selected: str | None,
                  height: int = MAP_HEIGHT, width: int = MAP_VIEW_WIDTH) -> tuple[pdk.Deck, list]:
    """The deck for ``vt`` coloured by ``opts.metric_key``, fitted to a ``width`` × ``height`` px
    view, and its legend entries."""
    gdf = load_boundaries(ctx)
    vt = vt[vt["village_id"].isin(gdf["village_id"])]
    chor = choropleth(vt.set_index("village_id")[opts.metric_key], opts.metric_key, ctx.lang,
                      ctx.t("map.no_data"))
    tips = _village_tooltips(ctx, vt, opts.metric_key)
    props = pd.DataFrame([{"village_id": v, "fill": fill, **tips[v]}
                          for v, fill in chor.colors.items()])
    fc = geo.to_feature_collection(gdf, props)
    selected_fc = {"type": "FeatureCollection",
                   "features": [f for f in fc["features"] if f["properties"]["village_id"] == selected]}
    labels = []
    view = geo.view_state(gdf, width_px=width, height_px=height)
    if opts.label_mode != "none":
        points = geo.label_points(gdf).assign(weight=[g.area for g in gdf.geometry]).merge(
            vt[["village_id", "name_zh", "name_en"]], on="village_id")
        points["text"] = [_label_text(r, opts.label_mode) for _, r in points.iterrows()]
        points = points[printable(points, view)]     # no name printed over another (300 villages)
        labels = [{"lon": float(r["lon"]), "lat": float(r["lat"]), "text": r["text"]} for _, r in points.iterrows()]
    deck = build_deck(fc, selected_fc, labels, _facility_records(ctx, opts.facility_domains), view)
    return deck, chor.legend


def name_list(ctx: PageContext, villages: pd.DataFrame) -> str:
    """The villages' names in the user's language, as plain text, in a list."""
    return ("、" if ctx.lang == "zh" else ", ").join(literal(n, NAME) for n in villages[f"name_{ctx.lang}"])


def village_map(ctx: PageContext, opts: MapOptions, vt: pd.DataFrame) -> tuple[str | None, list]:
    """Draw the map; return the selected village id (kept across metric changes) and legend."""
    selected = state.selected_village(set(vt["village_id"]))
    width, height = (PHONE_VIEW_WIDTH, PHONE_MAP_HEIGHT) if on_phone() else (MAP_VIEW_WIDTH, MAP_HEIGHT)
    deck, legend = township_deck(ctx, vt, opts, selected, height, width)
    event = st.pydeck_chart(deck, on_select="rerun", selection_mode="single-object", key=MAP_KEY,
                            height=height)
    absent = vt[~vt["village_id"].isin(load_boundaries(ctx)["village_id"])]
    if len(absent):
        st.caption(ctx.t("map.without_boundary", n=len(absent), names=name_list(ctx, absent)))
    clicked = clicked_village(event)
    if clicked and clicked != st.session_state.get("_map_last_click"):
        st.session_state["_map_last_click"] = clicked
        state.select_village(clicked)
        st.rerun()
    return selected, legend
