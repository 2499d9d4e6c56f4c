"""The composite service index (综合服务指数): one definition for every page, PDF and slide.

The index of a village is the weighted mean of its coverage in the service domains. The weights
are fixed over a reference period, not re-estimated each month, so the index's trend and its
equity trend move only when coverage moves. By default they are entropy weights (熵权法,
:func:`cockpit.services.composite.entropy_weights`) estimated on every village-month of the reference
period: the whole history, or one calendar year. A leader may set weights instead. The choice is
the township's, kept in the database's meta table and audited, so every user reads the same index.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from cockpit.auth.audit_log import audit
from cockpit.services.composite import entropy_weights
from cockpit.store.atomic import atomic
from cockpit.store.meta_sql import set_meta

__all__ = ["IndexDefinition", "ALL_HISTORY", "REFERENCE_KEY", "WEIGHTS_KEY", "reference_months",
           "reference_weights", "index_definition", "index_values", "save_definition",
           "parse_set_weights", "format_set_weights", "statement"]

ALL_HISTORY = "all"
REFERENCE_KEY = "index_reference"   # meta: "all" or a calendar year "YYYY"
WEIGHTS_KEY = "index_weights"       # meta: "" (entropy weights) or "domain=weight,…" set by a leader


@dataclass(frozen=True)
class IndexDefinition:
    """Weights of the composite index and where they come from (hashable: a cache key)."""

    weights: tuple[tuple[str, float], ...]   # (domain_id, weight) in domain order; sum 1
    method: str                              # "entropy" or "set"
    reference: str                           # ALL_HISTORY or a year "YYYY"
    start: str | None                        # first and last month of the reference period
    end: str | None

    def series(self) -> pd.Series:
        return pd.Series(dict(self.weights), name="weight", dtype=float)


def reference_months(periods: list[str], reference: str) -> tuple[str | None, str | None]:
    """First and last month of ``periods`` in the reference period (None, None when it has none)."""
    inside = [p for p in sorted(periods) if reference == ALL_HISTORY or p.startswith(f"{reference}-")]
    return (inside[0], inside[-1]) if inside else (None, None)


def reference_weights(coverage: pd.DataFrame, domain_ids: list[str], start: str, end: str) -> pd.Series:
    """Entropy weights over every village-month from ``start`` to ``end`` with all domains known.

    ``coverage``: period, village_id, domain_id, coverage (Store.coverage_all)."""
    rows = coverage[(coverage["period"] >= start) & (coverage["period"] <= end)]
    wide = rows.pivot_table(index=["period", "village_id"], columns="domain_id", values="coverage")
    wide = wide.reindex(columns=domain_ids).dropna(axis=0, how="any")
    if len(wide) < 2:
        return pd.Series(1.0 / len(domain_ids), index=domain_ids, name="weight")
    return entropy_weights(wide)


def parse_set_weights(text: str, domain_ids: list[str]) -> dict[str, float]:
    """``"education=1,health=2"`` → weights summing to 1 over ``domain_ids`` (unnamed: 0).

    Raises ValueError naming the part that is wrong."""
    raw: dict[str, float] = {}
    for part in filter(None, (p.strip() for p in text.split(","))):
        name, sep, value = part.partition("=")
        if not sep or name.strip() not in domain_ids:
            raise ValueError(f"not a domain=weight pair of a known domain: {part!r}")
        weight = float(value)
        if not weight >= 0:
            raise ValueError(f"a weight must be a number ≥ 0: {part!r}")
        raw[name.strip()] = weight
    total = sum(raw.values())
    if total <= 0:
        raise ValueError("at least one weight must be above zero")
    return {d: raw.get(d, 0.0) / total for d in domain_ids}


def format_set_weights(weights: dict[str, float]) -> str:
    return ",".join(f"{d}={w:.6g}" for d, w in weights.items())


def index_definition(store) -> IndexDefinition:
    """The township's index definition from ``store``; a scoped store reads the whole township's
    (a village secretary sees their village's index as everyone else does)."""
    store = getattr(store, "township", store)
    meta = store.meta()
    domain_ids = list(store.domains()["domain_id"])
    reference = meta.get(REFERENCE_KEY) or ALL_HISTORY
    start, end = reference_months(store.periods(), reference)
    if start is None and reference != ALL_HISTORY:   # a year without data: fall back to the history
        reference = ALL_HISTORY
        start, end = reference_months(store.periods(), reference)
    set_text = meta.get(WEIGHTS_KEY) or ""
    if set_text:
        weights, method = parse_set_weights(set_text, domain_ids), "set"
    elif start is None:
        weights, method = {d: 1.0 / len(domain_ids) for d in domain_ids}, "entropy"
    else:
        weights, method = reference_weights(store.coverage_all(), domain_ids, start, end).to_dict(), "entropy"
    return IndexDefinition(tuple((d, float(weights[d])) for d in domain_ids), method, reference, start, end)


def statement(definition: IndexDefinition, t, domain_names: dict[str, str]) -> str:
    """The definition in one sentence of ``t``'s language: how the index is made, its weights and
    their reference period (``domain_names``: domain_id -> name, plain text)."""
    sep = "，" if t.lang == "zh" else ", "
    weights = sep.join(f"{domain_names.get(d, d)} {w:.2f}" for d, w in definition.weights)
    if definition.method == "set":
        return t("index.statement.set", weights=weights)
    if definition.start is None:
        return t("index.statement.equal", weights=weights)
    return t("index.statement.entropy", weights=weights, start=t.period(definition.start), end=t.period(definition.end))


def index_values(wide: pd.DataFrame, weights: pd.Series) -> pd.Series:
    """Σ w_d·y_d / Σ w_d over the domains a row has (rows: villages or months; columns: domains).

    A row with a domain missing gets the weighted mean of the domains it has; NaN when it has none
    with a weight above zero."""
    w = weights.reindex(wide.columns).fillna(0.0)
    known = wide.notna()
    total = known.mul(w, axis=1).sum(axis=1)
    value = wide.fillna(0.0).mul(w, axis=1).sum(axis=1)
    return (value / total.where(total > 0)).rename("service_index")


def save_definition(cur, reference: str, set_weights: dict[str, float] | None, user,
                    at: dt.datetime | None = None) -> None:
    """Store the township's index definition and its audit entry in one transaction (``cur``: a
    writable cursor). ``set_weights`` None: entropy weights over the reference period."""
    if reference != ALL_HISTORY and not (len(reference) == 4 and reference.isdigit()):
        raise ValueError(f"the reference period is {ALL_HISTORY!r} or a year, got {reference!r}")
    text = format_set_weights(set_weights) if set_weights else ""
    with atomic(cur):
        set_meta(cur, {REFERENCE_KEY: reference, WEIGHTS_KEY: text})
        audit(cur, user, "index_definition", {"reference": reference, "weights": text or "entropy"}, at=at)
