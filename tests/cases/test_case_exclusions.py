"""Rows left out of a rate, counted and stated (tiny township plus a few faulty rows)."""

import csv

import pytest

from cockpit.cases.exclusions import EXCLUSION_RULES, exclusions
from cockpit.values.case_filter import CaseFilter
from cockpit.store.schema import table
from cockpit.store import Store, build_database
from cockpit.store.case_queries import EXCLUSION_COLUMNS
from tests.tiny_township import write_tiny_township

A, B = "350781105001", "350781105002"

# id, village, category, received, acknowledged, due, closed, status, resolved, satisfaction
FAULTY = [
    # acknowledged an hour before it was received; rated 7 (outside 1-5)
    ("9", A, "c1", "2026-10-06 09:00:00", "2026-10-06 08:00:00", "2026-10-11 09:00:00",
     "2026-10-08 09:00:00", "closed", "true", "7"),
    # status closed without a closure time, yet rated and flagged resolved
    ("10", B, "c2", "2026-10-07 09:00:00", "", "2026-10-17 09:00:00", "", "closed", "true", "4"),
    # a status nobody knows
    ("11", B, "c1", "2026-10-08 09:00:00", "", "2026-10-13 09:00:00", "", "pending", "", ""),
]


@pytest.fixture(scope="module")
def plain(tmp_path_factory):
    folder = write_tiny_township(tmp_path_factory.mktemp("tiny"))
    build_database(folder, folder / "db.duckdb")
    s = Store(folder / "db.duckdb")
    yield s
    s.close()


@pytest.fixture(scope="module")
def faulty(tmp_path_factory):
    folder = write_tiny_township(tmp_path_factory.mktemp("faulty"))
    columns = table("cases").column_names
    with open(folder / "cases.csv", "a", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=columns)
        for i, v, c, r, a, d, cl, st, res, sat in FAULTY:
            writer.writerow({c_: "" for c_ in columns} | dict(
                case_id=i, village_id=v, category_id=c, department_id="health_office",
                channel="hotline", received_at=r, acknowledged_at=a, due_at=d, closed_at=cl,
                status=st, resolved=res, satisfaction=sat, rated_at=cl or r))
    build_database(folder, folder / "db.duckdb")
    s = Store(folder / "db.duckdb")
    yield s
    s.close()


def test_every_reason_has_a_rule():
    assert set(EXCLUSION_RULES) == set(EXCLUSION_COLUMNS)


def test_tiny_october(plain):
    ex = exclusions(plain, "2026-10")
    # case 8 is cancelled; case 7 was closed (10-19) before it was received (10-20)
    assert dict(zip(ex["reason"], ex["rows"])) == {"cancelled": 1, "closed_before_received": 1}
    row = ex.set_index("reason").loc["closed_before_received"]
    assert row["used_in"] == "median_days_to_close, p90_days_to_close"
    assert "every count" in ex.set_index("reason").loc["cancelled", "rule"]


def test_tiny_september_and_filters(plain):
    assert exclusions(plain, "2026-09").empty
    assert len(exclusions(plain, "2026-09", nonzero=False)) == len(EXCLUSION_RULES)
    only_b = exclusions(plain, "2026-10", CaseFilter(village_ids=(B,)))
    assert dict(zip(only_b["reason"], only_b["rows"])) == {"closed_before_received": 1}


def test_each_faulty_row_is_counted_once_per_rule(faulty):
    got = faulty.case_exclusions("2026-10")
    assert got == dict(cancelled=1, closed_before_received=1, acknowledged_before_received=1,
                       rating_out_of_range=1, rated_but_not_closed=1,
                       resolution_flag_but_not_closed=1, closed_status_without_time=1,
                       unknown_status=1)


def test_faulty_rows_are_left_out_where_stated(faulty):
    t = faulty.case_counts("2026-10")
    t = t[t["village_id"].isna()].iloc[0]
    # received: 5 + cases 9, 10, 11 = 8 (still counted as received);
    # responded on time: 3 as before (9 acknowledged before receipt, 10 and 11 never)
    assert (t["received"], t["responded_on_time"]) == (8, 3)
    # closed in October: 5 + case 9 = 6; rated stays 3 (9's rating 7 is out of range)
    assert (t["closed"], t["rated"], t["satisfied"]) == (6, 3, 2)
    # case 10 ("closed" with no time) is open at the end and not closed of due
    assert (t["open_at_end"], t["due"], t["closed_of_due"]) == (4, 8, 6)
