"""Recommended funding allocations for the planner: the efficiency / equality frontier as moves.

Budget-neutral: at most ``movable_share`` of each village and domain's funding may be taken away,
and what is taken is given where it does most (first point) or where it lifts the worst-off village
most (last point). Added budget: the added funding is distributed; nothing is taken away. Staff are
not part of the recommendation: the queue is not concave in whole handlers, and moving people is a
decision of its own.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from cockpit.planner.baseline import Baseline, Model
from cockpit.planner.optimize import frontier
from cockpit.planner.project import Moves

__all__ = ["Recommendation", "recommend", "to_moves"]


@dataclass(frozen=True)
class Recommendation:
    """One point of the frontier: worst-off village's coverage, township coverage, and the moves."""

    min_coverage: float
    township_coverage: float
    moves: Moves


def to_moves(baseline: Baseline, x_month: np.ndarray, total_wan: float) -> Moves:
    """Monthly yuan per cell to 万元 a year rounded to 0.01, summing exactly to ``total_wan``
    (the rounding remainder goes to the largest increase)."""
    wan = np.round(x_month * 12 / 1e4, 2)
    rest = round(total_wan - float(wan.sum()), 2)
    if rest:
        i = np.unravel_index(np.argmax(wan), wan.shape)
        wan[i] = round(float(wan[i]) + rest, 2)
    return Moves(wan, np.zeros_like(baseline.staff))


def recommend(baseline: Baseline, model: Model, mode: str, added_wan: float = 0.0,
              movable_share: float = 0.2, points: int = 7) -> list[Recommendation]:
    """The frontier from most township coverage (first) to the fairest allocation (last)."""
    if not 0 <= movable_share <= 1:
        raise ValueError("movable_share must lie between 0 and 1")
    if mode == "neutral":
        budget, total_wan = 0.0, 0.0
        lower = -movable_share * baseline.funding
    else:
        budget, total_wan = added_wan * 1e4 / 12, round(added_wan, 2)
        lower = np.zeros_like(baseline.funding)
    k = np.broadcast_to(model.k, baseline.coverage.shape)
    found = frontier(baseline.population, baseline.coverage, k, budget, lower, points=points,
                     weights=baseline.weights)
    return [Recommendation(p.min_coverage, p.efficiency, to_moves(baseline, p.x, total_wan)) for p in found]
