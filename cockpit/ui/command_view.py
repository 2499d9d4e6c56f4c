"""The command screen (指挥大屏): a dark, large-type wall display that refreshes itself.

Everything inside ``screen`` runs in one ``st.fragment(run_every=...)``; data come from the
cache, so a refresh re-reads the database only when it changed. Every data value put into
HTML here is escaped.
"""

from __future__ import annotations

import html
import time
from datetime import datetime

import pandas as pd
import streamlit as st

from cockpit import settings
from cockpit.command import WALL_METRICS, below_target, case_state, overdue_villages
from cockpit.fmt import format_value
from cockpit.metrics.catalog import MAP_METRICS, coverage_key, metric
from cockpit.periods import month_bounds
from cockpit.privacy import mask_text
from cockpit.ui.card_view import legend
from cockpit.ui.kpi import metric_label
from cockpit.ui.map_view import MapOptions, township_deck
from cockpit.ui.cases_view import alert_name
from cockpit.ui.shell import PageContext, refreshed

__all__ = ["screen", "panels"]

MAP_HEIGHT = 700
ROWS_SHOWN = 5  # rows of each list in the alerts panel (so it fits a 1080-pixel-high wall)
_CSS = """
<style>
[data-testid="stApp"], [data-testid="stHeader"] { background: #0b1220; }
[data-testid="stApp"] * { color: #e5e9f0; }
[data-testid="stSidebar"] * { color: inherit; }
.cmd-top { display:flex; justify-content:space-between; align-items:baseline; margin-bottom:10px; }
.cmd-title { font-size: 2.6rem; font-weight: 700; letter-spacing: .04em; }
.cmd-meta { font-size: 1.25rem; opacity: .8; }
.cmd-wall { display:grid; grid-template-columns: repeat(8, minmax(0, 1fr)); gap: 12px; margin-bottom: 14px; }
.cmd-tile { background:#111a2e; border:1px solid #1f2b45; border-radius:10px; padding:12px 14px; min-width:0; }
.cmd-label { font-size: 1.05rem; opacity:.75; white-space:nowrap; overflow:hidden; text-overflow:ellipsis; }
.cmd-value { font-size: 2.6rem; font-weight: 700; line-height: 1.15; white-space:nowrap; }
.cmd-value.bad { color:#ff8a7a !important; } .cmd-value.good { color:#7ee2a8 !important; }
.cmd-panel { background:#111a2e; border:1px solid #1f2b45; border-radius:10px; padding:14px 18px; }
.cmd-panel h3 { font-size: 1.5rem; margin: 0 0 8px 0; }
.cmd-row { display:flex; justify-content:space-between; gap:12px; font-size:1.2rem; padding:5px 0;
           border-bottom:1px solid #1f2b45; }
.cmd-row span:first-child { overflow:hidden; text-overflow:ellipsis; white-space:nowrap; }
.cmd-tag { font-size: .95rem; padding: 1px 8px; border-radius: 8px; background:#1f2b45; white-space:nowrap; }
.cmd-tag.overdue { background:#7f1d1d; } .cmd-tag.closed { background:#14532d; }
.cmd-dots { text-align:right; font-size:1rem; opacity:.7; }
</style>
"""


def _esc(value) -> str:
    return html.escape(str(value))


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
        tiles.append(f"<div class='cmd-tile'><div class='cmd-label'>{_esc(metric_label(ctx, key))}</div>"
                     f"<div class='cmd-value {tone}'>{_esc(format_value(value, m.unit, ctx.lang))}</div></div>")
    return "<div class='cmd-wall'>" + "".join(tiles) + "</div>"


def _rows(items: list[tuple[str, str, str]]) -> str:
    """Rows of (text, tag, tag class)."""
    return "".join(f"<div class='cmd-row'><span>{_esc(text)}</span>"
                   f"<span class='cmd-tag {_esc(cls)}'>{_esc(tag)}</span></div>" for text, tag, cls in items)


