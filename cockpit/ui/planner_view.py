"""The what-if planner page: model panel, controls, projected results and the change map.

Moves live in session state as a base (funding 万元 a year per village and domain, staff FTE per
village) plus the edits in the table; a quick move, a recommendation, a reopened scenario or a reset
writes a new base and a new editor key, so the table shows exactly what was loaded.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pydeck as pdk
import streamlit as st

from cockpit import settings

from cockpit.geo import boundaries as geo
from cockpit.geo.choropleth import LegendEntry, tooltip_fields
from cockpit.geo.classify import diverging
from cockpit.geo.labels import printable
from cockpit.county.figures import plan_by_township
from cockpit.text.numbers import format_value
from cockpit.text.literal import NAME, SHORT, clean, literal
from cockpit.planner.baseline import Baseline, Model
from cockpit.planner.moves import MODES, Problem, balance, check, shift_to_remotest
from cockpit.planner.project import Moves, Projection, project, zero_moves
from cockpit.planner.report import cost_per_point, equity_frame, gainers_losers, village_frame
from cockpit.planner.township_move import move_between_townships
from cockpit.ui import card_view
from cockpit.ui.charts import FONT
from cockpit.ui.index_view import index_caption
from cockpit.ui.map_view import build_deck, load_boundaries
from cockpit.ui.shell import PageContext, translated_radio

__all__ = ["model_panel", "mode_controls", "quick_move", "township_move", "moves_editor", "load_moves", "current_moves",
           "problems", "balance_row", "kpis", "projections", "result_tabs"]

_BASE, _VERSION = "planner_base", "planner_editor_version"
_TOWNSHIP_REFUSED = "planner_township_refused"  # (the form's values, the reasons) of the last refused move


# -- names ---------------------------------------------------------------------------------

def village_names(ctx: PageContext, baseline: Baseline) -> list[str]:
    names = ctx.data.villages().set_index("village_id")
    return [ctx.t.name(names.loc[v]) for v in baseline.village_ids]


def domain_names(ctx: PageContext, baseline: Baseline) -> list[str]:
    names = ctx.data.domains().set_index("domain_id")[f"name_{ctx.lang}"]
    return [names[d] for d in baseline.domains]


# -- the model -----------------------------------------------------------------------------

def model_panel(ctx: PageContext, model: Model, baseline: Baseline) -> None:
    """How the projection is made and how well it fits, in the user's language."""
    with st.expander(ctx.t("planner.model.title")):
        st.markdown(ctx.t("planner.model.text"))
        fit = model.coverage_fit
        names = dict(zip(baseline.domains, domain_names(ctx, baseline)))
        st.dataframe(pd.DataFrame({
            ctx.t("planner.model.domain"): [names.get(d, d) for d in fit.domains],
            ctx.t("planner.model.k"): fit.k,
            ctx.t("planner.model.k_band"): [f"{lo:.3f} – {hi:.3f}" for lo, hi in
                                          np.percentile(fit.k_draws, [10, 90], axis=0).T],
            ctx.t("planner.model.r2"): fit.r2,
            ctx.t("planner.model.backtest", months=fit.holdout): fit.backtest_mae * 100,
        }), hide_index=True, column_config={
            ctx.t("planner.model.k"): st.column_config.NumberColumn(format="%.3f"),
            ctx.t("planner.model.r2"): st.column_config.NumberColumn(format="%.3f"),
            ctx.t("planner.model.backtest", months=fit.holdout): st.column_config.NumberColumn(format="%.2f"),
        })
        q = model.queue_fit
        if not q.observations:
            st.info(ctx.t("planner.model.no_queue_history"))
            return
        cap_lo, cap_hi = np.percentile(q.capacity_draws, [10, 90])
        st.markdown(ctx.t("planner.model.queue", mu=f"{q.mu:.3f}", share=f"{q.share:.2f}", r2=f"{q.r2:.2f}",
                          mae=f"{q.backtest_mae:.1f}", months=int(q.holdout), throughput=f"{q.closed_per_staff_month:.1f}",
                          mu_lo=f"{np.percentile(q.mu_draws, 10):.3f}", mu_hi=f"{np.percentile(q.mu_draws, 90):.3f}",
                          capacity=f"{q.capacity:.3f}", cap_lo=f"{cap_lo:.3f}", cap_hi=f"{cap_hi:.3f}"))


