"""A synthetic county: townships made by the sample generator, each published as its package and all
added to a county database, so the county cockpit runs out of the box.

Each township has its own seed, size (15–30 villages) and caseload, its own code (the villages'
codes start with it) and name, and is laid beside the others on a grid of the townships' extent,
so the county map shows them side by side. The county is marked synthetic: the sample's demo
accounts sign in (the village secretary's village is in the first township), and ``township``
(password ``demo-township``) is the first township's leader.

    python -m cockpit county sample --out county_sample
"""

from __future__ import annotations

import json
import math
import shutil
import tempfile
from datetime import datetime
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from cockpit.auth.demo import demo_users_frame
from cockpit.county.assemble import add_packages, create_county
from cockpit.county.package import publish
from cockpit.sample.generate import generate
from cockpit.sample.villages import COUNTY_CODE, TOWN_CODE
from cockpit.store import Store, build_database
from cockpit.store import county_sql

__all__ = ["TOWNSHIP_NAMES", "generate_county"]

TOWNSHIP_NAMES = (("城关镇", "Chengguan Town"), ("溪口镇", "Xikou Town"), ("青山乡", "Qingshan Township"),
                  ("白石镇", "Baishi Town"), ("岭头乡", "Lingtou Township"), ("东坪镇", "Dongping Town"),
                  ("西源乡", "Xiyuan Township"), ("南坑镇", "Nankeng Town"), ("北岸镇", "Bei'an Town"),
                  ("竹林乡", "Zhulin Township"), ("桃源镇", "Taoyuan Town"), ("石门乡", "Shimen Township"))
_PLACED = ("villages.csv", "facilities.csv", "cases.csv")   # the files with lon and lat columns


def _shift_geojson(doc: dict, dx: float, dy: float) -> dict:
    def move(c):
        return [c[0] + dx, c[1] + dy, *c[2:]] if isinstance(c[0], (int, float)) else [move(x) for x in c]

    for f in doc["features"]:
        f["geometry"]["coordinates"] = move(f["geometry"]["coordinates"])
    return doc


def _place(csv: Path, geo: Path, code: str, name: tuple[str, str], dx: float, dy: float) -> None:
    """Make the generated township township ``code`` named ``name``, moved by (dx, dy) degrees."""
    old = COUNTY_CODE + TOWN_CODE
    for path in csv.glob("*.csv"):
        path.write_text(path.read_text(encoding="utf-8").replace(old, code), encoding="utf-8")
    for path in _PLACED:
        frame = pd.read_csv(csv / path, dtype=str, keep_default_na=False)
        for column, d in (("lon", dx), ("lat", dy)):
            frame[column] = [f"{float(v) + d:.6f}" if v else "" for v in frame[column]]
        frame.to_csv(csv / path, index=False)
    meta = pd.read_csv(csv / "meta.csv", dtype=str, keep_default_na=False)
    meta.loc[meta["key"] == "township_name_zh", "value"] = name[0]
    meta.loc[meta["key"] == "township_name_en", "value"] = name[1]
    meta.to_csv(csv / "meta.csv", index=False)
    doc = json.loads((geo / "villages.geojson").read_text(encoding="utf-8").replace(old, code))
    (geo / "villages.geojson").write_text(json.dumps(_shift_geojson(doc, dx, dy), ensure_ascii=False),
                                          encoding="utf-8")


def _extent(geo: Path) -> tuple[float, float, float, float]:
    xs, ys = [], []

    def walk(c):
        if isinstance(c[0], (int, float)):
            xs.append(c[0])
            ys.append(c[1])
        else:
            for x in c:
                walk(x)

    for f in json.loads((geo / "villages.geojson").read_text(encoding="utf-8"))["features"]:
        walk(f["geometry"]["coordinates"])
    return min(xs), min(ys), max(xs), max(ys)


def generate_county(out: Path, townships: int = 12, months: int = 24, seed: int = 2026, end: str | None = None,
                    name: tuple[str, str] = ("青溪县", "Qingxi County")) -> str:
    """Write ``townships`` township packages into ``out/packages`` and the county database
    ``out/county.duckdb`` with its boundaries ``out/county.geojson``; a summary line."""
    out = Path(out)
    if (out / "county.duckdb").exists():
        raise FileExistsError(f"{out / 'county.duckdb'} exists; choose a new folder")
    rng = np.random.default_rng(seed)
    packages, cell = [], None
    columns = math.ceil(math.sqrt(townships))
    for i in range(townships):
        code = f"{COUNTY_CODE}{101 + i:03d}"
        town = TOWNSHIP_NAMES[i] if i < len(TOWNSHIP_NAMES) else (f"第{i + 1}乡", f"Township {i + 1}")
        work = Path(tempfile.mkdtemp(prefix="county-sample-"))
        try:
            csv, geo = work / "csv", work / "geo"
            generate(out_dir=csv, geo_dir=geo, villages=int(rng.integers(15, 31)), months=months,
                     cases_per_year=int(rng.integers(2_500, 9_000)), seed=seed + i, end=end)
            x0, y0, x1, y1 = _extent(geo)
            cell = cell or (x1 - x0, y1 - y0)
            row, col = divmod(i, columns)
            _place(csv, geo, code, town, col * cell[0] * 1.02 - (x0 - 118.0), -row * cell[1] * 1.02 - (y0 - 27.3))
            db = work / "township.duckdb"
            build_database(csv, db)
            with duckdb.connect(str(db)) as con:
                packages.append(out / "packages" / code)
                publish(con, geo / "villages.geojson", packages[-1], "sample")
        finally:
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
        county_sql.add_users(con, demo_users_frame(first, rng, datetime.now().strftime("%Y-%m-%d %H:%M:%S"),
                                                    township=tuple(first["village_id"])))
    return (f"{db}: sample county {name[0]} / {name[1]}: {len(results)} townships, {len(villages)} villages, "
            f"{sum(r.rows.get('cases', 0) for r in results):,} cases; boundaries {db.with_suffix('.geojson')}")
