"""Repeat appeals on the tiny township (hand-worked groups) and on the sample."""

import hashlib

import pandas as pd
import pytest

from cockpit.values.case_filter import CaseFilter
from cockpit.cases.repeats import GROUP_COLUMNS, SALT, caller_groups, place_groups, repeats
from cockpit.store import Store, build_database
from tests.tiny_township import write_tiny_township

A, B = "350781105001", "350781105002"


def test_caller_groups_october(store):
    g = caller_groups(store, "2026-10")
    # 张三 calls on 10-02 (1), 10-03 (2, written 138-1234-1234) and 10-28 (3); the cancelled 8
    # is left out. 李小明's calls (09-20, 09-28) end before October: not listed.
    assert len(g) == 1
    row = g.iloc[0]
    assert row["case_ids"] == ("1", "2", "3") and row["count"] == 3
    assert row["key"] == hashlib.sha256((SALT + "13812341234").encode()).hexdigest()[:12]
    assert row["villages"] == (A,) and row["categories"] == ("c1", "c2")
    # 3 arrives after 1 was closed (10-05): closed without being solved
    assert row["repeats_after_closure"] == 1 and row["closed_then_repeated"]
    assert (row["group_id"], row["kind"]) == ("caller-1", "caller")
    assert row["first_received"] == pd.Timestamp("2026-10-02 09:00")


def test_caller_groups_september(store):
    g = caller_groups(store, "2026-09")
    assert g["case_ids"].tolist() == [("4", "6")]
    assert g.iloc[0]["repeats_after_closure"] == 0  # 4 was never closed


def test_no_phone_number_leaves_the_store(store):
    rows = store.repeat_groups("caller", "2026-10", salt=SALT)
    text = rows.astype(str).to_string()
    assert "13812341234" not in text and "1234-1234" not in text
    assert list(rows.columns) == ["key", "case_ids", "count", "first_received", "last_received",
                                  "villages", "categories", "repeats_after_closure"]
    with pytest.raises(ValueError, match="kind must be one of"):
        store.repeat_groups("email", "2026-10")


def test_place_groups_october(store):
    g = place_groups(store, "2026-10")
    # B/c1: 4 (09-20) and 5 (10-10) at the same spot; 7 (10-20) is ~990 m away (another cell).
    # A/c1: 1 (10-02) and 3 (10-28), 3 after 1 was closed.
    assert g["case_ids"].tolist() == [("4", "5"), ("1", "3")]
    assert g["group_id"].tolist() == ["place-1", "place-2"]
    assert g["key"].tolist() == [f"{B}/c1", f"{A}/c1"]
    assert g["repeats_after_closure"].tolist() == [0, 1]


def test_place_cell_and_gap_parameters(store):
    # with 5 km cells, 7 (990 m east) shares the cell of 4 and 5; 4 and 7 are 30 days apart
    wide = place_groups(store, "2026-10", metres=5000)
    assert ("4", "5", "7") in wide["case_ids"].tolist()
    short = place_groups(store, "2026-10", days=25)
    assert short["case_ids"].tolist() == [("4", "5")]  # 1 and 3 are 26 days apart
    assert caller_groups(store, "2026-10", days=25)["case_ids"].tolist() == [("1", "2", "3")]


def test_filters_and_combined_frame(store):
    assert place_groups(store, "2026-10", CaseFilter(village_ids=(A,)))["case_ids"].tolist() == [("1", "3")]
    both = repeats(store, "2026-10")
    assert list(both.columns) == list(GROUP_COLUMNS)
    assert both["kind"].tolist() == ["caller", "place", "place"]
    assert repeats(store, "2025-01").empty


def test_sample_repeats_are_grouped(sample_db):
    s = Store(sample_db)
    g = repeats(s, "2026-10")
    assert len(g) > 0 and set(g["kind"]) <= {"caller", "place"}
    assert (g["count"] >= 2).all()
    assert all(len(ids) == n for ids, n in zip(g["case_ids"], g["count"]))
    assert (g["last_received"] >= pd.Timestamp("2026-10-01")).all()
    s.close()


def test_cases_without_coordinates_group_by_village_and_category(tmp_path):
    folder = write_tiny_township(tmp_path / "tiny")
    text = (folder / "cases.csv").read_text(encoding="utf-8").splitlines()
    for i, line in enumerate(text):
        cells = line.split(",")
        if cells[0] in ("5", "7"):  # B/c1 on 10-10 and 10-20: drop their coordinates
            cells[13] = cells[14] = ""
            text[i] = ",".join(cells)
    (folder / "cases.csv").write_text("\n".join(text) + "\n", encoding="utf-8")
    build_database(folder, folder / "db.duckdb")
    s = Store(folder / "db.duckdb")
    assert place_groups(s, "2026-10")["case_ids"].tolist() == [("1", "3"), ("5", "7")]
    s.close()


@pytest.mark.parametrize("limit", [1, 2, 5, 200])
def test_summary_is_the_most_telling_of_all_groups(sample_db, limit):
    from cockpit.cases.repeats import most_telling, repeat_summary

    s = Store(sample_db)
    for period, filt in (("2026-10", None), ("2026-09", CaseFilter(channels=("hotline",))), ("2025-01", None)):
        everything = repeats(s, period, filt)
        summary = repeat_summary(s, period, filt, limit=limit)
        assert summary.total == len(everything)
        assert summary.came_back == int(everything["closed_then_repeated"].sum())
        expected = most_telling(everything, limit)
        assert list(summary.groups.columns) == list(GROUP_COLUMNS)
        pd.testing.assert_frame_equal(summary.groups.astype(str), expected.astype(str))
    s.close()