# -- controls ------------------------------------------------------------------------------

def mode_controls(ctx: PageContext) -> tuple[str, float, float]:
    """Mode and, for an added budget, the funding (万元 a year) and staff (FTE) added."""
    cols = st.columns([2, 1, 1])
    mode = translated_radio(ctx.lang, ctx.t("planner.mode"), MODES, "planner_mode",
                            lambda m: ctx.t(f"planner.mode.{m}"), where=cols[0], horizontal=True)
    added_wan = added_fte = 0.0
    if mode == "added":
        added_wan = cols[1].number_input(ctx.t("planner.added_wan"), 0.0, 100_000.0, 50.0, 10.0,
                                         key="planner_added_wan", format="%.2f")
        added_fte = cols[2].number_input(ctx.t("planner.added_fte"), 0.0, 500.0, 0.0, 0.5,
                                         key="planner_added_fte", format="%.1f")
    return mode, float(added_wan), float(added_fte)


def load_moves(baseline: Baseline, moves: Moves, period: str | None = None) -> None:
    """Put ``moves`` into the controls (a new editor shows them), for ``period`` (default: the
    baseline's)."""
    st.session_state[_BASE] = (period or baseline.period, baseline.village_ids, moves)
    st.session_state[_VERSION] = st.session_state.get(_VERSION, 0) + 1


def _base(baseline: Baseline) -> Moves:
    held = st.session_state.get(_BASE)
    if held is None or held[0] != baseline.period or held[1] != baseline.village_ids:
        load_moves(baseline, zero_moves(baseline))
        held = st.session_state[_BASE]
    return held[2]


def _editor_key() -> str:
    return f"planner_editor_{st.session_state.get(_VERSION, 0)}"


def current_moves(ctx: PageContext, baseline: Baseline) -> Moves:
    """The moves in the controls: the base plus the edits made in the table since it was loaded."""
    base = _base(baseline)
    funding, staff = base.funding_wan.copy(), base.staff_fte.copy()
    columns = list(_frame(ctx, baseline, base).columns)
    edits = st.session_state.get(_editor_key(), {}).get("edited_rows", {})
    for row, changed in edits.items():
        for column, value in changed.items():
            value = 0.0 if value is None else float(value)
            j = columns.index(column)
            if j == len(columns) - 1:
                staff[int(row)] = value
            else:
                funding[int(row), j] = value
    return Moves(funding, staff)


def quick_move(ctx: PageContext, baseline: Baseline) -> None:
    """Shift a share of the seat's funding and staff to the remotest villages."""
    with st.container(border=True):
        st.markdown(f"**{ctx.t('planner.quick.title')}**")
        cols = st.columns(2) + st.columns(2)
        cols[0].slider(ctx.t("planner.quick.percent"), 0, 50, 10, 1, key="planner_quick_percent")
        cols[1].slider(ctx.t("planner.quick.staff_percent"), 0, 50, 0, 1,
                                       key="planner_quick_staff")
        others = int((baseline.kind != "seat").sum())
        cols[2].slider(ctx.t("planner.quick.n"), 1, max(others, 2), min(5, max(others, 1)), 1,
                           key="planner_quick_n", disabled=others <= 1)
        names = dict(zip(baseline.domains, domain_names(ctx, baseline)))
        cols[3].multiselect(ctx.t("planner.quick.domains"), baseline.domains, default=list(baseline.domains),
                            placeholder=ctx.t("planner.quick.domains_none"),
                                     format_func=names.get, key="planner_quick_domains")

        def add_move() -> None:  # a callback runs before the rerun: read the controls' new values
            state = st.session_state
            load_moves(baseline, shift_to_remotest(
                baseline, current_moves(ctx, baseline), state["planner_quick_percent"], state["planner_quick_n"],
                state["planner_quick_staff"], tuple(state["planner_quick_domains"])))

        left, right = st.columns(2)
        left.button(ctx.t("planner.quick.apply"), key="planner_quick_apply", type="primary", on_click=add_move,
                    disabled=(baseline.kind == "seat").sum() == 0)
        right.button(ctx.t("planner.reset"), key="planner_reset",
                     on_click=lambda: load_moves(baseline, zero_moves(baseline)))


def _township_values() -> tuple:
    state = st.session_state
    return tuple(state.get(k) for k in ("planner_township_from", "planner_township_to", "planner_township_wan",
                                        "planner_township_fte"))


