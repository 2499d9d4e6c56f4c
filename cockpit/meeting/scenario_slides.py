"""The scenario slide of the joint-meeting deck (情景推演): up to three saved scenarios side by
side, from :func:`cockpit.planner.compare.compare`.

The slide shows, for each scenario, the best gains as figures, the township figures before →
after (change) as a table with one column per scenario, a grouped bar chart of each village's
change of coverage (villages no scenario changes are left out), and speaker notes naming the
best scenario for township coverage and for the worst-off village. A scenario the planner
refuses on today's data is listed with the reason, without figures.

:func:`store_comparison` loads the comparison from a :class:`cockpit.store.Store` (the briefing
outside the app, tests); the presenter page uses :func:`saved_scenarios` and
:func:`comparison_of` with its cached model and baselines. Pure Python: no Streamlit.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

import pandas as pd

from cockpit.text.numbers import DASH
from cockpit.planner.baseline import Baseline, Model, baseline_from_store, model_from_store
from cockpit.planner.compare import Comparison, best, compare
from cockpit.planner.report import CHANGE_TOLERANCE
from cockpit.meeting.deck import Chart, Figure, Slide, Table
from cockpit.meeting.charts import change_bars
from cockpit.meeting.context import SlideContext, text_frame
from cockpit.store.scenarios import Scenario, load_scenario

__all__ = ["scenarios", "saved_scenarios", "comparison_of", "store_comparison", "chart_villages", "scenario_line", "BEST_FIGURES"]

BEST_FIGURES = ("coverage", "min", "on_time")  # the figure tiles: the largest gain of each
_LABEL = {"coverage": "planner.kpi.coverage", "on_time": "planner.kpi.on_time", "min": "planner.kpi.min",
          "gini": "planner.equity.gini", "gap": "planner.equity.gap", "backlog": "planner.kpi.backlog"}


# -- loading ---------------------------------------------------------------------------------

def saved_scenarios(con, scenario_ids: Sequence[int]) -> list[Scenario]:
    """The saved scenarios ``scenario_ids`` (cursor ``con``) in that order; ids no longer saved
    are left out."""
    found = []
    for scenario_id in scenario_ids:
        try:
            found.append(load_scenario(con, int(scenario_id)))
        except KeyError:
            continue
    return found


def comparison_of(scenarios: Sequence[Scenario], periods: Sequence[str], baseline_of: Callable[[str], Baseline],
                  model: Model | Callable[[], Model]) -> Comparison | None:
    """The comparison of ``scenarios`` (None when there are none). ``baseline_of(period)`` gives
    a month's baseline for the months in ``periods``; a scenario of another month is refused.
    ``model`` may be a function, called only when there is something to compare."""
    if not scenarios:
        return None
    known = set(periods)
    items = [(s, baseline_of(s.baseline_period) if s.baseline_period in known else None) for s in scenarios]
    return compare(items, model() if callable(model) else model)


def store_comparison(store, con, scenario_ids: Sequence[int], model: Model | None = None) -> Comparison | None:
    """The comparison of the saved scenarios ``scenario_ids`` (cursor ``con``) over a
    :class:`cockpit.store.Store`: the whole township's baselines, the model calibrated on the
    store's history unless given (a few seconds)."""
    def calibrated() -> Model:
        return model if model is not None else model_from_store(store)

    return comparison_of(saved_scenarios(con, scenario_ids), store.periods(),
                         lambda period: baseline_from_store(store, period), calibrated)


# -- formatting ------------------------------------------------------------------------------

def _pp(sc: SlideContext, delta: float) -> str:
    return sc.t("presenter.scenarios.pp", value=f"{delta * 100:+.2f}")


def _value(sc: SlideContext, figure: str, value: float) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return DASH
    if figure in ("coverage", "on_time", "min"):
        return sc.fmt(value, "percent")
    if figure == "gini":
        return f"{value:.3f}"
    if figure == "gap":  # urban minus rural, signed, as on the planner page
        return f"{value * 100:+.1f}%"
    return f"{value:,.1f}"  # backlog growth, cases a month


def _delta(sc: SlideContext, figure: str, delta: float) -> str:
    if figure in ("coverage", "on_time", "min", "gap"):
        return _pp(sc, delta)
    return f"{delta:+.3f}" if figure == "gini" else f"{delta:+,.1f}"


def _change(sc: SlideContext, row: pd.Series, figure: str) -> str:
    before, after = row[f"{figure}_before"], row[f"{figure}_after"]
    if not row["valid"]:
        return sc.t("presenter.scenarios.change_refused", before=_value(sc, figure, before))
    return sc.t("presenter.scenarios.change", before=_value(sc, figure, before), after=_value(sc, figure, after),
                delta=_delta(sc, figure, after - before))


def _reasons(sc: SlideContext, row: pd.Series) -> str:
    """Why a scenario is refused, in words (village and domain names in the deck's language)."""
    domains = dict(zip(sc.inputs.domains["domain_id"], sc.inputs.domains[f"name_{sc.lang}"]))
    parts = []
    for p in row["problems"]:
        v = dict(p.values)
        if "village" in v:
            v["village"] = sc.village(v["village"])
        if "domain" in v:
            v["domain"] = domains.get(v["domain"], v["domain"])
        v = {k: (f"{x:,.2f}" if isinstance(x, float) else x) for k, x in v.items()}
        parts.append(sc.t(f"planner.problem.{p.key}", **v))
    return sc.sentences(parts)


def _money(sc: SlideContext, wan: float) -> str:
    return DASH if math.isnan(wan) else sc.t("presenter.scenarios.wan", value=f"{wan:,.2f}")


