"""Composite service index of villages: entropy weights (熵权法), weighted index and TOPSIS.

The decision matrix has one row per village and one column per criterion (a service domain's
coverage). Implementations of these methods differ mainly in how they normalize the columns,
so the choice is named here and must be named in the UI next to the figures:

- :data:`NORMALIZATION` = ``"min-max"``: x' = (x − min) / (max − min) per column (for a cost
  criterion (max − x) / (max − min)), so the worst village scores 0 and the best 1. A constant
  column, which cannot tell villages apart, becomes all 1.
- ``"vector"`` (TOPSIS only): x' = x / √Σx² per column, the textbook TOPSIS choice.
- ``"raw"`` (entropy only): the proportions are taken from the raw values, x ≥ 0.

References: pymcdm (``weights.entropy_weights``, ``methods.TOPSIS``) is the reference the tests
compare against; see tests/services/test_composite.py for where it and this module differ (zeros).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

__all__ = ["NORMALIZATION", "NORMALIZATIONS", "normalize", "entropy_weights", "weighted_index",
           "topsis"]

NORMALIZATION = "min-max"
NORMALIZATIONS = ("min-max", "vector", "raw")


def _matrix(matrix) -> pd.DataFrame:
    if not isinstance(matrix, pd.DataFrame):
        raise ValueError("matrix must be a DataFrame (villages × criteria)")
    if matrix.shape[1] == 0 or matrix.shape[0] < 2:
        raise ValueError("matrix needs at least 2 villages (rows) and 1 criterion (column)")
    for col in matrix.columns:
        values = pd.to_numeric(matrix[col], errors="coerce")
        if not np.all(np.isfinite(values.to_numpy(float))):
            raise ValueError(f"matrix column {col!r} has missing or non-numeric values")
    return matrix.astype(float)


def _benefit(benefit, columns) -> np.ndarray:
    if isinstance(benefit, (bool, np.bool_)):
        return np.full(len(columns), bool(benefit))
    b = pd.Series(benefit) if isinstance(benefit, Mapping) else benefit
    if isinstance(b, pd.Series):
        if set(b.index) != set(columns):
            raise ValueError("benefit must name every criterion (column) of the matrix")
        return b.reindex(columns).to_numpy(bool)
    b = np.asarray(b, dtype=bool)
    if b.shape != (len(columns),):
        raise ValueError(f"benefit has {b.size} entries but the matrix has {len(columns)} columns")
    return b


def normalize(matrix: pd.DataFrame, method: str = NORMALIZATION, benefit=True) -> pd.DataFrame:
    """Normalize each column of ``matrix`` with ``method`` ("min-max", "vector" or "raw").

    Higher is better after normalization for every criterion: a cost criterion
    (``benefit`` False) is flipped, (max − x)/(max − min) for min-max, 1 − x/√Σx² for vector.
    Constant column under min-max: all 1; all-zero column under vector: all 0.
    """
    if method not in NORMALIZATIONS:
        raise ValueError(f"normalization must be one of {NORMALIZATIONS}, got {method!r}")
    m = _matrix(matrix)
    x = m.to_numpy()
    b = _benefit(benefit, m.columns)
    with np.errstate(invalid="ignore", divide="ignore"):
        if method == "min-max":
            lo, hi = x.min(axis=0), x.max(axis=0)
            span = hi - lo
            z = np.where(b, x - lo, hi - x) / np.where(span > 0, span, 1.0)
            z[:, span == 0] = 1.0
        elif method == "vector":
            norm = np.sqrt((x * x).sum(axis=0))
            z = np.where(norm > 0, x / np.where(norm > 0, norm, 1.0), 0.0)
            z = np.where(b, z, 1.0 - z)
        else:
            if np.any(x < 0) or not b.all():
                raise ValueError("the raw normalization needs non-negative benefit criteria")
            z = x
    return pd.DataFrame(z, index=m.index, columns=m.columns)


def entropy_weights(matrix: pd.DataFrame, benefit=True,
                    normalization: str = NORMALIZATION) -> pd.Series:
    """Objective criterion weights from the entropy of each column (熵权法).

    With x' the normalized matrix (:data:`NORMALIZATION`, min-max, by default) over n villages:
    p_ij = x'_ij / Σ_i x'_ij, e_j = −(1/ln n) Σ_i p_ij ln p_ij (0·ln 0 = 0), d_j = 1 − e_j,
    w_j = d_j / Σ d. A criterion on which villages differ a lot (low entropy) gets a large
    weight; one on which they are all alike gets little. Weight 0.30 for health: 30% of the
    index's spread between villages is driven by health coverage.

    Policies: a constant column (or all zeros) has d_j = 0, so weight 0 — it does not tell
    villages apart; when every column is constant the weights are equal (1 / m).

    Returns
    -------
    pandas.Series
        One weight per column, summing to 1, named "weight".
    """
    if normalization not in ("min-max", "raw"):
        raise ValueError(f"normalization must be 'min-max' or 'raw' for entropy weights, "
                         f"got {normalization!r}")
    m = _matrix(matrix)
    z = normalize(m, normalization, benefit).to_numpy()
    n = z.shape[0]
    col = z.sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        p = z / np.where(col > 0, col, 1.0)
        plogp = np.where(p > 0, p * np.log(np.where(p > 0, p, 1.0)), 0.0)
    e = -plogp.sum(axis=0) / np.log(n)
    d = np.where(col > 0, 1.0 - e, 0.0)
    d[np.ptp(m.to_numpy(), axis=0) == 0] = 0.0    # constant: exactly 0, not 1e-16
    d = np.clip(d, 0.0, None)
    w = np.full(d.size, 1.0 / d.size) if d.sum() <= 0 else d / d.sum()
    return pd.Series(w, index=m.columns, name="weight")


def _weight_vector(weights, columns) -> np.ndarray:
    if isinstance(weights, Mapping):
        weights = pd.Series(weights, dtype=float)
    if isinstance(weights, pd.Series):
        missing = [c for c in columns if c not in weights.index]
        if missing:
            raise ValueError(f"weights missing for criteria: {', '.join(map(str, missing))}")
        w = weights.reindex(columns).to_numpy(float)
    else:
        w = np.asarray(weights, dtype=float)
        if w.shape != (len(columns),):
            raise ValueError(f"weights has {w.size} entries but the matrix has {len(columns)}")
    if not np.all(np.isfinite(w)) or np.any(w < 0) or w.sum() <= 0:
        raise ValueError("weights must be finite, non-negative and not all zero")
    return w / w.sum()


def weighted_index(matrix: pd.DataFrame, weights) -> pd.Series:
    """Σ_j w_j x_ij with the weights normalised to sum 1, on the raw scale of the matrix.

    With coverage shares (0–1) the index is in 0–1 too: 0.74 means the village's coverage
    averaged over domains, each counted by its weight, is 74%. ``weights`` is a Series or dict
    keyed by column name, or a sequence in column order.
    """
    m = _matrix(matrix)
    return pd.Series(m.to_numpy() @ _weight_vector(weights, m.columns), index=m.index,
                     name="index")


def topsis(matrix: pd.DataFrame, weights, normalization: str = NORMALIZATION,
           benefit=True) -> pd.Series:
    """TOPSIS closeness of each village to the ideal one, in [0, 1].

    Normalize (``"min-max"`` or ``"vector"``), multiply each column by its weight (normalised
    to 1), take per criterion the best (ideal) and worst (anti-ideal) village, and the Euclidean
    distances d⁺ to the ideal and d⁻ to the anti-ideal: C = d⁻ / (d⁺ + d⁻). C 1.0 is a
    village best on every criterion, 0.0 worst on every one; 0.62 is nearer the best than the
    worst. When all villages are identical (d⁺ = d⁻ = 0) every C is 0.5.
    """
    if normalization not in ("min-max", "vector"):
        raise ValueError(f"normalization must be 'min-max' or 'vector' for TOPSIS, "
                         f"got {normalization!r}")
    z = normalize(matrix, normalization, benefit)
    v = z.to_numpy() * _weight_vector(weights, z.columns)
    d_plus = np.sqrt(((v - v.max(axis=0)) ** 2).sum(axis=1))
    d_minus = np.sqrt(((v - v.min(axis=0)) ** 2).sum(axis=1))
    total = d_plus + d_minus
    c = np.where(total > 0, d_minus / np.where(total > 0, total, 1.0), 0.5)
    return pd.Series(c, index=z.index, name="closeness")
