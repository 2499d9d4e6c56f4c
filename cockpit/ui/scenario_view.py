"""Saved scenarios on the planner page: save, list, reopen, copy, rename, delete, export, compare.

A scenario belongs to its author: everyone who sees it may reopen and copy it; only the author
renames or replaces it; the author or a leader deletes it (cockpit.store.scenarios.may_change, the
store refuses the rest). Every change is written with its audit entry in one transaction.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from cockpit.planner.baseline import Baseline, Model
from cockpit.planner.compare import MAX_COMPARED, compare
from cockpit.planner.project import Moves
from cockpit.planner.scenario import moves_of, scenario_of
from cockpit.meeting.charts import plain
from cockpit.text.literal import NAME, literal
from cockpit.auth import audit
from cockpit.store.atomic import atomic
from cockpit.store.scenarios import (MAX_NAME, MAX_NOTE, NotYours, copy_scenario, delete_scenario,
                                     load_scenario, may_change, rename_scenario, save_scenario, scenario_to_csv,
                                     scenario_to_json)
from cockpit.ui.connection import WriteUnavailable
from cockpit.ui import planner_data, state
from cockpit.ui.charts import FONT
from cockpit.ui.planner_view import load_moves, points
from cockpit.ui.downloads import made_on_click
from cockpit.ui.shell import PageContext

__all__ = ["scenarios_panel", "RELOAD"]

RELOAD = "planner_reload"  # a reopened scenario of another month: the whole page must rerun
FLASH = "scenario_flash"  # (kind, message) of the last change, shown at the next run


def _save_form(ctx: PageContext, baseline: Baseline, moves: Moves, mode: str, added_wan: float,
               saved: pd.DataFrame) -> None:
    with st.form("planner_save", clear_on_submit=False, border=True):
        st.markdown(f"**{ctx.t('scenario.save')}**")
        name = st.text_input(ctx.t("scenario.name"), max_chars=MAX_NAME, key="scenario_name")
        note = st.text_area(ctx.t("scenario.note"), max_chars=MAX_NOTE, key="scenario_note", height=80)
        replace = st.checkbox(ctx.t("scenario.replace"), key="scenario_replace")
        if not st.form_submit_button(ctx.t("scenario.save_button"), type="primary"):
            return
    name = name.strip()
    if not name:
        st.error(ctx.t("scenario.error.name"))
    elif name in set(saved["name"]) and not replace:
        st.error(ctx.t("scenario.error.exists", name=literal(name, NAME)))
    else:
        record = scenario_of(baseline, moves, name, ctx.user.name, note, mode, added_wan)
        existed = name in set(saved["name"])

        def save(con):
            scenario_id = save_scenario(con, record, replace=replace)
            audit(con, ctx.user, "scenario_save", {"scenario_id": scenario_id, "name": name,
                                                   "period": baseline.period, "replaced": existed})
        error = _change(ctx, save)
        _say(ctx, ("error", *error) if error else ("success", "scenario.saved", name))


def _reopen(ctx: PageContext, baseline: Baseline, scenario_id: int) -> None:
    """Callback: load the scenario into the controls, switching month and mode as it was saved."""
    with ctx.data.reader() as con:
        scenario = load_scenario(con, scenario_id)
    moves, unknown = moves_of(baseline, scenario)
    load_moves(baseline, moves, period=scenario.baseline_period)
    st.session_state["planner_mode"] = scenario.mode
    if scenario.mode == "added":
        st.session_state["planner_added_wan"] = scenario.added_budget_wan
        st.session_state["planner_added_fte"] = max(0.0, float(moves.staff_fte.sum()))
    st.session_state["planner_reopened"] = (scenario.name, unknown)
    if scenario.baseline_period != baseline.period and scenario.baseline_period in ctx.periods:
        st.session_state[state.PERIOD] = scenario.baseline_period
        st.query_params[state.PERIOD] = scenario.baseline_period
        st.session_state[RELOAD] = True


def _change(ctx: PageContext, write) -> tuple[str, str] | None:
    """``write(con)`` (the change and its audit entry) in one transaction; None when written, else
    why not: (catalog key, detail) for :func:`_say`."""
    try:
        with ctx.data.writer(data_changed=False) as con, atomic(con):
            write(con)
    except NotYours:
        return "scenario.error.not_yours", ""
    except (ValueError, KeyError, WriteUnavailable) as exc:
        return "scenario.error.write", str(exc)
    return None


def _say(ctx: PageContext, outcome: tuple[str, str, str]) -> None:
    """Show (kind, catalog key, detail): the detail (a name, an error) as plain text."""
    kind, key, detail = outcome
    text = ctx.t(key, name=literal(detail, NAME), error=literal(detail))
    if kind == "success":
        st.success(text)
    else:
        st.error(text)


def _flash_change(ctx: PageContext, write, done: str, name: str) -> None:
    """:func:`_change` from a callback (which cannot draw): the outcome is shown at the next run."""
    error = _change(ctx, write)
    st.session_state[FLASH] = ("error", *error) if error else ("success", done, name)


def _delete(ctx: PageContext, scenario_id: int, name: str) -> None:
    """Callback: delete a scenario (its author or a leader), audited."""
    def delete(con):
        if delete_scenario(con, scenario_id, by=ctx.user):
            audit(con, ctx.user, "scenario_delete", {"scenario_id": scenario_id, "name": name})
    _flash_change(ctx, delete, "scenario.deleted", name)


def _rename(ctx: PageContext, scenario_id: int, old: str) -> None:
    """Callback: rename a scenario (its author only), audited with the old and the new name."""
    new = (st.session_state.get("scenario_new_name") or "").strip()

    def rename(con):
        name = rename_scenario(con, scenario_id, new, by=ctx.user)
        audit(con, ctx.user, "scenario_rename", {"scenario_id": scenario_id, "from": old, "name": name})
    _flash_change(ctx, rename, "scenario.renamed", new)


def _copy(ctx: PageContext, scenario_id: int, name: str, taken: set) -> None:
    """Callback: save a copy of a scenario as the user's own, audited as a save."""
    copy_name = next(n for n in (ctx.t("scenario.copy_name", name=name, n=i) for i in range(1, 1000))
                     if n not in taken)[:MAX_NAME]

    def copy(con):
        new_id = copy_scenario(con, scenario_id, copy_name, ctx.user.name)
        audit(con, ctx.user, "scenario_save", {"scenario_id": new_id, "name": copy_name, "copied_from": scenario_id})
    _flash_change(ctx, copy, "scenario.copied", copy_name)


