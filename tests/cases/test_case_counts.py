"""Case counts with filters, by department, department × village and month, on the tiny township.

Tiny township (tests/tiny_township.py), October 2026, hand-computed. Cases (village, category,
department, channel): 1 A c1 health hotline, 2 A c2 net hotline, 3 A c1 health hotline (open),
4 B c1 health hotline (open since September, due 09-25), 5 B c1 health app, 6 B c2 net hotline,
7 B c1 health grid (closed before received), 8 A c1 cancelled (in no count).
"""

import math

import pandas as pd
import pytest

from cockpit.values.case_filter import CaseFilter, Period
from cockpit.store.case_sql import COUNT_COLUMNS

A, B = "350781105001", "350781105002"
ADDITIVE = [c for c in COUNT_COLUMNS if "days" not in c]


def _total(df):
    return df[df.iloc[:, 0].isna()].iloc[0]


def test_cancelled_case_is_in_no_count(store):
    t = _total(store.case_counts("2026-10"))
    # without case 8 (A, received 10-05, due 10-10, never closed): received 5, due 5, open 2
    assert (t["received"], t["due"], t["closed_of_due"], t["open_at_end"]) == (5, 5, 5, 2)


def test_channel_filter(store):
    t = _total(store.case_counts("2026-10", CaseFilter(channels=("hotline",))))
    # hotline cases 1, 2, 3, 4, 6. received in Oct: 1, 2, 3; responded on time: 1 only
    # (2 acknowledged after 3 h against 2 h, 3 never); due in Oct: 1, 2, 6; closed on time: 1
    # (2 closed 10-20 > 10-13, 6 closed 10-09 > 10-08); closed in Oct: 1, 2, 6, rated 5, 2, 4;
    # open at the end: 3, 4; overdue: 4 (due 09-25)
    expected = dict(received=3, responded_on_time=1, due=3, closed_of_due=3, on_time_of_due=1,
                    closed=3, rated=3, satisfied=2, resolution_flagged=3, resolved=2,
                    open_at_end=2, overdue_at_end=1)
    assert {k: int(t[k]) for k in expected} == expected
    # days to close of 1, 2, 6: 3, 17, 11 -> median 11; p90 = 11 + 0.8 × (17 − 11) = 15.8
    assert t["median_days_to_close"] == pytest.approx(11.0)
    assert t["p90_days_to_close"] == pytest.approx(15.8)


def test_village_filter_keeps_only_those_villages(store):
    df = store.case_counts("2026-10", CaseFilter(village_ids=(B,)))
    assert list(df["village_id"].fillna("total")) == [B, "total"]
    b, t = df.iloc[0], df.iloc[1]
    assert all(b[c] == t[c] for c in ADDITIVE)
    assert (b["received"], b["due"], b["on_time_of_due"], b["closed"]) == (2, 3, 2, 3)


def test_domain_and_department_filters_agree(store):
    by_domain = store.case_counts("2026-10", CaseFilter(domain_ids=("digital",)))
    by_dept = store.case_counts("2026-10", CaseFilter(department_ids=("net_office",)))
    pd.testing.assert_frame_equal(by_domain, by_dept)
    t = _total(by_domain)
    # cases 2 (A) and 6 (B): received 1 (2), due 2 (10-13, 10-08), none on time, both closed in Oct
    assert (t["received"], t["due"], t["on_time_of_due"], t["closed"], t["satisfied"]) == (1, 2, 0, 2, 1)
    assert _total(store.case_counts("2026-10", CaseFilter(category_ids=("c2",))))["due"] == 2


def test_filter_matching_nothing_gives_zeros(store):
    t = _total(store.case_counts("2026-10", CaseFilter(channels=("visit",))))
    assert all(t[c] == 0 for c in ADDITIVE) and math.isnan(t["median_days_to_close"])


def test_counts_by_department(store):
    df = store.case_counts_by_department("2026-10").set_index("department_id", drop=False)
    assert list(df["department_id"].fillna("total")) == ["health_office", "net_office", "total"]
    h, n = df.loc["health_office"], df.loc["net_office"]
    # health: cases 1, 3, 4, 5, 7 -> received 1, 3, 5, 7; due 1, 5, 7; all on time
    assert (h["received"], h["due"], h["on_time_of_due"], h["open_at_end"], h["overdue_at_end"]) == (4, 3, 3, 2, 1)
    assert (n["received"], n["due"], n["on_time_of_due"]) == (1, 2, 0)


def test_department_village_matrix_cells(store):
    cells = store.case_counts_matrix("2026-10").set_index(["department_id", "village_id"])
    assert list(cells.index) == [("health_office", A), ("health_office", B),
                                 ("net_office", A), ("net_office", B)]
    cell = lambda d, v: tuple(int(cells.loc[(d, v), k]) for k in  # noqa: E731
                              ("received", "due", "on_time_of_due", "open_at_end", "overdue_at_end"))
    assert cell("health_office", A) == (2, 1, 1, 1, 0)   # 1 and 3 (open, due 11-02)
    assert cell("net_office", A) == (1, 1, 0, 0, 0)      # 2, closed late
    assert cell("health_office", B) == (2, 2, 2, 1, 1)   # 5, 7; 4 open and overdue
    assert cell("net_office", B) == (0, 1, 0, 0, 0)      # 6, received in September
    total = _total(store.case_counts("2026-10"))
    for col in ADDITIVE:
        assert cells[col].sum() == total[col], col


def test_range_period_counts(store):
    t = _total(store.case_counts(("2026-09", "2026-10")))
    # received Sep-Oct: 1-7 = 7; due: 1, 2, 4, 5, 6, 7 (3 due in Nov) = 6; on time: 1, 5, 7
    assert (t["received"], t["due"], t["on_time_of_due"], t["open_at_end"]) == (7, 6, 3, 2)
    assert _total(store.case_counts(Period("2026-09", "2026-10")))["received"] == 7


def test_monthly_counts_with_filter_equal_window_counts(store):
    for filt in (None, CaseFilter(channels=("hotline",)), CaseFilter(village_ids=(B,))):
        by_month = store.case_counts_by_period(filt).set_index("period")
        assert list(by_month.index) == ["2026-09", "2026-10"]
        for period in by_month.index:
            t = _total(store.case_counts(period, filt))
            for col in COUNT_COLUMNS:
                a, b = by_month.loc[period, col], t[col]
                assert (pd.isna(a) and pd.isna(b)) or a == pytest.approx(b), (filt, period, col)


def test_monthly_counts_keep_every_month_under_a_filter(store):
    by_month = store.case_counts_by_period(CaseFilter(village_ids=(A,))).set_index("period")
    assert by_month.loc["2026-09", "received"] == 0  # A had no case in September
    assert by_month.loc["2026-10", "open_at_end"] == 1


def test_monthly_counts_without_days(store):
    full = store.case_counts_by_period()
    quick = store.case_counts_by_period(days=False)
    assert quick["median_days_to_close"].isna().all() and quick["p90_days_to_close"].isna().all()
    pd.testing.assert_frame_equal(quick.drop(columns=["median_days_to_close", "p90_days_to_close"]),
                                  full.drop(columns=["median_days_to_close", "p90_days_to_close"]))