def _staff(sc: SlideContext, fte: float) -> str:
    return DASH if math.isnan(fte) else sc.t("presenter.scenarios.fte", value=f"{fte:,.2f}")


def _min_village(sc: SlideContext, row: pd.Series) -> str:
    before, after = sc.village(row["min_village_before"]), row["min_village_after"]
    if not row["valid"] or after is None or (isinstance(after, float) and math.isnan(after)):
        return before
    after = sc.village(after)
    return before if after == before else f"{before} → {after}"


def _table(sc: SlideContext, table: pd.DataFrame) -> Table:
    t = sc.t
    rows = [[t("presenter.scenarios.row.period")] + [t.period(p) for p in table["baseline_period"]],
            [t("scenario.row.mode")] + [t(f"planner.mode.{m}") for m in table["mode"]],
            [t("presenter.scenarios.row.funding")] + [_money(sc, x) for x in table["funding_moved_wan"]],
            [t("presenter.scenarios.row.staff")] + [_staff(sc, x) for x in table["staff_moved_fte"]]]
    for figure in ("coverage", "on_time", "min"):
        rows.append([t(_LABEL[figure])] + [_change(sc, r, figure) for _, r in table.iterrows()])
    rows.append([t("presenter.scenarios.row.min_village")] + [_min_village(sc, r) for _, r in table.iterrows()])
    for figure in ("gini", "gap", "backlog"):
        rows.append([t(_LABEL[figure])] + [_change(sc, r, figure) for _, r in table.iterrows()])
    if not table["valid"].all():  # say which ones the planner refuses (the notes say why)
        rows.insert(0, [t("presenter.scenarios.row.status")]
                    + [t("presenter.scenarios.ok") if ok else t("scenario.invalid") for ok in table["valid"]])
    return Table("scenarios", t("presenter.scenarios.table"),
                 text_frame([t("presenter.scenarios.col.figure"), *table["name"]], rows), t("presenter.none"))


def chart_villages(changes: pd.DataFrame) -> list[str]:
    """The villages the chart shows: those whose coverage some scenario changes."""
    moved = changes.abs().max(axis=1) > CHANGE_TOLERANCE
    return list(changes.index[moved])


def _figure(sc: SlideContext, table: pd.DataFrame, figure: str) -> Figure:
    label = sc.t(f"presenter.scenarios.best_{figure}")
    row = best(table, figure)
    if row is None:
        return Figure(figure, label, DASH)
    delta = row[f"{figure}_after"] - row[f"{figure}_before"]
    if abs(delta) <= CHANGE_TOLERANCE:  # the best one changes nothing: no scenario to name
        return Figure(figure, label, _pp(sc, 0.0), detail=sc.t("presenter.scenarios.none_raises"),
                      help=sc.t("presenter.scenarios.best_help"))
    return Figure(figure, label, _pp(sc, delta), tone="good" if delta > 0 else "bad", detail=row["name"],
                  help=sc.t("presenter.scenarios.best_help"))


def _notes(sc: SlideContext, table: pd.DataFrame) -> str:
    t = sc.t
    parts = [t("presenter.scenarios.notes_intro", n=sc.fmt(len(table), "count"), names=sc.join(table["name"]))]
    winners = {}
    for figure, key in (("coverage", "notes_coverage"), ("min", "notes_min")):
        row = best(table, figure)
        if row is None:
            continue
        delta = row[f"{figure}_after"] - row[f"{figure}_before"]
        if delta <= CHANGE_TOLERANCE:
            parts.append(t(f"presenter.scenarios.{key}_none"))
            continue
        winners[figure] = row["name"]
        parts.append(t(f"presenter.scenarios.{key}", name=row["name"],
                       before=_value(sc, figure, row[f"{figure}_before"]),
                       after=_value(sc, figure, row[f"{figure}_after"]), delta=_pp(sc, delta),
                       funding=_money(sc, row["funding_moved_wan"]), village=sc.village(row["min_village_after"])))
    if len(winners) == 2 and winners["coverage"] == winners["min"]:
        parts.append(t("presenter.scenarios.notes_both", name=winners["coverage"]))
    refused = table[~table["valid"]]
    if len(refused) == len(table):
        parts.append(t("presenter.scenarios.notes_none"))
    for _, row in refused.iterrows():
        parts.append(t("presenter.scenarios.notes_refused", name=row["name"], reason=_reasons(sc, row)))
    parts.append(t("presenter.scenarios.notes_caveat"))
    return sc.sentences(parts)


# -- the slide -------------------------------------------------------------------------------

def scenarios(sc: SlideContext) -> Slide:
    """The scenario slide of ``sc.inputs.scenarios`` (which must not be None)."""
    t, found = sc.t, sc.inputs.scenarios
    table = found.table
    figures = tuple(_figure(sc, table, f) for f in BEST_FIGURES)
    charts = ()
    villages = chart_villages(found.changes)
    if villages:
        names = dict(zip(table["label"], table["name"]))
        changes = found.changes.loc[villages]
        charts = (Chart("scenario_changes", t("presenter.scenarios.chart"),
                        change_bars([sc.village(v) for v in villages],
                                    {names[c]: list(changes[c] * 100) for c in changes.columns},
                                    t("presenter.scenarios.axis"))),)
    return Slide("scenarios", t("presenter.scenarios.title"),
                 t("presenter.scenarios.subtitle", n=sc.fmt(len(table), "count")),
                 figures, charts, (_table(sc, table),), notes=_notes(sc, table), tables_first=True)


def scenario_line(sc: SlideContext) -> tuple[str, str] | None:
    """The scenarios compared, for the cover of the briefing (None when none)."""
    found = sc.inputs.scenarios
    if found is None or found.table.empty:
        return None
    return sc.t("presenter.filter.scenarios"), sc.join(found.table["name"])
