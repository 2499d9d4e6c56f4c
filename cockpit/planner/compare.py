"""Saved scenarios side by side: the township figures before and after each, and each village's
change of coverage, for the planner page (cockpit/ui/scenario_view.py) and the joint-meeting
deck (cockpit/meeting/scenario_slides.py).

Every scenario is projected over its own baseline (the month it was saved in) with one model.
A scenario that :func:`cockpit.planner.moves.check` refuses on that baseline (e.g. a village's
funding fell since and the move would now take more than it has) keeps its "before" figures,
``valid`` False, the refusals (:class:`cockpit.planner.moves.Problem`) in ``problems`` and NaN for every "after" figure; it has no
column in the per-village changes. Coverage, on-time share, worst-off village and gap are
fractions (0.731, not 73.1); backlog growth is cases a month summed over the villages.

Pure Python: no Streamlit.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from cockpit.planner.baseline import Baseline, Model
from cockpit.planner.moves import Problem, check
from cockpit.planner.project import Projection, project, zero_moves
from cockpit.planner.report import moved_wan
from cockpit.planner.scenario import moves_of
from cockpit.store.scenarios import Scenario

__all__ = ["COLUMNS", "FIGURES", "MAX_COMPARED", "Comparison", "compare", "compare_scenarios",
           "coverage_changes", "label_of", "best"]

MAX_COMPARED = 3  # two or three side by side on the planner page, up to three in a meeting
# (figure, higher is better): the before/after pairs, as ``<figure>_before`` / ``<figure>_after``
FIGURES: tuple[tuple[str, bool], ...] = (("coverage", True), ("on_time", True), ("min", True),
                                          ("gini", False), ("gap", False), ("backlog", False))
COLUMNS: tuple[str, ...] = (
    "label", "scenario_id", "name", "baseline_period", "mode", "valid", "problems", "unknown_ids",
    *(f"{f}_{when}" for f, _ in FIGURES for when in ("before", "after")),
    "min_village_before", "min_village_after", "funding_moved_wan", "staff_moved_fte", "added_budget_wan",
)


@dataclass(frozen=True)
class Comparison:
    """``table``: one row per scenario in the order given (:data:`COLUMNS`; the index is the
    ``label``); ``changes``: change of each village's coverage (a fraction, its composite
    service index), one column per projectable scenario (its label), villages (``village_id``) as rows."""

    table: pd.DataFrame = field(repr=False)
    changes: pd.DataFrame = field(repr=False)

    @property
    def valid(self) -> pd.DataFrame:
        return self.table[self.table["valid"]]


def label_of(scenario: Scenario) -> str:
    """How a scenario is named in a comparison: its name and baseline month."""
    return f"{scenario.name} ({scenario.baseline_period})"


def _figures(p: Projection, baseline: Baseline) -> dict:
    return {"coverage": p.township_coverage, "on_time": p.township_on_time, "min": p.equity["min"],
            "gini": p.equity["gini"], "gap": p.equity["gap"], "backlog": float(p.backlog_per_month.sum()),
            "min_village": baseline.village_ids[int(np.argmin(p.village_coverage))]}


def compare(items: list[tuple[Scenario, Baseline | None]], model: Model) -> Comparison:
    """Project every scenario over its baseline with ``model`` and line them up.

    ``items`` pairs each scenario with the baseline of its ``baseline_period`` (the caller picks
    the villages: the planner page its user's scope, the meeting the whole township), or with
    None when that month is no longer in the data: the scenario is then refused
    (``Problem("no_baseline", {"period": ...})``) and has no figures at all."""
    rows: list[dict] = []
    changes: dict[str, pd.Series] = {}
    before_of: dict[int, Projection] = {}
    for scenario, baseline in items:
        label = label_of(scenario)
        if any(r["label"] == label for r in rows):
            raise ValueError(f"scenario {label!r} is compared twice")
        row = {"label": label, "scenario_id": scenario.scenario_id, "name": scenario.name,
               "baseline_period": scenario.baseline_period, "mode": scenario.mode,
               "added_budget_wan": scenario.added_budget_wan}
        if baseline is None:
            row.update(valid=False, problems=(Problem("no_baseline", {"period": scenario.baseline_period}),),
                       unknown_ids=(), funding_moved_wan=math.nan, staff_moved_fte=math.nan)
            rows.append(row)
            continue
        moves, unknown = moves_of(baseline, scenario)
        if id(baseline) not in before_of:  # scenarios of the same month share its projection
            before_of[id(baseline)] = project(baseline, model, zero_moves(baseline))
        before = before_of[id(baseline)]
        problems = check(baseline, moves, scenario.mode, scenario.added_budget_wan,
                         max(0.0, float(moves.staff_fte.sum())))
        row.update(valid=not problems, problems=tuple(problems), unknown_ids=tuple(unknown),
                   funding_moved_wan=moved_wan(moves), staff_moved_fte=float(np.clip(moves.staff_fte, 0, None).sum()))
        after = project(baseline, model, moves) if not problems else None
        was = _figures(before, baseline)
        now = _figures(after, baseline) if after is not None else {}
        for name in was:
            row[f"{name}_before"] = was[name]
            row[f"{name}_after"] = now.get(name, None if name == "min_village" else math.nan)
        if after is not None:
            changes[label] = pd.Series(after.village_coverage - before.village_coverage,
                                       index=pd.Index(baseline.village_ids, name="village_id"))
        rows.append(row)
    table = pd.DataFrame(rows, columns=list(COLUMNS))
    for name, _ in FIGURES:
        for when in ("before", "after"):
            table[f"{name}_{when}"] = table[f"{name}_{when}"].astype(float)
    table["valid"] = table["valid"].astype(bool)
    table.index = pd.Index(table["label"])
    frame = (pd.concat(changes, axis=1) if changes
             else pd.DataFrame(index=pd.Index([], name="village_id", dtype=object)))
    frame.index.name = "village_id"
    return Comparison(table, frame)


def compare_scenarios(items: list[tuple[Scenario, Baseline]], model: Model) -> pd.DataFrame:
    """One row per scenario (see :func:`compare`)."""
    return compare(items, model).table


def coverage_changes(items: list[tuple[Scenario, Baseline]], model: Model) -> pd.DataFrame:
    """Each village's change of coverage per projectable scenario (see :func:`compare`)."""
    return compare(items, model).changes


def best(table: pd.DataFrame, figure: str) -> pd.Series | None:
    """The projectable scenario with the largest gain of ``figure`` (a name of :data:`FIGURES`;
    for a lower-is-better figure the largest fall), the first of equals; None without any."""
    valid = table[table["valid"]]
    if valid.empty:
        return None
    higher = dict(FIGURES)[figure]
    gain = valid[f"{figure}_after"] - valid[f"{figure}_before"]
    gain = gain if higher else -gain
    return valid.loc[gain.idxmax()] if gain.notna().any() else None
