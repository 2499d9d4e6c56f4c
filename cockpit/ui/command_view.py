"""The command screen (指挥大屏): a dark, large-type wall display that refreshes itself.

Everything inside ``screen`` runs in one ``st.fragment(run_every=...)``; data come from the
cache, so a refresh re-reads the database only when it changed. Every text put into HTML here
goes through :func:`cockpit.text.literal.literal`.
"""

from __future__ import annotations

import time
from datetime import datetime

import pandas as pd
import streamlit as st

from cockpit import settings
from cockpit.cases.command_screen import WALL_METRICS, below_target, case_state, overdue_villages
from cockpit.text.numbers import format_value
from cockpit.text.literal import LONG, NAME, literal
from cockpit.metrics.catalog import MAP_METRICS, coverage_key, metric
from cockpit.values.periods import month_bounds
from cockpit.text.privacy import mask_text
from cockpit.ui.card_view import legend
from cockpit.ui.kpi import markdown_label, metric_label
from cockpit.ui.map_view import MapOptions, township_deck
from cockpit.ui.cases_view import alert_name
from cockpit.ui.shell import PageContext, refreshed

__all__ = ["screen", "panels"]

# The page is designed for a 1920×1080 wall and scales as a whole with the screen:
# - type and spacing are in rem, and the root font size follows the viewport
#   (16 px at 1920×1080, 32 px at 3840×2160, the smaller of width and height decides), so
#   Streamlit's own rem-based paddings and gaps scale too and 4K shows the same composition;
# - the map (deck.gl canvas, whose height Streamlit sets in px from Python) gets CSS
#   ``zoom: k`` with k = the same scale factor, and a height in vh. deck.gl sizes its canvas
#   in device pixels (ResizeObserver), so at k = 2 it renders 2× sharp, not upscaled, and the
#   fitted geographic zoom, label sizes and line widths stay in proportion. k comes from CSS
#   typed arithmetic (100vw / 1920px); browsers without it get k from media queries.
DESIGN_WIDTH, DESIGN_HEIGHT = 1920, 1080  # CSS px the layout is designed for
MAP_HEIGHT = 790  # design px of the map on a 1920×1080 kiosk; CSS recomputes it from the screen height
# Design px above the map (title, KPI wall, legend) plus the margin below it; the map fills the rest.
MAP_TOP = {True: 290, False: 430}  # kiosk, with menus (metric selector, larger top padding)
ROWS_SHOWN = 5  # rows of each list in the alerts panel (so it fits a 1080-pixel-high wall)
ROWS_SHOWN_BOTH = 3  # rows per list when rotation is off and both panels share the column
LABEL_SIZE = 17  # design px of the village names on the map (the wall is read from afar)


