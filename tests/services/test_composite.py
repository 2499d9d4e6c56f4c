"""Composite index: entropy weights and TOPSIS against pymcdm and by hand.

Normalizations compared (pymcdm 1.4.0 source read to match them):

- TOPSIS: pymcdm ``TOPSIS(normalizations.minmax_normalization)`` is our ``"min-max"``
  ((x − min)/(max − min), cost (max − x)/(max − min), constant column → 1), and
  ``TOPSIS(normalizations.vector_normalization)`` our ``"vector"`` (x/√Σx², cost 1 − x/√Σx²).
  Both weight the normalized matrix, take column max / min as ideal / anti-ideal, C = D⁻/(D⁺ + D⁻).
- Entropy: pymcdm ``weights.entropy_weights`` always takes p = x/Σx of the matrix it is given
  (``sum_normalization``), i.e. our ``"raw"``; our default min-max entropy equals pymcdm applied to
  the min-max normalized matrix. pymcdm's sum normalization refuses zeros, and min-max always
  makes one per column (the worst village), so there the zeros are nudged to 1e-300 for pymcdm:
  p·ln p is then 0 to machine precision, which is the 0·ln 0 = 0 limit this module uses.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from cockpit.services.composite import NORMALIZATION, entropy_weights, normalize, topsis, weighted_index

pymcdm = pytest.importorskip("pymcdm")
from pymcdm import normalizations  # noqa: E402
from pymcdm.methods import TOPSIS  # noqa: E402
from pymcdm.weights import entropy_weights as pymcdm_entropy  # noqa: E402

MATRIX = pd.DataFrame(
    {"education": [0.62, 0.71, 0.55, 0.90, 0.48, 0.66],
     "health": [0.80, 0.52, 0.61, 0.93, 0.45, 0.70],
     "elderly": [0.35, 0.41, 0.30, 0.72, 0.75, 0.50],
     "digital": [0.91, 0.60, 0.74, 0.98, 0.40, 0.85]},
    index=[f"v{i}" for i in range(6)])


def test_default_normalization_is_min_max():
    assert NORMALIZATION == "min-max"


def test_entropy_weights_by_hand_3x2():
    m = pd.DataFrame({"a": [0.2, 0.4, 0.6], "b": [0.5, 0.5, 0.8]})
    # min-max: a → (0, .5, 1), p = (0, 1/3, 2/3); b → (0, 0, 1), p = (0, 0, 1)
    # e_a = −(1/ln 3)(⅓ ln ⅓ + ⅔ ln ⅔) = 0.5794; e_b = −(1/ln 3)(1·ln 1) = 0
    e_a = -(1 / 3 * math.log(1 / 3) + 2 / 3 * math.log(2 / 3)) / math.log(3)
    d_a, d_b = 1 - e_a, 1.0                       # 0.4206, 1
    w = entropy_weights(m)
    assert w["a"] == pytest.approx(d_a / (d_a + d_b), abs=1e-15)   # 0.2961
    assert w["b"] == pytest.approx(d_b / (d_a + d_b), abs=1e-15)   # 0.7039
    assert w.sum() == pytest.approx(1.0)


def test_topsis_by_hand_3x2():
    m = pd.DataFrame({"a": [0.2, 0.4, 0.6], "b": [0.5, 0.5, 0.8]})
    # weighted min-max matrix with w = (.5, .5): (0, 0), (.25, 0), (.5, .5); ideal (.5, .5),
    # anti-ideal (0, 0). Middle village: D⁺ = √(.25² + .5²) = .5590, D⁻ = .25, C = .25/.8090
    c = topsis(m, {"a": 1, "b": 1})
    mid = 0.25 / (0.25 + math.sqrt(0.25 ** 2 + 0.5 ** 2))
    assert list(c) == pytest.approx([0.0, mid, 1.0], abs=1e-15)     # mid = 0.3090


def test_raw_entropy_equals_pymcdm():
    ours = entropy_weights(MATRIX, normalization="raw")
    assert ours.to_numpy() == pytest.approx(pymcdm_entropy(MATRIX.to_numpy()), rel=1e-12)


def test_min_max_entropy_equals_pymcdm_on_the_min_max_matrix():
    z = normalize(MATRIX, "min-max").to_numpy()
    ref = pymcdm_entropy(np.where(z > 0, z, 1e-300))
    assert entropy_weights(MATRIX).to_numpy() == pytest.approx(ref, rel=1e-12)


@pytest.mark.parametrize("ours, theirs", [("min-max", normalizations.minmax_normalization),
                                          ("vector", normalizations.vector_normalization)])
@pytest.mark.parametrize("types", [(1, 1, 1, 1), (1, -1, 1, -1)])
def test_topsis_equals_pymcdm(ours, theirs, types):
    w = entropy_weights(MATRIX)
    benefit = [t == 1 for t in types]
    ref = TOPSIS(theirs)(MATRIX.to_numpy(), w.to_numpy(), np.array(types))
    got = topsis(MATRIX, w, normalization=ours, benefit=benefit)
    assert got.to_numpy() == pytest.approx(ref, rel=1e-12)
    assert got.between(0, 1).all() and list(got.index) == list(MATRIX.index)


def test_constant_columns_get_no_weight_and_all_constant_equal_weights():
    m = MATRIX.assign(culture=0.5)
    w = entropy_weights(m)
    assert w["culture"] == 0.0 and w.sum() == pytest.approx(1.0)
    flat = pd.DataFrame({"a": [0.3] * 4, "b": [0.7] * 4, "c": [0.0] * 4})
    assert list(entropy_weights(flat)) == pytest.approx([1 / 3] * 3)
    assert list(topsis(flat, [1, 1, 1])) == [0.5] * 4


def test_cost_criterion_is_flipped():
    m = pd.DataFrame({"a": [0.2, 0.4, 0.6]})
    assert list(normalize(m, benefit=False)["a"]) == pytest.approx([1.0, 0.5, 0.0])
    assert list(topsis(m, [1], benefit={"a": False})) == pytest.approx([1.0, 0.5, 0.0])


def test_weighted_index_on_the_raw_scale():
    idx = weighted_index(MATRIX, {"education": 2, "health": 1, "elderly": 1, "digital": 0})
    expected = (2 * MATRIX["education"] + MATRIX["health"] + MATRIX["elderly"]) / 4
    assert idx.to_numpy() == pytest.approx(expected.to_numpy(), abs=1e-15)
    eq = weighted_index(MATRIX, [1, 1, 1, 1])
    assert eq.to_numpy() == pytest.approx(MATRIX.mean(axis=1).to_numpy(), abs=1e-15)


@pytest.mark.parametrize("call, match", [
    (lambda: entropy_weights(MATRIX.iloc[:1]), "at least 2 villages"),
    (lambda: entropy_weights(MATRIX.assign(health=[np.nan, 1, 1, 1, 1, 1])), "health"),
    (lambda: entropy_weights(MATRIX, normalization="vector"), "normalization"),
    (lambda: topsis(MATRIX, [1, 1, 1, 1], normalization="raw"), "normalization"),
    (lambda: weighted_index(MATRIX, {"education": 1}), "weights missing"),
    (lambda: weighted_index(MATRIX, [1, -1, 1, 1]), "weights"),
    (lambda: weighted_index(MATRIX.to_numpy(), [1, 1, 1, 1]), "DataFrame"),
])
def test_bad_input_raises_naming_the_field(call, match):
    with pytest.raises(ValueError, match=match):
        call()
