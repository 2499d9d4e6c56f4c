"""The county's figures by township: which of my townships, and how unequal are they.

Everything is computed from the villages' own figures (cockpit.metrics.snapshot.village_table) and the
department × village case counts, grouped by the township each village belongs to: counts are
summed and the rates recomputed from the sums (a township's on-time rate is its on-time cases over
its due cases, not a mean of its villages' rates); coverage and the service index are
population-weighted means, as a township's own figures are. The service index is the county's
definition (one set of weights for every township), so townships compare on one scale.

A township that closed the month (月结) counts its cases as it signed them: its township totals
from the close replace the sums of its villages' current counts (``signed``), as its own cockpit
shows that month.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from cockpit.services.equity import theil_decomposition
from cockpit.metrics.cases import case_rates

__all__ = ["COUNT_COLUMNS", "township_table", "township_equality", "department_township", "plan_by_township"]

COUNT_COLUMNS = ("received", "responded_on_time", "due", "closed_of_due", "on_time_of_due", "closed", "rated",
                 "satisfied", "resolution_flagged", "resolved", "open_at_end", "overdue_at_end")


def _with_township(frame: pd.DataFrame, townships: pd.DataFrame) -> pd.DataFrame:
    member = townships.drop_duplicates("village_id").set_index("village_id")["township_code"]
    return frame.assign(township_code=frame["village_id"].map(member)).dropna(subset=["township_code"])


def _weighted(frame: pd.DataFrame, column: str) -> pd.Series:
    """Population-weighted mean of ``column`` by township (villages without a value left out)."""
    known = frame[frame[column].notna() & (frame["population"] > 0)]
    sums = (known[column] * known["population"]).groupby(known["township_code"]).sum()
    return sums / known.groupby("township_code")["population"].sum()


def township_table(villages: pd.DataFrame, townships: pd.DataFrame,
                   weights: tuple[float, float, float], signed: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per township (index township_code): name_zh, name_en, villages, population, the
    population-weighted coverage of each domain and service index, the case counts summed with their
    rates (cockpit.metrics.cases.case_rates, cases_per_10k on the township's population), funding and
    staff summed, funding per resident, and ``signed``: True where the case counts are those the
    township signed when it closed the month; ordered by service index, highest first.

    ``villages``: cockpit.metrics.snapshot.village_table of a month; ``townships``: Store.townships;
    ``signed``: the month's signed township totals (Store.month_close_totals: township_code and the
    count columns), whose counts replace the villages' sums of those townships.
    """
    vt = _with_township(villages, townships)
    by = vt.groupby("township_code")
    names = townships.drop_duplicates("township_code").set_index("township_code")[["name_zh", "name_en"]]
    out = names.join(by.size().rename("villages"), how="inner")
    out["population"] = by["population"].sum()
    for column in [c for c in vt.columns if c.startswith("coverage:")] + ["service_index"]:
        out[column] = _weighted(vt, column)
    counts = by[list(COUNT_COLUMNS)].sum()
    closed = pd.Index([])
    if signed is not None and len(signed):
        frozen = signed.set_index("township_code")[list(COUNT_COLUMNS)]
        closed = frozen.index.intersection(counts.index)
        counts.loc[closed] = frozen.loc[closed].to_numpy()
    rates = case_rates(counts, out["population"].reindex(counts.index), weights)
    out = out.join(rates)
    out["signed"] = out.index.isin(closed)
    out["funding_yuan"] = by["funding_yuan"].sum(min_count=1)
    out["staff_fte"] = by["staff_fte"].sum(min_count=1)
    out["funding_per_resident"] = out["funding_yuan"] / out["population"].where(out["population"] > 0)
    return out.sort_values("service_index", ascending=False, kind="stable")


def township_equality(villages: pd.DataFrame, townships: pd.DataFrame, column: str = "service_index") -> dict:
    """How unequal the county's villages are in ``column`` (population-weighted Theil T), and how much
    of it lies between townships and how much between urban and rural villages: ``total``,
    ``between_townships``, ``within_townships``, ``between_urban_rural``, ``within_urban_rural`` and
    the shares ``townships_share`` and ``urban_rural_share`` of the total."""
    vt = _with_township(villages, townships)
    vt = vt[vt[column].notna() & (vt["population"] > 0)]
    if vt.empty:
        nan = float("nan")
        return dict(total=nan, between_townships=nan, within_townships=nan, between_urban_rural=nan,
                    within_urban_rural=nan, townships_share=nan, urban_rural_share=nan)
    by_town = theil_decomposition(vt[column], vt["township_code"], vt["population"])
    by_area = theil_decomposition(vt[column], vt["area_group"], vt["population"])
    share = (lambda part: part / by_town.total if by_town.total > 0 else np.nan)
    return dict(total=by_town.total, between_townships=by_town.between, within_townships=by_town.within,
                between_urban_rural=by_area.between, within_urban_rural=by_area.within,
                townships_share=share(by_town.between), urban_rural_share=share(by_area.between))


def department_township(matrix: pd.DataFrame, townships: pd.DataFrame, value: str = "received") -> pd.DataFrame:
    """The 条块 matrix of the county: departments (rows) × townships (columns), ``value`` being
    ``received`` (cases) or a rate of cockpit.metrics.cases (recomputed from the summed counts).

    ``matrix``: Store.case_counts_matrix (one row per department and village)."""
    m = _with_township(matrix, townships)
    counts = m.groupby(["department_id", "township_code"])[list(COUNT_COLUMNS)].sum()
    if value != "received":
        counts = case_rates(counts)
    return counts[value].unstack("township_code")


def plan_by_township(frame: pd.DataFrame, cases_a_day, townships: pd.DataFrame) -> pd.DataFrame:
    """A what-if's villages (cockpit.planner.report.village_frame) summed up by township: the
    funding (万元 a year) and staff moved to or from each, its coverage before and after
    (population-weighted, as a township's index) and its on-time rate before and after (weighted by
    each village's cases a day, ``cases_a_day`` aligned with ``frame``; by population where a
    township has no cases). Index township_code; name_zh, name_en first."""
    f = _with_township(frame.assign(_cases=np.asarray(cases_a_day, dtype=float)), townships)
    by = f.groupby("township_code")
    names = townships.drop_duplicates("township_code").set_index("township_code")[["name_zh", "name_en"]]
    out = names.join(by[["funding_change_wan", "staff_change_fte"]].sum(), how="inner")
    for column in ("coverage_before", "coverage_after"):
        out[column] = _weighted(f, column)
    cases = by["_cases"].sum()
    for column in ("on_time_before", "on_time_after"):
        by_cases = (f[column] * f["_cases"]).groupby(f["township_code"]).sum() / cases.where(cases > 0)
        out[column] = by_cases.fillna(_weighted(f, column))
    out["coverage_change"] = out["coverage_after"] - out["coverage_before"]
    out["on_time_change"] = out["on_time_after"] - out["on_time_before"]
    return out
