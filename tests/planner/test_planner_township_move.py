"""The county's township-to-township move: the split by hand, refusals, and what leaves A reaching B."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from cockpit.planner.baseline import Baseline
from cockpit.planner.moves import check
from cockpit.planner.project import Moves, zero_moves
from cockpit.planner.township_move import move_between_townships, split_given, split_taken, township_problems

IDS = ("a1", "a2", "b1", "b2", "b3", "c1")
TOWNSHIP_OF = {"a1": "A", "a2": "A", "b1": "B", "b2": "B", "b3": "B", "c1": "C"}
# funding in 万元 a year (village x domain d1, d2); the baseline holds yuan a month
WAN = np.array([[30.0, 10.0], [50.0, 10.0], [5.0, 5.0], [5.0, 5.0], [5.0, 5.0], [20.0, 20.0]])
STAFF = np.array([2.0, 3.0, 1.0, 1.0, 1.0, 4.0])
POPULATION = np.array([900.0, 1100.0, 1000.0, 3000.0, 4000.0, 5000.0])


def _baseline(wan=WAN, staff=STAFF, population=POPULATION) -> Baseline:
    n = len(IDS)
    return Baseline(period="2026-10", village_ids=IDS, domains=("d1", "d2"), population=np.asarray(population, float),
                    area_group=np.array(["rural"] * n), kind=np.array(["village"] * n),
                    distance_km=np.arange(n, dtype=float), coverage=np.full((n, 2), 0.5),
                    funding=np.asarray(wan, float) * 1e4 / 12, staff=np.asarray(staff, float),
                    lam=np.ones(n), due_days=np.array([7.0]), due_share=np.ones((n, 1)))


def _by_township(moves: Moves) -> dict[str, tuple[float, float]]:
    out = {}
    for code in "ABC":
        rows = [i for i, v in enumerate(IDS) if TOWNSHIP_OF[v] == code]
        out[code] = (round(float(moves.funding_wan[rows].sum()), 6), round(float(moves.staff_fte[rows].sum()), 6))
    return out


def test_the_split_by_hand():
    """20 万元 of A's 100: every cell of A gives a fifth (a1 30, 10 -> 6, 2; a2 50, 10 -> 10, 2); d1 loses
    16 and d2 4, shared by B's population 1000 : 3000 : 4000 (d1 2, 6, 8; d2 0.5, 1.5, 2). 1 FTE of A's
    5: a1 0.4, a2 0.6; to B 0.125, 0.375, 0.5 rounded by largest remainders, the tie of b1 and b2 to
    the earlier: 0.13, 0.37, 0.50."""
    b = _baseline()
    moves, problems = move_between_townships(b, zero_moves(b), TOWNSHIP_OF, "A", "B", wan=20, fte=1)
    assert problems == []
    np.testing.assert_allclose(moves.funding_wan, [[-6, -2], [-10, -2], [2, 0.5], [6, 1.5], [8, 2], [0, 0]],
                               rtol=0, atol=1e-9)
    np.testing.assert_allclose(moves.staff_fte, [-0.4, -0.6, 0.13, 0.37, 0.5, 0], rtol=0, atol=1e-9)
    assert check(b, moves, "neutral") == []


def test_a_small_move_is_rounded_to_the_cent_and_conserved():
    """1 万元: a1 0.3, 0.1; a2 0.5, 0.1; d1 0.8 -> 0.1, 0.3, 0.4; d2 0.2 -> 2.5, 7.5, 10 hundredths:
    the tie's odd hundredth to b1."""
    b = _baseline()
    moves, _ = move_between_townships(b, zero_moves(b), TOWNSHIP_OF, "A", "B", wan=1)
    np.testing.assert_allclose(moves.funding_wan[:5], [[-0.3, -0.1], [-0.5, -0.1], [0.1, 0.03], [0.3, 0.07],
                                                       [0.4, 0.1]], rtol=0, atol=1e-9)
    assert not moves.staff_fte.any()


def test_it_adds_to_the_moves_already_made_and_takes_from_what_a_holds_now():
    """a1's d1 already gave its 30 to c1 (it holds 0 now): 7 of what A holds now (a1 d2 10, a2 d1 50,
    a2 d2 10: 70) is a tenth of each: 1, 5, 1."""
    b = _baseline()
    before = zero_moves(b)
    funding = before.funding_wan.copy()
    funding[0, 0], funding[5, 0] = -30.0, 30.0     # a1's d1 moved to c1 by hand
    moves, problems = move_between_townships(b, Moves(funding, before.staff_fte), TOWNSHIP_OF, "A", "B", wan=7)
    assert problems == []
    np.testing.assert_allclose(moves.funding_wan[:2], [[-30, -1], [-5, -1]], rtol=0, atol=1e-9)
    assert moves.funding_wan[5, 0] == 30.0
    assert check(b, moves, "neutral") == []