def _css(kiosk: bool) -> str:
    top = MAP_TOP[kiosk]
    rem_vw = 100 * 16 / DESIGN_WIDTH
    rem_vh = 100 * 16 / DESIGN_HEIGHT
    # the legend's help icon: nothing to hover on a wall
    hide_help = "[data-testid='stTooltipIcon'] { display:none !important; }" if kiosk else ""
    return f"""
<style>
:root {{ --cmd-k: 1; }}
@media (min-width: 2560px) and (min-height: 1440px) {{ :root {{ --cmd-k: 1.3333; }} }}
@media (min-width: 3840px) and (min-height: 2160px) {{ :root {{ --cmd-k: 2; }} }}
@supports (zoom: calc(100vw / {DESIGN_WIDTH}px)) {{
  :root {{ --cmd-k: clamp(0.625, min(100vw / {DESIGN_WIDTH}px, 100vh / {DESIGN_HEIGHT}px), 5); }}
}}
html {{ font-size: clamp(10px, min({rem_vw:.4f}vw, {rem_vh:.4f}vh), 80px) !important; }}
.block-container {{ padding-bottom: 1rem !important; }}
[data-testid="stApp"], [data-testid="stHeader"] {{ background: #0b1220; }}
[data-testid="stApp"] * {{ color: #e5e9f0; }}
[data-testid="stApp"] [data-testid="stSidebar"] {{ color: #1f2933; }} /* the light sidebar with menus */
[data-testid="stSidebar"] * {{ color: inherit; }}
[data-testid="stMain"] [data-testid="stSelectbox"] input {{ color: #1f2933; }} /* the metric selector: a light field */
.cmd-top {{ display:flex; justify-content:space-between; align-items:baseline; gap:1rem; margin-bottom:.6rem; }}
.cmd-title {{ font-size: 2.6rem; font-weight: 700; letter-spacing: .04em; }}
.cmd-meta {{ font-size: 1.25rem; opacity: .8; }}
.cmd-top .cmd-meta {{ white-space:nowrap; }}
.cmd-wall {{ display:grid; grid-template-columns: repeat(8, minmax(0, 1fr)); gap: .75rem; margin-bottom: .9rem; }}
.cmd-tile {{ background:#111a2e; border:1px solid #1f2b45; border-radius:.6rem; padding:.75rem .9rem; min-width:0; }}
.cmd-label {{ font-size: 1.05rem; opacity:.75; white-space:nowrap; overflow:hidden; text-overflow:ellipsis; }}
.cmd-value {{ font-size: 2.6rem; font-weight: 700; line-height: 1.15; white-space:nowrap; }}
.cmd-value.bad {{ color:#ff8a7a !important; }} .cmd-value.good {{ color:#7ee2a8 !important; }}
.cmd-panel {{ background:#111a2e; border:1px solid #1f2b45; border-radius:.6rem; padding:.9rem 1.1rem;
             margin-bottom:.75rem; }}
.cmd-panel h3 {{ font-size: 1.5rem; margin: 0 0 .5rem 0; padding: 0; }}
.cmd-row {{ display:flex; justify-content:space-between; align-items:center; gap:.75rem; font-size:1.2rem;
           padding:.3rem 0; border-bottom:1px solid #1f2b45; }}
.cmd-row span:first-child {{ overflow:hidden; text-overflow:ellipsis; white-space:nowrap; }}
.cmd-tag {{ font-size: .95rem; padding: .06rem .5rem; border-radius: .5rem; background:#1f2b45; white-space:nowrap; }}
.cmd-tag.overdue {{ background:#7f1d1d; }} .cmd-tag.closed {{ background:#14532d; }}
.cmd-dots {{ text-align:right; font-size:1rem; opacity:.7; }}
/* the legend (cockpit.ui.card_view) draws its swatches in px: scale them with the type */
[data-testid="stMarkdown"]:has(.map-legend) > div {{ height:auto; }}
.map-legend {{ font-size: 1.05rem !important; }}
.map-legend > span[style] {{ gap:.4rem !important; margin-right:.9rem !important; }}
.map-legend > span[style] > span {{ width:1.4rem !important; height:.9rem !important; }}
{hide_help}
/* the map: same composition at any size (see the comment at the top of this module) */
[data-testid="stDeckGlJsonChart"] {{
  zoom: var(--cmd-k);
  height: max(calc(100vh / var(--cmd-k) - {top}px), 300px) !important;
}}
/* Streamlit sizes the chart's wrappers from the Python height (flex-basis, height): follow the map */
[data-testid="stElementContainer"]:has(> [data-testid="stFullScreenFrame"] > [data-testid="stDeckGlJsonChart"]),
[data-testid="stFullScreenFrame"]:has(> [data-testid="stDeckGlJsonChart"]) {{
  flex: 0 0 auto !important; height: auto !important;
}}
/* the deck's full-screen button: a white square on the dark wall, and no one clicks a wall */
[data-testid="stDeckGlJsonChart"] [data-testid="stElementToolbar"] {{ display:none !important; }}
</style>
"""


