"""Gaps against service norms: which villages fall short of which norm, worst first.

A norm (table ``norms``) compares one measure of a village with a threshold:
``coverage`` (the domain's coverage in the month), ``facility_count`` (facilities of the domain
in the village) or ``broadband_share`` (households with broadband). ``applies_to = village``
limits a norm to administrative villages (a clinic per administrative village), ``all`` to
every village and community.
"""

from __future__ import annotations

import pandas as pd

__all__ = ["MEASURES", "norm_gaps"]

MEASURES = ("coverage", "facility_count", "broadband_share")


def _actual(norm, villages: pd.DataFrame, facilities: pd.DataFrame, coverage: pd.DataFrame) -> pd.Series:
    ids = villages["village_id"]
    if norm.measure == "coverage":
        mine = coverage[coverage["domain_id"] == norm.domain_id].set_index("village_id")["coverage"]
        return ids.map(mine)
    if norm.measure == "facility_count":
        counts = facilities[facilities["domain_id"] == norm.domain_id].groupby("village_id").size()
        return ids.map(counts).fillna(0)
    if norm.measure == "broadband_share":
        return villages["broadband_share"]
    raise ValueError(f"norm {norm.norm_id!r}: unknown measure {norm.measure!r}; use one of {MEASURES}")


def norm_gaps(villages: pd.DataFrame, facilities: pd.DataFrame, coverage: pd.DataFrame,
              norms: pd.DataFrame) -> pd.DataFrame:
    """Every (norm, village) pair the norm applies to, with the village's value and its gap.

    Returns columns norm_id, domain_id, measure, village_id, actual, threshold, shortfall
    (threshold − actual, 0 when met) and met; the villages that fall short come first,
    largest relative shortfall first. ``coverage`` is one month: village_id, domain_id, coverage.
    """
    parts = []
    for norm in norms.itertuples(index=False):
        scope = villages if norm.applies_to == "all" else villages[villages["kind"] == "village"]
        actual = _actual(norm, scope.reset_index(drop=True), facilities, coverage)
        parts.append(pd.DataFrame({
            "norm_id": norm.norm_id, "domain_id": norm.domain_id, "measure": norm.measure,
            "village_id": scope["village_id"].to_numpy(), "actual": actual.to_numpy(dtype=float),
            "threshold": float(norm.threshold),
        }))
    columns = ["norm_id", "domain_id", "measure", "village_id", "actual", "threshold", "shortfall", "met"]
    if not parts:
        return pd.DataFrame(columns=columns)
    out = pd.concat(parts, ignore_index=True)
    out["shortfall"] = (out["threshold"] - out["actual"]).clip(lower=0)
    out["met"] = out["actual"] >= out["threshold"]
    rel = out["shortfall"] / out["threshold"].where(out["threshold"] > 0)
    order = rel.fillna(0).sort_values(ascending=False, kind="stable").index
    return out.loc[order, columns].reset_index(drop=True)
