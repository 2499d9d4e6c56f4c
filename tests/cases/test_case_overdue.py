"""The overdue list and other case lists (tiny township), masked by default."""

import pandas as pd
import pytest

from cockpit.values.case_filter import CaseFilter
from cockpit.cases.overdue import LIST_COLUMNS, case_list, overdue_list
from cockpit.text.csv_export import to_csv_bytes

A, B = "350781105001", "350781105002"


def test_october_overdue_list(store):
    df = overdue_list(store, "2026-10")
    assert list(df.columns) == list(LIST_COLUMNS)
    assert df["case_id"].tolist() == ["4"]  # the count's overdue_at_end is 1 as well
    row = df.iloc[0]
    # open since 09-20, due 09-25 09:00; to 10-01 00:00 is 5 days 15 hours, plus October's 31
    assert row["days_overdue"] == pytest.approx(5 + 15 / 24 + 31)
    assert (row["village_id"], row["department_id"], row["category_id"]) == (B, "health_office", "c1")
    assert (row["citizen_name"], row["phone"], row["address"]) == ("李**", "139****1111", "小溪镇岭头村")


def test_unmasked_only_when_allowed(store):
    row = overdue_list(store, "2026-10", allowed=True).iloc[0]
    assert (row["citizen_name"], row["phone"]) == ("李小明", "13900001111")


def test_september_and_as_of(store):
    sep = overdue_list(store, "2026-09")
    # at 10-01: case 4 (due 09-25) is overdue; case 6 (due 10-08) is open but not yet due
    assert sep["case_id"].tolist() == ["4"]
    assert sep.iloc[0]["days_overdue"] == pytest.approx(5 + 15 / 24)
    early = overdue_list(store, "2026-09", as_of=pd.Timestamp("2026-09-25 10:00").to_pydatetime())
    assert early.iloc[0]["days_overdue"] == pytest.approx(1 / 24)


def test_other_kinds_order_and_limit(store):
    opened = case_list(store, "2026-10", kind="open")
    assert opened["case_id"].tolist() == ["4", "3"]  # oldest first; cancelled 8 never listed
    assert opened.set_index("case_id")["days_overdue"].isna().tolist() == [False, True]
    received = case_list(store, "2026-10", kind="received", limit=2)
    assert received["case_id"].tolist() == ["1", "2"]
    due = case_list(store, "2026-10", CaseFilter(village_ids=(A,)), kind="due")
    assert due["case_id"].tolist() == ["1", "2"]
    with pytest.raises(ValueError, match="kind must be one of"):
        case_list(store, "2026-10", kind="late")
    with pytest.raises(ValueError, match="limit"):
        case_list(store, "2026-10", limit=-1)


def test_list_exports_masked(store):
    text = to_csv_bytes(overdue_list(store, "2026-10")).decode("utf-8-sig")
    assert "139****1111" in text and "13900001111" not in text and "李小明" not in text


def test_empty_period_gives_an_empty_list_with_the_columns(store):
    df = overdue_list(store, "2025-01")
    assert df.empty and list(df.columns) == list(LIST_COLUMNS)