def _wall(ctx: PageContext, row: pd.Series, target: float) -> str:
    tiles = []
    for key in WALL_METRICS:
        m = metric(key)
        value = row.get(key)
        tone = ""
        if key == "overdue_at_end" and value:
            tone = "bad"
        elif key == "on_time_rate" and pd.notna(value):
            tone = "good" if value >= target else "bad"
        tiles.append(f"<div class='cmd-tile'><div class='cmd-label'>{markdown_label(ctx, key)}</div>"
                     f"<div class='cmd-value {tone}'>{literal(format_value(value, m.unit, ctx.lang))}</div></div>")
    return "<div class='cmd-wall'>" + "".join(tiles) + "</div>"


def _rows(items: list[tuple[str, str, str]]) -> str:
    """Rows of (text, tag, tag class)."""
    return "".join(f"<div class='cmd-row'><span>{literal(text, LONG)}</span>"
                   f"<span class='cmd-tag {literal(cls)}'>{literal(tag)}</span></div>" for text, tag, cls in items)


def _alerts_panel(ctx: PageContext, vt: pd.DataFrame, target: float, rows: int) -> str:
    names = vt.set_index("village_id")[f"name_{ctx.lang}"]
    overdue = overdue_villages(vt).head(rows)
    low = below_target(vt, "on_time_rate", target).head(rows)
    parts = [f"<h3>{literal(ctx.t('command.alerts'))}</h3>"]
    parts.append(f"<div class='cmd-meta'>{literal(ctx.t('command.overdue_by_village'))}</div>")
    parts.append(_rows([(names[v], ctx.t("command.n_cases", n=int(n)), "overdue")
                        for v, n in zip(overdue["village_id"], overdue["overdue_at_end"])])
                 or f"<div class='cmd-row'>{literal(ctx.t('command.none'))}</div>")
    parts.append(f"<div class='cmd-meta' style='margin-top:10px'>"
                 f"{literal(ctx.t('command.below_target', target=format_value(target, 'percent')))}</div>")
    parts.append(_rows([(names[v], format_value(x, "percent"), "overdue")
                        for v, x in zip(low["village_id"], low["on_time_rate"])])
                 or f"<div class='cmd-row'>{literal(ctx.t('command.none'))}</div>")
    spikes = ctx.data.case_alerts(ctx.period).head(ROWS_SHOWN // 2)
    categories = ctx.data.categories()
    parts.append(f"<div class='cmd-meta' style='margin-top:10px'>{literal(ctx.t('cases.alerts'))}</div>")
    parts.append(_rows([(alert_name(ctx, r.kind, r.key, categories),
                         ctx.t("command.spike", n=int(r.count), usual=f"{r.baseline:.0f}"), "overdue")
                        for r in spikes.itertuples()])
                 or f"<div class='cmd-row'>{literal(ctx.t('command.none'))}</div>")
    return "<div class='cmd-panel'>" + "".join(parts) + "</div>"


def _ticker_panel(ctx: PageContext, rows: int) -> str:
    as_of = month_bounds(ctx.period)[1]
    latest = ctx.data.latest_cases(as_of, limit=rows)
    names = ctx.data.villages().set_index("village_id")[f"name_{ctx.lang}"]
    states = case_state(latest, as_of)
    items = [(f"{pd.Timestamp(r.received_at):%m-%d %H:%M} · {names.get(r.village_id, r.village_id)} · "
              f"{mask_text(r.summary)}", ctx.t(f"command.state.{s}"), s)  # a wall is public: masked
             for r, s in zip(latest.itertuples(), states)]
    return (f"<div class='cmd-panel'><h3>{literal(ctx.t('command.latest'))}</h3>"
            + (_rows(items) or f"<div class='cmd-row'>{literal(ctx.t('command.none'))}</div>") + "</div>")


def panels(ctx: PageContext, vt: pd.DataFrame, target: float, both: bool = False) -> list[str]:
    """The side panels in rotation order: alerts, then the latest cases.

    ``both``: the panels are shown together (rotation off), so each list is shorter and the
    column still fits the screen's height.
    """
    if both:
        return [_alerts_panel(ctx, vt, target, ROWS_SHOWN_BOTH), _ticker_panel(ctx, ROWS_SHOWN)]
    return [_alerts_panel(ctx, vt, target, ROWS_SHOWN), _ticker_panel(ctx, 2 * ROWS_SHOWN)]


def _wall_labels(deck) -> None:
    """Village names on the wall: larger (it is read from across the room), and a long name
    ("Shangping Village") on two lines so it stays inside its village, clear of its neighbours'."""
    for layer in deck.layers:
        if layer.type == "TextLayer":
            layer.get_size = LABEL_SIZE
            layer.data = [{**d, "text": "\n".join(d["text"].rsplit(" ", 1)) if len(d["text"]) > 8 else d["text"]}
                          for d in layer.data]


def _metric_choice(ctx: PageContext) -> str:
    keys = [coverage_key(d) for d in ctx.data.domains()["domain_id"]] + list(MAP_METRICS)
    wanted = st.query_params.get("metric", "service_index")
    default = wanted if wanted in keys else "service_index"
    if ctx.kiosk:
        return default
    return st.selectbox(ctx.t("map.metric"), keys, index=keys.index(default), key="command_metric",
                        format_func=lambda k: metric_label(ctx, k))


def screen(ctx: PageContext) -> None:
    st.markdown(_css(ctx.kiosk), unsafe_allow_html=True)
    refresh = settings.number("command_refresh_seconds")
    rotation = settings.number("command_rotation_seconds")
    target = ctx.data.case_targets()["on_time_rate"]
    metric_key = _metric_choice(ctx)
    every = min(refresh, rotation) if rotation > 0 else refresh

    @st.fragment(run_every=every)
    def body() -> None:
        now_ctx = refreshed(ctx)
        _screen_body(now_ctx, metric_key, target, rotation)

    body()


def _closed_mark(ctx: PageContext) -> str:
    """"closed · " when the month's figures are the signed ones (month close), else nothing."""
    closed = ctx.data.signed() and ctx.period in ctx.data.month_closes()
    return f"{literal(ctx.t('close.figures.closed'))} · " if closed else ""


def _screen_body(ctx: PageContext, metric_key: str, target: float, rotation: float) -> None:
    """What the fragment draws on every refresh."""
    vt = ctx.data.village_table(ctx.period)
    row = ctx.data.township_series().loc[ctx.period]
    now = datetime.now()
    st.markdown(
        f"<div class='cmd-top'><span class='cmd-title'>{literal(ctx.township_name, NAME)} · "
        f"{literal(ctx.t('nav.command'))}</span><span class='cmd-meta'>{literal(ctx.t.period(ctx.period))} · "
        f"{_closed_mark(ctx)}"
        f"<span data-testid='last-refresh'>{literal(ctx.t('command.refreshed', time=f'{now:%H:%M:%S}'))}"
        f"</span></span></div>" + _wall(ctx, row, target), unsafe_allow_html=True)
    left, right = st.columns([1.75, 1], gap="medium")
    with left:
        deck, entries = township_deck(ctx, vt, MapOptions(metric_key, [], ctx.lang), None,
                                      height=MAP_HEIGHT)
        _wall_labels(deck)
        legend(ctx, metric_label(ctx, metric_key), entries, ctx.t(f"unit.{metric(metric_key).unit}"))
        st.pydeck_chart(deck, height=MAP_HEIGHT, key="command_map")
    with right:
        shown = panels(ctx, vt, target, both=rotation <= 0)
        if rotation > 0:
            index = int(time.time() // rotation) % len(shown)
            st.markdown(shown[index] + f"<div class='cmd-dots'>{index + 1} / {len(shown)}</div>",
                        unsafe_allow_html=True)
        else:
            st.markdown("".join(shown), unsafe_allow_html=True)