def test_a_township_holding_less_than_asked_is_refused_with_what_it_holds():
    b = _baseline()
    moves, problems = move_between_townships(b, zero_moves(b), TOWNSHIP_OF, "A", "B", wan=100.01, fte=5.5)
    assert [(p.key, p.values["have"], p.values["asked"]) for p in problems] == [
        ("township_too_little_funding", 100.0, 100.01), ("township_too_little_staff", 5.0, 5.5)]
    assert not moves.funding_wan.any() and not moves.staff_fte.any()
    everything, problems = move_between_townships(b, zero_moves(b), TOWNSHIP_OF, "A", "B", wan=100, fte=5)
    assert problems == [] and check(b, everything, "neutral") == []
    np.testing.assert_allclose(b.funding_wan_year[:2] + everything.funding_wan[:2], 0, atol=1e-9)


def test_a_township_to_itself_is_refused():
    b = _baseline()
    moves, problems = move_between_townships(b, zero_moves(b), TOWNSHIP_OF, "A", "A", wan=5)
    assert [p.key for p in problems] == ["same_township"]
    assert not moves.funding_wan.any()


@pytest.mark.parametrize("wan,fte,key", [(0, 0, "nothing_to_move"), (-1, 0, "negative_township_move"),
                                         (0, -1, "negative_township_move")])
def test_nothing_or_a_negative_amount_is_refused(wan, fte, key):
    b = _baseline()
    assert [p.key for p in township_problems(b, zero_moves(b), TOWNSHIP_OF, "A", "B", wan, fte)] == [key]


def test_a_township_without_villages_here_is_refused():
    b = _baseline()
    assert [p.key for p in township_problems(b, zero_moves(b), TOWNSHIP_OF, "A", "Z", 1, 0)] == [
        "township_without_villages"]


def test_a_target_without_population_shares_equally():
    b = _baseline(population=[900, 1100, 0, 0, 0, 5000])
    moves, _ = move_between_townships(b, zero_moves(b), TOWNSHIP_OF, "A", "B", fte=1)
    np.testing.assert_allclose(moves.staff_fte[2:5], [0.34, 0.33, 0.33], rtol=0, atol=1e-9)


def test_the_splits_never_take_more_than_a_cell_holds():
    held = np.array([0.004, 0.019, 1.0])              # off the 0.01 grid: 0.00, 0.01, 1.00 can move
    np.testing.assert_allclose(split_taken(held, 1.01), [0, 0.01, 1.0], atol=1e-12)
    with pytest.raises(ValueError):
        split_taken(held, 1.02)
    assert split_given(np.array([1.0, 1.0, 1.0]), 0.01).tolist() == [0.01, 0, 0]


@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_what_leaves_a_reaches_b_domain_by_domain(data):
    floats = st.floats(0, 80, allow_nan=False).map(lambda x: round(x, 4))
    wan = np.array([[data.draw(floats) for _ in range(2)] for _ in IDS])
    staff = np.array([data.draw(st.floats(0, 6).map(lambda x: round(x, 3))) for _ in IDS])
    population = np.array([data.draw(st.integers(0, 5000)) for _ in IDS], float)
    b = _baseline(wan, staff, population)
    source, target = data.draw(st.sampled_from([("A", "B"), ("B", "A"), ("C", "A")]))
    rows = [i for i, v in enumerate(IDS) if TOWNSHIP_OF[v] == source]
    have_wan = float(np.floor(wan[rows] * 100 + 1e-6).sum()) / 100
    have_fte = float(np.floor(staff[rows] * 100 + 1e-6).sum()) / 100
    asked_wan = round(data.draw(st.floats(0, 1)) * have_wan, 2)
    asked_fte = round(data.draw(st.floats(0, 1)) * have_fte, 2)
    moves, problems = move_between_townships(b, zero_moves(b), TOWNSHIP_OF, source, target, asked_wan, asked_fte)
    if asked_wan == 0 and asked_fte == 0:
        assert [p.key for p in problems] == ["nothing_to_move"]
        return
    assert problems == []
    sums = _by_township(moves)
    assert sums[source] == pytest.approx((-asked_wan, -asked_fte), abs=1e-9)
    assert sums[target] == pytest.approx((asked_wan, asked_fte), abs=1e-9)
    np.testing.assert_allclose(moves.funding_wan.sum(axis=0), 0, atol=1e-9)     # each domain conserved
    assert check(b, moves, "neutral") == []                                       # nobody below zero
    third = ({"A", "B", "C"} - {source, target}).pop()
    assert sums[third] == (0.0, 0.0)
