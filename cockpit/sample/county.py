"""A synthetic county: townships made by the sample generator, each published as its package and all
added to a county database, so the county cockpit runs out of the box.

Each township has its own seed, size (15–30 villages) and caseload, its own code (the villages'
codes start with it) and name. The townships adjoin as in a real county: an outline of the area
their villages take is cut into one area per township, in proportion to its villages
(:func:`cockpit.sample.geography.partition`; the first township, the county seat's, near the
middle), and each township's villages fill its own area. All the villages are then redrawn from
one noded set of lines (:func:`cockpit.sample.geography.share_borders`), so neighbours share their
borders vertex for vertex: the townships tile the county without gaps or overlaps, and dissolving a
township's villages gives one clean polygon. The county is marked synthetic: the sample's demo
accounts sign in (the village secretary's village is in the first township), and ``township``
(password ``demo-township``) is the first township's leader.

    python -m cockpit county sample --out county_sample
"""

from __future__ import annotations

import json
import shutil
import tempfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
from shapely.geometry import Polygon, shape

from cockpit.auth.demo import demo_users_frame
from cockpit.county.assemble import add_packages, create_county
from cockpit.county.package import publish
from cockpit.sample import geography as geo
from cockpit.sample.generate import generate
from cockpit.sample.villages import COUNTY_CODE, TOWN_CODE
from cockpit.store import Store, build_database
from cockpit.store import county_sql

__all__ = ["TOWNSHIP_NAMES", "CountyPlan", "county_plan", "generate_county"]

TOWNSHIP_NAMES = (("城关镇", "Chengguan Town"), ("溪口镇", "Xikou Town"), ("青山乡", "Qingshan Township"),
                  ("白石镇", "Baishi Town"), ("岭头乡", "Lingtou Township"), ("东坪镇", "Dongping Town"),
                  ("西源乡", "Xiyuan Township"), ("南坑镇", "Nankeng Town"), ("北岸镇", "Bei'an Town"),
                  ("竹林乡", "Zhulin Township"), ("桃源镇", "Taoyuan Town"), ("石门乡", "Shimen Township"))


@dataclass(frozen=True)
class CountyPlan:
    """The county's map before its townships are generated, in UTM metres
    (:data:`cockpit.sample.geography.UTM_EPSG`): its outline, the townships' areas that partition
    it (in township order), and each township's villages (besides its seat) and yearly caseload."""

    outline: Polygon
    areas: tuple
    villages: tuple[int, ...]
    cases_per_year: tuple[int, ...]


def county_plan(townships: int, seed: int) -> CountyPlan:
    """Draw each township's size (15–30 villages) and caseload, an outline for the county of the
    area that many villages take in the sample township, and cut it into the townships' areas in
    proportion to their villages; the first township (the county seat's) lies near the middle."""
    rng = np.random.default_rng(seed)
    villages = rng.integers(15, 31, townships)
    cases = rng.integers(2_500, 9_000, townships)
    shape_rng = np.random.default_rng([seed, 1])
    outline = geo.county_outline(geo.unit_area() * float((villages + 1).sum()), shape_rng)
    _, areas = geo.partition(outline, villages + 1, shape_rng)
    return CountyPlan(outline, tuple(areas), tuple(int(v) for v in villages), tuple(int(c) for c in cases))


def _name(csv: Path, geo_dir: Path, code: str, name: tuple[str, str]) -> None:
    """Make the generated township township ``code`` named ``name``."""
    old = COUNTY_CODE + TOWN_CODE
    for path in csv.glob("*.csv"):
        path.write_text(path.read_text(encoding="utf-8").replace(old, code), encoding="utf-8")
    meta = pd.read_csv(csv / "meta.csv", dtype=str, keep_default_na=False)
    meta.loc[meta["key"] == "township_name_zh", "value"] = name[0]
    meta.loc[meta["key"] == "township_name_en", "value"] = name[1]
    meta.to_csv(csv / "meta.csv", index=False)
    path = geo_dir / "villages.geojson"
    path.write_text(path.read_text(encoding="utf-8").replace(old, code), encoding="utf-8")


def _share_borders(paths: list[Path]) -> None:
    """Redraw the villages of all the townships' files ``paths`` from one set of lines, so that
    neighbours, in one township or two, share their border vertex for vertex."""
    docs = [json.loads(p.read_text(encoding="utf-8")) for p in paths]
    features = [f for doc in docs for f in doc["features"]]
    redrawn = iter(geo.share_borders([shape(f["geometry"]) for f in features]))
    for path, doc in zip(paths, docs):
        geo.write_geojson(path, [next(redrawn) for _ in doc["features"]], [f["properties"] for f in doc["features"]])


def generate_county(out: Path, townships: int = 12, months: int = 24, seed: int = 2026, end: str | None = None,
                    name: tuple[str, str] = ("青溪县", "Qingxi County")) -> str:
    """Write ``townships`` township packages into ``out/packages`` and the county database
    ``out/county.duckdb`` with its boundaries ``out/county.geojson``; a summary line."""
    out = Path(out)
    if (out / "county.duckdb").exists():
        raise FileExistsError(f"{out / 'county.duckdb'} exists; choose a new folder")
    plan = county_plan(townships, seed)
    codes = [f"{COUNTY_CODE}{101 + i:03d}" for i in range(townships)]
    works = [Path(tempfile.mkdtemp(prefix="county-sample-")) for _ in codes]
    packages = [out / "packages" / code for code in codes]
    try:
        for i, (code, work) in enumerate(zip(codes, works)):
            town = TOWNSHIP_NAMES[i] if i < len(TOWNSHIP_NAMES) else (f"第{i + 1}乡", f"Township {i + 1}")
            generate(out_dir=work / "csv", geo_dir=work / "geo", villages=plan.villages[i], months=months,
                     cases_per_year=plan.cases_per_year[i], seed=seed + i, end=end, outline=plan.areas[i])
            _name(work / "csv", work / "geo", code, town)
        _share_borders([work / "geo" / "villages.geojson" for work in works])
        for work, package in zip(works, packages):
            build_database(work / "csv", work / "township.duckdb")
            with duckdb.connect(str(work / "township.duckdb")) as con:
                publish(con, work / "geo" / "villages.geojson", package, "sample")
    finally:
        for work in works:
            shutil.rmtree(work, ignore_errors=True)
    db = out / "county.duckdb"
    create_county(db, *name, actor="sample", synthetic=True)
    results = add_packages(db, packages, "sample")
    store = Store(db)
    try:
        villages = store.villages()
    finally:
        store.close()
    first = villages[villages["village_id"].str.startswith(f"{COUNTY_CODE}101")]
    with duckdb.connect(str(db)) as con:   # the demo accounts; the secretary's village in the first township
        county_sql.add_users(con, demo_users_frame(first, np.random.default_rng([seed, 2]),
                                                    datetime.now().strftime("%Y-%m-%d %H:%M:%S"),
                                                    township=tuple(first["village_id"])))
    return (f"{db}: sample county {name[0]} / {name[1]}: {len(results)} townships, {len(villages)} villages, "
            f"{sum(r.rows.get('cases', 0) for r in results):,} cases; boundaries {db.with_suffix('.geojson')}")