def _own_actions(ctx: PageContext, scenario_id: int, name: str, author: str | None, taken: set) -> None:
    """Copy (anyone who may save), rename (its author), delete (its author or a leader)."""
    left, mid, right = st.columns(3)
    left.button(ctx.t("scenario.copy"), key="scenario_copy", on_click=_copy, args=(ctx, scenario_id, name, taken),
                help=ctx.t("scenario.copy_help"))
    if may_change(author, ctx.user):
        with mid.popover(ctx.t("scenario.rename")):
            st.text_input(ctx.t("scenario.name"), value=name, max_chars=MAX_NAME, key="scenario_new_name")
            st.button(ctx.t("scenario.rename_confirm"), key="scenario_rename", on_click=_rename,
                      args=(ctx, scenario_id, name))
    if may_change(author, ctx.user, delete=True):
        with right.popover(ctx.t("scenario.delete")):
            st.button(ctx.t("scenario.delete_confirm"), key="scenario_delete", on_click=_delete,
                      args=(ctx, scenario_id, name))
    else:
        right.caption(ctx.t("scenario.owned_by", author=literal(author, NAME)))


def _pp(ctx: PageContext, after: float, before: float) -> str:
    return f"{after:.1%} ({points(ctx, (after - before) * 100)})"


def _compare(ctx: PageContext, model: Model, saved: pd.DataFrame) -> None:
    names = dict(zip(saved["scenario_id"], saved["name"]))
    chosen = st.multiselect(ctx.t("scenario.compare"), list(names), format_func=names.get,
                            placeholder=ctx.t("scenario.compare_placeholder"),
                            max_selections=MAX_COMPARED, key="scenario_compare")
    if len(chosen) < 2:
        st.caption(ctx.t("scenario.compare_hint"))
        return
    items = []
    for scenario_id in chosen:
        with ctx.data.reader() as con:
            scenario = load_scenario(con, scenario_id)
        items.append((scenario, planner_data.baseline(ctx, scenario.baseline_period)))
    found = compare(items, model)
    rows = {}
    for r in found.table.itertuples(index=False):
        if not r.valid:
            rows[r.label] = [ctx.t("scenario.invalid")] + [""] * 6
            continue
        rows[r.label] = [
            ctx.t(f"planner.mode.{r.mode}"),
            _pp(ctx, r.coverage_after, r.coverage_before),
            _pp(ctx, r.on_time_after, r.on_time_before),
            _pp(ctx, r.min_after, r.min_before),
            f"{r.gini_after:.4f} ({r.gini_after - r.gini_before:+.4f})",
            f"{r.gap_after:+.2%} ({points(ctx, (r.gap_after - r.gap_before) * 100)})",
            f"{r.backlog_after:,.1f}",
        ]
    index = [ctx.t(k) for k in ("scenario.row.mode", "planner.kpi.coverage", "planner.kpi.on_time",
                                "planner.kpi.min", "planner.equity.gini", "planner.equity.gap",
                                "planner.kpi.backlog")]
    st.dataframe(pd.DataFrame(rows, index=index), key="scenario_compare_table")
    if not found.changes.empty:
        villages = ctx.data.villages().set_index("village_id")
        x = list(found.changes.index)  # placed by id, labelled by name as plain text
        fig = go.Figure([go.Bar(name=plain(label), x=x, y=(found.changes[label] * 100).to_numpy())
                         for label in found.changes.columns])
        fig.update_xaxes(type="category", tickmode="array", tickvals=x,
                         ticktext=[plain(ctx.t.name(villages.loc[v])) for v in x])
        fig.update_layout(barmode="group", height=340, margin=dict(l=10, r=10, t=30, b=10), font=FONT,
                          yaxis_title=f"{ctx.t('planner.map.legend')} ({ctx.t('planner.pp_unit')})", legend=dict(orientation="h", y=1.15))
        st.plotly_chart(fig, key="scenario_compare_chart", config={"displayModeBar": False})


