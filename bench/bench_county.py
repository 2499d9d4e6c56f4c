"""Benchmark: a county database built from township packages (issue 17), and how it grows.

Makes up to 20 townships once (the sample generator, 20 villages and 50,000 appeals a year each over
24 months: 100,000 cases a township, 2 million in all), builds and publishes each as a package
(cached in ``bench_data/county_packages/``), then times, on this machine:

- ``county add`` of 5, 10 and 20 packages into a new county database (verification included), the
  seconds per township and the database's size: how the cost grows with the number of townships;
- adding one township's next package to the county of 20 (it replaces what the county held of it;
  target 10 s);
- the county-wide case counts of a month and a department × township matrix over all cases, read
  from the loaded tables (target 1 s, the county pages' data);
- one month's cases by village read in place from the packages' Parquet against the same from the
  loaded database: why the county loads its packages rather than query them where they lie.

Run from the repository root::

    .venv/bin/python -m bench.bench_county [--townships 5,10,20]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

import duckdb

from cockpit.values.case_filter import Period
from cockpit.county.assemble import add_packages, create_county
from cockpit.county.package import publish, verify
from cockpit.metrics.month_close import close_month
from cockpit.sample.generate import generate
from cockpit.store import Store, build_database
from cockpit.store.schema import MIGRATIONS

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "bench_data" / "county_packages"
SAMPLE_CODE = "350781105"
TOWNSHIP = dict(villages=20, months=24, cases_per_year=50_000, end="2026-10")
ADD_TARGET_S, READ_TARGET_S = 10.0, 1.0


def _code(i: int) -> str:
    return f"350781{201 + i:03d}"


def township_package(i: int) -> Path:
    """The package of township ``i`` (made once: generated, built, its September closed, published;
    made again when the cockpit's schema has moved on since)."""
    out = DATA / f"package-{_code(i)}"
    manifest = out / "manifest.json"
    if manifest.is_file() and json.loads(manifest.read_text(encoding="utf-8")).get("schema_version") == max(MIGRATIONS):
        return out
    shutil.rmtree(out, ignore_errors=True)
    work = Path(tempfile.mkdtemp(prefix="bench-county-"))
    try:
        csv = work / "csv"
        generate(out_dir=csv, geo_dir=work / "geo", seed=1000 + i, **TOWNSHIP)
        for path in csv.glob("*.csv"):   # the generator's township code, made this township's
            path.write_text(path.read_text(encoding="utf-8").replace(SAMPLE_CODE, _code(i)), encoding="utf-8")
        db = work / "township.duckdb"
        build_database(csv, db)
        DATA.mkdir(parents=True, exist_ok=True)
        with duckdb.connect(str(db)) as con:
            close_month(con, "2026-09", "bench", at=datetime(2026, 10, 8, 9, 0))   # a close travels too
            publish(con, None, out, "bench", at=datetime(2026, 11, 2, 9, 0))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return out


def _timed(fn):
    t = time.perf_counter()
    result = fn()
    return time.perf_counter() - t, result


_MONTH_BY_VILLAGE = """SELECT village_id, count(*) AS received,
  count(*) FILTER (WHERE closed_at IS NOT NULL) AS closed FROM {source}
WHERE received_at >= TIMESTAMP '2026-10-01' AND received_at < TIMESTAMP '2026-11-01' GROUP BY village_id"""


def _in_place_vs_loaded(db: Path, packages: list[Path]) -> tuple[float, float]:
    """Best of 3, ms: one month's cases by village read from the packages' Parquet files in place,
    and the same from the county database's loaded table (the choice issue 17 asks to measure)."""
    files = [str(p / "cases.parquet") for p in packages]
    with duckdb.connect() as con:
        in_place = min(_timed(lambda: con.execute(
            _MONTH_BY_VILLAGE.format(source="read_parquet(?)"), [files]).fetchall())[0] for _ in range(3))
    with duckdb.connect(str(db), read_only=True) as con:
        loaded = min(_timed(lambda: con.execute(_MONTH_BY_VILLAGE.format(source="cases")).fetchall())[0]
                     for _ in range(3))
    return in_place * 1000, loaded * 1000


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--townships", default="5,10,20", help="county sizes to build")
    args = parser.parse_args(argv)
    sizes = [int(n) for n in args.townships.split(",") if n]
    t = time.perf_counter()
    packages = [township_package(i) for i in range(max(sizes))]
    print(f"{len(packages)} township packages ready in {time.perf_counter() - t:.0f} s "
          f"({os.cpu_count()} CPUs, DuckDB {duckdb.__version__}, load {os.getloadavg()[0]:.2f})\n")
    rows, ok = [], True
    work = Path(tempfile.mkdtemp(prefix="bench-county-db-"))
    try:
        verify_s, _ = _timed(lambda: verify(packages[0]))
        print(f"verify one package (checksums of every file): {verify_s:.2f} s")
        for n in sizes:
            db = work / f"county-{n}.duckdb"
            create_county(db, "青溪县", "Qingxi County")
            seconds, results = _timed(lambda: add_packages(db, packages[:n], "bench"))
            assert all(r.loaded for r in results), [r.refused for r in results if not r.loaded]
            cases = sum(r.rows["cases"] for r in results)
            villages = sum(r.rows["villages"] for r in results)
            rows.append((n, villages, cases, seconds, db.stat().st_size / 1e6))
        print(f"\n{'townships':>9} {'villages':>9} {'cases':>11} {'add, s':>8} {'s per township':>15} {'MB':>7}")
        for n, villages, cases, seconds, mb in rows:
            print(f"{n:>9} {villages:>9} {cases:>11,} {seconds:>8.1f} {seconds / n:>15.2f} {mb:>7.0f}")
        largest = work / f"county-{sizes[-1]}.duckdb"
        # one township's next month: its newer package replaces what the county held of it
        with tempfile.TemporaryDirectory() as tmp:
            newer = Path(tmp) / "newer"
            shutil.copytree(packages[0], newer)
            doc = (newer / "manifest.json").read_text(encoding="utf-8")
            later = (datetime(2026, 11, 2, 9, 0) + timedelta(days=30)).isoformat()
            (newer / "manifest.json").write_text(doc.replace("2026-11-02T09:00:00", later), encoding="utf-8")
            seconds, (result,) = _timed(lambda: add_packages(largest, [newer], "bench"))
        ok &= result.loaded and result.replaced and seconds <= ADD_TARGET_S
        print(f"\none township's next package into the county of {sizes[-1]}: {seconds:.1f} s "
              f"(target {ADD_TARGET_S:.0f} s){'' if result.loaded else ' REFUSED: ' + result.refused}")
        in_place_ms, loaded_ms = _in_place_vs_loaded(largest, packages[:sizes[-1]])
        print(f"a month's cases by village, read in place from {sizes[-1]} packages' Parquet: {in_place_ms:.0f} ms; "
              f"from the loaded county database: {loaded_ms:.0f} ms")
        store = Store(largest)
        try:
            period = Period.of("2026-10")
            for label, fn in (("case counts of a month, every village", lambda: store.case_counts(period)),
                              ("department x village matrix of a month", lambda: store.case_counts_matrix(period))):
                fn()
                seconds = min(_timed(fn)[0] for _ in range(3))
                ok &= seconds <= READ_TARGET_S
                print(f"{label}: {seconds * 1000:.0f} ms (target {READ_TARGET_S * 1000:.0f} ms)")
        finally:
            store.close()
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    raise SystemExit(main())