def _alerts_panel(ctx: PageContext, vt: pd.DataFrame, target: float) -> str:
    names = vt.set_index("village_id")[f"name_{ctx.lang}"]
    overdue = overdue_villages(vt).head(ROWS_SHOWN)
    low = below_target(vt, "on_time_rate", target).head(ROWS_SHOWN)
    parts = [f"<h3>{_esc(ctx.t('command.alerts'))}</h3>"]
    parts.append(f"<div class='cmd-meta'>{_esc(ctx.t('command.overdue_by_village'))}</div>")
    parts.append(_rows([(names[v], ctx.t("command.n_cases", n=int(n)), "overdue")
                        for v, n in zip(overdue["village_id"], overdue["overdue_at_end"])])
                 or f"<div class='cmd-row'>{_esc(ctx.t('command.none'))}</div>")
    parts.append(f"<div class='cmd-meta' style='margin-top:10px'>"
                 f"{_esc(ctx.t('command.below_target', target=format_value(target, 'percent')))}</div>")
    parts.append(_rows([(names[v], format_value(x, "percent"), "overdue")
                        for v, x in zip(low["village_id"], low["on_time_rate"])])
                 or f"<div class='cmd-row'>{_esc(ctx.t('command.none'))}</div>")
    spikes = ctx.data.case_alerts(ctx.period).head(ROWS_SHOWN // 2)
    categories = ctx.data.categories()
    parts.append(f"<div class='cmd-meta' style='margin-top:10px'>{_esc(ctx.t('cases.alerts'))}</div>")
    parts.append(_rows([(alert_name(ctx, r.kind, r.key, categories),
                         ctx.t("command.spike", n=int(r.count), usual=f"{r.baseline:.0f}"), "overdue")
                        for r in spikes.itertuples()])
                 or f"<div class='cmd-row'>{_esc(ctx.t('command.none'))}</div>")
    return "<div class='cmd-panel'>" + "".join(parts) + "</div>"


def _ticker_panel(ctx: PageContext) -> str:
    as_of = month_bounds(ctx.period)[1]
    latest = ctx.data.latest_cases(as_of)
    names = ctx.data.villages().set_index("village_id")[f"name_{ctx.lang}"]
    states = case_state(latest, as_of)
    items = [(f"{pd.Timestamp(r.received_at):%m-%d %H:%M} · {names.get(r.village_id, r.village_id)} · "
              f"{mask_text(r.summary)}", ctx.t(f"command.state.{s}"), s)  # a wall is public: masked
             for r, s in zip(latest.itertuples(), states)]
    return (f"<div class='cmd-panel'><h3>{_esc(ctx.t('command.latest'))}</h3>"
            + (_rows(items) or f"<div class='cmd-row'>{_esc(ctx.t('command.none'))}</div>") + "</div>")


def panels(ctx: PageContext, vt: pd.DataFrame, target: float) -> list[str]:
    """The side panels in rotation order: alerts, then the latest cases."""
    return [_alerts_panel(ctx, vt, target), _ticker_panel(ctx)]


def _metric_choice(ctx: PageContext) -> str:
    keys = [coverage_key(d) for d in ctx.data.domains()["domain_id"]] + list(MAP_METRICS)
    wanted = st.query_params.get("metric", "service_index")
    default = wanted if wanted in keys else "service_index"
    if ctx.kiosk:
        return default
    return st.selectbox(ctx.t("map.metric"), keys, index=keys.index(default), key="command_metric",
                        format_func=lambda k: metric_label(ctx, k))


def screen(ctx: PageContext) -> None:
    st.markdown(_CSS, unsafe_allow_html=True)
    refresh = settings.number("command_refresh_seconds")
    rotation = settings.number("command_rotation_seconds")
    target = settings.number("on_time_target")
    metric_key = _metric_choice(ctx)
    every = min(refresh, rotation) if rotation > 0 else refresh

    @st.fragment(run_every=every)
    def body() -> None:
        now_ctx = refreshed(ctx)
        _screen_body(now_ctx, metric_key, target, rotation)

    body()


def _screen_body(ctx: PageContext, metric_key: str, target: float, rotation: float) -> None:
    """What the fragment draws on every refresh."""
    vt = ctx.data.village_table(ctx.period)
    row = ctx.data.township_series().loc[ctx.period]
    now = datetime.now()
    st.markdown(
        f"<div class='cmd-top'><span class='cmd-title'>{_esc(ctx.township_name)} · "
        f"{_esc(ctx.t('nav.command'))}</span><span class='cmd-meta'>{_esc(ctx.t.period(ctx.period))} · "
        f"<span data-testid='last-refresh'>{_esc(ctx.t('command.refreshed', time=f'{now:%H:%M:%S}'))}"
        f"</span></span></div>" + _wall(ctx, row, target), unsafe_allow_html=True)
    left, right = st.columns([1.75, 1], gap="medium")
    with left:
        deck, entries = township_deck(ctx, vt, MapOptions(metric_key, [], ctx.lang), None,
                                      height=MAP_HEIGHT)
        legend(ctx, metric_label(ctx, metric_key), entries, ctx.t(f"unit.{metric(metric_key).unit}"))
        st.pydeck_chart(deck, height=MAP_HEIGHT, key="command_map")
    with right:
        shown = panels(ctx, vt, target)
        if rotation > 0:
            index = int(time.time() // rotation) % len(shown)
            st.markdown(shown[index] + f"<div class='cmd-dots'>{index + 1} / {len(shown)}</div>",
                        unsafe_allow_html=True)
        else:
            st.markdown("".join(shown), unsafe_allow_html=True)
