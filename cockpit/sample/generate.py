"""Generate the synthetic sample township: one CSV per schema table, GeoJSON and planted.csv.

Deterministic: the same arguments give byte-identical files. Each concept draws from its own
random stream ``numpy.random.default_rng([seed, stream])`` and each month of cases from
``[seed, 100, month]``, so cases are generated and written month by month in bounded memory.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd

from cockpit.auth.demo import demo_users_frame
from cockpit.sample import cases as cs
from cockpit.sample import geography as geo
from cockpit.sample.catalog import DOMAINS, categories_frame, departments_frame, domains_frame, norms_frame
from cockpit.sample.csvio import NAT, TableWriter, write_table
from cockpit.sample.names import TOWNSHIP_EN, TOWNSHIP_ZH
from cockpit.sample.party import assessments_frame, branches_frame, tasks_frame
from cockpit.sample.planted import Planter
from cockpit.sample.queueing import plan_load
from cockpit.sample.services import (allocations_frame, coverage_frame, coverage_matrix, facilities_frame,
                                     funding_matrix)
from cockpit.sample.truth import TRUE
from cockpit.sample.villages import build_township

__all__ = ["generate", "default_end"]


def default_end(today: dt.date | None = None) -> str:
    """The last full calendar month before ``today`` as 'YYYY-MM'."""
    today = today or dt.date.today()
    first = today.replace(day=1) - dt.timedelta(days=1)
    return f"{first.year:04d}-{first.month:02d}"


def _calendar(end: str, months: int) -> tuple[list[str], np.ndarray, np.ndarray, np.ndarray]:
    try:
        last = np.datetime64(end, "M")
    except ValueError:
        raise ValueError(f"end must be YYYY-MM, got {end!r}") from None
    ms = last - np.arange(months - 1, -1, -1)
    periods = [str(m) for m in ms]
    start = ms.astype("datetime64[s]").astype(np.int64)
    days = ((ms + 1).astype("datetime64[D]") - ms.astype("datetime64[D]")).astype(np.int64)
    moy = np.array([int(p[5:7]) for p in periods])
    return periods, start, days, moy


def _rng(seed: int, *stream: int) -> np.random.Generator:
    return np.random.default_rng([seed, *stream])


def _write_geo(tw, geo_dir: Path) -> None:
    vil = tw.villages
    props = [{"village_id": r.village_id, "name_zh": r.name_zh, "name_en": r.name_en, "kind": r.kind,
              "area_group": r.area_group} for r in vil.itertuples()]
    geo.write_geojson(geo_dir / "villages.geojson", [geo.geom_to_lonlat(c) for c in tw.cells], props)
    geo.write_geojson(geo_dir / "township.geojson", [geo.geom_to_lonlat(tw.outline)],
                      [{"name_zh": TOWNSHIP_ZH, "name_en": TOWNSHIP_EN, "synthetic": True}])


def generate(out_dir: Path, geo_dir: Path | None, villages: int, months: int, cases_per_year: int,
             seed: int, end: str | None, plant: bool = True, outline=None) -> str:
    """Write the sample township and return a one-paragraph summary.

    Parameters
    ----------
    out_dir : Path
        Folder for the CSV files (one per table of :mod:`cockpit.store.schema`) and ``planted.csv``.
    geo_dir : Path or None
        Folder for ``villages.geojson`` and ``township.geojson``; default ``out_dir.parent / "geodata"``.
    villages : int
        Administrative units besides the seat community (with 5 or more, one is an urban community).
    months : int
        Months of history ending with ``end``.
    cases_per_year : int
        Expected citizen appeals per year.
    seed : int
        Random seed.
    end : str or None
        Last month 'YYYY-MM'; default the last full calendar month before today.
    plant : bool
        Plant the trace-formalism patterns (see :mod:`cockpit.sample.planted`); false gives a clean township.
    outline : shapely Polygon or None
        The township's area in UTM metres (:data:`cockpit.sample.geography.UTM_EPSG`) for the villages
        to fill, as the sample county gives each of its townships; default an outline drawn for
        ``villages``, round :data:`cockpit.sample.geography.CENTRE_LONLAT`.
    """
    if months < 1:
        raise ValueError("months must be at least 1")
    out_dir = Path(out_dir)
    geo_dir = Path(geo_dir) if geo_dir else out_dir.parent / "geodata"
    out_dir.mkdir(parents=True, exist_ok=True)
    end = end or default_end()
    periods, mstart, days, moy = _calendar(end, months)
    end_ts = int(mstart[-1] + days[-1] * cs.DAY - 1)
    first_day, last_day = int(mstart[0] // cs.DAY), int(end_ts // cs.DAY)

    tw = build_township(villages, _rng(seed, 1), outline)
    vil = tw.villages
    vids = vil["village_id"].to_numpy()
    domains = [d for d, *_ in DOMAINS]
    pop = vil["population"].to_numpy(float)
    load = plan_load(pop, tw.high_load, moy, days, cases_per_year, len(domains), TRUE, _rng(seed, 2))
    funding = funding_matrix(tw, domains, moy, TRUE, _rng(seed, 3))
    cov = coverage_matrix(tw, domains, funding, TRUE, _rng(seed, 4))

    meta = pd.DataFrame({"key": ["township_name_zh", "township_name_en", "synthetic", "data_start", "data_end",
                                 "generated_by"],
                         "value": [TOWNSHIP_ZH, TOWNSHIP_EN, "true", periods[0], periods[-1],
                                   f"cockpit.sample seed {seed}"]})
    counts = {"meta": write_table(out_dir, "meta", meta), "villages": write_table(out_dir, "villages", vil)}
    counts["domains"] = write_table(out_dir, "domains", domains_frame())
    counts["departments"] = write_table(out_dir, "departments", departments_frame())
    counts["categories"] = write_table(out_dir, "categories", categories_frame())
    counts["norms"] = write_table(out_dir, "norms", norms_frame())
    counts["facilities"] = write_table(out_dir, "facilities", facilities_frame(tw, _rng(seed, 5)))
    counts["allocations"] = write_table(out_dir, "allocations",
                                        allocations_frame(periods, vids, domains, funding, load.staff))
    counts["coverage"] = write_table(out_dir, "coverage", coverage_frame(periods, vids, domains, cov))

    width = max(4, len(str(int(load.counts.sum(axis=0).max()))))
    ctx = cs.CaseContext(tw=tw, load=load, truth=TRUE, month_start=mstart, days=days, periods=periods,
                         end_ts=end_ts, id_width=width)
    planter = Planter(ctx, _rng(seed, 6), enabled=plant)
    n_open = n_overdue = 0
    with TableWriter(out_dir, "cases") as wc, TableWriter(out_dir, "case_contacts") as wk:
        for m in range(months):
            b = cs.draw_month(ctx, m, _rng(seed, 100, m))
            if len(b) == 0:
                continue
            planter.closures(b)
            cs.finalize(ctx, b)
            planter.ratings_and_text(b)
            cases, contacts = cs.case_frames(ctx, b)
            wc.append(cases)
            wk.append(contacts)
            n_open += int((b.closed == NAT).sum())
            n_overdue += int(((b.closed == NAT) & (b.due < end_ts)).sum())
        counts["cases"], counts["case_contacts"] = wc.rows, wk.rows

    branches = branches_frame(vil, _rng(seed, 7))
    tasks = tasks_frame(branches, first_day, last_day, _rng(seed, 8))
    tasks = planter.tasks(tasks, str(branches["branch_id"].iloc[tw.planted[1]]))
    assess = assessments_frame(branches, tasks, first_day, last_day, _rng(seed, 9))
    counts["party_branches"] = write_table(out_dir, "party_branches", branches)
    counts["party_tasks"] = write_table(out_dir, "party_tasks", tasks[[c for c in tasks if not c.startswith("_")]])
    counts["party_assessments"] = write_table(out_dir, "party_assessments", assess)
    counts["users"] = write_table(out_dir, "users",  # demo accounts, see cockpit/auth/demo.py
                                  demo_users_frame(vil, _rng(seed, 10), f"{periods[0]}-01 08:00:00"))
    planted = planter.frame()
    planted.to_csv(out_dir / "planted.csv", index=False, lineterminator="\n")
    _write_geo(tw, geo_dir)

    kinds = vil["kind"].value_counts()
    table_list = ", ".join(f"{k} {v:,}" for k, v in counts.items())
    return (f"Wrote the synthetic township {TOWNSHIP_ZH} / {TOWNSHIP_EN} (seed {seed}) to {out_dir}: "
            f"{len(vil)} units ({kinds.get('seat', 0)} seat, {kinds.get('community', 0)} community, "
            f"{kinds.get('village', 0)} villages), {months} months {periods[0]}..{periods[-1]}, "
            f"{counts['cases']:,} cases ({n_open:,} open at the end, {n_overdue:,} of them overdue), "
            f"{len(planted):,} planted rows{'' if plant else ' (clean run)'}; rows per table: {table_list}; "
            f"GeoJSON in {geo_dir}.")
