"""What a planner may move, and the quick moves.

Two modes: ``neutral`` (budget-neutral reallocation: funding and staff move between villages and
domains, the totals stay fixed) and ``added`` (an added budget and added staff to distribute: changes
are additions that together stay within what was added). In both, no village and domain may end
with negative funding nor a village with negative staff.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from cockpit.planner.baseline import Baseline
from cockpit.planner.project import Moves

__all__ = ["MODES", "Problem", "check", "balance", "remotest", "shift_to_remotest", "FUNDING_TOLERANCE_WAN",
           "STAFF_TOLERANCE_FTE"]

MODES = ("neutral", "added")
FUNDING_TOLERANCE_WAN = 0.005   # half a 0.01 万元 step (50 yuan a year)
STAFF_TOLERANCE_FTE = 0.005


@dataclass(frozen=True)
class Problem:
    """Why moves are refused: an i18n key under ``planner.problem.`` and its format values."""

    key: str
    values: dict


def balance(moves: Moves) -> tuple[float, float]:
    """Net change of funding (万元 a year) and of staff (FTE)."""
    return float(moves.funding_wan.sum()), float(moves.staff_fte.sum())


def check(baseline: Baseline, moves: Moves, mode: str, added_wan: float = 0.0,
          added_fte: float = 0.0) -> list[Problem]:
    """Every reason to refuse ``moves``; an empty list means they can be projected."""
    if mode not in MODES:
        raise ValueError(f"mode must be one of {MODES}, got {mode!r}")
    problems: list[Problem] = []
    funding = baseline.funding_wan_year + moves.funding_wan
    for v, d in zip(*np.nonzero(funding < -FUNDING_TOLERANCE_WAN)):
        problems.append(Problem("negative_funding", {"village": baseline.village_ids[v], "domain": baseline.domains[d],
                                                     "have": baseline.funding_wan_year[v, d],
                                                     "change": moves.funding_wan[v, d]}))
    staff = baseline.staff + moves.staff_fte
    for v in np.flatnonzero(staff < -STAFF_TOLERANCE_FTE):
        problems.append(Problem("negative_staff", {"village": baseline.village_ids[v], "have": baseline.staff[v],
                                                   "change": moves.staff_fte[v]}))
    net_wan, net_fte = balance(moves)
    if mode == "neutral":
        if abs(net_wan) > FUNDING_TOLERANCE_WAN:
            problems.append(Problem("unbalanced_funding", {"net": net_wan}))
        if abs(net_fte) > STAFF_TOLERANCE_FTE:
            problems.append(Problem("unbalanced_staff", {"net": net_fte}))
    else:
        if added_wan < 0 or added_fte < 0:
            problems.append(Problem("negative_added", {"wan": added_wan, "fte": added_fte}))
        if (moves.funding_wan < -FUNDING_TOLERANCE_WAN).any() or (moves.staff_fte < -STAFF_TOLERANCE_FTE).any():
            problems.append(Problem("added_takes_away", {}))
        if net_wan > added_wan + FUNDING_TOLERANCE_WAN:
            problems.append(Problem("over_budget", {"net": net_wan, "added": added_wan}))
        if net_fte > added_fte + STAFF_TOLERANCE_FTE:
            problems.append(Problem("over_staff", {"net": net_fte, "added": added_fte}))
    return problems


def remotest(baseline: Baseline, n: int) -> np.ndarray:
    """Indices of the ``n`` villages farthest from the seat (the seat itself excluded)."""
    candidates = np.flatnonzero(baseline.kind != "seat")
    order = candidates[np.argsort(-baseline.distance_km[candidates], kind="stable")]
    return order[:max(0, n)]


def shift_to_remotest(baseline: Baseline, moves: Moves, percent: float, n: int,
                      staff_percent: float = 0.0, domains: tuple[str, ...] | None = None) -> Moves:
    """Add to ``moves``: take ``percent`` of the seat's funding (of ``domains``, default all) and
    ``staff_percent`` of its staff, and give them to the ``n`` remotest villages in proportion to
    their population. Funding is rounded to 0.01 万元 and staff to 0.01 FTE, the rounding remainder
    going to the first receiving village, so the totals are conserved exactly."""
    if not 0 <= percent <= 100 or not 0 <= staff_percent <= 100:
        raise ValueError("percent must lie between 0 and 100")
    seat = np.flatnonzero(baseline.kind == "seat")
    to = remotest(baseline, n)
    funding, staff = moves.funding_wan.copy(), moves.staff_fte.copy()
    if seat.size == 0 or to.size == 0:
        return Moves(funding, staff)
    s = seat[0]
    cols = [baseline.domains.index(d) for d in (baseline.domains if domains is None else domains)]
    share = baseline.population[to] / baseline.population[to].sum()
    for d in cols:
        taken = round(baseline.funding_wan_year[s, d] * percent / 100, 2)
        given = np.round(taken * share, 2)
        given[0] += round(taken - given.sum(), 2)
        funding[s, d] -= taken
        funding[to, d] += given
    taken = round(baseline.staff[s] * staff_percent / 100, 2)
    given = np.round(taken * share, 2)
    given[0] += round(taken - given.sum(), 2)
    staff[s] -= taken
    staff[to] += given
    return Moves(funding, staff)