def township_move(ctx: PageContext, baseline: Baseline, mode: str) -> None:
    """A county's quick move: funding and staff from one township's villages to another's
    (cockpit.planner.township_move), added to the moves in the table. Over the whole county only:
    not inside one township (chosen in the sidebar, or a township leader's own)."""
    townships = ctx.data.townships()
    if ctx.scope is not None or townships["township_code"].nunique() < 2:
        return
    names = townships.drop_duplicates("township_code").set_index("township_code")[f"name_{ctx.lang}"]
    codes = list(names.index)
    township_of = dict(zip(townships["village_id"], townships["township_code"]))
    with st.container(border=True, key="planner_township_move"):
        st.markdown(f"**{ctx.t('planner.township_move.title')}**")
        st.caption(ctx.t("planner.township_move.rule"))
        cols = st.columns(2) + st.columns(2)
        cols[0].selectbox(ctx.t("planner.township_move.from"), codes, index=0, key="planner_township_from",
                          format_func=lambda c: clean(names[c], NAME))
        cols[1].selectbox(ctx.t("planner.township_move.to"), codes, index=1, key="planner_township_to",
                          format_func=lambda c: clean(names[c], NAME))
        cols[2].number_input(ctx.t("planner.township_move.wan"), 0.0, None, 0.0, 10.0, key="planner_township_wan",
                             format="%.2f")
        cols[3].number_input(ctx.t("planner.township_move.fte"), 0.0, None, 0.0, 1.0, key="planner_township_fte",
                             format="%.2f")

        def add_move() -> None:  # a callback runs before the rerun: read the controls' new values
            values = _township_values()
            moves, found = move_between_townships(baseline, current_moves(ctx, baseline), township_of, *values[:2],
                                                  wan=float(values[2]), fte=float(values[3]))
            if found:
                st.session_state[_TOWNSHIP_REFUSED] = (values, found)
            else:
                st.session_state.pop(_TOWNSHIP_REFUSED, None)
                load_moves(baseline, moves)

        neutral = mode == "neutral"
        st.button(ctx.t("planner.township_move.apply"), key="planner_township_apply", type="primary",
                  on_click=add_move, disabled=not neutral,
                  help=None if neutral else ctx.t("planner.township_move.neutral_only"))
        refused = st.session_state.get(_TOWNSHIP_REFUSED)
        if refused is not None and refused[0] == _township_values():   # said until the form changes
            lines = []
            for p in refused[1]:
                shown = {k: literal(names.get(x, x) if k == "township" else f"{x:,.2f}", NAME)
                         for k, x in p.values.items()}
                lines.append("- " + ctx.t(f"planner.problem.{p.key}", **shown))
            st.error(ctx.t("planner.township_move.refused") + "\n\n" + "\n".join(lines))


def _frame(ctx: PageContext, baseline: Baseline, moves: Moves) -> pd.DataFrame:
    frame = pd.DataFrame(moves.funding_wan, columns=domain_names(ctx, baseline),
                         index=village_names(ctx, baseline))
    frame[ctx.t("planner.staff_change")] = moves.staff_fte
    return frame


def moves_editor(ctx: PageContext, baseline: Baseline) -> Moves:
    """The table of changes (万元 a year per village and domain, staff FTE per village)."""
    base = _base(baseline)
    st.markdown(f"**{ctx.t('planner.table.title')}**")
    st.caption(ctx.t("planner.table.help"))
    shown = _frame(ctx, baseline, base)
    # column bounds: no cell can lose more than the most any village has, nor gain more than the
    # whole township's; a move outside what one cell has is refused below with its reason
    funding_cap = float(baseline.funding_wan_year.sum()) + float(st.session_state.get("planner_added_wan", 0.0))
    staff_cap = float(baseline.staff.sum()) + float(st.session_state.get("planner_added_fte", 0.0))
    config = {c: st.column_config.NumberColumn(ctx.t("planner.table.wan_column", domain=c), format="%.2f",
                                               step=0.01, min_value=-float(baseline.funding_wan_year[:, j].max()),
                                               max_value=funding_cap)
              for j, c in enumerate(shown.columns[:-1])}
    config[shown.columns[-1]] = st.column_config.NumberColumn(
        shown.columns[-1], format="%.2f", step=0.01, min_value=-float(baseline.staff.max()), max_value=staff_cap)
    st.data_editor(shown, key=_editor_key(), column_config=config, num_rows="fixed", width="stretch")
    return current_moves(ctx, baseline)


