"""The sample generator's output: determinism, the CSV contract, ids and row-level consistency."""

from __future__ import annotations

import datetime as dt
import filecmp
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from cockpit.sample.generate import default_end, generate
from cockpit.sample.queueing import erlang_c
from cockpit.store.schema import CSV_TABLES, TABLES

SMALL = dict(villages=6, months=6, cases_per_year=600, seed=7, end="2026-10")


def _read(folder: Path, name: str) -> pd.DataFrame:
    return pd.read_csv(folder / f"{name}.csv", dtype=str, keep_default_na=False)


@pytest.fixture(scope="module")
def small(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("small") / "sample_data"
    generate(out_dir=out, geo_dir=None, **SMALL)
    return out


def test_same_seed_gives_identical_files(small, tmp_path):
    again = tmp_path / "sample_data"
    generate(out_dir=again, geo_dir=None, **SMALL)
    names = sorted(p.name for p in small.iterdir())
    assert names == sorted(p.name for p in again.iterdir())
    _, mismatch, errors = filecmp.cmpfiles(small, again, names, shallow=False)
    assert mismatch == [] and errors == []
    for g in ("villages.geojson", "township.geojson"):
        assert (small.parent / "geodata" / g).read_bytes() == (tmp_path / "geodata" / g).read_bytes()


def test_other_seed_differs(small, tmp_path):
    generate(out_dir=tmp_path / "s", geo_dir=tmp_path / "g", **{**SMALL, "seed": 8})
    assert (small / "cases.csv").read_bytes() != (tmp_path / "s" / "cases.csv").read_bytes()


def test_every_table_written_with_schema_header(small):
    for t in TABLES:
        with open(small / f"{t.name}.csv", encoding="utf-8") as f:
            assert f.readline().rstrip("\n").split(",") == t.column_names
    assert set(CSV_TABLES) <= {p.stem for p in small.glob("*.csv")}


def test_primary_keys_unique_and_not_empty(small):
    for t in TABLES:
        df = _read(small, t.name)
        assert len(df) > 0, t.name
        key = df[list(t.primary_key)]
        assert not key.duplicated().any(), t.name
        assert (key != "").all().all(), t.name


def test_village_ids_are_12_digit_text(small):
    vil = _read(small, "villages")
    assert vil["village_id"].str.fullmatch(r"\d{12}").all()
    assert vil["village_id"].iloc[0] == "350781105001"
    assert list(vil["kind"][:2]) == ["seat", "community"]
    assert set(vil["area_group"]) == {"urban", "rural"}
    for t in ("cases", "facilities", "coverage", "allocations", "party_branches"):
        assert set(_read(small, t)["village_id"]) <= set(vil["village_id"]), t


def test_formats_of_timestamps_dates_and_booleans(small):
    cases = _read(small, "cases")
    ts = re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d")
    for col in ("received_at", "due_at"):
        assert cases[col].str.fullmatch(ts).all()
    for col in ("acknowledged_at", "closed_at", "rated_at"):
        filled = cases[col][cases[col] != ""]
        assert filled.str.fullmatch(ts).all()
    assert set(cases["resolved"]) <= {"true", "false", ""}
    assert set(cases["satisfaction"]) <= {"", "1", "2", "3", "4", "5"}
    assert set(cases["channel"]) <= {"hotline", "app", "visit", "grid"}
    tasks = _read(small, "party_tasks")
    assert tasks["assigned_on"].str.fullmatch(r"\d{4}-\d\d-\d\d").all()
    assert cases["case_id"].str.fullmatch(r"QX\d{10}").all()
    meta = dict(_read(small, "meta").values)
    assert meta["synthetic"] == "true" and meta["data_end"] == "2026-10"
    assert meta["generated_by"] == "cockpit.sample seed 7"


def test_case_rows_are_consistent(small):
    c = _read(small, "cases")
    cat = _read(small, "categories").set_index("category_id")
    rec = pd.to_datetime(c["received_at"])
    due = pd.to_datetime(c["due_at"])
    closed = pd.to_datetime(c["closed_at"].replace("", None))
    rated = pd.to_datetime(c["rated_at"].replace("", None))
    end = pd.Timestamp("2026-10-31 23:59:59")
    days = cat.loc[c["category_id"], "days_to_close"].astype(int).to_numpy()
    assert ((due - rec).dt.days.to_numpy() == days).all()
    assert (c["department_id"].to_numpy() == cat.loc[c["category_id"], "department_id"].to_numpy()).all()
    assert ((c["status"] == "closed") == closed.notna()).all()
    assert (closed.dropna() <= end).all() and (rated.dropna() <= end).all()
    assert (rec >= pd.Timestamp("2026-05-01")).all() and (rec <= end).all()
    assert ((c["satisfaction"] != "") == rated.notna()).all()
    assert (rated.dropna() > closed[rated.notna()]).all()
    assert (c["resolved"][c["status"] == "open"] == "").all()
    assert (c["status"] == "open").any() and ((c["status"] == "open") & (due < end)).any()
    contacts = _read(small, "case_contacts")
    assert list(contacts["case_id"]) == list(c["case_id"])
    assert contacts["phone"].str.fullmatch(r"1[358]\d{9}").all()
    assert contacts["address"].str.match(r"青溪镇.+(村\d+组|社区.+)\d+号$").all()


def test_cases_per_year_roughly_honoured(small):
    n = len(_read(small, "cases"))
    assert abs(n - 600 / 2) <= 0.15 * 300


def test_allocations_and_coverage_ranges(small):
    al = pd.read_csv(small / "allocations.csv")
    cov = pd.read_csv(small / "coverage.csv")
    assert len(al) == len(cov) == 7 * 6 * 6
    assert (al["funding_yuan"] > 0).all() and (al["staff_fte"] >= 0.2).all()
    assert cov["coverage"].between(0.02, 0.995).all()


def test_party_tables(small):
    br = _read(small, "party_branches")
    assert br["name_zh"].str.endswith("党支部").all() and len(br) == 7
    assert br["members"].astype(int).between(15, 80).all()
    tasks = _read(small, "party_tasks")
    assert set(tasks["status"]) <= {"not_started", "in_progress", "done"}
    done = tasks["status"] == "done"
    assert (tasks["completed_on"][done] != "").all() and (tasks["completed_on"][~done] == "").all()
    assert (tasks["progress"][done].astype(float) == 1.0).all()
    assert (tasks["due_on"] > tasks["assigned_on"]).all()
    scores = pd.read_csv(small / "party_assessments.csv")["score"]
    assert scores.between(60, 100).all()


def test_erlang_c_reference_values():
    assert erlang_c(np.array([1]), np.array([0.7]))[0] == pytest.approx(0.7)
    assert erlang_c(np.array([2]), np.array([1.0]))[0] == pytest.approx(1 / 3)
    # c = 3, a = 2: (a^3/3! * 3/(3-2)) / (1 + 2 + 2 + 4) = 4/9
    assert erlang_c(np.array([3]), np.array([2.0]))[0] == pytest.approx(4 / 9)


def test_default_end_is_last_full_month():
    assert default_end(dt.date(2026, 11, 22)) == "2026-10"
    assert default_end(dt.date(2027, 1, 1)) == "2026-12"
