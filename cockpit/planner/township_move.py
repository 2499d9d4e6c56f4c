"""A county's quick move: funding and staff from one township's villages to another's.

"Move X 万元 a year (and N FTE) from township A to township B" becomes village moves, added to the
moves already made, so everything downstream of the village moves (the projection, the by-township
sums, a saved scenario, the meeting's slides) shows it:

- **Taken from A** in proportion to what each of A's cells holds now (the baseline plus the moves
  already made): funding from every village and domain of A, staff from every village of A, so every
  cell gives up the same share of what it has and none falls below zero. Refused, with the reason,
  when A holds less than asked.
- **Given to B** in proportion to the population of B's villages (equally when B has no recorded
  population): the funding taken from a domain goes to the same domain of B's villages, so the
  township's mix of domains is kept.

Funding moves in steps of 0.01 万元 and staff in steps of 0.01 FTE, as the village moves do (staff
in the planner is FTE, not whole people: the queue rounds to whole handlers itself, see
:mod:`cockpit.planner.project`). Each split is rounded by largest remainders (ties to the earlier
village), so what leaves A is exactly what reaches B, domain by domain.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from cockpit.planner.baseline import Baseline
from cockpit.planner.moves import Problem
from cockpit.planner.project import Moves

__all__ = ["STEP", "move_between_townships", "township_problems", "split_taken", "split_given"]

STEP = 100  # steps of a unit: 0.01 万元, 0.01 FTE
_EPS = 1e-6  # of a step: what floating point leaves of a whole step


def _largest_remainder(quota: np.ndarray, total: int, room: np.ndarray) -> np.ndarray:
    """Whole steps summing to ``total``, each close to its ``quota`` and at most its ``room``: the
    floors first, then one step at a time to the largest remainder still with room (ties: the
    earlier)."""
    steps = np.minimum(np.floor(quota + _EPS), room).astype(np.int64)
    left = total - int(steps.sum())
    while left < 0:   # floating point put a floor a step too high: back from the smallest remainder
        over = np.flatnonzero(steps > 0)
        j = over[np.argmin(quota[over] - steps[over])]
        steps[j] -= 1
        left += 1
    while left > 0:
        open_ = np.flatnonzero(steps < room)
        if open_.size == 0:
            raise ValueError("more asked than there is room for")
        order = open_[np.argsort(-(quota[open_] - steps[open_]), kind="stable")][:left]
        steps[order] += 1
        left -= order.size
    return steps


def split_taken(holdings: np.ndarray, amount: float) -> np.ndarray:
    """What each cell gives up of ``amount``, in proportion to ``holdings`` (any shape; negative
    holdings count as none), in 0.01 steps, never more than a cell holds."""
    held = np.clip(np.asarray(holdings, dtype=float), 0.0, None).ravel()
    total = int(round(amount * STEP))
    room = np.floor(held * STEP + _EPS).astype(np.int64)
    if total > room.sum():
        raise ValueError(f"{amount} asked, {room.sum() / STEP} held")
    if total == 0:
        return np.zeros(np.shape(holdings))
    quota = held * (total / held.sum())
    return (_largest_remainder(quota, total, room) / STEP).reshape(np.shape(holdings))


def split_given(weights: np.ndarray, amount: float) -> np.ndarray:
    """``amount`` shared in proportion to ``weights`` (equally when they sum to nothing), in 0.01
    steps summing to it exactly."""
    w = np.clip(np.asarray(weights, dtype=float), 0.0, None)
    w = w if w.sum() > 0 else np.ones_like(w)
    total = int(round(amount * STEP))
    quota = w * (total / w.sum())
    return _largest_remainder(quota, total, np.full(w.shape, total, dtype=np.int64)) / STEP


def _members(baseline: Baseline, township_of: Mapping[str, str], code: str) -> np.ndarray:
    return np.array([i for i, v in enumerate(baseline.village_ids) if township_of.get(v) == code], dtype=int)


def _held(baseline: Baseline, moves: Moves, rows: np.ndarray) -> tuple[float, float]:
    """What the villages ``rows`` hold now and can give, in whole 0.01 steps: funding, staff."""
    funding = np.clip(baseline.funding_wan_year[rows] + moves.funding_wan[rows], 0.0, None)
    staff = np.clip(baseline.staff[rows] + moves.staff_fte[rows], 0.0, None)
    return (float(np.floor(funding * STEP + _EPS).sum()) / STEP, float(np.floor(staff * STEP + _EPS).sum()) / STEP)


def township_problems(baseline: Baseline, moves: Moves, township_of: Mapping[str, str], source: str, target: str,
                      wan: float, fte: float) -> list[Problem]:
    """Every reason to refuse moving ``wan`` 万元 a year and ``fte`` FTE from township ``source`` to
    ``target`` (``township_of``: village_id -> township code); empty: it can be made. Keys are under
    ``planner.problem.``; townships are named by code."""
    problems: list[Problem] = []
    if source == target:
        problems.append(Problem("same_township", {"township": source}))
    if wan < 0 or fte < 0:
        problems.append(Problem("negative_township_move", {}))
    elif round(wan * STEP) == 0 and round(fte * STEP) == 0:
        problems.append(Problem("nothing_to_move", {}))
    if problems:
        return problems
    taken_from, given_to = _members(baseline, township_of, source), _members(baseline, township_of, target)
    for code, rows in ((source, taken_from), (target, given_to)):
        if rows.size == 0:
            problems.append(Problem("township_without_villages", {"township": code}))
    if problems:
        return problems
    have_wan, have_fte = _held(baseline, moves, taken_from)
    if round(wan * STEP) > round(have_wan * STEP):
        problems.append(Problem("township_too_little_funding", {"township": source, "have": have_wan, "asked": wan}))
    if round(fte * STEP) > round(have_fte * STEP):
        problems.append(Problem("township_too_little_staff", {"township": source, "have": have_fte, "asked": fte}))
    return problems


def move_between_townships(baseline: Baseline, moves: Moves, township_of: Mapping[str, str], source: str,
                           target: str, wan: float = 0.0, fte: float = 0.0) -> tuple[Moves, list[Problem]]:
    """``moves`` plus ``wan`` 万元 a year and ``fte`` FTE moved from township ``source``'s villages to
    township ``target``'s, by the rule of the module doc: taken in proportion to what each of the
    source's cells holds, given in proportion to the population of the target's villages, domain by
    domain. Returns the new moves and no problem, or ``moves`` unchanged and the reasons it was
    refused (:func:`township_problems`)."""
    problems = township_problems(baseline, moves, township_of, source, target, wan, fte)
    if problems:
        return moves, problems
    a, b = _members(baseline, township_of, source), _members(baseline, township_of, target)
    funding, staff = moves.funding_wan.copy(), moves.staff_fte.copy()
    taken = split_taken(baseline.funding_wan_year[a] + moves.funding_wan[a], wan)     # villages of A x domains
    funding[a] -= taken
    for d, amount in enumerate(taken.sum(axis=0)):
        funding[b, d] += split_given(baseline.population[b], float(amount))
    people = split_taken(baseline.staff[a] + moves.staff_fte[a], fte)
    staff[a] -= people
    staff[b] += split_given(baseline.population[b], float(people.sum()))
    return Moves(funding, staff), []