def problems(ctx: PageContext, baseline: Baseline, found: list[Problem]) -> None:
    """Say why the moves cannot be projected."""
    villages = dict(zip(baseline.village_ids, village_names(ctx, baseline)))
    domains = dict(zip(baseline.domains, domain_names(ctx, baseline)))
    lines = []
    for p in found:
        v = dict(p.values)
        if "village" in v:
            v["village"] = villages.get(v["village"], v["village"])
        if "domain" in v:
            v["domain"] = domains.get(v["domain"], v["domain"])
        shown = {k: literal(f"{x:,.2f}" if isinstance(x, (float, np.floating)) else x, NAME) for k, x in v.items()}
        lines.append("- " + ctx.t(f"planner.problem.{p.key}", **shown))
    st.error(ctx.t("planner.refused") + "\n\n" + "\n".join(lines))


# -- results -------------------------------------------------------------------------------

def balance_row(ctx: PageContext, moves: Moves, mode: str, added_wan: float, added_fte: float) -> None:
    """One line: the balance (budget-neutral) or what is left of the added budget."""
    net_wan, net_fte = (round(x, 6) + 0.0 for x in balance(moves))   # no "-0.00" from floating point
    if mode == "neutral":
        text = ctx.t("planner.balance", wan=f"{net_wan:+,.2f}", fte=f"{net_fte:+,.2f}")
    else:
        text = ctx.t("planner.left", wan=f"{added_wan - net_wan:,.2f}", fte=f"{added_fte - net_fte:,.2f}")
    st.markdown(text, help=ctx.t(f"planner.balance_help.{mode}"))


def points(ctx: PageContext, change: float) -> str:
    """A change in percentage points, in the user's language ("+0.27 pp", "+0.27 个百分点")."""
    return ctx.t("planner.pp", value=f"{change:+.2f}")


def _points(ctx: PageContext, after: float, before: float) -> dict:
    """Delta arguments of a metric: the change in percentage points, no arrow when nothing changes."""
    change = (after - before) * 100
    moved = abs(change) >= 0.005
    return {"delta": points(ctx, change), "delta_arrow": "auto" if moved else "off",
            "delta_color": "normal" if moved else "off"}


def kpis(ctx: PageContext, moves: Moves, before: Projection, after: Projection) -> None:
    cols = st.columns(4)
    lo, hi = (after.township_coverage_band - before.township_coverage) * 100
    cols[0].metric(ctx.t("planner.kpi.coverage"), format_value(after.township_coverage, "percent", ctx.lang),
                   **_points(ctx, after.township_coverage, before.township_coverage),
                   help=ctx.t("planner.kpi.coverage_help"), border=True)
    cols[1].metric(ctx.t("planner.kpi.on_time"), format_value(after.township_on_time, "percent", ctx.lang),
                   **_points(ctx, after.township_on_time, before.township_on_time),
                   help=ctx.t("planner.kpi.on_time_help"), border=True)
    cols[2].metric(ctx.t("planner.kpi.min"), format_value(after.equity["min"], "percent", ctx.lang),
                   **_points(ctx, after.equity["min"], before.equity["min"]), help=ctx.t("planner.kpi.min_help"),
                   border=True)
    backlog, backlog_before = float(after.backlog_per_month.sum()), float(before.backlog_per_month.sum())
    cols[3].metric(ctx.t("planner.kpi.backlog"), f"{backlog:,.1f}", help=ctx.t("planner.kpi.backlog_help"),
                   delta=f"{backlog - backlog_before:+,.1f}",
                   delta_color="inverse" if abs(backlog - backlog_before) >= 0.05 else "off",
                   delta_arrow="auto" if abs(backlog - backlog_before) >= 0.05 else "off", border=True)
    cost = cost_per_point(moves, before, after)
    on_lo, on_hi = after.township_on_time_band
    cost_text = ctx.t("planner.cost_none") if np.isnan(cost) else ctx.t("planner.cost", value=f"{cost:,.1f}")
    st.markdown(cost_text, help=ctx.t("planner.kpi.cost_help"))
    st.caption(ctx.t("planner.bands", lo=f"{lo:+.2f}", hi=f"{hi:+.2f}", on_lo=f"{on_lo:.1%}", on_hi=f"{on_hi:.1%}"))
    index_caption(ctx)  # what "coverage" means here: the township's composite index
    observed = ctx.data.township_series()["on_time_rate"].get(ctx.period)
    if observed is not None and not pd.isna(observed):
        st.caption(ctx.t("planner.on_time_model", model=format_value(before.township_on_time, "percent", ctx.lang),
                         observed=format_value(observed, "percent", ctx.lang), period=ctx.t.period(ctx.period)))