def scenarios_panel(ctx: PageContext, baseline: Baseline, model: Model, moves: Moves | None, mode: str,
                    added_wan: float) -> None:
    """Save the current moves (when they can be projected), and work with saved scenarios."""
    st.subheader(ctx.t("scenario.title"))
    flash = st.session_state.pop(FLASH, None)
    if flash:
        _say(ctx, flash)
    reopened = st.session_state.pop("planner_reopened", None)
    if reopened:
        st.success(ctx.t("scenario.reopened", name=literal(reopened[0], NAME)))
        if reopened[1]:
            st.warning(ctx.t("scenario.unknown_ids", n=len(reopened[1])))
    saved = ctx.data.saved_scenarios()
    left, right = st.columns([1, 1.4], gap="large")
    with left:
        if not ctx.can("run_scenarios"):
            st.info(ctx.t("scenario.no_save"))
        elif moves is None:
            st.info(ctx.t("scenario.fix_first"))
        else:
            _save_form(ctx, baseline, moves, mode, added_wan, saved)
            saved = ctx.data.saved_scenarios()
    with right:
        if saved.empty:
            st.caption(ctx.t("scenario.none"))
            return
        shown = saved.assign(mode=[ctx.t(f"planner.mode.{m}") for m in saved["mode"]],
                             note=saved["note"].fillna(""))
        shown = shown.rename(columns={c: ctx.t(f"scenario.col.{c}") for c in saved.columns if c != "scenario_id"})
        st.dataframe(shown.drop(columns="scenario_id"), hide_index=True, key="scenario_list")
        names = dict(zip(saved["scenario_id"], saved["name"]))
        chosen = st.selectbox(ctx.t("scenario.choose"), list(names), format_func=names.get, key="scenario_chosen")
        author = dict(zip(saved["scenario_id"], saved["author"])).get(chosen)
        cols = st.columns(4)
        cols[0].button(ctx.t("scenario.reopen"), key="scenario_reopen", on_click=_reopen,
                       args=(ctx, baseline, int(chosen)))
        if ctx.can("run_scenarios"):
            _own_actions(ctx, int(chosen), names[chosen], author, set(names.values()))
        if ctx.can("export"):
            with ctx.data.reader() as con:
                scenario = load_scenario(con, int(chosen))
            slug = f"scenario-{int(chosen)}"
            cols[2].download_button("JSON", made_on_click(ctx, scenario_to_json(scenario)), file_name=f"{slug}.json",
                                    mime="application/json", key="scenario_json", on_click=ctx.audit,
                                    args=("export", {"what": "scenario", "format": "json", "id": int(chosen)}))
            cols[3].download_button("CSV", made_on_click(ctx, scenario_to_csv(scenario)), file_name=f"{slug}.csv",
                                    mime="text/csv",
                                    key="scenario_csv", on_click=ctx.audit,
                                    args=("export", {"what": "scenario", "format": "csv", "id": int(chosen)}))
        _compare(ctx, model, saved)
