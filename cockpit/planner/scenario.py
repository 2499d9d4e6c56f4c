"""Between a saved scenario (cockpit.store.scenarios) and the planner's arrays."""

from __future__ import annotations

import numpy as np

from cockpit.planner.baseline import Baseline
from cockpit.planner.project import Moves
from cockpit.store.scenarios import Scenario

__all__ = ["scenario_of", "moves_of"]


def scenario_of(baseline: Baseline, moves: Moves, name: str, author: str, note: str | None, mode: str,
                added_wan: float) -> Scenario:
    """The scenario record of ``moves`` (only non-zero changes are kept)."""
    funding = {v: {d: float(moves.funding_wan[i, j]) for j, d in enumerate(baseline.domains)
                   if moves.funding_wan[i, j] != 0}
               for i, v in enumerate(baseline.village_ids)}
    staff = {v: float(moves.staff_fte[i]) for i, v in enumerate(baseline.village_ids) if moves.staff_fte[i] != 0}
    return Scenario(name=name, author=author, note=note, baseline_period=baseline.period, mode=mode,
                    added_budget_wan=float(added_wan) if mode == "added" else 0.0,
                    funding={v: d for v, d in funding.items() if d}, staff=staff)


def moves_of(baseline: Baseline, scenario: Scenario) -> tuple[Moves, list[str]]:
    """The scenario's moves over ``baseline``'s villages and domains, and the ids it names that the
    baseline lacks (their moves are left out, and the page says so)."""
    funding = np.zeros_like(baseline.funding)
    staff = np.zeros_like(baseline.staff)
    villages = {v: i for i, v in enumerate(baseline.village_ids)}
    domains = {d: j for j, d in enumerate(baseline.domains)}
    unknown: list[str] = []
    for v, changes in scenario.funding.items():
        for d, value in changes.items():
            if v in villages and d in domains:
                funding[villages[v], domains[d]] = value
            else:
                unknown.append(v if v not in villages else d)
    for v, value in scenario.staff.items():
        if v in villages:
            staff[villages[v]] = value
        else:
            unknown.append(v)
    return Moves(funding, staff), sorted(set(unknown))