def change_map(ctx: PageContext, baseline: Baseline, frame: pd.DataFrame) -> None:
    """Villages coloured by the projected change of coverage (percentage points)."""
    if not settings.path("geodata_path").is_file():   # the tables beside it still show the change
        st.info(ctx.t("planner.map.no_boundaries"))
        return
    gdf = load_boundaries(ctx)
    names = dict(zip(baseline.village_ids, village_names(ctx, baseline)))
    change = frame.set_index("village_id")["coverage_change"] * 100
    colors, legend = diverging(change, lambda x: f"{x:+.2f}")
    props = []
    for _, row in frame.iterrows():
        v = row["village_id"]
        rows = [(ctx.t("planner.map.coverage"), f"{row['coverage_before']:.1%} → {row['coverage_after']:.1%}"),
                (ctx.t("planner.map.on_time"), f"{row['on_time_before']:.1%} → {row['on_time_after']:.1%}"),
                (ctx.t("planner.map.funding"), f"{row['funding_change_wan']:+,.2f}"),
                (ctx.t("planner.map.staff"), f"{row['staff_change_fte']:+,.2f}")]
        props.append({"village_id": v, "fill": colors[v],
                      **tooltip_fields(names[v], points(ctx, change[v]), rows, ctx.t("punct.colon"))})
    shown = gdf[gdf["village_id"].isin(frame["village_id"])]
    fc = geo.to_feature_collection(shown, pd.DataFrame(props))
    empty = {"type": "FeatureCollection", "features": []}
    view = geo.view_state(shown, width_px=900, height_px=460)
    spots = geo.label_points(shown)
    spots = spots.assign(text=[clean(names[v], SHORT) for v in spots["village_id"]],
                         weight=[abs(change[v]) for v in spots["village_id"]])
    spots = spots[printable(spots, view)]   # no name over another: the largest changes named first
    labels = [{"lon": float(r.lon), "lat": float(r.lat), "text": r.text} for r in spots.itertuples()]
    deck = build_deck(fc, empty, labels, [], view)
    st.pydeck_chart(deck, height=460, key="planner_map")
    card_view.legend(ctx, ctx.t("planner.map.legend"), [LegendEntry(c, t) for c, t in legend],
                     ctx.t("planner.pp_unit"))


def village_table(ctx: PageContext, baseline: Baseline, frame: pd.DataFrame) -> None:
    names = dict(zip(baseline.village_ids, village_names(ctx, baseline)))
    shown = pd.DataFrame({
        ctx.t("planner.col.village"): frame["village_id"].map(names),
        ctx.t("planner.col.funding"): frame["funding_change_wan"],
        ctx.t("planner.col.staff"): frame["staff_change_fte"],
        ctx.t("planner.col.coverage_before"): frame["coverage_before"] * 100,
        ctx.t("planner.col.coverage_after"): frame["coverage_after"] * 100,
        ctx.t("planner.col.coverage_band"): [f"{lo:.1%} – {hi:.1%}" for lo, hi in
                                             zip(frame["coverage_after_low"], frame["coverage_after_high"])],
        ctx.t("planner.col.on_time_before"): frame["on_time_before"] * 100,
        ctx.t("planner.col.on_time_after"): frame["on_time_after"] * 100,
        ctx.t("planner.col.on_time_band"): [f"{lo:.1%} – {hi:.1%}" for lo, hi in
                                            zip(frame["on_time_after_low"], frame["on_time_after_high"])],
        ctx.t("planner.col.handlers"): frame["handlers_after"],
        ctx.t("planner.col.backlog"): frame["backlog_after"],
    })
    for j, name in enumerate(domain_names(ctx, baseline)):
        shown[f"{name} %"] = frame[f"coverage:{baseline.domains[j]}"] * 100
    fmt = {c: st.column_config.NumberColumn(format="%.1f") for c in shown.columns[3:]
           if pd.api.types.is_numeric_dtype(shown[c])}
    fmt.update({c: st.column_config.NumberColumn(format="%+.2f") for c in shown.columns[1:3]})
    st.dataframe(shown, hide_index=True, column_config=fmt, key="planner_villages")


