"""The 条块 matrix and the filter of a clicked cell (tiny township, October)."""

import math

import pytest

from cockpit.values.case_filter import CaseFilter
from cockpit.cases.matrix import cell_filter, department_village_matrix, matrix
from cockpit.cases.overdue import overdue_list

A, B = "350781105001", "350781105002"


def test_overdue_counts(store):
    m = department_village_matrix(store, "2026-10", value="overdue_at_end")
    assert m.to_dict() == {A: {"health_office": 0, "net_office": 0},
                           B: {"health_office": 1, "net_office": 0}}


def test_on_time_rate_with_fixed_axes(store):
    m = department_village_matrix(store, "2026-10", value="on_time_rate",
                                  departments=["net_office", "health_office", "other"],
                                  villages=[B, A])
    assert list(m.index) == ["net_office", "health_office", "other"] and list(m.columns) == [B, A]
    # health × A: case 1 on time of 1 due; net × A: case 2 late; health × B: 5 and 7 on time;
    # net × B: case 6 late; 'other' has no cases: NaN
    assert m.loc["health_office", A] == 1.0 and m.loc["net_office", A] == 0.0
    assert m.loc["health_office", B] == 1.0 and m.loc["net_office", B] == 0.0
    assert math.isnan(m.loc["other", A])


def test_unknown_value_raises(store):
    with pytest.raises(ValueError, match="value must be one of"):
        matrix(store.case_counts_matrix("2026-10"), "nope")


def test_clicked_cell_filters_the_list(store):
    base = CaseFilter(channels=("hotline",))
    f = cell_filter(base, "health_office", B)
    assert f == CaseFilter(channels=("hotline",), department_ids=("health_office",), village_ids=(B,))
    assert overdue_list(store, "2026-10", f)["case_id"].tolist() == ["4"]
    assert overdue_list(store, "2026-10", cell_filter(None, "net_office", B)).empty


def test_worst_villages_by_count_and_by_rate():
    import pandas as pd

    from cockpit.cases.matrix import worst_villages

    counts = pd.DataFrame({"a": [1, 0], "b": [5, 2], "c": [0, 0], "d": [3, 4]}, index=["x", "y"])
    # column sums a=1 b=7 c=0 d=7: the two largest, in the original order
    assert list(worst_villages(counts, "overdue_at_end", 2).columns) == ["b", "d"]
    assert list(worst_villages(counts, "overdue_at_end", 2, keep=["c", "zz"]).columns) == ["b", "c", "d"]
    assert worst_villages(counts, "overdue_at_end", 4) is counts
    rates = pd.DataFrame({"a": [0.9, None], "b": [0.5, 1.0], "c": [None, None], "d": [0.2, 0.6]},
                         index=["x", "y"])
    # means a=0.9 b=0.75 d=0.4; c has nothing due and comes last
    assert list(worst_villages(rates, "on_time_rate", 2).columns) == ["b", "d"]
    assert list(worst_villages(rates, "on_time_rate", 3).columns) == ["a", "b", "d"]
    with pytest.raises(ValueError):
        worst_villages(counts, "nope", 2)