def equity_table(ctx: PageContext, before: Projection, after: Projection) -> None:
    frame = equity_frame(before, after)
    frame["index"] = [ctx.t(f"planner.equity.{k}") for k in frame["index"]]
    frame.columns = [ctx.t("planner.equity.index"), ctx.t("planner.before"), ctx.t("planner.after"),
                     ctx.t("planner.change")]
    st.dataframe(frame, hide_index=True, key="planner_equity",
                 column_config={c: st.column_config.NumberColumn(format="%.4f") for c in frame.columns[1:]})
    st.caption(ctx.t("planner.equity.note"))


def winners(ctx: PageContext, baseline: Baseline, frame: pd.DataFrame) -> None:
    names = dict(zip(baseline.village_ids, village_names(ctx, baseline)))
    for column, title in (("coverage_change", "planner.gain.coverage"), ("on_time_change", "planner.gain.on_time")):
        gain, loss = gainers_losers(frame, column)
        st.markdown(f"**{ctx.t(title)}**")
        left, right = st.columns(2)
        left.markdown(ctx.t("planner.gain.up") + "\n\n" + ("\n".join(
            f"- {literal(names[r.village_id], NAME)} {points(ctx, getattr(r, column) * 100)}" for r in gain.itertuples())
            or ctx.t("planner.gain.none")))
        right.markdown(ctx.t("planner.gain.down") + "\n\n" + ("\n".join(
            f"- {literal(names[r.village_id], NAME)} {points(ctx, getattr(r, column) * 100)}" for r in loss.itertuples())
            or ctx.t("planner.gain.none")))


def projections(baseline: Baseline, model: Model, moves: Moves | None) -> tuple[Projection, Projection | None]:
    """Before (no moves) and after ``moves`` (already checked; None: no projection)."""
    before = project(baseline, model, zero_moves(baseline))
    return before, None if moves is None else project(baseline, model, moves)


def result_tabs(ctx: PageContext, baseline: Baseline, moves: Moves, before: Projection, after: Projection) -> None:
    """The change map, the villages before and after, the equality indices and who gains."""
    frame = village_frame(baseline, before, after, moves)
    townships = ctx.data.townships()
    county = townships["township_code"].nunique() > 1   # a county's: what moves between its townships
    tabs = st.tabs([ctx.t("planner.tab.map"), ctx.t("planner.tab.villages"), ctx.t("planner.tab.equity"),
                    ctx.t("planner.tab.gains")] + ([ctx.t("planner.tab.townships")] if county else []))
    with tabs[0]:
        change_map(ctx, baseline, frame)
    with tabs[1]:
        village_table(ctx, baseline, frame)
    with tabs[2]:
        equity_table(ctx, before, after)
    with tabs[3]:
        winners(ctx, baseline, frame)
    if county:
        with tabs[4]:
            township_table(ctx, plan_by_township(frame, baseline.lam, townships))


def township_table(ctx: PageContext, plan: pd.DataFrame) -> None:
    """The what-if summed up by township: the county's funding and staff moved between townships."""
    shown = pd.DataFrame({
        ctx.t("county.township"): [clean(n, NAME) for n in plan[f"name_{ctx.lang}"]],
        ctx.t("planner.col.funding"): plan["funding_change_wan"],
        ctx.t("planner.col.staff"): plan["staff_change_fte"],
        ctx.t("planner.col.coverage_before"): plan["coverage_before"] * 100,
        ctx.t("planner.col.coverage_after"): plan["coverage_after"] * 100,
        ctx.t("planner.col.on_time_before"): plan["on_time_before"] * 100,
        ctx.t("planner.col.on_time_after"): plan["on_time_after"] * 100})
    fmt = {c: st.column_config.NumberColumn(format="%.1f") for c in shown.columns[3:]}
    fmt.update({c: st.column_config.NumberColumn(format="%+.2f") for c in shown.columns[1:3]})
    st.dataframe(shown, hide_index=True, column_config=fmt, key="planner_townships")
    st.caption(ctx.t("planner.townships_note"))
